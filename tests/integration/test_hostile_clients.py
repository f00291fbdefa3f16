"""Hostile input over real TCP: every case gets -ERR or a close, memory stays
bounded, other sessions keep being served, and the server keeps serving."""

import threading
import time

from conftest import SANITIZED, Client


def still_serving(postamt):
    client = postamt.login("bob@demo.test")
    assert client.command("NOOP") == b"+OK"
    client.command("QUIT")


def test_command_line_over_255_octets_is_refused(postamt):
    client = postamt.connect()
    # 253 + CRLF = 255 octets is the limit (RFC 2449 section 4); one more is too long.
    assert not client.command("NOOP " + "x" * 248).startswith(b"-ERR Line")
    assert client.command("NOOP " + "x" * 249).startswith(b"-ERR")
    assert client.command("CAPA").startswith(b"+OK")
    client.multiline()
    still_serving(postamt)


def test_megabyte_line_without_newline_neither_grows_memory_nor_stalls_others(memory_honest, make_postamt):
    postamt = make_postamt().start()
    hostile = postamt.connect()
    baseline = postamt.rss_kib()
    stop = threading.Event()

    def flood():
        chunk = b"A" * 65536
        try:
            for _ in range(16 * 8):  # 8 MiB, no newline; bounded in count
                if stop.is_set():
                    return
                hostile.send(chunk)
        except OSError:
            pass

    flooder = threading.Thread(target=flood)
    flooder.start()
    try:
        for _ in range(5):
            still_serving(postamt)
    finally:
        flooder.join(timeout=60)
        stop.set()
    growth = postamt.rss_kib() - baseline
    if not SANITIZED:
        assert growth < 4096, f"RSS grew by {growth} KiB while a client sent 8 MiB without a newline"
    hostile.send(b"\r\n")
    assert hostile.line().startswith(b"-ERR")
    assert hostile.command("CAPA").startswith(b"+OK")  # the session itself survives its over-long line
    hostile.close()
    assert postamt.stop() == 0  # under ASan, LeakSanitizer fails the exit for any leak


def test_nul_bytes_and_bad_arguments_get_err(postamt):
    postamt.deliver("alice@demo.test", b"Subject: x\r\n\r\nx\r\n")
    client = postamt.login()
    client.send(b"NO\x00OP\r\n")
    assert client.line().startswith(b"-ERR")
    client.command("QUIT")
    # A fresh session per argument: each one's bad commands stay below the limit of 20.
    for argument in ("0", "-1", "99999999999999999999", "abc", "2", "1 2"):
        client = postamt.login()
        for command in ("RETR {}", "LIST {}", "DELE {}", "UIDL {}", "TOP {} 0"):
            assert client.command(command.format(argument)).startswith(b"-ERR"), (command, argument)
        assert client.command("STAT").startswith(b"+OK 1 ")
        client.command("QUIT")
    client = postamt.login()
    assert client.command("TOP 1 abc").startswith(b"-ERR")
    assert client.command("TOP 1 99999999999999999999").startswith(b"-ERR")
    assert client.command("TOP 1 0").startswith(b"+OK")
    client.multiline()
    client.command("QUIT")
    still_serving(postamt)


def test_twenty_bad_commands_close_the_session(postamt):
    client = postamt.connect()
    for n in range(19):
        assert client.command(f"BOGUS{n}").startswith(b"-ERR")
    client.send(b"BOGUS\r\n")
    assert client.closed_by_server(timeout=10)
    assert b"-ERR" in client.buffer
    still_serving(postamt)


def test_idle_timers_close_sessions_before_and_after_login(make_postamt):
    postamt = make_postamt(pop3__login_timeout_seconds=1, pop3__idle_timeout_seconds=3).start()
    before_login = postamt.connect()
    started = time.monotonic()
    assert before_login.closed_by_server(timeout=10)
    assert time.monotonic() - started < 2.5
    after_login = postamt.login()
    started = time.monotonic()
    assert after_login.closed_by_server(timeout=10)
    assert 2.5 <= time.monotonic() - started < 6
    still_serving(postamt)


def test_many_idle_connections_do_not_stop_service(postamt):
    idle = [postamt.connect() for _ in range(200)]
    still_serving(postamt)
    for client in idle:
        client.close()
