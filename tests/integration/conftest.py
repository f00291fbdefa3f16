"""Fixtures that start real postamtd processes on free loopback ports with a
temporary database, and talk to them over TCP.

A database backend is "sqlite" (one file: directory, auth-sql and store-sqlite) or "postgres" (a
fresh database in a throwaway cluster: directory, auth-sql and store-postgres). Tests run against
sqlite unless their module says `pytestmark = pytest.mark.backends("sqlite", "postgres")`."""

import itertools
import os
import pathlib
import signal
import smtplib
import socket
import sqlite3
import subprocess
import time

import pytest

from pg_cluster import PgCluster

BUILD = pathlib.Path(os.environ.get("POSTAMT_BUILD_DIR", pathlib.Path(__file__).resolve().parents[2] / "build"))
POSTAMTD = BUILD / "core" / "postamtd"
POSTAMTCTL = BUILD / "core" / "postamtctl"
TEST_PLUGINS = BUILD / "test-plugins"
# Under AddressSanitizer (scripts/test's second run) RSS says little about leaks: freed memory waits in a
# quarantine and every thread carries ASan's own state. LeakSanitizer does, when the server exits.
SANITIZED = POSTAMTD.exists() and b"__asan_init" in POSTAMTD.read_bytes()

# Users every server fixture gets: two tenants, so isolation can be tested.
USERS = {
    "alice@demo.test": "alice-secret",
    "bob@demo.test": "bob-secret",
    "carol@other.test": "carol-secret",
}


_HANDED_OUT = set()


def free_port():
    """A loopback port nobody listens on, and never one this test run handed out before: servers are configured
    some time before they bind, and the kernel may offer a released port again meanwhile."""
    for _ in range(1000):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port
    raise AssertionError("no fresh loopback port in 1000 tries")


def crlf(data: bytes) -> bytes:
    """What the store keeps of a message: CRLF line ends and a final CRLF (RFC 1939 section 3)."""
    data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\n", b"\r\n")
    return data if data.endswith(b"\r\n") else data + b"\r\n"


class Postamt:
    """One postamtd with its own config and port, on its own database or one it shares (`pg` and
    `conninfo` say which PostgreSQL database, else the SQLite file is directory/postamt.db)."""

    def __init__(self, directory: pathlib.Path, pg: PgCluster = None, conninfo: str = None, **settings):
        self.directory = directory
        self.backend = "postgres" if pg else "sqlite"
        self.pg = pg
        self.port = free_port()
        self.lmtp_port = free_port()
        self.config = directory / "postamtd.conf"
        self.log = directory / "postamtd.log"
        self.process = None
        values = {
            "directory.connector": "SQLite",
            "directory.connect": str(directory / "postamt.db"),
            "plugins.directory": str(BUILD / "plugins"),
            "listener.pop3.address": f"127.0.0.1:{self.port}",
            "listener.lmtp.address": f"127.0.0.1:{self.lmtp_port}",
            "listener.lmtp.protocol": "lmtp",
            "metrics.address": f"127.0.0.1:{free_port()}",
            "server.hostname": "postamt.test",
            "pop3.login_timeout_seconds": "30",
            "pop3.idle_timeout_seconds": "600",
            # Most tests fail logins on purpose: no penalty or lockout unless a test asks (test_auth_defence.py).
            "pop3.auth_failure_delay_ms": "0",
            "pop3.auth_max_failures_per_ip": "0",
            "pop3.auth_max_failures_per_user": "0",
            "log.level": "debug",
            # Tests that stop a server under open sessions want the stop, not 30 s of drain (test_reload_drain).
            "server.drain_timeout": "1",
            "store.main.plugin": "store-sqlite",
            "store.main.path": "${directory.connect}",
            "store.main.lock_lease_seconds": "900",
            "auth.main.plugin": "auth-sql",
            "auth.main.connector": "SQLite",
            "auth.main.connect": "${directory.connect}",
            "auth.main.password_scheme": "SHA512-CRYPT",
        }
        if pg:
            del values["store.main.path"]
            values.update({
                "directory.connector": "PostgreSQL",
                "directory.connect": conninfo,
                "store.main.plugin": "store-postgres",
                "store.main.connect": "${directory.connect}",
                "auth.main.connector": "PostgreSQL",
            })
        self.values = values
        self.configure(**settings)

    def configure(self, **settings):
        """Sets config keys, written `a__b__c` for `a.b.c`, and rewrites the file."""
        self.values.update({k.replace("__", "."): str(v) for k, v in settings.items()})
        self.config.write_text("".join(f"{k} = {v}\n" for k, v in self.values.items()))

    def ctl(self, *args, input=None, check=True):
        result = subprocess.run([str(POSTAMTCTL), "--config", str(self.config), *args], input=input,
                                capture_output=True, timeout=120)
        if check and result.returncode != 0:
            raise AssertionError(f"postamtctl {' '.join(args)} failed: {result.stderr.decode(errors='replace')}")
        return result

    def seed_directory(self):
        self.ctl("db", "init")
        self.ctl("tenant", "add", "demo")
        self.ctl("domain", "add", "demo.test", "demo")
        self.ctl("tenant", "add", "other")
        self.ctl("domain", "add", "other.test", "other")
        for user, password in USERS.items():
            self.ctl("user", "add", user, input=password.encode() + b"\n")

    def sql(self, statement: str) -> str:
        """Runs one statement on this server's database behind its back (to break or inspect it)."""
        if self.pg:
            database = self.values["directory.connect"].split("dbname=")[1].split()[0]
            return self.pg.psql(statement, database=database)
        with sqlite3.connect(self.values["directory.connect"]) as db:
            return "\n".join("|".join(str(v) for v in row) for row in db.execute(statement))

    def deliver(self, user: str, message: bytes):
        self.ctl("deliver", user, input=message)

    def start(self):
        self.logfile = open(self.log, "ab")
        self.process = subprocess.Popen([str(POSTAMTD), "--config", str(self.config)], stdout=self.logfile,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"postamtd exited with {self.process.returncode}:\n{self.log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise AssertionError("postamtd did not start listening within 30 s")

    def stop(self, sig=signal.SIGTERM):
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self.process = None
        self.logfile.close()
        return code

    def rss_kib(self) -> int:
        for line in pathlib.Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS")

    def connect(self, source: str = None) -> "Client":
        return Client(self.port, source=source)

    def login(self, user="alice@demo.test", password=None) -> "Client":
        client = self.connect()
        assert client.command(f"USER {user}").startswith(b"+OK")
        reply = client.command(f"PASS {password or USERS[user]}")
        assert reply.startswith(b"+OK"), reply
        return client


class Client:
    """A raw POP3 connection: what goes on the wire is exactly what the test says."""

    def __init__(self, port: int, timeout: float = 30, source: str = None):
        """`source`: another loopback address to connect from (127.0.0.2), as a second client machine."""
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                             source_address=(source, 0) if source else None)
        self.buffer = b""
        self.greeting = self.line()

    def send(self, data: bytes):
        self.sock.sendall(data)

    def line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError(f"connection closed; unread: {self.buffer!r}")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def command(self, text: str) -> bytes:
        self.send(text.encode() + b"\r\n")
        return self.line()

    def multiline(self) -> bytes:
        """The body of a multi-line response, still byte-stuffed, without the terminating '.' line."""
        lines = []
        while (line := self.line()) != b".":
            lines.append(line + b"\r\n")
        return b"".join(lines)

    def closed_by_server(self, timeout: float = 10) -> bool:
        self.sock.settimeout(timeout)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return True
                self.buffer += chunk
        except socket.timeout:
            return False
        except ConnectionResetError:
            return True

    def close(self):
        self.sock.close()


