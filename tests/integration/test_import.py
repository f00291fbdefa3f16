"""postamtctl import: a maildrop moved from a real Dovecot keeps every UIDL its
POP3 clients have seen, and every message reads back with exactly the octets
Dovecot's RETR sent, so no client downloads anything again (RFC 1939
section 7: a UIDL is persistent across sessions)."""

import hashlib
import os
import pathlib
import poplib
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

from conftest import USERS, free_port

pytestmark = pytest.mark.backends("sqlite", "postgres")

USER = "alice@demo.test"
DOVECOT_PASSWORD = "dovecot-secret"
# Dovecot runs mail processes as a user of the system, never as root.
MAIL_OWNER = pwd.getpwnam("nobody")

needs_dovecot = pytest.mark.skipif(shutil.which("dovecot") is None or os.geteuid() != 0,
                                   reason="needs Dovecot (dovecot-core, dovecot-pop3d) and root to start it")

# Written as an MTA writes Maildir files: LF line ends. Among them a line that
# POP3 byte-stuffs, 8-bit octets, a bare CR, CRLF already, a message without
# its final line end, and an empty one.
MESSAGES = [
    b"From: a@example.test\nSubject: plain\n\nhello\n",
    b"Subject: dots\n\n.leading dot\n..two dots\n.\nend\n",
    b"Subject: 8bit\n\nGr\xfc\xdfe, na\xefve \xff\xfe\n\n\nafter two empty lines\n",
    b"Subject: no final line end\n\nthe last line has no LF",
    b"Subject: crlf\r\n\r\nalready CRLF\r\nbare\rCR stays\r\n",
    b"",
]


