"""The users and messages both servers get, so every scenario reads the same
maildrops on each side."""

import dataclasses
import pathlib
import random

PASSWORD = "bench-secret"
DOMAIN = "bench.test"
USER_PATTERN = "user%d@" + DOMAIN  # postamt-loadgen puts the user index in place of %d


@dataclasses.dataclass(frozen=True)
class Users:
    """Users first .. first+count-1."""
    first: int
    count: int

    def addresses(self):
        return [address(i) for i in range(self.first, self.first + self.count)]

    def loadgen_options(self):
        return {"user": USER_PATTERN, "first_user": self.first, "users": self.count}


@dataclasses.dataclass(frozen=True)
class Maildrops:
    """Users seeded with `per_user` messages of `size` octets each."""
    users: Users
    per_user: int
    size: int


ALL_USERS = Users(0, 5101)
# download: 100 maildrops x 20 messages of 20 KB at 8 clients; 10 messages of 5 MB at 4 clients
# (8 maildrops, so no client ever logs in to the maildrop another just left).
SMALL = Maildrops(Users(0, 100), per_user=20, size=20_000)
LARGE = Maildrops(Users(100, 8), per_user=10, size=5_000_000)
# big: one 50 MB message.
BIG = Maildrops(Users(108, 1), per_user=1, size=50_000_000)
SEEDED = (SMALL, LARGE, BIG)
# login: empty maildrops, enough that 64 clients never share one (RFC 1939 exclusive lock).
LOGIN = Users(200, 1000)
# hold: one session per maildrop, 5,000 at once.
HOLD = Users(0, 5000)
# deliver: LMTP recipients nobody else reads.
DELIVER = Users(5000, 100)
DELIVER_SIZE = SMALL.size
# bigdrop: one maildrop of 100,000 messages (bigdrop.py seeds it).
BIGDROP = Users(5100, 1)


def address(index: int) -> str:
    return USER_PATTERN.replace("%d", str(index))


def message_file(directory: pathlib.Path, size: int) -> pathlib.Path:
    """A message of exactly `size` octets with CRLF line ends. The body is
    base64 text: no line starts with ".", so byte-stuffing (RFC 1939 section 3)
    leaves RETR sizes equal to LIST sizes."""
    path = directory / f"message-{size}.eml"
    if path.exists():
        return path
    header = (f"From: loadgen@{DOMAIN}\r\nTo: bench@{DOMAIN}\r\nSubject: {size} octets\r\n"
              f"Message-ID: <{size}@loadgen.{DOMAIN}>\r\nDate: Thu, 1 Jan 2026 00:00:00 +0000\r\n"
              "MIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\n"
              "Content-Transfer-Encoding: base64\r\n\r\n").encode()
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    rng = random.Random(size)
    lines = [bytes(rng.choice(alphabet) for _ in range(76)) + b"\r\n" for _ in range(64)]
    block = b"".join(lines)
    body_size = size - len(header)
    body = (block * (body_size // len(block) + 1))[:body_size - 2] + b"\r\n"
    path.write_bytes(header + body)
    return path