def unstuff(body: bytes) -> bytes:
    """Undoes RFC 1939 byte-stuffing of a multi-line response body."""
    return b"".join(line[1:] if line.startswith(b".") else line for line in body.splitlines(keepends=True))


SEED_SENDER = "mta@example.test"


def seed(server: Postamt, user: str, message: bytes) -> bytes:
    """Delivers a message the way mail arrives from the MTA: over LMTP (RFC 2033), in the CRLF wire
    form (RFC 5321 section 2.3.8), declared 8-bit (RFC 6152). Returns what the maildrop then holds:
    final delivery prepends Return-Path (RFC 5321 section 4.4) and, for one recipient, Delivered-To.
    The one place that picks the way in: seeding through `postamtctl deliver` instead is
    `server.deliver(user, message); return crlf(message)`."""
    with smtplib.LMTP("127.0.0.1", server.lmtp_port, timeout=60) as lmtp:
        lmtp.sendmail(SEED_SENDER, [user], crlf(message), mail_options=["BODY=8BITMIME"])
    return f"Return-Path: <{SEED_SENDER}>\r\nDelivered-To: {user}\r\n".encode() + crlf(message)


@pytest.fixture(scope="session")
def pg_cluster():
    """One throwaway PostgreSQL cluster for the whole run; tests take databases of their own in it."""
    cluster = PgCluster()
    yield cluster
    cluster.destroy()


def pytest_configure(config):
    config.addinivalue_line("markers", "backends(*names): run each test once per database backend named")


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("backends")
        metafunc.parametrize("backend", marker.args if marker else ("sqlite",))


_databases = itertools.count()


@pytest.fixture
def make_postamt(tmp_path, backend, request):
    """make(**settings) starts nothing: it writes the config and seeds a fresh database;
    make(share=other, **settings) makes a second frontend on `other`'s database."""
    servers = []

    def make(share: Postamt = None, **settings):
        directory = tmp_path / f"server{len(servers)}"
        directory.mkdir()
        pg = conninfo = None
        if backend == "postgres":
            pg = request.getfixturevalue("pg_cluster")
            conninfo = share.values["directory.connect"] if share else pg.fresh_database(f"t{next(_databases)}")
        elif share:
            settings.setdefault("directory__connect", share.values["directory.connect"])
        server = Postamt(directory, pg=pg, conninfo=conninfo, **settings)
        if share is None:
            server.seed_directory()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def memory_honest(monkeypatch):
    """For tests that bound a server's RSS: under AddressSanitizer (scripts/test's second run) freed chunks
    would sit in its quarantine and count as growth; without a quarantine the bound means the same there as
    in a plain build. Servers started after this fixture run that way."""
    asan = [option for option in os.environ.get("ASAN_OPTIONS", "").split(":") if option]
    monkeypatch.setenv("ASAN_OPTIONS", ":".join(asan + ["quarantine_size_mb=0", "thread_local_quarantine_size_kb=0"]))


@pytest.fixture
def postamt(make_postamt):
    return make_postamt().start()
