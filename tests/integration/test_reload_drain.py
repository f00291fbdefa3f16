"""Issue 7.7: SIGHUP rereads the config without dropping sessions; SIGTERM drains: listeners close at once,
sessions may finish (a QUIT still commits, RFC 1939 section 6) up to server.drain_timeout, then the rest close
without applying their deletions, and postamtd exits 0."""

import signal
import socket
import sqlite3
import time

import pytest

from conftest import Client, seed
from oplog import wait_for_log, wait_for_session_end

ALICE = "alice@demo.test"
MESSAGE = b"Subject: keep or not\r\n\r\nbody\r\n"


def stat(server, user=ALICE, password=None) -> bytes:
    client = server.login(user, password)
    reply = client.command("STAT")
    assert client.command("QUIT").startswith(b"+OK")
    return reply


def refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
        return False
    except ConnectionRefusedError:
        return True


def reload(server, **settings):
    """Rewrites the config with `settings` and sends SIGHUP; returns once postamtd logged the outcome."""
    before = server.log.read_text().count("config ")
    server.configure(**settings)
    server.process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 30
    while server.log.read_text().count("config ") == before:
        assert time.monotonic() < deadline, server.log.read_text()
        time.sleep(0.05)
    time.sleep(0.1)  # the lines a reload logs after the first


def test_the_login_defence_outlives_a_reload(make_postamt):
    # Issue 4.7: a reload must not give a guesser a fresh start, nor switch the lockout off.
    server = make_postamt(pop3__auth_failure_delay_ms=0, pop3__auth_max_failures_per_ip=2).start()
    client = server.connect()
    assert client.command(f"USER {ALICE}").startswith(b"+OK")
    assert client.command("PASS wrong-1").startswith(b"-ERR [AUTH]")
    reload(server, pop3__login_timeout_seconds="20")
    again = server.connect()
    assert again.command(f"USER {ALICE}").startswith(b"+OK")
    assert again.command("PASS wrong-2").startswith(b"-ERR [SYS/TEMP]")


def test_sighup_keeps_an_authenticated_session_and_its_quit_commits(postamt):
    seed(postamt, ALICE, MESSAGE)
    client = postamt.login()
    assert client.command("DELE 1").startswith(b"+OK")
    reload(postamt, pop3__login_timeout_seconds="5")
    wait_for_log(postamt, "config reloaded")
    assert client.command("STAT") == b"+OK 0 0"
    assert client.command("QUIT").startswith(b"+OK")
    assert stat(postamt) == b"+OK 0 0"


def test_sighup_applies_a_new_timeout_to_the_next_session_only(postamt):
    before = postamt.connect()
    reload(postamt, pop3__login_timeout_seconds="1")
    after = postamt.connect()
    assert after.closed_by_server(timeout=20)
    # The session that began before the reload keeps its 30 s: still open well past the new 1 s.
    assert before.command("CAPA").startswith(b"+OK")


def test_sighup_applies_new_trusted_networks(postamt):
    assert postamt.connect().command("USER alice@demo.test").startswith(b"+OK")
    reload(postamt, pop3__trusted_networks="192.0.2.0/24")
    assert b"TLS is required" in postamt.connect().command("USER alice@demo.test")


def test_sighup_switches_the_log_format(postamt):
    reload(postamt, log__format="json")
    client = postamt.login()
    assert client.command("QUIT").startswith(b"+OK")
    end = wait_for_session_end(postamt, user=ALICE)
    assert end["level"] == "information"  # a JSON member: the kv lines have no "level" field


