"""Several devices per user (issue 6.4, policies/README.md "Several devices"), driven with python poplib
against a real postamtd: each device sees every message until it has deleted it, the last device's
deletion (or the grace period, or removing a lost device) really deletes it, and without tracking
nothing changes."""

import poplib
import time

import pytest

from conftest import USERS, seed

pytestmark = pytest.mark.backends("sqlite", "postgres")

PASSWORD = USERS["alice@demo.test"]


def pop(server, user):
    client = poplib.POP3("127.0.0.1", server.port, timeout=30)
    client.user(user)
    client.pass_(PASSWORD)
    return client


def uidls(server, user):
    client = pop(server, user)
    try:
        return [line.split()[1] for line in client.uidl()[1]]
    finally:
        client.quit()


def stored(server):
    """The UIDLs alice's maildrop holds in the store, whatever any device has deleted."""
    shown = server.ctl("maildrop", "show", "alice@demo.test").stdout.decode().splitlines()
    return [line.split("\t")[1].encode() for line in shown[:-1]]


def delete_all(server, user):
    client = pop(server, user)
    for number in range(1, client.stat()[0] + 1):
        client.retr(number)
        client.dele(number)
    client.quit()


def wait_until(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.2)
    return condition()


def tracking_server(make_postamt, *tracking, **settings):
    server = make_postamt(**settings)
    server.ctl("device", "tracking", "demo", "on", *tracking)
    return server.start()


def test_each_device_sees_a_message_until_it_deletes_it_and_the_last_deletion_removes_it(make_postamt):
    server = tracking_server(make_postamt)
    body = seed(server, "alice@demo.test", b"Subject: once per device\r\n\r\nhello\r\n")
    message = stored(server)
    uidls(server, "alice+laptop@demo.test")  # registers the laptop

    phone = pop(server, "alice+phone@demo.test")
    assert phone.stat()[0] == 1
    assert b"\r\n".join(phone.retr(1)[1]) + b"\r\n" == body
    phone.dele(1)
    phone.quit()
    assert uidls(server, "alice+phone@demo.test") == []  # DELE+QUIT hid it from the phone only
    assert stored(server) == message

    laptop = pop(server, "alice+laptop@demo.test")
    assert [line.split()[1] for line in laptop.uidl()[1]] == message
    assert b"\r\n".join(laptop.retr(1)[1]) + b"\r\n" == body
    laptop.dele(1)
    laptop.quit()
    assert stored(server) == []  # every registered device deleted it: gone for everyone
    assert uidls(server, "alice@demo.test") == []
    assert uidls(server, "alice+phone@demo.test") == []


def test_a_message_stays_for_a_device_that_has_not_deleted_it_and_new_mail_reaches_every_device(make_postamt):
    server = tracking_server(make_postamt)
    seed(server, "alice@demo.test", b"Subject: first\r\n\r\n1\r\n")
    uidls(server, "alice+laptop@demo.test")
    delete_all(server, "alice+phone@demo.test")
    seed(server, "alice@demo.test", b"Subject: second\r\n\r\n2\r\n")
    assert len(uidls(server, "alice+phone@demo.test")) == 1
    assert len(uidls(server, "alice+laptop@demo.test")) == 2
    listed = server.ctl("device", "list", "alice@demo.test").stdout.decode()
    assert "laptop\tregistered" in listed and "phone\tregistered" in listed and "2 device(s)" in listed


def test_a_login_without_suffix_sees_the_store_as_it_is_and_deletes_for_every_device(make_postamt):
    server = tracking_server(make_postamt)
    seed(server, "alice@demo.test", b"Subject: m\r\n\r\nm\r\n")
    uidls(server, "alice+laptop@demo.test")
    delete_all(server, "alice+phone@demo.test")
    assert len(uidls(server, "alice@demo.test")) == 1  # the phone's deletion does not hide it from the plain user
    delete_all(server, "alice@demo.test")
    assert stored(server) == []
    assert uidls(server, "alice+laptop@demo.test") == []


def test_the_maildrop_lock_is_the_users_for_all_devices(make_postamt):
    server = tracking_server(make_postamt)
    phone = pop(server, "alice+phone@demo.test")
    client = poplib.POP3("127.0.0.1", server.port, timeout=30)
    client.user("alice+laptop@demo.test")
    with pytest.raises(poplib.error_proto, match=r"\[IN-USE\]"):  # RFC 1939 section 8: one session per maildrop
        client.pass_(PASSWORD)
    phone.quit()


