"""Connection limits (issue 7 item 6): per remote IP as the connection arrives (-ERR [SYS/TEMP]), per user and IP
at login (-ERR [IN-USE], as Dovecot's mail_max_userip_connections) and per tenant at login (-ERR [SYS/TEMP]), each
with a clear text, and each place given back when its connection ends. Several loopback addresses stand for several
clients."""

import time

import pytest

from conftest import USERS
from proxy_protocol import ProxiedClient


def client_from(server, source: str) -> ProxiedClient:
    return ProxiedClient(server.port, source=source)


def try_login(client, user: str) -> bytes:
    assert client.command(f"USER {user}").startswith(b"+OK")
    return client.command(f"PASS {USERS[user]}")


def eventually(attempt, seconds: float = 15):
    """Runs attempt() until it returns something true: a place is given back once the connection's thread ends."""
    deadline = time.monotonic() + seconds
    while True:
        result = attempt()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.1)


def test_per_address_limit_at_connect(make_postamt):
    server = make_postamt(server__max_connections_per_ip=2).start()
    held = [client_from(server, "127.0.0.2"), client_from(server, "127.0.0.2")]
    assert all(c.greeting.startswith(b"+OK") for c in held)
    refused = client_from(server, "127.0.0.2")
    assert refused.greeting == b"-ERR [SYS/TEMP] Too many connections from your address, try again later."
    assert refused.closed_by_server()
    assert client_from(server, "127.0.0.3").greeting.startswith(b"+OK")
    held.pop().close()

    def admitted():
        client = client_from(server, "127.0.0.2")
        return client.greeting.startswith(b"+OK")
    assert eventually(admitted)


def test_per_user_and_address_limit_at_login(make_postamt):
    server = make_postamt(server__max_connections_per_user_ip=1).start()
    first = client_from(server, "127.0.0.2")
    assert try_login(first, "alice@demo.test").startswith(b"+OK")
    second = client_from(server, "127.0.0.2")
    reply = try_login(second, "alice@demo.test")
    assert reply.startswith(b"-ERR [IN-USE] Too many connections of this user from your address"), reply
    # The same user from another address is not refused by this limit (the maildrop lock still stands).
    other = try_login(client_from(server, "127.0.0.3"), "alice@demo.test")
    assert other.startswith(b"-ERR [IN-USE] Maildrop is locked"), other
    assert first.command("QUIT").startswith(b"+OK")

    def logged_in():
        return try_login(client_from(server, "127.0.0.2"), "alice@demo.test").startswith(b"+OK")
    assert eventually(logged_in)


def test_per_tenant_limit_at_login(make_postamt):
    server = make_postamt(server__max_connections_per_tenant=1).start()
    alice = client_from(server, "127.0.0.2")
    assert try_login(alice, "alice@demo.test").startswith(b"+OK")
    reply = try_login(client_from(server, "127.0.0.3"), "bob@demo.test")
    assert reply == b"-ERR [SYS/TEMP] Too many connections to this mail domain, try again later.", reply
    assert try_login(client_from(server, "127.0.0.3"), "carol@other.test").startswith(b"+OK")
    alice.close()  # dropped, not QUIT: the place comes back however the connection ends

    # Bob's maildrop was opened and closed again by his refused login: it is not left locked.
    def logged_in():
        return try_login(client_from(server, "127.0.0.3"), "bob@demo.test").startswith(b"+OK")
    assert eventually(logged_in)


@pytest.mark.parametrize("key", ["server__max_connections_per_ip", "server__max_connections_per_user_ip",
                                 "server__max_connections_per_tenant"])
def test_a_negative_limit_stops_postamtd_naming_the_key(make_postamt, key):
    server = make_postamt()
    server.configure(**{key: -1})
    with pytest.raises(AssertionError, match=key.replace("__", ".")):
        server.start()
