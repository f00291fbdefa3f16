"""The directory on PostgreSQL (issue 5): what postamtctl changes (a tenant added, a domain moved,
a user disabled, a password changed) applies on every running frontend within 2 seconds, without a
restart: each login reads the shared database."""

import time

import pytest

pytestmark = pytest.mark.backends("postgres")


def pass_reply(server, user: str, password: str) -> bytes:
    client = server.connect()
    assert client.command(f"USER {user}").startswith(b"+OK")
    reply = client.command(f"PASS {password}")
    client.command("QUIT")
    client.close()
    return reply


def on_every_frontend_within_2s(frontends, user, password, expected: bytes):
    deadline = time.monotonic() + 2
    for server in frontends:
        while not (reply := pass_reply(server, user, password)).startswith(expected):
            assert time.monotonic() < deadline, f"{user} on port {server.port}: {reply!r}, expected {expected!r}"
            time.sleep(0.1)


def test_postamtctl_changes_apply_on_every_running_frontend(make_postamt):
    first = make_postamt()
    frontends = [first.start(), make_postamt(share=first).start()]

    first.ctl("tenant", "add", "acme")
    first.ctl("domain", "add", "acme.test", "acme")
    first.ctl("user", "add", "dave@acme.test", "dave-1")
    on_every_frontend_within_2s(frontends, "dave@acme.test", "dave-1", b"+OK")

    first.ctl("user", "passwd", "dave@acme.test", "dave-2")
    on_every_frontend_within_2s(frontends, "dave@acme.test", "dave-1", b"-ERR [AUTH]")
    on_every_frontend_within_2s(frontends, "dave@acme.test", "dave-2", b"+OK")

    first.ctl("user", "disable", "dave@acme.test")
    on_every_frontend_within_2s(frontends, "dave@acme.test", "dave-2", b"-ERR [AUTH]")
    first.ctl("user", "enable", "dave@acme.test")
    on_every_frontend_within_2s(frontends, "dave@acme.test", "dave-2", b"+OK")

    # Moved to another tenant, the domain's logins are that tenant's users.
    first.ctl("tenant", "add", "newco")
    first.ctl("domain", "del", "acme.test")
    first.ctl("domain", "add", "acme.test", "newco")
    first.ctl("user", "add", "dave@acme.test", "dave-at-newco")
    on_every_frontend_within_2s(frontends, "dave@acme.test", "dave-2", b"-ERR [AUTH]")
    on_every_frontend_within_2s(frontends, "dave@acme.test", "dave-at-newco", b"+OK")