def test_when_the_grace_period_ends_the_purge_removes_what_one_device_deleted(make_postamt):
    server = tracking_server(make_postamt, "--grace", "5s", purge__interval_seconds=1)
    seed(server, "alice@demo.test", b"Subject: m\r\n\r\nm\r\n")
    uidls(server, "alice+laptop@demo.test")
    delete_all(server, "alice+phone@demo.test")
    assert len(stored(server)) == 1  # the laptop still holds it, for now: the grace period runs 5 s
    assert wait_until(lambda: stored(server) == [], seconds=30)
    assert uidls(server, "alice+laptop@demo.test") == []


def test_removing_a_lost_device_releases_what_only_it_held(make_postamt):
    server = tracking_server(make_postamt, purge__interval_seconds=1)
    seed(server, "alice@demo.test", b"Subject: m\r\n\r\nm\r\n")
    uidls(server, "alice+laptop@demo.test")
    delete_all(server, "alice+phone@demo.test")
    time.sleep(2.5)  # a few purge rounds: the laptop holds the message
    assert len(stored(server)) == 1
    assert b"laptop" in server.ctl("device", "remove", "alice@demo.test", "laptop").stdout
    assert wait_until(lambda: stored(server) == [], seconds=30)
    assert b"1 device(s)" in server.ctl("device", "list", "alice@demo.test").stdout
    missing = server.ctl("device", "remove", "alice@demo.test", "laptop", check=False)
    assert missing.returncode == 1 and b"no device laptop" in missing.stderr


def test_without_tracking_a_suffix_is_an_unknown_user_and_dele_deletes(make_postamt):
    server = make_postamt().start()
    seed(server, "alice@demo.test", b"Subject: m\r\n\r\nm\r\n")
    client = poplib.POP3("127.0.0.1", server.port, timeout=30)
    client.user("alice+phone@demo.test")
    with pytest.raises(poplib.error_proto, match=r"\[AUTH\]"):
        client.pass_(PASSWORD)
    delete_all(server, "alice@demo.test")
    assert stored(server) == []


def test_tracking_off_again_turns_devices_back_into_unknown_users(make_postamt):
    server = tracking_server(make_postamt)
    uidls(server, "alice+phone@demo.test")
    server.ctl("device", "tracking", "demo", "off")
    time.sleep(1.2)  # frontends read the tenants' tracking once a second
    client = poplib.POP3("127.0.0.1", server.port, timeout=30)
    client.user("alice+phone@demo.test")
    with pytest.raises(poplib.error_proto, match=r"\[AUTH\]"):
        client.pass_(PASSWORD)


def test_the_separator_is_the_tenants_and_device_names_are_bounded(make_postamt):
    server = tracking_server(make_postamt, "--separator", "#")
    seed(server, "alice@demo.test", b"Subject: m\r\n\r\nm\r\n")
    assert len(uidls(server, "alice#phone@demo.test")) == 1
    for bad in ("alice#@demo.test", "alice#" + "x" * 33 + "@demo.test", "alice#a+b@demo.test"):
        client = poplib.POP3("127.0.0.1", server.port, timeout=30)
        client.user(bad)
        with pytest.raises(poplib.error_proto, match=r"\[AUTH\]"):
            client.pass_(PASSWORD)
        client.quit()
    for usage in (["demo", "on", "--separator", "@"], ["demo", "on", "--grace", "soon"], ["demo", "maybe"]):
        assert server.ctl("device", "tracking", *usage, check=False).returncode == 2, usage


def test_a_user_registers_at_most_sixteen_devices(make_postamt):
    server = tracking_server(make_postamt)
    for number in range(16):
        uidls(server, f"alice+d{number}@demo.test")
    client = poplib.POP3("127.0.0.1", server.port, timeout=30)
    client.user("alice+one-too-many@demo.test")
    with pytest.raises(poplib.error_proto, match=r"\[SYS/PERM\]"):
        client.pass_(PASSWORD)
    assert len(uidls(server, "alice+d3@demo.test")) == 0  # a known device still logs in
