"""Postamt on its embedded default, started the way the integration tests
start it (tests/integration/conftest.py), with settings for a benchmark."""

import os
import pathlib
import sqlite3
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]

# Postamt's LMTP listener (listener.lmtp.protocol = lmtp). With it, the messages
# are seeded and the deliver scenario measured through LMTP, as for Dovecot;
# without it, seeding goes through `postamtctl deliver` and deliver shows n/a.
SPEAKS_LMTP = True


def _integration_fixtures(build: pathlib.Path):
    """conftest reads the build directory when it is imported."""
    os.environ["POSTAMT_BUILD_DIR"] = str(build)
    sys.path.insert(0, str(ROOT / "tests" / "integration"))
    import conftest
    return conftest


class Postamt:
    name = "Postamt"

    def __init__(self, build: pathlib.Path, directory: pathlib.Path, pid_file, max_sessions: int):
        fixtures = _integration_fixtures(build)
        directory.mkdir(parents=True)
        self.pid_file = pid_file
        self.lmtp_port = fixtures.free_port() if SPEAKS_LMTP else None
        lmtp = {"listener__lmtp__address": f"127.0.0.1:{self.lmtp_port}", "listener__lmtp__protocol": "lmtp"}
        self.server = fixtures.Postamt(
            directory,
            # Held sessions must not time out; the lease outlives the idle timer, as the config requires.
            pop3__login_timeout_seconds=3600,
            pop3__idle_timeout_seconds=3600,
            store__main__lock_lease_seconds=7200,
            # Debug logging writes several lines per command: measure the server, not its log.
            log__level="information",
            # Like Dovecot's process_limit: room for the hold scenario's sessions.
            server__max_connections=max_sessions,
            # The instance the policy scenarios' tenant policy runs on; no tenant has a policy until one is set.
            policy__main__plugin="policy-lua",
            **(lmtp if SPEAKS_LMTP else {}))
        self.port = self.server.port
        self.database = directory / "postamt.db"
        self.log = self.server.log

    def add_users(self, addresses, password_hash: str):
        """A tenant for the domain, then the users imported with the hash Dovecot's
        passwd-file has: Postamt stores passwords in Dovecot's {SCHEME} notation
        so users can be imported from Dovecot as they are (README, Administration).
        One SQL transaction instead of 5,000 postamtctl runs (about 0.1 s each)."""
        self.server.ctl("db", "init")
        self.server.ctl("tenant", "add", "bench")
        self.server.ctl("domain", "add", addresses[0].split("@")[1], "bench")
        with sqlite3.connect(self.database) as db:
            (tenant,) = db.execute("SELECT tenant_id FROM tenants WHERE name = 'bench'").fetchone()
            db.executemany("INSERT INTO users (tenant_id, address, password) VALUES (?, ?, ?)",
                           [(tenant, a, password_hash) for a in addresses])
        db.close()

    def deliver_with_ctl(self, address: str, message: bytes):
        self.server.deliver(address, message)

    @property
    def pid(self) -> int:
        return self.server.process.pid

    def start(self):
        self.server.start()
        self.pid_file.record(self.server.process.pid)
        return self

    def stop(self):
        self.server.stop()
