"""The production topology of docker-compose.yml without Docker (issue 5 item 9): HAProxy from Debian, run with the
same deploy/haproxy.cfg, in TCP mode with send-proxy-v2 in front of two postamtd frontends on loopback that share one
throwaway PostgreSQL database. Clients connect from 127.0.0.9, so the frontends must see that address, not HAProxy's
127.0.0.1. The Docker files themselves are only checked for form here: there is no Docker daemon in CI."""

import os
import pathlib
import shutil
import smtplib
import subprocess
import time

import pytest
import yaml

from conftest import USERS, free_port
from proxy_protocol import ProxiedClient, closed_without_a_word, connect, log_has
from test_tls import make_certificate, unverified_context

pytestmark = pytest.mark.backends("postgres")

ROOT = pathlib.Path(__file__).resolve().parents[2]
HAPROXY_CONFIG = ROOT / "deploy" / "haproxy.cfg"
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
CLIENT = "127.0.0.9"


def haproxy_environment(binds: dict, frontends: list) -> dict:
    """The addresses deploy/haproxy.cfg takes from the environment, as docker-compose.yml sets them."""
    env = dict(os.environ)
    env.update({"POP3_BIND": binds["pop3"], "POP3S_BIND": binds["pop3s"], "LMTP_BIND": binds["lmtp"]})
    for number, frontend in enumerate(frontends, start=1):
        env[f"POSTAMT{number}_POP3"] = f"127.0.0.1:{frontend.port}"
        env[f"POSTAMT{number}_POP3S"] = f"127.0.0.1:{frontend.tls_port}"
        env[f"POSTAMT{number}_LMTP"] = f"127.0.0.1:{frontend.lmtp_port}"
    return env


class HAProxy:
    """HAProxy in the foreground (-db), a child of the test, stopped by its PID."""

    def __init__(self, frontends: list, log: pathlib.Path):
        self.port, self.tls_port, self.lmtp_port = free_port(), free_port(), free_port()
        binds = {"pop3": f"127.0.0.1:{self.port}", "pop3s": f"127.0.0.1:{self.tls_port}",
                 "lmtp": f"127.0.0.1:{self.lmtp_port}"}
        self.logfile = open(log, "ab")
        self.process = subprocess.Popen([HAPROXY, "-db", "-f", str(HAPROXY_CONFIG)],
                                        env=haproxy_environment(binds, frontends), stdout=self.logfile,
                                        stderr=subprocess.STDOUT)
        # Ready once a frontend's greeting comes through each listener: HAProxy has bound them and relays (a bare
        # connect could reach another process that had the port a moment before). Probes come from 127.0.0.1, so
        # they never count against CLIENT's connection limits.
        waiting = {self.port: b"+OK", self.lmtp_port: b"220"}
        deadline = time.monotonic() + 30
        while waiting and time.monotonic() < deadline:
            assert self.process.poll() is None, f"haproxy exited with {self.process.returncode}: {log.read_text()}"
            for port, greeting in list(waiting.items()):
                try:
                    with connect(port, timeout=2) as probe:
                        if probe.recv(64).startswith(greeting):
                            del waiting[port]
                except OSError:
                    pass
            time.sleep(0.1)
        assert not waiting, f"haproxy relayed no greeting on ports {sorted(waiting)} within 30 s: {log.read_text()}"

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.logfile.close()


@pytest.fixture
def topology(make_postamt, tmp_path):
    """(haproxy, [frontend1, frontend2]): two postamtd on one database whose POP3, POP3S and LMTP listeners all take
    the PROXY protocol from 127.0.0.1 only, and HAProxy before them."""
    started = []

    def make(**settings):
        certificate, key = make_certificate(tmp_path, "default", "postamt.test")
        frontends = []
        for _ in range(2):
            tls_port = free_port()
            frontend = make_postamt(share=frontends[0] if frontends else None, tls__certificate_file=certificate,
                                    tls__key_file=key, listener__pop3s__address=f"127.0.0.1:{tls_port}",
                                    listener__pop3s__tls="implicit", **settings,
                                    **{f"listener__{name}__{option}": value for name in ("pop3", "pop3s", "lmtp")
                                       for option, value in (("proxy_protocol", "true"), ("proxy_from", "127.0.0.1"))})
            frontend.tls_port = tls_port
            frontends.append(frontend.start())
        proxy = HAProxy(frontends, tmp_path / "haproxy.log")
        started.append(proxy)
        return proxy, frontends

    yield make
    for proxy in started:
        proxy.stop()


