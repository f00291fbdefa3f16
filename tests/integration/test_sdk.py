"""The plugin SDK as a third-party developer uses it (issue 7): install Postamt,
build the example plugins out of tree with find_package(Postamt), install them
beside the bundled plugins, and have postamtd authenticate through one, send
events to another, and keep an audit trail through a store decorator."""

import os
import pathlib
import poplib
import json
import subprocess
import time

import pytest

from conftest import BUILD, POSTAMTD, USERS, Postamt, seed

SOURCE = pathlib.Path(os.environ.get("POSTAMT_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
EXAMPLES = SOURCE / "examples" / "plugins"
EXAMPLE_PLUGINS = ("auth-passwd-file", "events-jsonl", "store-audit")


def run(*command):
    result = subprocess.run(command, capture_output=True, timeout=300)
    assert result.returncode == 0, f"{' '.join(map(str, command))}:\n{result.stdout.decode()}{result.stderr.decode()}"


def sha512_crypt(password: str) -> str:
    """A hash as Dovecot's passwd-file holds it, made by another tool than Postamt."""
    hashed = subprocess.run(["openssl", "passwd", "-6", "-stdin"], input=password.encode(), capture_output=True,
                            check=True, timeout=30).stdout.decode().strip()
    return "{SHA512-CRYPT}" + hashed


@pytest.fixture(scope="module")
def prefix(tmp_path_factory):
    """An installed Postamt with the example plugins built against it and installed into it."""
    root = tmp_path_factory.mktemp("sdk")
    prefix = root / "prefix"
    run("cmake", "--install", str(BUILD), "--prefix", str(prefix))
    assert (prefix / "lib" / "cmake" / "Postamt" / "PostamtConfig.cmake").is_file()
    for example in EXAMPLE_PLUGINS:
        build = root / example
        run("cmake", "-S", str(EXAMPLES / example), "-B", str(build), "-G", "Ninja", f"-DCMAKE_PREFIX_PATH={prefix}")
        run("cmake", "--build", str(build))
        run("cmake", "--install", str(build), "--prefix", str(prefix))
    return prefix


@pytest.mark.parametrize("plugin", EXAMPLE_PLUGINS)
def test_an_example_plugin_exports_only_its_entry_point(prefix, plugin):
    plugin = prefix / "lib" / "postamt" / "plugins" / f"{plugin}.so"
    table = subprocess.run(["nm", "-D", "--defined-only", str(plugin)], capture_output=True, text=True, check=True,
                           timeout=30).stdout
    assert [line.split()[-1] for line in table.splitlines()] == ["postamt_plugin_entry"]


def test_postamtd_authenticates_through_an_out_of_tree_plugin(prefix, tmp_path):
    users = tmp_path / "users.passwd"
    users.write_text("# Dovecot passwd-file\n"
                     f"dora@files.test:{sha512_crypt('dora-secret')}:1000:1000::/home/dora::\n")
    server = Postamt(tmp_path, plugins__directory=prefix / "lib" / "postamt" / "plugins",
                     auth__files__plugin="auth-passwd-file", auth__files__path=users)
    server.ctl("db", "init")
    server.ctl("tenant", "add", "files", "--auth", "auth.files")
    server.ctl("domain", "add", "files.test", "files")
    server.start()
    try:
        stored = seed(server, "dora@files.test", b"Subject: from the SDK test\r\n\r\nhello\r\n")

        client = poplib.POP3("127.0.0.1", server.port, timeout=30)
        client.user("dora@files.test")
        with pytest.raises(poplib.error_proto, match=r"\[AUTH\]"):
            client.pass_("wrong")
        client = poplib.POP3("127.0.0.1", server.port, timeout=30)
        client.user("DORA@files.test")  # passwd-file users match without regard to case, as in Dovecot
        client.pass_("dora-secret")
        assert b"\r\n".join(client.retr(1)[1]) + b"\r\n" == stored
        client.quit()

        # An admin edits the file; the next login sees it without a restart.
        users.write_text(f"dora@files.test:{sha512_crypt('new-secret')}::::::\n")
        client = poplib.POP3("127.0.0.1", server.port, timeout=30)
        client.user("dora@files.test")
        client.pass_("new-secret")
        client.quit()
    finally:
        server.stop()


def wait_for_lines(path: pathlib.Path, predicate, timeout=10):
    """The subscriber writes from its own thread: wait until the file says enough."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
        if predicate(lines):
            return lines
        time.sleep(0.05)
    raise AssertionError(f"events never satisfied the test: {path.read_text() if path.exists() else 'no file'}")


def test_an_events_plugin_hears_every_step_of_a_session_in_order(prefix, tmp_path):
    events = tmp_path / "events.jsonl"
    server = Postamt(tmp_path, plugins__directory=prefix / "lib" / "postamt" / "plugins",
                     events__audit__plugin="events-jsonl", events__audit__path=events)
    server.seed_directory()
    server.start()
    try:
        first = seed(server, "alice@demo.test", b"Subject: one\r\n\r\nfirst\r\n")
        second = seed(server, "alice@demo.test", b"Subject: two\r\n\r\nsecond\r\n")

        client = poplib.POP3("127.0.0.1", server.port, timeout=30)
        client.user("alice@demo.test")
        with pytest.raises(poplib.error_proto):
            client.pass_("not-alices-password")
        client = poplib.POP3("127.0.0.1", server.port, timeout=30)
        client.user("alice@demo.test")
        client.pass_("alice-secret")
        uidls = [line.split()[1].decode() for line in client.uidl()[1]]
        client.retr(1)
        client.top(2, 0)
        client.dele(1)
        client.quit()
    finally:
        lines = wait_for_lines(events, lambda lines: sum(e["event"] == "connection-closed" for e in lines) >= 5)
        server.stop()

    delivered = [e for e in lines if e["event"] == "message-delivered"]
    assert [(e["user"], e["octets"]) for e in delivered] == [("alice@demo.test", len(first)),
                                                              ("alice@demo.test", len(second))]
    assert all(e["listener"] == "lmtp" for e in delivered)

    pop3_sessions = {}
    for event in lines:
        if event["listener"] == "pop3":
            pop3_sessions.setdefault(event["session"], []).append(event)
    # The fixture's readiness probe connects and hangs up: opened and closed, nothing between.
    talked = [events for events in pop3_sessions.values() if len(events) > 2]
    failed, logged_in = sorted(talked, key=lambda events: events[0]["time_usec"])
    assert [e["event"] for e in failed] == ["connection-opened", "auth-failed", "connection-closed"]
    assert failed[1]["tenant"] == "demo" and failed[1]["user"] == "alice@demo.test"
    assert [e["event"] for e in logged_in] == ["connection-opened", "auth-succeeded", "maildrop-opened",
                                               "message-retrieved", "message-retrieved", "message-deleted",
                                               "update-committed", "connection-closed"]
    opened, retr, top, deleted, committed = logged_in[2:7]
    assert (opened["count"], opened["octets"]) == (2, len(first) + len(second))
    assert (retr["uidl"], retr["octets"]) == (uidls[0], len(first))
    assert top["uidl"] == uidls[1] and 0 < top["octets"] <= len(second)
    assert (deleted["uidl"], deleted["octets"]) == (uidls[0], len(first))
    assert (committed["count"], committed["octets"]) == (1, len(first))
    assert all(e["remote"] == "127.0.0.1" and e["tls"] is False for e in logged_in)
    assert "secret" not in events.read_text()


def audit_trail(path: pathlib.Path):
    """store-audit's lines: "<time> <event> tenant=.. address=.. uidl=.. size=..", as dicts."""
    lines = path.read_text().splitlines() if path.exists() else []
    return [{"event": line.split()[1], **dict(field.split("=", 1) for field in line.split()[2:])} for line in lines]


def audited_server(prefix, tmp_path, audit, **settings):
    """Tenant demo on store.audited (store-audit wrapping store.main), tenant other on store.main itself."""
    server = Postamt(tmp_path, plugins__directory=prefix / "lib" / "postamt" / "plugins",
                     store__audited__plugin="store-audit", store__audited__wraps="main", store__audited__path=audit,
                     **settings)
    server.ctl("db", "init")
    server.ctl("tenant", "add", "demo", "--store", "store.audited")
    server.ctl("domain", "add", "demo.test", "demo")
    server.ctl("tenant", "add", "other")
    server.ctl("domain", "add", "other.test", "other")
    for user, password in USERS.items():
        server.ctl("user", "add", user, input=password.encode() + b"\n")
    return server


def test_a_store_decorator_keeps_an_audit_trail_the_store_knows_nothing_about(prefix, tmp_path):
    audit = tmp_path / "audit.log"
    server = audited_server(prefix, tmp_path, audit)
    server.start()
    try:
        first = seed(server, "alice@demo.test", b"Subject: one\r\n\r\nfirst\r\n")
        second = seed(server, "alice@demo.test", b"Subject: two\r\n\r\nsecond, longer\r\n")
        beside = seed(server, "carol@other.test", b"Subject: not audited\r\n\r\nplain store\r\n")

        # Through the decorator, POP3 sees exactly what LMTP delivered, as it would without it.
        client = poplib.POP3("127.0.0.1", server.port, timeout=30)
        client.user("alice@demo.test")
        client.pass_("alice-secret")
        assert client.stat() == (2, len(first) + len(second))
        uidls = [line.split()[1].decode() for line in client.uidl()[1]]
        assert b"\r\n".join(client.retr(1)[1]) + b"\r\n" == first
        assert b"\r\n".join(client.retr(2)[1]) + b"\r\n" == second
        client.dele(1)
        client.quit()

        client = poplib.POP3("127.0.0.1", server.port, timeout=30)
        client.user("alice@demo.test")
        client.pass_("alice-secret")
        assert [line.split()[1].decode() for line in client.uidl()[1]] == [uidls[1]]
        assert b"\r\n".join(client.retr(1)[1]) + b"\r\n" == second
        client.quit()

        # The store it wraps serves tenants directly too, and the trail hears nothing of them.
        client = poplib.POP3("127.0.0.1", server.port, timeout=30)
        client.user("carol@other.test")
        client.pass_("carol-secret")
        assert b"\r\n".join(client.retr(1)[1]) + b"\r\n" == beside
        client.dele(1)
        client.quit()
    finally:
        server.stop()

    demo = server.sql("SELECT tenant_id FROM tenants WHERE name = 'demo'")
    assert audit_trail(audit) == [
        {"event": "delivered", "tenant": demo, "address": "alice@demo.test", "uidl": "-", "size": str(len(first))},
        {"event": "delivered", "tenant": demo, "address": "alice@demo.test", "uidl": "-", "size": str(len(second))},
        {"event": "expunged", "tenant": demo, "address": "alice@demo.test", "uidl": uidls[0], "size": str(len(first))},
    ]


def test_a_policys_rules_and_restore_reach_the_store_through_its_decorator(prefix, tmp_path):
    audit = tmp_path / "audit.log"
    server = audited_server(prefix, tmp_path, audit, policy__main__plugin="policy-lua")
    server.ctl("policy", "set", "demo", str(SOURCE / "policies" / "examples" / "keep-on-server.lua"))
    server.start()
    try:
        time.sleep(1.2)  # the running server notices the new policy
        first = seed(server, "alice@demo.test", b"Subject: first\r\n\r\none\r\n")
        seed(server, "alice@demo.test", b"Subject: second\r\n\r\ntwo\r\n")
        client = poplib.POP3("127.0.0.1", server.port, timeout=30)
        client.user("alice@demo.test")
        client.pass_("alice-secret")
        uidl = client.uidl(1).split()[2].decode()
        client.dele(1)
        client.quit()

        client = poplib.POP3("127.0.0.1", server.port, timeout=30)
        client.user("alice@demo.test")
        client.pass_("alice-secret")
        assert client.stat()[0] == 1
        client.quit()
        # keep-on-server hid it, as the wrapped store does under the rules: restorable through the decorator.
        assert server.ctl("maildrop", "restore", "alice@demo.test").stdout == b"alice@demo.test: 1 message(s) restored\n"
        client = poplib.POP3("127.0.0.1", server.port, timeout=30)
        client.user("alice@demo.test")
        client.pass_("alice-secret")
        assert client.stat()[0] == 2
        assert b"\r\n".join(client.retr(1)[1]) + b"\r\n" == first
        client.quit()
    finally:
        server.stop()
    assert [(e["event"], e["uidl"]) for e in audit_trail(audit)] == [("delivered", "-"), ("delivered", "-"),
                                                                       ("expunged", uidl)]


def test_postamtd_refuses_a_store_decorator_without_wraps(prefix, tmp_path):
    audit = tmp_path / "audit.log"
    server = audited_server(prefix, tmp_path, audit)
    del server.values["store.audited.wraps"]
    server.configure()
    result = subprocess.run([str(POSTAMTD), "--config", str(server.config)], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert ("store.audited: plugin store-audit is a store decorator, so 'store.audited.wraps' must name the store "
            "instance it wraps") in result.stdout + result.stderr
