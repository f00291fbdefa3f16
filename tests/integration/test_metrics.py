"""The operator's endpoint (issue 7): Prometheus metrics labelled by tenant and
listener, scraped over HTTP after real sessions, and the health check."""

import poplib
import re
import time
import urllib.error
import urllib.request

import pytest

from conftest import seed


def scrape(server, path="/metrics"):
    with urllib.request.urlopen(f"http://{server.values['metrics.address']}{path}", timeout=10) as response:
        return response.status, response.headers.get("Content-Type"), response.read().decode()


def sample(text: str, series: str) -> float:
    """The value of one series, `name{labels}` exactly as exposed; 0 when it is not there yet."""
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.split()[-1])
    return 0.0


def wait_for(server, series: str, value: float, timeout=10) -> str:
    """Events reach the metrics from the event bus's thread: wait until the figure is in."""
    deadline = time.monotonic() + timeout
    while True:
        text = scrape(server)[2]
        if sample(text, series) == value or time.monotonic() > deadline:
            return text
        time.sleep(0.05)


def test_metrics_count_what_sessions_did_by_tenant_and_listener(postamt):
    stored = seed(postamt, "alice@demo.test", b"Subject: counted\r\n\r\nbody\r\n")
    seed(postamt, "carol@other.test", b"Subject: other tenant\r\n\r\nbody\r\n")

    client = poplib.POP3("127.0.0.1", postamt.port, timeout=30)
    client.user("alice@demo.test")
    with pytest.raises(poplib.error_proto):
        client.pass_("wrong")
    client = poplib.POP3("127.0.0.1", postamt.port, timeout=30)
    client.user("alice@demo.test")
    client.pass_("alice-secret")
    client.retr(1)
    client.dele(1)
    client.quit()

    wait_for(postamt, 'postamt_messages_deleted_total{tenant="demo",listener="pop3"}', 1)
    # A connection is counted closed once its thread has ended, after the client heard QUIT's answer.
    text = wait_for(postamt, 'postamt_connections_active{listener="pop3"}', 0)
    assert sample(text, 'postamt_logins_total{tenant="demo",listener="pop3",result="ok"}') == 1
    assert sample(text, 'postamt_logins_total{tenant="demo",listener="pop3",result="failed"}') == 1
    assert sample(text, 'postamt_logins_total{tenant="other",listener="pop3",result="ok"}') == 0
    assert sample(text, 'postamt_messages_retrieved_total{tenant="demo",listener="pop3"}') == 1
    assert sample(text, 'postamt_retrieved_bytes_total{tenant="demo",listener="pop3"}') == len(stored)
    assert sample(text, 'postamt_messages_delivered_total{listener="lmtp"}') == 2
    assert sample(text, 'postamt_store_errors_total{tenant="demo",listener="pop3"}') == 0
    assert sample(text, 'postamt_command_duration_seconds_count{listener="pop3",command="RETR"}') == 1
    assert sample(text, 'postamt_command_duration_seconds_count{listener="lmtp",command="LHLO"}') == 2
    # Every pop3 and lmtp connection so far has ended (the fixture's readiness probe included).
    assert sample(text, 'postamt_connections_total{listener="pop3"}') == 3
    assert sample(text, 'postamt_connections_active{listener="pop3"}') == 0
    assert re.search(r'^postamt_events_dropped\{subscriber="metrics"\} 0$', text, re.M)


def test_a_live_session_is_an_active_connection(postamt):
    client = postamt.login()
    wait_for(postamt, 'postamt_connections_active{listener="pop3"}', 1)
    client.command("QUIT")
    text = wait_for(postamt, 'postamt_connections_active{listener="pop3"}', 0)
    assert sample(text, 'postamt_connections_active{listener="pop3"}') == 0


def test_the_endpoint_speaks_the_prometheus_text_format(postamt):
    status, content_type, text = scrape(postamt)
    assert status == 200
    assert content_type.startswith("text/plain; version=0.0.4")
    for line in text.splitlines():
        assert line.startswith("# HELP ") or line.startswith("# TYPE ") or re.fullmatch(
            r'[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [-+0-9.eInf]+', line), line


def test_healthz_says_the_database_answers(postamt):
    status, _, text = scrape(postamt, "/healthz")
    assert (status, text) == (200, "ok\n")
    with pytest.raises(urllib.error.HTTPError) as error:
        scrape(postamt, "/nothing-here")
    assert error.value.code == 404


def test_metrics_can_be_turned_off(make_postamt):
    on = make_postamt().start()
    assert f"metrics: http://{on.values['metrics.address']}/metrics" in on.log.read_text()
    off = make_postamt(metrics__address="").start()
    assert "metrics:" not in off.log.read_text()
    assert off.login().command("QUIT").startswith(b"+OK")  # and it serves as ever