def deliver_through(proxy: HAProxy, user: str, body: bytes):
    with smtplib.LMTP("127.0.0.1", proxy.lmtp_port, source_address=(CLIENT, 0), timeout=60) as lmtp:
        lmtp.sendmail("mta@example.test", [user], body)


def login_through(proxy: HAProxy, user="alice@demo.test"):
    client = ProxiedClient(proxy.port, source=CLIENT)
    assert client.greeting.startswith(b"+OK"), client.greeting
    assert client.command(f"USER {user}").startswith(b"+OK")
    return client, client.command(f"PASS {USERS[user]}")


def test_logins_and_retr_through_haproxy_reach_both_frontends_with_the_real_client(topology):
    proxy, frontends = topology()
    users = ["alice@demo.test", "bob@demo.test"]
    for user in users:
        deliver_through(proxy, user, f"Subject: through HAProxy\r\n\r\nhello {user}\r\n".encode())
    for user in users:  # round robin: one session on each frontend
        client, reply = login_through(proxy, user)
        assert reply.startswith(b"+OK"), reply
        assert client.command("RETR 1").startswith(b"+OK")
        assert f"hello {user}\r\n".encode() in client.multiline()
        assert client.command("QUIT").startswith(b"+OK")
    for frontend in frontends:
        assert log_has(frontend, f"remote={CLIENT} mechanism=USER"), frontend.log.read_text()
        assert "remote=127.0.0.1 mechanism" not in frontend.log.read_text(), "HAProxy's address taken for the client's"


def test_a_maildrop_in_use_on_one_frontend_is_in_use_through_the_other(topology):
    proxy, _ = topology()
    first, reply = login_through(proxy)
    assert reply.startswith(b"+OK"), reply
    second, reply = login_through(proxy)  # round robin: the other frontend
    assert reply.startswith(b"-ERR [IN-USE]"), reply
    first.command("QUIT")


def test_the_per_address_limit_counts_the_client_behind_haproxy(topology):
    # 2, not 1: HAProxy's own health checks of POP3 and POP3S (v2 LOCAL, so 127.0.0.1) may overlap on a frontend.
    proxy, _ = topology(server__max_connections_per_ip=2)
    held = [ProxiedClient(proxy.port, source=CLIENT) for _ in range(4)]  # two on each frontend, by round robin
    assert all(client.greeting.startswith(b"+OK") for client in held)
    third = ProxiedClient(proxy.port, source=CLIENT)
    assert third.greeting.startswith(b"-ERR [SYS/TEMP] Too many connections from your address"), third.greeting
    # HAProxy's own address (every connection's peer) is not what is counted.
    assert ProxiedClient(proxy.port, source="127.0.0.10").greeting.startswith(b"+OK")


def test_pop3s_through_haproxy_is_tls_end_to_end(topology):
    proxy, frontends = topology()
    with unverified_context().wrap_socket(connect(proxy.tls_port, source=CLIENT)) as tls:
        assert tls.recv(4096).startswith(b"+OK")
        tls.sendall(b"USER alice@demo.test\r\n")
        assert tls.recv(4096).startswith(b"+OK")
        tls.sendall(f"PASS {USERS['alice@demo.test']}\r\n".encode())
        assert tls.recv(4096).startswith(b"+OK")
    assert any(log_has(f, f"remote={CLIENT} mechanism=USER", seconds=5) for f in frontends)


def test_a_direct_connection_to_a_proxy_listener_from_elsewhere_is_refused(topology):
    _, frontends = topology()
    sock = connect(frontends[0].port, source=CLIENT)
    assert closed_without_a_word(sock)
    assert log_has(frontends[0], f"connection from {CLIENT} refused: not a trusted PROXY protocol sender")


def test_the_shipped_haproxy_and_compose_files_are_valid(tmp_path):
    binds = {"pop3": "127.0.0.1:110", "pop3s": "127.0.0.1:995", "lmtp": "127.0.0.1:24"}

    class Frontend:
        port, tls_port, lmtp_port = 110, 995, 24
    checked = subprocess.run([HAPROXY, "-c", "-f", str(HAPROXY_CONFIG)], env=haproxy_environment(binds, [Frontend] * 2),
                             capture_output=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "migrate", "postamt1", "postamt2", "haproxy"} <= services.keys()
    assert "db migrate" in " ".join(services["migrate"]["command"])
    for name in ("db", "postamt1", "postamt2", "haproxy"):
        assert "healthcheck" in services[name], name
    assert {"110:110", "995:995", "24:24"} <= set(services["haproxy"]["ports"])
    mounted = " ".join(services["haproxy"]["volumes"])
    assert "deploy/haproxy.cfg" in mounted
    assert (ROOT / "deploy" / "postamtd.conf").read_text().count("proxy_protocol = true") == 3