class Dovecot:
    """A real Dovecot serving POP3 for one user on a free loopback port, in a
    temporary directory of its own; a process of this test, stopped by PID."""

    def __init__(self, directory: pathlib.Path, mail_location: str, **settings):
        self.directory = directory
        self.port = free_port()
        self.process = None
        self.log = directory / "dovecot.log"
        self.config = directory / "dovecot.conf"
        passwd = directory / "passwd"
        passwd.write_text(f"{USER}:{{PLAIN}}{DOVECOT_PASSWORD}:{MAIL_OWNER.pw_uid}:{MAIL_OWNER.pw_gid}::{directory}/home::\n")
        values = {
            "protocols": "pop3",
            "listen": "127.0.0.1",
            "base_dir": f"{directory}/run",
            "state_dir": f"{directory}/state",
            "log_path": str(self.log),
            "ssl": "no",
            "disable_plaintext_auth": "no",
            "auth_mechanisms": "plain",
            "default_internal_user": "dovecot",
            "default_login_user": "dovenull",
            "first_valid_uid": str(MAIL_OWNER.pw_uid),
            "mail_location": mail_location,
            "pop3_uidl_format": "%08Xu%08Xv",
        }
        values.update(settings)
        self.config.write_text("".join(f"{key} = {value}\n" for key, value in values.items()) + f"""
passdb {{
  driver = passwd-file
  args = {passwd}
}}
userdb {{
  driver = passwd-file
  args = {passwd}
}}
service pop3-login {{
  inet_listener pop3 {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
""")

    def __enter__(self):
        self.process = subprocess.Popen(["dovecot", "-F", "-c", str(self.config)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"dovecot exited with {self.process.returncode}:\n{self.read_log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                    if probe.recv(64).startswith(b"+OK"):
                        return self
            except OSError:
                time.sleep(0.05)
        self.__exit__()
        raise AssertionError(f"dovecot did not answer on port {self.port} within 15 s:\n{self.read_log()}")

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def read_log(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else "(no log)"

    def snapshot(self):
        return snapshot(self.port, USER, DOVECOT_PASSWORD)


def snapshot(port: int, user: str, password: str):
    """The UIDL listing, and the octets of every RETR exactly as they came
    over the wire (still byte-stuffed, without the terminating '.')."""
    pop = poplib.POP3("127.0.0.1", port, timeout=10)
    try:
        pop.user(user)
        pop.pass_(password)
        listing = [line.split() for line in pop.uidl()[1]]
        assert [int(number) for number, _ in listing] == list(range(1, len(listing) + 1))
        bodies = []
        for number, _ in listing:
            pop.sock.sendall(b"RETR %s\r\n" % number)
            assert pop.file.readline().startswith(b"+OK")
            body = b""
            while (line := pop.file.readline()) != b".\r\n":
                assert line, "connection closed in the middle of RETR"
                body += line
            bodies.append(body)
        pop.quit()
    finally:
        pop.close()
    return [uidl.decode() for _, uidl in listing], bodies


def digests(bodies):
    return [hashlib.sha256(body).hexdigest() for body in bodies]


@pytest.fixture
def workdir():
    """A directory Dovecot's unprivileged processes can reach (pytest's
    tmp_path lies below a directory only root may enter)."""
    directory = pathlib.Path(tempfile.mkdtemp(prefix="postamt-import-", dir="/tmp"))
    directory.chmod(0o755)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


def make_maildir(root: pathlib.Path) -> pathlib.Path:
    for folder in ("cur", "new", "tmp"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    give_to_mail_owner(root)
    return root


def give_to_mail_owner(path: pathlib.Path):
    for item in [path, *path.rglob("*")]:
        os.chown(item, MAIL_OWNER.pw_uid, MAIL_OWNER.pw_gid)


def put(maildir: pathlib.Path, folder: str, name: str, data: bytes, received: int):
    """Writes a message file as an MTA (new/) or a client that read it (cur/) leaves it."""
    path = maildir / folder / name
    path.write_bytes(data)
    os.utime(path, (received, received))
    os.chown(path, MAIL_OWNER.pw_uid, MAIL_OWNER.pw_gid)


def fill_maildir(maildir: pathlib.Path, base_time: int = 1700000000):
    """MESSAGES in a mix of cur/ and new/, some names with ,S=<size> and
    ,W=<vsize>, and out of order on purpose: Dovecot numbers them by the time
    in the name, then by the microseconds of M<usecs> (M9 before M10)."""
    def vsize(data):
        return len(data) + data.count(b"\n") - data.count(b"\r\n")
    names = [
        ("new", f"{base_time + 5}.M10P7.mx", MESSAGES[0]),
        ("cur", f"{base_time + 1}.M500P3.mx,S={len(MESSAGES[1])}:2,S", MESSAGES[1]),
        ("new", f"{base_time + 5}.M9P7.mx,S={len(MESSAGES[2])},W={vsize(MESSAGES[2])}", MESSAGES[2]),
        ("cur", f"{base_time + 3}.M1P4.mx:2,", MESSAGES[3]),
        ("new", f"{base_time + 2}.M2P9.mx,S={len(MESSAGES[4])}", MESSAGES[4]),
        ("new", f"{base_time + 9}.M0P1.mx,S=0", MESSAGES[5]),
    ]
    for i, (folder, name, data) in enumerate(names):
        put(maildir, folder, name, data, base_time + 100 + i)


def import_into(postamt, path, user=USER):
    return postamt.ctl("import", user, str(path)).stdout.decode()


def postamt_snapshot(postamt, user=USER):
    postamt.start()
    try:
        return snapshot(postamt.port, user, USERS[user])
    finally:
        postamt.stop()


def counts(output: str):
    found = re.search(r"imported (\d+) message\(s\), skipped (\d+) already there", output)
    assert found, output
    return int(found.group(1)), int(found.group(2))


def uidlist_header(maildir: pathlib.Path):
    header = (maildir / "dovecot-uidlist").read_text().splitlines()[0]
    return int(re.search(r" V(\d+)", header).group(1))


@needs_dovecot
def test_maildir_import_keeps_dovecot_uidls_and_octets(make_postamt, workdir):
    maildir = make_maildir(workdir / "Maildir")
    fill_maildir(maildir)
    with Dovecot(workdir, f"maildir:{maildir}") as dovecot:
        uidls, bodies = dovecot.snapshot()
    assert len(uidls) == len(MESSAGES)
    # pop3_uidl_format %08Xu%08Xv: the UIDs Dovecot gave in name order, and the uidlist's UIDVALIDITY
    # (in lower-case hex, whatever the X suggests).
    assert uidls == [f"{uid:08x}{uidlist_header(maildir):08x}" for uid in range(1, len(MESSAGES) + 1)]

    postamt = make_postamt()
    assert counts(import_into(postamt, maildir)) == (len(MESSAGES), 0)
    imported_uidls, imported_bodies = postamt_snapshot(postamt)
    assert imported_uidls == uidls
    assert digests(imported_bodies) == digests(bodies)

    # Idempotent: everything is there already, nothing doubles, nothing moves.
    output = import_into(postamt, maildir)
    assert counts(output) == (0, len(MESSAGES))
    assert "never duplicates" in output
    again_uidls, again_bodies = postamt_snapshot(postamt)
    assert again_uidls == uidls
    assert digests(again_bodies) == digests(bodies)


@needs_dovecot
def test_files_dovecot_has_not_numbered_get_the_uidls_dovecot_gives_them_next(make_postamt, workdir):
    maildir = make_maildir(workdir / "Maildir")
    put(maildir, "new", "1600000000.M1P1.mx", MESSAGES[0], 1600000000)
    with Dovecot(workdir, f"maildir:{maildir}") as dovecot:
        dovecot.snapshot()  # Dovecot writes dovecot-uidlist
    fill_maildir(maildir, base_time=1600000100)  # new mail since, not in the uidlist yet
    copy = workdir / "copy"
    shutil.copytree(maildir, copy)

    postamt = make_postamt()
    output = import_into(postamt, copy)
    assert counts(output) == (len(MESSAGES) + 1, 0)
    assert "not yet in dovecot-uidlist" in output

    with Dovecot(workdir, f"maildir:{maildir}") as dovecot:
        uidls, bodies = dovecot.snapshot()
    imported_uidls, imported_bodies = postamt_snapshot(postamt)
    assert imported_uidls == uidls
    assert digests(imported_bodies) == digests(bodies)


@needs_dovecot
@pytest.mark.parametrize("uidl_format", ["%u-%v", "%f"])
def test_uidls_saved_with_pop3_save_uidl_win_over_the_default_format(make_postamt, workdir, uidl_format):
    maildir = make_maildir(workdir / "Maildir")
    fill_maildir(maildir)
    with Dovecot(workdir, f"maildir:{maildir}", pop3_uidl_format=uidl_format, pop3_save_uidl="yes") as dovecot:
        uidls, bodies = dovecot.snapshot()
    records = (maildir / "dovecot-uidlist").read_text().splitlines()[1:]
    assert len(records) == len(MESSAGES) and all(re.search(r" P\S* ", record) for record in records), records

    postamt = make_postamt()
    import_into(postamt, maildir)
    imported_uidls, imported_bodies = postamt_snapshot(postamt)
    assert imported_uidls == uidls
    assert imported_uidls[0] != f"{1:08x}{uidlist_header(maildir):08x}"  # not the default format
    assert digests(imported_bodies) == digests(bodies)


@needs_dovecot
def test_pop3_order_kept_in_the_uidlist_orders_the_listing(make_postamt, workdir):
    maildir = make_maildir(workdir / "Maildir")
    fill_maildir(maildir)
    with Dovecot(workdir, f"maildir:{maildir}") as dovecot:
        dovecot.snapshot()
    # As Dovecot's pop3-migration leaves it: "O<n>" on some records, listed first by n.
    uidlist = maildir / "dovecot-uidlist"
    header, *records = uidlist.read_text().splitlines()
    records[4] = records[4].replace(" :", " O1 :", 1)
    records[1] = records[1].replace(" :", " O2 :", 1)
    uidlist.write_text("\n".join([header, *records]) + "\n")

    with Dovecot(workdir, f"maildir:{maildir}") as dovecot:
        uidls, bodies = dovecot.snapshot()
    postamt = make_postamt()
    import_into(postamt, maildir)
    imported_uidls, imported_bodies = postamt_snapshot(postamt)
    assert imported_uidls == uidls
    assert uidls[:2] == [f"{int(records[i].split()[0]):08x}{uidlist_header(maildir):08x}" for i in (4, 1)]
    assert digests(imported_bodies) == digests(bodies)


MBOX = (
    # What an MTA appends: From_ lines, ">From " quoted in bodies (mboxrd and
    # mboxo look alike here), a body line "From " that is no From_ line, 8-bit.
    b"From alice@example.test Thu Nov 14 10:00:00 2023\n"
    b"From: alice@example.test\nSubject: one\nX-UIDL: kept-from-qpopper-1\n\nfirst\n>From the quoted line\n.dot\n\n"
    b"From bob@example.test  Fri Nov 15 11:30:05 2023\n"
    b"Subject: two\n\nFrom here on no From_ line: it parses as no date\n\xe4\xf6\xfc\n\n"
    b"From carol@example.test Sat Nov 16 12:00:00 2023 +0100\n"
    b"Subject: three\nX-UIDL: kept-from-qpopper-3\n\n>>From twice quoted\nno final line end\n"
)


@needs_dovecot
def test_mbox_import_keeps_dovecot_uidls_and_octets(make_postamt, workdir):
    mbox = workdir / "inbox"
    mbox.write_bytes(MBOX)
    (workdir / "mail").mkdir()
    give_to_mail_owner(workdir)
    # Dovecot writes X-IMAPbase and X-UID into the mbox as it reads it; X-UIDL counts with pop3_reuse_xuidl.
    with Dovecot(workdir, f"mbox:{workdir}/mail:INBOX={mbox}", pop3_reuse_xuidl="yes", mbox_lazy_writes="no") as dovecot:
        uidls, bodies = dovecot.snapshot()
    assert len(uidls) == 3 and uidls[0] == "kept-from-qpopper-1" and uidls[2] == "kept-from-qpopper-3"
    assert b"X-IMAPbase:" in mbox.read_bytes()

    postamt = make_postamt()
    assert counts(import_into(postamt, mbox)) == (3, 0)
    imported_uidls, imported_bodies = postamt_snapshot(postamt)
    assert imported_uidls == uidls
    assert digests(imported_bodies) == digests(bodies)
    assert counts(import_into(postamt, mbox)) == (0, 3)


def test_mbox_uidls_come_from_x_uidl_else_x_uid_and_x_imapbase(make_postamt, tmp_path):
    # As Dovecot leaves an mbox: X-IMAPbase "<uidvalidity> <last uid>" in the first message, X-UID in each.
    mbox = tmp_path / "inbox"
    mbox.write_bytes(
        b"From a@example.test Thu Nov 14 10:00:00 2023\n"
        b"X-IMAPbase: 1234567890 0000000007\nSubject: one\nX-UID: 5\nStatus: RO\nX-Keywords:\n  $Junk\n\nfirst\n\n"
        b"From b@example.test Thu Nov 14 10:00:01 2023\n"
        b"Subject: two\nX-UIDL: 0a1b2c\nX-UID: 6\nContent-Length: 8\n\nsecond\n\n"
        b"From c@example.test Thu Nov 14 10:00:02 2023\n"
        b"Subject: three\n\n.third\n>From here\n")
    postamt = make_postamt()
    assert counts(import_into(postamt, mbox)) == (3, 0)
    uidls, bodies = postamt_snapshot(postamt)
    # %08Xu%08Xv from X-UID and X-IMAPbase; X-UIDL where there is one; a message
    # without X-UID takes the next UID after X-IMAPbase's last one.
    assert uidls == [f"{5:08x}{1234567890:08x}", "0a1b2c", f"{8:08x}{1234567890:08x}"]
    # Dovecot's own headers are hidden; the final line end of each message belongs to the mbox.
    assert bodies == [b"Subject: one\r\n\r\nfirst\r\n",
                      b"Subject: two\r\nX-UIDL: 0a1b2c\r\n\r\nsecond\r\n",
                      b"Subject: three\r\n\r\n..third\r\n>From here\r\n"]


@pytest.mark.parametrize("source, message", [
    ("missing", b"does not exist"),
    ("text", b"neither a Maildir"),
    ("directory", b"neither a Maildir"),
])
def test_bad_source_gets_a_clear_error(make_postamt, tmp_path, source, message):
    paths = {"missing": tmp_path / "no-such-maildir", "text": tmp_path / "notes.txt", "directory": tmp_path / "plain"}
    (tmp_path / "notes.txt").write_text("Subject: not an mbox\n\nno From_ line first\n")
    (tmp_path / "plain").mkdir()
    postamt = make_postamt()
    result = postamt.ctl("import", USER, str(paths[source]), check=False)
    assert result.returncode != 0
    assert message in result.stderr and str(paths[source]).encode() in result.stderr, result.stderr
    assert b"Traceback" not in result.stderr and b"terminate called" not in result.stderr


def test_unknown_user_gets_a_clear_error(make_postamt, tmp_path):
    maildir = tmp_path / "Maildir"
    for folder in ("cur", "new", "tmp"):
        (maildir / folder).mkdir(parents=True)
    postamt = make_postamt()
    result = postamt.ctl("import", "nobody@demo.test", str(maildir), check=False)
    assert result.returncode != 0 and b"no user nobody@demo.test" in result.stderr, result.stderr
    result = postamt.ctl("import", "x@unknown.test", str(maildir), check=False)
    assert result.returncode != 0 and b"no tenant owns domain unknown.test" in result.stderr, result.stderr
    result = postamt.ctl("import", USER, check=False)
    assert result.returncode != 0 and b"missing" in result.stderr, result.stderr


def test_disabled_user_can_be_imported_into(make_postamt, tmp_path):
    # Accounts are often moved before they are opened.
    mbox = tmp_path / "inbox"
    mbox.write_bytes(b"From a@example.test Thu Nov 14 10:00:00 2023\nSubject: x\n\nbody\n")
    postamt = make_postamt()
    postamt.ctl("user", "disable", USER)
    output = import_into(postamt, mbox)
    assert counts(output) == (1, 0)
    assert "no X-IMAPbase" in output  # the operator learns these UIDLs are new