def test_sighup_gives_new_sessions_new_plugin_instances_while_a_running_one_keeps_its_own(postamt):
    seed(postamt, ALICE, MESSAGE)
    running = postamt.login()  # holds the maildrop of the first store instance, found through the first auth instance
    # auth.main now reads another copy of the users, in which alice has another password.
    copy = postamt.directory / "users-copy.db"
    with sqlite3.connect(postamt.values["directory.connect"]) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    with sqlite3.connect(copy) as db:
        db.execute("UPDATE users SET password = '{PLAIN}changed-secret' WHERE address = ?", (ALICE,))
    reload(postamt, auth__main__connect=str(copy))
    wait_for_log(postamt, "plugin instances rebuilt")
    assert running.command("RETR 1").startswith(b"+OK")
    running.multiline()
    assert running.command("DELE 1").startswith(b"+OK")
    assert running.command("QUIT").startswith(b"+OK")
    assert stat(postamt, password="changed-secret") == b"+OK 0 0"
    client = postamt.connect()
    assert client.command(f"USER {ALICE}").startswith(b"+OK")
    assert client.command("PASS alice-secret").startswith(b"-ERR [AUTH]")


def test_sighup_with_a_bad_instance_setting_keeps_the_running_instances(postamt):
    reload(postamt, store__main__lock_lease_seconds="-3")
    wait_for_log(postamt, "config not reloaded")
    assert stat(postamt).startswith(b"+OK")


def test_sighup_with_a_broken_config_keeps_the_running_one(postamt):
    reload(postamt, pop3__login_timeout_seconds="-5")
    line = wait_for_log(postamt, "config not reloaded")
    assert "pop3.login_timeout_seconds" in line
    assert postamt.process.poll() is None
    client = postamt.connect()
    time.sleep(2)
    assert client.command("CAPA").startswith(b"+OK")  # the old 30 s login timeout, not the refused value
    assert stat(postamt).startswith(b"+OK")


def test_sighup_names_changes_that_need_a_restart_and_leaves_them(postamt):
    old_port = postamt.port
    reload(postamt, listener__pop3__address="127.0.0.1:1", store__main__plugin="store-postgres")
    assert "key=listener.pop3.address" in wait_for_log(postamt, "config change needs restart key=listener")
    wait_for_log(postamt, "config change needs restart key=store.main.plugin")
    assert Client(old_port).command("CAPA").startswith(b"+OK")


def test_sigterm_refuses_new_connects_and_lets_a_session_quit_and_commit(make_postamt):
    server = make_postamt(server__drain_timeout="60").start()
    seed(server, ALICE, MESSAGE)
    client = server.login()
    assert client.command("DELE 1").startswith(b"+OK")
    server.process.send_signal(signal.SIGTERM)
    wait_for_log(server, "draining")
    assert refused(server.port)
    assert client.command("QUIT").startswith(b"+OK")
    assert server.process.wait(timeout=30) == 0
    end = wait_for_session_end(server, user=ALICE)
    assert (end["ended"], end["deleted"]) == ("quit", "1")
    server.process = None
    server.logfile.close()
    assert server.start() and stat(server) == b"+OK 0 0"


def test_drain_timeout_closes_a_session_without_applying_its_deletions(make_postamt):
    server = make_postamt(server__drain_timeout="1").start()
    seed(server, ALICE, MESSAGE)
    client = server.login()
    assert client.command("DELE 1").startswith(b"+OK")
    server.process.send_signal(signal.SIGTERM)
    assert client.line().startswith(b"-ERR [SYS/TEMP]")
    assert client.closed_by_server(timeout=30)
    assert server.process.wait(timeout=30) == 0
    end = wait_for_session_end(server, user=ALICE)
    assert (end["ended"], end["dele"], end["deleted"]) == ("shutdown", "1", "0")
    server.process = None
    server.logfile.close()
    assert stat(server.start()).startswith(b"+OK 1 ")


def test_a_second_sigterm_ends_the_drain_at_once(make_postamt):
    server = make_postamt(server__drain_timeout="600").start()
    client = server.login()
    server.process.send_signal(signal.SIGTERM)
    wait_for_log(server, "draining")
    assert server.process.poll() is None
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=30) == 0
    assert client.closed_by_server(timeout=30)


@pytest.mark.parametrize("value", ["0", "-1"])
def test_a_bad_drain_timeout_stops_postamtd_naming_the_key(make_postamt, value):
    server = make_postamt()
    server.configure(server__drain_timeout=value)
    with pytest.raises(AssertionError, match="server.drain_timeout"):
        server.start()
