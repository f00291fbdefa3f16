"""Brute-force defence (issue 4 item 7) on a real postamtd: failures from an address are answered later and later,
a repeated wrong password costs nothing more, other addresses are not slowed, a client over the limit gets
-ERR [SYS/TEMP] and is disconnected, a client hanging up during its penalty frees its thread, and every failure
leaves one line that the shipped fail2ban filter matches, with no secret in it.

Delays are measured as lower bounds, which a loaded machine cannot break; the few upper bounds keep a margin of
several times what they guard against."""

import base64
import pathlib
import re
import socket
import subprocess
import threading
import time

from conftest import USERS

ALICE = "alice@demo.test"
FILTER = pathlib.Path(__file__).resolve().parents[2] / "core/etc/fail2ban/filter.d/postamt.conf"
AUTH_FAILED = b"-ERR [AUTH] Authentication failed."
LOCKED_OUT = b"-ERR [SYS/TEMP] Too many failed logins, try again later."


def defended(make_postamt, delay_ms=1000, max_ms=4000, per_ip=0, per_user=0, **settings):
    return make_postamt(pop3__auth_failure_delay_ms=delay_ms, pop3__auth_failure_delay_max_ms=max_ms,
                        pop3__auth_max_failures_per_ip=per_ip, pop3__auth_max_failures_per_user=per_user,
                        **settings).start()


def timed_failure(client, password, user=ALICE):
    assert client.command(f"USER {user}").startswith(b"+OK")
    started = time.monotonic()
    reply = client.command(f"PASS {password}")
    return reply, time.monotonic() - started


def test_each_further_failure_from_an_address_waits_twice_as_long(make_postamt):
    server = defended(make_postamt)
    client = server.connect()
    first, first_took = timed_failure(client, "wrong-1")
    second, second_took = timed_failure(client, "wrong-2")
    assert first == second == AUTH_FAILED
    assert first_took >= 0.9, first_took
    assert second_took >= 1.9, second_took
    assert second_took > first_took
    # The delay belongs to the address, not the connection.
    third, third_took = timed_failure(server.connect(), "wrong-3")
    assert third == AUTH_FAILED and third_took >= 3.9, third_took


def test_a_repeated_wrong_password_does_not_raise_the_delay(make_postamt):
    server = defended(make_postamt)
    _, first_took = timed_failure(server.connect(), "old password")
    # A second device with the same stale password: the same delay again, not twice it.
    reply, again_took = timed_failure(server.connect(), "old password")
    assert reply == AUTH_FAILED
    assert first_took >= 0.9 and again_took >= 0.9, (first_took, again_took)
    assert again_took < 1.9, again_took


def test_another_address_is_not_delayed_meanwhile(make_postamt):
    server = defended(make_postamt, delay_ms=1000, max_ms=8000)
    guesser = server.connect()
    for guess in ("a", "b", "c"):
        timed_failure(guesser, guess)  # 1 + 2 + 4 s; the next failure waits 8 s
    assert guesser.command(f"USER {ALICE}").startswith(b"+OK")
    guesser.send(b"PASS d\r\n")
    pending = {}
    reader = threading.Thread(target=lambda: pending.update(reply=guesser.line()))
    reader.start()
    try:
        time.sleep(0.3)  # the guess is in, its reply held
        started = time.monotonic()
        other = server.connect(source="127.0.0.2")
        assert other.command(f"USER {ALICE}").startswith(b"+OK")
        assert other.command(f"PASS {USERS[ALICE]}").startswith(b"+OK")
        took = time.monotonic() - started
        assert took < 4, took  # the held reply still has more than 7 s to go
        assert reader.is_alive(), "the guesser's reply came early"
        other.command("QUIT")
    finally:
        reader.join(timeout=30)
    assert pending["reply"] == AUTH_FAILED


def test_the_limit_per_address_answers_sys_temp_and_disconnects(make_postamt):
    server = defended(make_postamt, delay_ms=0, per_ip=3)
    client = server.connect()
    assert timed_failure(client, "a")[0] == AUTH_FAILED
    assert timed_failure(client, "b")[0] == AUTH_FAILED
    assert timed_failure(client, "c")[0] == LOCKED_OUT
    assert client.closed_by_server()
    # Locked out: even the right password is not tried, and AUTH fares no better.
    again = server.connect()
    assert timed_failure(again, USERS[ALICE])[0] == LOCKED_OUT
    assert again.closed_by_server()
    sasl = server.connect()
    plain = base64.b64encode(f"\0{ALICE}\0{USERS[ALICE]}".encode()).decode()
    assert sasl.command(f"AUTH PLAIN {plain}") == LOCKED_OUT
    # Another address is not locked out.
    other = server.connect(source="127.0.0.2")
    assert other.command(f"USER {ALICE}").startswith(b"+OK")
    assert other.command(f"PASS {USERS[ALICE]}").startswith(b"+OK")
    other.command("QUIT")


def test_the_limit_per_login_name_holds_across_addresses(make_postamt):
    server = defended(make_postamt, delay_ms=0, per_user=2)
    assert timed_failure(server.connect(source="127.0.0.2"), "a")[0] == AUTH_FAILED
    assert timed_failure(server.connect(source="127.0.0.3"), "b")[0] == LOCKED_OUT
    assert timed_failure(server.connect(source="127.0.0.4"), USERS[ALICE])[0] == LOCKED_OUT
    server.login("bob@demo.test").command("QUIT")


