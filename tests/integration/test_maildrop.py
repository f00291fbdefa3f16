"""RFC 1939 over real TCP against postamtd on each database backend:
deletions only in UPDATE, the exclusive maildrop lock, and tenant isolation."""

import hashlib
import signal
import time

import pytest

from conftest import USERS, crlf, unstuff

pytestmark = pytest.mark.backends("sqlite", "postgres")


def message(n: int) -> bytes:
    return f"From: sender@example.org\r\nSubject: message {n}\r\n\r\nbody {n}\r\n".encode()


def seed(postamt, user="alice@demo.test", count=3):
    for n in range(1, count + 1):
        postamt.deliver(user, message(n))


def stat(postamt, user="alice@demo.test"):
    client = postamt.login(user)
    reply = client.command("STAT")
    client.command("QUIT")
    return reply


def test_greeting_and_capa_in_both_states(postamt):
    client = postamt.connect()
    assert client.greeting.startswith(b"+OK")
    for state in ("AUTHORIZATION", "TRANSACTION"):
        assert client.command("CAPA") == b"+OK Capability list follows", state
        capabilities = client.multiline().split(b"\r\n")
        for expected in (b"TOP", b"UIDL", b"RESP-CODES", b"AUTH-RESP-CODE", b"PIPELINING"):
            assert expected in capabilities, (state, capabilities)
        assert any(c.startswith(b"IMPLEMENTATION ") for c in capabilities)
        if state == "AUTHORIZATION":
            assert b"USER" in capabilities
            client.command("USER alice@demo.test")
            assert client.command("PASS alice-secret").startswith(b"+OK")
    client.command("QUIT")


def test_listing_sizes_are_the_octets_retr_sends(postamt):
    seed(postamt)
    client = postamt.login()
    assert client.command("STAT") == b"+OK 3 %d" % sum(len(message(n)) for n in (1, 2, 3))
    assert client.command("LIST").startswith(b"+OK")
    listing = client.multiline().split(b"\r\n")[:-1]
    for n, line in enumerate(listing, start=1):
        number, size = line.split()
        assert int(number) == n
        assert client.command(f"RETR {n}").startswith(b"+OK")
        assert len(unstuff(client.multiline())) == int(size) == len(message(n))
    client.command("QUIT")


def test_deletions_apply_only_after_quit(postamt):
    seed(postamt)
    client = postamt.login()
    assert client.command("DELE 1").startswith(b"+OK")
    assert client.command("DELE 3").startswith(b"+OK")
    assert client.command("RETR 1").startswith(b"-ERR")
    assert client.command("STAT") == b"+OK 1 %d" % len(message(2))
    assert client.command("QUIT").startswith(b"+OK")
    assert stat(postamt) == b"+OK 1 %d" % len(message(2))


def test_rset_unmarks_and_dropped_connection_applies_nothing(postamt):
    seed(postamt)
    client = postamt.login()
    client.command("DELE 1")
    assert client.command("RSET").startswith(b"+OK")
    assert client.command("STAT").startswith(b"+OK 3 ")
    client.command("DELE 2")
    client.close()  # no QUIT: RFC 1939 section 6, no UPDATE state
    time.sleep(0.3)
    assert stat(postamt).startswith(b"+OK 3 ")


def test_uidls_are_stable_and_never_reused(postamt):
    seed(postamt, count=2)
    client = postamt.login()
    client.command("UIDL")
    first = dict(line.split() for line in client.multiline().split(b"\r\n")[:-1])
    for uidl in first.values():
        assert 1 <= len(uidl) <= 70 and all(0x21 <= c <= 0x7E for c in uidl)
    client.command("DELE 2")
    client.command("QUIT")
    postamt.deliver("alice@demo.test", message(9))
    client = postamt.login()
    client.command("UIDL")
    second = dict(line.split() for line in client.multiline().split(b"\r\n")[:-1])
    client.command("QUIT")
    assert second[b"1"] == first[b"1"]
    assert second[b"2"] not in first.values()


def test_second_session_gets_in_use_and_first_is_unaffected(postamt):
    seed(postamt, count=1)
    first = postamt.login()
    second = postamt.connect()
    second.command("USER alice@demo.test")
    reply = second.command("PASS alice-secret")
    assert reply.startswith(b"-ERR [IN-USE]"), reply
    assert first.command("STAT").startswith(b"+OK 1 ")
    assert first.command("QUIT").startswith(b"+OK")
    second.command("USER alice@demo.test")
    assert second.command("PASS alice-secret").startswith(b"+OK")
    second.command("QUIT")


def test_lock_is_released_on_drop_and_on_timeout(make_postamt):
    postamt = make_postamt(pop3__idle_timeout_seconds=2).start()
    client = postamt.login()
    client.close()
    time.sleep(0.3)
    postamt.login().command("QUIT")

    idle = postamt.login()
    assert idle.closed_by_server(timeout=10)  # RFC 1939 section 3 autologout, no response required
    postamt.login().command("QUIT")


def test_server_stop_releases_locks_and_applies_no_deletions(make_postamt):
    postamt = make_postamt()
    seed(postamt, count=2)
    postamt.start()
    client = postamt.login()
    client.command("DELE 1")
    assert postamt.stop(signal.SIGTERM) == 0
    assert client.line().startswith(b"-ERR [SYS/TEMP]")
    postamt.start()
    assert stat(postamt).startswith(b"+OK 2 ")


def test_failures_do_not_reveal_which_part_was_wrong(postamt):
    replies = set()
    for user, password in (("alice@demo.test", "wrong"), ("nobody@demo.test", "x"), ("alice@nowhere.test", "x"),
                           ("alice", "alice-secret")):
        client = postamt.connect()
        assert client.command(f"USER {user}").startswith(b"+OK")
        replies.add(client.command(f"PASS {password}"))
        client.close()
    assert len(replies) == 1, replies
    assert replies.pop().startswith(b"-ERR [AUTH]")


def test_default_domain_allows_bare_local_part(make_postamt):
    postamt = make_postamt(pop3__default_domain="demo.test").start()
    client = postamt.connect()
    client.command("USER Alice")
    assert client.command("PASS alice-secret").startswith(b"+OK")
    client.command("QUIT")


def test_tenants_cannot_reach_each_others_mail(postamt):
    secret = b"Subject: for carol only\r\n\r\ncarol's secret\r\n"
    postamt.deliver("carol@other.test", secret)
    seed(postamt, "alice@demo.test", count=1)
    alice = postamt.login("alice@demo.test")
    assert alice.command("STAT").startswith(b"+OK 1 ")
    assert alice.command("RETR 2").startswith(b"-ERR")
    alice.command("RETR 1")
    assert b"carol" not in alice.multiline()
    alice.command("DELE 1")
    alice.command("QUIT")
    carol = postamt.login("carol@other.test")
    carol.command("RETR 1")
    assert hashlib.sha256(unstuff(carol.multiline())).digest() == hashlib.sha256(crlf(secret)).digest()
    carol.command("QUIT")
    # A user of one tenant cannot log in with another tenant's domain.
    client = postamt.connect()
    client.command("USER carol@demo.test")
    assert client.command(f"PASS {USERS['carol@other.test']}").startswith(b"-ERR [AUTH]")
