"""Throwaway PostgreSQL 15 clusters for tests: initdb and postgres as the `postgres` user (both refuse
root) in a temporary directory that user can reach, on a free loopback port, with the unix socket in
that directory and fsync off. Stopped by the postmaster's PID, never by name.

Run as a script it prints a conninfo and keeps the cluster until stdin closes, so shell scripts
and ctest can hand one cluster to C++ tests (POSTAMT_TEST_PG)."""

import os
import pathlib
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

BIN = pathlib.Path(os.environ.get("POSTAMT_PG_BIN", "/usr/lib/postgresql/15/bin"))
ROLE = "postamt"
PASSWORD = "postamt"


def _free_port() -> int:
    # Below 32768: ports from the ephemeral range can be taken by outgoing connections (TOOLCHAIN 17).
    for _ in range(200):
        port = 20000 + int.from_bytes(os.urandom(2), "big") % 12000
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port for PostgreSQL below 32768")


def _as_postgres():
    """A preexec_fn dropping to the postgres user when running as root."""
    if os.geteuid() != 0:
        return None
    user = pwd.getpwnam("postgres")

    def drop():
        os.setgid(user.pw_gid)
        os.initgroups("postgres", user.pw_gid)
        os.setuid(user.pw_uid)

    return drop


class PgCluster:
    """One cluster with a database `name` owned by the login role `postamt`."""

    def __init__(self, name: str = "postamt"):
        self.database = name
        # /tmp, not the test's tmp_path: that may sit under a 0700 /root the postgres user cannot enter.
        self.directory = pathlib.Path(tempfile.mkdtemp(prefix="postamt-pg-"))
        self.port = _free_port()
        self.process = None
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.directory, user.pw_uid, user.pw_gid)
        self._run([BIN / "initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                   "--locale=C.UTF-8", "--no-sync"])
        self.start()
        self.psql(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{PASSWORD}'", f"CREATE DATABASE {name} OWNER {ROLE}")

    @property
    def data(self) -> str:
        return str(self.directory / "data")

    @property
    def conninfo(self) -> str:
        return f"host=127.0.0.1 port={self.port} dbname={self.database} user={ROLE} password={PASSWORD} connect_timeout=5"

    def _run(self, argv):
        subprocess.run([str(a) for a in argv], check=True, capture_output=True, timeout=120, preexec_fn=_as_postgres())

    def start(self):
        """Starts the postmaster and waits until it accepts connections (at most 30 s)."""
        log = open(self.directory / "postgres.log", "ab")
        self.process = subprocess.Popen(
            [str(BIN / "postgres"), "-D", self.data, "-p", str(self.port), "-k", str(self.directory),
             "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
             "-c", "full_page_writes=off", "-c", "max_connections=200"],
            stdout=log, stderr=subprocess.STDOUT, preexec_fn=_as_postgres())
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"postgres exited with {self.process.returncode}: "
                                   + (self.directory / "postgres.log").read_text(errors="replace"))
            ready = subprocess.run([str(BIN / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)],
                                   timeout=10)
            if ready.returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError("postgres did not accept connections within 30 s")

    def stop(self):
        """Fast shutdown (SIGINT to the postmaster: sessions are cut, nothing is lost)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def psql(self, *statements: str, database: str = "postgres", input: str = None) -> str:
        """Runs the statements, then any SQL (or COPY data) on `input`, as the superuser."""
        argv = [str(BIN / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                "-p", str(self.port), "-U", "postgres", "-d", database]
        for sql in statements:
            argv += ["-c", sql]
        if input is not None:
            argv += ["-f", "-"]
        return subprocess.run(argv, check=True, capture_output=True, text=True, timeout=300, input=input).stdout

    def query(self, sql: str) -> str:
        """Runs `sql` in the test database as the superuser; the rows, `|`-separated."""
        return self.psql(sql, database=self.database)

    def fresh_database(self, name: str) -> str:
        """Creates another empty database in this cluster; its conninfo."""
        self.psql(f"CREATE DATABASE {name} OWNER {ROLE}")
        return self.conninfo.replace(f"dbname={self.database}", f"dbname={name}")

    def destroy(self):
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


if __name__ == "__main__":
    cluster = PgCluster()
    try:
        print(cluster.conninfo, flush=True)
        sys.stdin.read()
    finally:
        cluster.destroy()