def test_made_up_device_names_count_towards_their_users_limit(make_postamt):
    # With device tracking, alice+anything@ logs in to alice's maildrop: each made-up device is the same account.
    server = make_postamt(pop3__auth_failure_delay_ms=0, pop3__auth_max_failures_per_ip=0, pop3__auth_max_failures_per_user=2)
    server.ctl("device", "tracking", "demo", "on")
    server.start()
    local, domain = ALICE.split("@")
    assert timed_failure(server.connect(source="127.0.0.2"), "a", user=f"{local}+dev0@{domain}")[0] == AUTH_FAILED
    assert timed_failure(server.connect(source="127.0.0.3"), "b", user=f"{local}+dev1@{domain}")[0] == LOCKED_OUT
    assert timed_failure(server.connect(source="127.0.0.4"), USERS[ALICE], user=f"{local}+dev2@{domain}")[0] == LOCKED_OUT
    assert timed_failure(server.connect(source="127.0.0.5"), USERS[ALICE])[0] == LOCKED_OUT
    server.login("bob@demo.test").command("QUIT")


def test_a_client_hanging_up_during_its_penalty_frees_its_thread(make_postamt):
    # Two connections at most: a thread held by a penalty would refuse the next client for 15 s.
    server = defended(make_postamt, delay_ms=15000, max_ms=15000, server__max_connections=2)
    for _ in range(2):
        client = server.connect()
        assert client.command(f"USER {ALICE}").startswith(b"+OK")
        client.send(b"PASS wrong\r\n")
        time.sleep(0.5)  # the failure is answered, and its reply held
        client.close()
    deadline = time.monotonic() + 5
    while True:
        client = server.connect()
        if client.greeting.startswith(b"+OK"):
            break
        assert time.monotonic() < deadline, f"the hung-up clients still hold their threads: {client.greeting!r}"
        client.close()
        time.sleep(0.1)
    client.close()


def test_a_half_closed_client_gets_no_early_answer(make_postamt):
    server = defended(make_postamt, delay_ms=15000, max_ms=15000)
    client = server.connect()
    assert client.command(f"USER {ALICE}").startswith(b"+OK")
    client.send(b"PASS wrong\r\n")
    client.sock.shutdown(socket.SHUT_WR)  # still reading: hanging up must not buy the answer sooner
    started = time.monotonic()
    assert client.closed_by_server(timeout=10)
    assert time.monotonic() - started < 5, "the hang-up waited for the 15 s penalty"
    assert AUTH_FAILED not in client.buffer


def failure_lines(server):
    return [line for line in server.log.read_text().splitlines() if "auth failed" in line]


def test_every_failure_logs_one_line_fail2ban_matches_and_no_secret(make_postamt):
    server = defended(make_postamt, delay_ms=0, per_ip=3)
    secrets = ["hunter2-wrong", "correct horse wrong", "sasl-plain-wrong"]
    client = server.connect()
    assert timed_failure(client, secrets[0])[0] == AUTH_FAILED
    assert timed_failure(client, secrets[1], user="nobody@nowhere.test")[0] == AUTH_FAILED
    plain = base64.b64encode(f"\0{ALICE}\0{secrets[2]}".encode()).decode()
    assert client.command(f"AUTH PLAIN {plain}") == LOCKED_OUT  # the third failure reaches the limit
    # Refused unchecked, and logged as a failure all the same: fail2ban sees the address keep trying.
    assert timed_failure(server.connect(), USERS[ALICE])[0] == LOCKED_OUT
    server.stop()

    lines = failure_lines(server)
    assert len(lines) == 4, lines
    pattern = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \w+ auth: auth failed remote=127\.0\.0\.1 '
                         r'tenant=(\S+) mechanism=(\S+) user="([^"]*)" reason="[^"]*"$')
    fields = [pattern.match(line).groups() if pattern.match(line) else line for line in lines]
    assert fields == [("demo", "USER", ALICE), ("-", "USER", "nobody@nowhere.test"), ("demo", "PLAIN", ALICE),
                      ("demo", "USER", ALICE)], fields
    log = server.log.read_text()
    for secret in secrets + [USERS[ALICE], plain]:
        assert secret not in log

    result = subprocess.run(["fail2ban-regex", str(server.log), str(FILTER)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    summary = re.search(r"Lines: (\d+) lines, (\d+) ignored, (\d+) matched", result.stdout)
    assert summary and int(summary.group(3)) == 4, result.stdout  # the failures, and no other line
    assert "127.0.0.1" in result.stdout


def test_the_shipped_defaults_delay_two_seconds(make_postamt):
    server = make_postamt()
    for key in ("pop3.auth_failure_delay_ms", "pop3.auth_max_failures_per_ip", "pop3.auth_max_failures_per_user"):
        del server.values[key]
    server.configure()
    server.start()
    reply, took = timed_failure(server.connect(), "wrong")
    assert reply == AUTH_FAILED
    assert took >= 1.9, took
    # The documented example says the same as the built-in defaults.
    conf = (pathlib.Path(__file__).resolve().parents[2] / "core/etc/postamtd.conf").read_text()
    for setting in ("pop3.auth_failure_delay_ms = 2000", "pop3.auth_failure_delay_max_ms = 15000",
                    "pop3.auth_max_failures_per_ip = 10", "pop3.auth_max_failures_per_user = 30",
                    "pop3.auth_failure_window_seconds = 600", "pop3.auth_failure_repeats_remembered = 5"):
        assert f"\n{setting}\n" in conf, setting
