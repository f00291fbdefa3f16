"""Issue 7.5: one structured line per session end, as Dovecot's pop3_logout_format: who, from where, how it
ended, and exact counts of what it did; key=value by default, JSON lines on request."""

import json
import smtplib
import time

import pytest

from conftest import seed
from oplog import wait_for_session_end

ALICE = "alice@demo.test"
FIRST = b"Subject: first\r\n\r\nline one\r\nline two\r\n"
SECOND = b"Subject: second\r\n\r\nthe body\r\n"


def header_of(stored: bytes) -> bytes:
    """What TOP n 0 sends of a message: its header and the blank line (RFC 1939 section 7)."""
    return stored[:stored.index(b"\r\n\r\n") + 4]


def test_quit_session_logs_exact_counts(postamt):
    first = seed(postamt, ALICE, FIRST)
    second = seed(postamt, ALICE, SECOND)
    client = postamt.login()
    assert client.command("TOP 1 0").startswith(b"+OK")
    client.multiline()
    assert client.command("RETR 2").startswith(b"+OK")
    client.multiline()
    assert client.command("DELE 1").startswith(b"+OK")
    assert client.command("QUIT").startswith(b"+OK")
    end = wait_for_session_end(postamt, user=ALICE)
    assert end["tenant"] == "demo"
    assert end["remote"] == "127.0.0.1"
    assert end["listener"] == "pop3"
    assert end["tls"] == "no"
    assert end["ended"] == "quit"
    assert (end["top"], end["top_bytes"]) == ("1", str(len(header_of(first))))
    assert (end["retr"], end["retr_bytes"]) == ("1", str(len(second)))
    assert (end["dele"], end["deleted"]) == ("1", "1")
    assert int(end["duration_ms"]) >= 0


def test_timed_out_session_logs_timeout_and_deletes_nothing(make_postamt):
    server = make_postamt(pop3__idle_timeout_seconds="1").start()
    seed(server, ALICE, FIRST)
    client = server.login()
    assert client.command("DELE 1").startswith(b"+OK")
    assert client.closed_by_server(timeout=30)
    end = wait_for_session_end(server, user=ALICE)
    assert (end["ended"], end["dele"], end["deleted"]) == ("timeout", "1", "0")


def test_dropped_session_logs_disconnect(postamt):
    stored = seed(postamt, ALICE, FIRST)
    client = postamt.login()
    assert client.command("RETR 1").startswith(b"+OK")
    client.multiline()
    assert client.command("DELE 1").startswith(b"+OK")
    client.close()
    end = wait_for_session_end(postamt, user=ALICE)
    assert (end["ended"], end["retr"], end["retr_bytes"], end["deleted"]) == ("disconnect", "1", str(len(stored)), "0")


def test_session_without_login_names_no_user(postamt):
    client = postamt.connect()
    assert client.command("USER alice@demo.test").startswith(b"+OK")
    assert client.command("PASS wrong").startswith(b"-ERR")
    assert client.command("QUIT").startswith(b"+OK")
    end = wait_for_session_end(postamt, ended="quit")
    assert (end["user"], end["tenant"], end["retr"]) == ("", "", "0")


def test_lmtp_session_logs_deliveries_and_refusals(postamt):
    with smtplib.LMTP("127.0.0.1", postamt.lmtp_port, timeout=60) as lmtp:
        refused = lmtp.sendmail("mta@example.test", [ALICE, "nobody@demo.test"], SECOND)
        assert list(refused) == ["nobody@demo.test"]
    end = wait_for_session_end(postamt, source="lmtp", ended="quit")
    assert (end["messages"], end["delivered"], end["refused"]) == ("1", "1", "1")
    assert end["listener"] == "lmtp"


def test_json_format_lines_parse_and_carry_the_fields(make_postamt):
    server = make_postamt(log__format="json").start()
    seed(server, ALICE, FIRST)
    client = server.login()
    assert client.command("RETR 1").startswith(b"+OK")
    client.multiline()
    assert client.command("QUIT").startswith(b"+OK")
    end = wait_for_session_end(server, user=ALICE)
    assert (end["level"], end["retr"], end["ended"]) == ("information", "1", "quit")
    lines = server.log.read_text().splitlines()
    assert lines
    for line in lines:
        entry = json.loads(line)  # every line postamtd wrote, not only the session ends
        assert {"time", "level", "source", "message"} <= set(entry)


def test_bad_log_format_stops_postamtd_naming_the_key(make_postamt):
    server = make_postamt()
    server.configure(log__format="xml")
    with pytest.raises(AssertionError, match="log.format"):
        server.start()


def test_component_level_quietens_one_logger(make_postamt):
    server = make_postamt(log__level="debug", log__level__pop3="warning").start()
    client = server.login()
    assert client.command("QUIT").startswith(b"+OK")
    # Another session's end over LMTP is still logged at information, so the log is written up to here.
    seed(server, ALICE, FIRST)
    wait_for_session_end(server, source="lmtp", ended="quit")
    time.sleep(0.5)
    assert " pop3: session ended " not in server.log.read_text()
