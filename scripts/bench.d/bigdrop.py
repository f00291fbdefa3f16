"""The big-maildrop scenario (issue 5 item 10): one user with 100,000 messages logs in, STAT, UIDL, QUIT;
the figure is the time until the complete UIDL listing has arrived. Seeded behind the servers' backs,
not through 100,000 LMTP sessions: for Postamt in its store's tables (stores.py), for Dovecot as a
Maildir of hard links to one message file."""

import os
import pathlib
import socket
import time

import corpus

COUNT = 100_000
SIZE = 2_000
USER = corpus.BIGDROP.first
TIMEOUT = 60  # per reply; the whole session is bounded by these steps


def prepare(server, context):
    """Fills the maildrop, then logs in once untimed: Dovecot builds its index and uidlist of the
    Maildir at the first login, and the figure is about serving a maildrop, not about meeting it."""
    address = corpus.address(USER)
    message = context.message(SIZE)
    if hasattr(server, "fill_maildrop"):
        server.fill_maildrop(address, message.read_bytes(), COUNT)
    else:
        _fill_maildir(server, address, message)
    _session(server.port, address)


LINKS_PER_FILE = 60_000  # ext4 allows 65,000 links to one inode


def _fill_maildir(server, address: str, message: pathlib.Path):
    """Dovecot's Maildir++ names (S= physical, W= CRLF size: equal for a CRLF file) in cur/, every entry
    a hard link to one of a few copies of the message, owned by the mail user."""
    maildir = server.mail / address / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    for path in (server.mail / address, maildir, maildir / "cur", maildir / "new", maildir / "tmp"):
        os.chown(path, server.uid, server.gid)
    data = message.read_bytes()
    for n in range(COUNT):
        if n % LINKS_PER_FILE == 0:
            source = maildir / "tmp" / f"bench-message-{n}"
            source.write_bytes(data)
            os.chown(source, server.uid, server.gid)
        os.link(source, maildir / "cur" / f"{1700000000 + n}.M{n}P1.bench,S={len(data)},W={len(data)}:2,S")
    for copy in (maildir / "tmp").glob("bench-message-*"):
        copy.unlink()


class _Pop3:
    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.buffer = b""

    def line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise ConnectionError("closed by the server")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def command(self, text: str) -> bytes:
        self.sock.sendall(text.encode() + b"\r\n")
        reply = self.line()
        if not reply.startswith(b"+OK"):
            raise RuntimeError(f"{text.split()[0]}: {reply!r}")
        return reply

    def listing(self) -> int:
        """Reads a multi-line reply to its end (RFC 1939 section 3: a line of one '.'); its line count."""
        while not (self.buffer.endswith(b"\r\n.\r\n") or self.buffer == b".\r\n"):
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise ConnectionError("closed by the server within the listing")
            self.buffer += chunk
        lines = self.buffer.count(b"\r\n") - 1
        self.buffer = b""
        return lines


def _session(port: int, address: str) -> dict:
    began = time.monotonic()
    pop = _Pop3(port)
    try:
        pop.line()  # greeting
        pop.command(f"USER {address}")
        pop.command(f"PASS {corpus.PASSWORD}")
        stat = pop.command("STAT")
        asked = time.monotonic()
        pop.command("UIDL")
        listed = pop.listing()
        done = time.monotonic()
        pop.command("QUIT")
    finally:
        pop.sock.close()
    return {"messages": int(stat.split()[1]), "listed": listed, "uidl_s": done - asked, "session_s": done - began}


def run(server, context):
    try:
        figures = _session(server.port, corpus.address(USER))
    except (OSError, RuntimeError) as e:
        return {"failures": 1, "first_failure": str(e)}
    failed = figures["messages"] != COUNT or figures["listed"] != COUNT
    return {**figures, "failures": int(failed),
            "first_failure": f"{figures['messages']} messages, {figures['listed']} listed" if failed else None}
