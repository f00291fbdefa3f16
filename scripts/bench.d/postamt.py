"""Postamt on the store scripts/bench was asked for (stores.py), started the
way the integration tests start it (tests/integration/conftest.py), with
settings for a benchmark."""

import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]

# Postamt's LMTP listener (listener.lmtp.protocol = lmtp). With it, the messages
# are seeded and the deliver scenario measured through LMTP, as for Dovecot;
# without it, seeding goes through `postamtctl deliver` and deliver shows n/a.
SPEAKS_LMTP = True


def integration_fixtures(build: pathlib.Path):
    """conftest reads the build directory when it is imported."""
    os.environ["POSTAMT_BUILD_DIR"] = str(build)
    sys.path.insert(0, str(ROOT / "tests" / "integration"))
    import conftest
    return conftest


class Postamt:
    name = "Postamt"

    def __init__(self, build: pathlib.Path, directory: pathlib.Path, pid_file, max_sessions: int, certificate, store,
                 share=None):
        """certificate: (certificate, key) files, served on .tls_port (POP3S) and through STLS on .port."""
        fixtures = integration_fixtures(build)
        directory.mkdir(parents=True)
        self.build, self.directory, self.max_sessions, self.certificate = build, directory, max_sessions, certificate
        self.pid_file = pid_file
        self.store = store
        self.lmtp_port = fixtures.free_port() if SPEAKS_LMTP else None
        self.frontends = []
        lmtp = {"listener__lmtp__address": f"127.0.0.1:{self.lmtp_port}", "listener__lmtp__protocol": "lmtp"}
        self.tls_port = fixtures.free_port()
        tls = {"tls__certificate_file": certificate[0], "tls__key_file": certificate[1],
               "listener__pop3s__address": f"127.0.0.1:{self.tls_port}", "listener__pop3s__tls": "implicit"}
        shared = {"directory__connect": share.server.values["directory.connect"]} if share and not store.cluster else {}
        self.server = fixtures.Postamt(
            directory, pg=store.cluster, conninfo=store.conninfo,
            # Held sessions must not time out; the lease outlives the idle timer, as the config requires.
            pop3__login_timeout_seconds=3600,
            pop3__idle_timeout_seconds=3600,
            store__main__lock_lease_seconds=7200,
            # Debug logging writes several lines per command: measure the server, not its log.
            log__level="information",
            # Like Dovecot's process_limit: room for the hold scenario's sessions.
            server__max_connections=max_sessions,
            # The shipped login penalty and lockouts (core/etc/postamtd.conf), which the test fixture turns off.
            pop3__auth_failure_delay_ms=2000,
            pop3__auth_max_failures_per_ip=10,
            pop3__auth_max_failures_per_user=30,
            # The instance the policy scenarios' tenant policy runs on; no tenant has a policy until one is set.
            policy__main__plugin="policy-lua",
            **tls,
            **(lmtp if SPEAKS_LMTP else {}), **shared)
        self.port = self.server.port
        self.log = self.server.log

    def add_users(self, addresses, password_hash: str):
        """A tenant for the domain, then the users imported with the hash Dovecot's
        passwd-file has: Postamt stores passwords in Dovecot's {SCHEME} notation
        so users can be imported from Dovecot as they are (README, Administration).
        One SQL transaction instead of 5,000 postamtctl runs (about 0.1 s each)."""
        self.server.ctl("db", "init")
        self.server.ctl("tenant", "add", "bench")
        self.server.ctl("domain", "add", addresses[0].split("@")[1], "bench")
        self.store.add_users(self.server, "bench", addresses, password_hash)

    def fill_maildrop(self, address: str, message: bytes, count: int):
        self.store.fill_maildrop(self.server, "bench", address, message, count)

    def another_frontend(self):
        """One more postamtd on the same database (README, PostgreSQL: any number of frontends), started
        when first asked for and stopped with this one."""
        if not self.frontends:
            frontend = Postamt(self.build, self.directory / f"frontend{len(self.frontends) + 2}", self.pid_file,
                               self.max_sessions, self.certificate, self.store, share=self)
            self.frontends.append(frontend.start())
        return self.frontends[0]

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
        for frontend in self.frontends:
            frontend.stop()
        self.frontends = []
        self.server.stop()
