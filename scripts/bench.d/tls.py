"""TLS in the benchmark (issue 4 item 9): logins over implicit TLS (POP3S,
RFC 8314) and STLS (RFC 2595), each with a full handshake every connection and
with session resumption; and a bounded flood of failing logins from another
address while normal clients log in. Both servers serve the same certificate,
ECDSA P-256, the cheapest common choice for handshakes today."""

import concurrent.futures
import subprocess

import corpus
import report
import scenarios

SERVER_NAME = "pop." + corpus.DOMAIN  # what clients send as SNI (RFC 6066 section 3)
CLIENTS = 8
SECONDS = 4
# The flood: password guesses from 127.0.0.2 (the normal clients come from 127.0.0.1), a guesser for every 4 of
# the users it aims at, for as long as the normal clients are measured. A guess unanswered after GIVE_UP seconds
# (a server that delays failures) is abandoned and tried again on a new connection, like impatient guessers do.
FLOOD_SOURCE = "127.0.0.2"
FLOOD_USERS = corpus.Users(corpus.LOGIN.first + corpus.LOGIN.count, 128)  # existing users nobody else logs in as
FLOOD_CONNECTIONS = 32
FLOOD_GIVE_UP = 5
WRONG_PASSWORD = "not-" + corpus.PASSWORD


def certificate(directory):
    """A self-signed ECDSA P-256 certificate for SERVER_NAME (and localhost); returns (certificate, key) paths."""
    crt, key = directory / "bench.crt", directory / "bench.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-days", "2", "-subj", f"/CN={SERVER_NAME}", "-addext", f"subjectAltName=DNS:{SERVER_NAME},DNS:localhost",
                    "-keyout", str(key), "-out", str(crt)], check=True, capture_output=True, timeout=60)
    key.chmod(0o644)  # Dovecot's config process reads it as its own unprivileged user
    return crt, key


def tls_login(mode: str, resume: bool):
    def run(server, context):
        port = server.tls_port if mode == "implicit" else server.port
        r = context.loadgen.run("login", port, wall=60, password=corpus.PASSWORD, concurrency=CLIENTS,
                                count=1_000_000, duration=SECONDS, tls=mode, resume="yes" if resume else "no",
                                server_name=SERVER_NAME, **corpus.LOGIN.loadgen_options())
        resumed = r["resumed"] / r["handshakes"] if r["handshakes"] else 0.0
        return scenarios._figures(r, rate=r["sessions_per_s"], p50=r["p50_ms"], p99=r["p99_ms"], resumed=resumed)
    return run


def _normal_logins(server, context):
    return context.loadgen.run("login", server.port, wall=60, password=corpus.PASSWORD, concurrency=CLIENTS,
                               count=1_000_000, duration=SECONDS, **corpus.LOGIN.loadgen_options())


def flood(server, context):
    """The normal clients' login rate during the flood over their rate just before it, on the same server."""
    alone = _normal_logins(server, context)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        guesses = pool.submit(context.loadgen.run, "flood", server.port, wall=SECONDS + FLOOD_GIVE_UP + 60,
                              password=WRONG_PASSWORD, concurrency=FLOOD_CONNECTIONS, count=1_000_000,
                              duration=SECONDS + 1, give_up=FLOOD_GIVE_UP, timeout=FLOOD_GIVE_UP + 30,
                              source=FLOOD_SOURCE, **FLOOD_USERS.loadgen_options())
        during = _normal_logins(server, context)
        attack = guesses.result()
    ratio = during["sessions_per_s"] / alone["sessions_per_s"] if alone["sessions_per_s"] else 0.0
    combined = {"failures": alone["failures"] + during["failures"] + attack["failures"],
                "first_failure": alone["first_failure"] or during["first_failure"] or attack["first_failure"]}
    return scenarios._figures(combined, ratio=ratio, rate_alone=alone["sessions_per_s"], rate_during=during["sessions_per_s"],
                             p99_during=during["p99_ms"], guesses_per_s=attack["guesses_per_s"],
                             rejected=attack["rejected"], refused=attack["refused"], abandoned=attack["abandoned"])


SCENARIOS = (
    scenarios.Scenario("pop3s-full", f"POP3S login, full handshake each, {CLIENTS} clients", tls_login("implicit", False)),
    scenarios.Scenario("pop3s-resumed", f"POP3S login, session resumed, {CLIENTS} clients", tls_login("implicit", True)),
    scenarios.Scenario("stls-full", f"STLS login, full handshake each, {CLIENTS} clients", tls_login("stls", False)),
    scenarios.Scenario("stls-resumed", f"STLS login, session resumed, {CLIENTS} clients", tls_login("stls", True)),
    scenarios.Scenario("login-flood", f"{CLIENTS} clients log in while {FLOOD_CONNECTIONS} connections from "
                       f"{FLOOD_SOURCE} guess passwords", flood),
)


def _login_rows(key, label, target):
    return (report.Row(key, "rate", f"{label}: sessions/s", target),
            report.Row(key, "p50", f"{label}: p50 latency ms"),
            report.Row(key, "p99", f"{label}: p99 latency ms"))


def _resumed_row(key, label):
    return (report.Row(key, "resumed", f"{label}: share of handshakes resumed"),)


# The target for the flood: the normal clients lose at most 10% of their login rate.
AT_MOST_10_PERCENT_LESS = report.Target(">= 0.9", lambda p, d: p >= 0.9)

ROWS = (_login_rows("pop3s-full", "POP3S login, full handshake", report.at_least_times(2))
        + _login_rows("pop3s-resumed", "POP3S login, resumed", report.at_least_times(4))
        + _resumed_row("pop3s-resumed", "POP3S login, resumed")
        + _login_rows("stls-full", "STLS login, full handshake", report.at_least_times(2))
        + _login_rows("stls-resumed", "STLS login, resumed", report.at_least_times(4))
        + _resumed_row("stls-resumed", "STLS login, resumed")
        + (report.Row("login-flood", "ratio", "login rate during a guessing flood / without", AT_MOST_10_PERCENT_LESS),
           report.Row("login-flood", "guesses_per_s", "guessing flood: guesses/s")))
