"""What every POP3 client from Debian must get from Postamt, written once: each
test_clients_<name>.py subclasses ClientContract with a driver for its client.

Each driver writes the client's configuration into a throw-away home, runs the
client with a timeout, and returns the messages it delivered into a maildir.
Messages are compared by hash with what the maildrop holds after seeding, in
the form the client documents for the files it writes."""

import collections
import os
import pathlib
import pwd
import shutil
import subprocess
import tempfile

import pytest

from conftest import seed
from test_real_clients import MESSAGES, large_message, sha

USER = "alice@demo.test"
# test_real_clients' messages (leading dots, a lone ".", 8-bit data, no final newline, bare LF) and 2 MiB.
CORPUS = {**MESSAGES, "large": large_message(2 * 1024 * 1024)}
LATE = b"Subject: late\r\n\r\n.arrived after the first fetch\r\n"
CLIENT_TIMEOUT = 60


def unix_line_ends(data: bytes) -> bytes:
    """Clients write mail files with the local LF convention (RFC 1939 section 3 puts CRLF on the
    wire only), so both sides are compared with LF; every other byte must be exact."""
    return data.replace(b"\r\n", b"\n")


class ClientHome:
    """A throw-away home for one client run, so no test reads or writes the user's own
    configuration, UIDL state or mail. Tests running as root run the client as `nobody`:
    getmail refuses to deliver as root and fetchmail warns against running as root."""

    def __init__(self):
        # Not under pytest's tmp_path: for root that lies in a 0700 directory `nobody` cannot enter.
        self.path = pathlib.Path(tempfile.mkdtemp(prefix="postamt-client-"))
        self.account = pwd.getpwnam("nobody") if os.geteuid() == 0 else None
        self.give(self.path)
        self.maildir = self.directory("Maildir")
        for part in ("tmp", "new", "cur"):
            self.directory(f"Maildir/{part}")
        self.seen = set()

    def give(self, path: pathlib.Path) -> pathlib.Path:
        if self.account:
            os.chown(path, self.account.pw_uid, self.account.pw_gid)
        return path

    def directory(self, name: str) -> pathlib.Path:
        path = self.path / name
        path.mkdir()
        return self.give(path)

    def file(self, name: str, text: str) -> pathlib.Path:
        """A private file: fetchmail and mpop refuse a password file others can read."""
        path = self.path / name
        path.write_text(text)
        path.chmod(0o600)
        return self.give(path)

    def run(self, *argv, accept=(0,)) -> subprocess.CompletedProcess:
        account = self.account
        unprivileged = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []} if account else {}
        result = subprocess.run(
            [str(arg) for arg in argv], cwd=self.path, capture_output=True, timeout=CLIENT_TIMEOUT,
            env={"HOME": str(self.path), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}, **unprivileged)
        assert result.returncode in accept, (f"{argv[0]} exited with {result.returncode}:\n"
                                             f"{result.stdout.decode(errors='replace')}"
                                             f"{result.stderr.decode(errors='replace')}")
        return result

    def new_messages(self) -> list:
        """The messages delivered into the maildir since the last call."""
        files = {path for part in ("new", "cur") for path in (self.maildir / part).iterdir()}
        fresh, self.seen = files - self.seen, files
        return [path.read_bytes() for path in sorted(fresh)]

    def remove(self):
        shutil.rmtree(self.path)


class Driver:
    """Runs one client in its home: a subclass sets `argv` (and `accept`, the exit codes that mean
    success) and overrides `mail_file` if the client changes messages beyond their line ends."""

    accept = (0,)

    def __init__(self, home: ClientHome, argv: list):
        self.home = home
        self.argv = argv

    @staticmethod
    def mail_file(stored: bytes) -> bytes:
        """What the client writes for a message the maildrop holds as `stored`, line ends aside."""
        return stored

    def fetch(self) -> list:
        """Runs the client once; returns the messages it delivered."""
        self.home.run(*self.argv, accept=self.accept)
        return self.home.new_messages()


def maildrop_uidls(server) -> list:
    """What the server lists for the user, asked through a fresh session after the client quit."""
    session = server.login(USER)
    assert session.command("UIDL").startswith(b"+OK")
    listing = session.multiline().splitlines()
    assert session.command("QUIT").startswith(b"+OK")
    return listing


class ClientContract:
    """The tests every client gets. A subclass sets `client` to a Driver subclass whose constructor
    `client(server, home, keep)` configures the client to keep mail on the server or delete it."""

    client = None

    @pytest.fixture
    def home(self):
        home = ClientHome()
        yield home
        home.remove()

    @pytest.fixture
    def seeded(self, postamt):
        """The server, and what its maildrop holds of each message of the corpus."""
        return postamt, {name: seed(postamt, USER, message) for name, message in CORPUS.items()}

    def assert_delivered(self, delivered: list, stored: dict):
        names = {sha(unix_line_ends(self.client.mail_file(data))): name for name, data in stored.items()}
        got = collections.Counter(sha(unix_line_ends(data)) for data in delivered)
        missing = sorted(name for digest, name in names.items() if digest not in got)
        assert not missing, f"not delivered byte-identical: {missing}"
        assert got == collections.Counter(names.keys()), "delivered other messages too, or some twice"

    def test_keep_mode_fetches_every_message_and_leaves_them_listed(self, seeded, home):
        server, stored = seeded
        listed = maildrop_uidls(server)
        assert len(listed) == len(CORPUS)
        self.assert_delivered(self.client(server, home, keep=True).fetch(), stored)
        assert maildrop_uidls(server) == listed

    def test_delete_mode_fetches_every_message_and_empties_the_maildrop(self, seeded, home):
        server, stored = seeded
        self.assert_delivered(self.client(server, home, keep=False).fetch(), stored)
        assert maildrop_uidls(server) == []

    def test_keep_mode_fetches_again_only_what_arrived_since(self, seeded, home):
        server, stored = seeded
        client = self.client(server, home, keep=True)
        self.assert_delivered(client.fetch(), stored)
        assert client.fetch() == [], "fetched again what its UIDL state says it already has"
        late = seed(server, USER, LATE)
        self.assert_delivered(client.fetch(), {"late": late})
