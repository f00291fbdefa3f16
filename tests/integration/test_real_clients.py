"""Interop with real POP3 clients from Debian: python3 poplib and curl fetch
seeded messages byte-identical (compared by hash)."""

import hashlib
import os
import poplib
import subprocess

import pytest

from conftest import USERS, crlf, unstuff

pytestmark = pytest.mark.backends("sqlite", "postgres")

# Messages that break careless servers: dot-stuffing, 8-bit data, no final newline.
MESSAGES = {
    "dots": b"Subject: dots\r\n\r\n.leading dot\r\n..two dots\r\n.\r\nafter a lone dot\r\n",
    "eightbit": "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n\r\nGrüße aus Köln, \xff\xfe raw bytes\r\n".encode("latin-1"),
    "no-final-newline": b"Subject: unterminated\r\n\r\nlast line without newline",
    "bare-lf": b"Subject: unix\n\nline one\nline two\n",
}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def large_message(size=20 * 1024 * 1024) -> bytes:
    line = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_0123456789\r\n"
    body = b"Subject: large\r\n\r\n" + b"." + line * (size // len(line))
    return body


def poplib_fetch(postamt, user="alice@demo.test"):
    pop = poplib.POP3("127.0.0.1", postamt.port, timeout=60)
    pop.user(user)
    pop.pass_(USERS[user])
    return pop


def poplib_message(pop, number) -> bytes:
    _, lines, octets = pop.retr(number)
    data = b"".join(line + b"\r\n" for line in lines)  # poplib has already undone the byte-stuffing
    assert len(data) == octets
    return data


@pytest.fixture
def seeded(postamt):
    for name in sorted(MESSAGES):
        postamt.deliver("alice@demo.test", MESSAGES[name])
    return postamt


def test_poplib_keep_mode_retrieves_every_message_byte_identical(seeded):
    pop = poplib_fetch(seeded)
    count, _ = pop.stat()
    assert count == len(MESSAGES)
    sizes = {int(n): int(s) for n, s in (entry.split() for entry in pop.list()[1])}
    for number, name in enumerate(sorted(MESSAGES), start=1):
        data = poplib_message(pop, number)
        assert sha(data) == sha(crlf(MESSAGES[name])), name
        assert sizes[number] == len(data), name
    pop.quit()
    assert poplib_fetch(seeded).stat()[0] == len(MESSAGES)


def test_poplib_delete_mode_leaves_nothing(seeded):
    pop = poplib_fetch(seeded)
    for number in range(1, len(MESSAGES) + 1):
        poplib_message(pop, number)
        pop.dele(number)
    pop.quit()
    pop = poplib_fetch(seeded)
    assert pop.stat() == (0, 0)
    pop.quit()


def test_poplib_top_and_uidl(seeded):
    pop = poplib_fetch(seeded)
    number = sorted(MESSAGES).index("dots") + 1
    _, lines, _ = pop.top(number, 1)
    assert lines == [b"Subject: dots", b"", b".leading dot"]
    uidls = pop.uidl()[1]
    assert len(uidls) == len(MESSAGES) and len(set(u.split()[1] for u in uidls)) == len(MESSAGES)
    pop.quit()


def test_fifty_pipelined_commands_in_one_write_are_answered_in_order(seeded):
    client = seeded.login()
    commands = []
    for i in range(50):
        commands.append(["NOOP", "STAT", f"LIST {i % 4 + 1}", f"UIDL {i % 4 + 1}", f"RETR {i % 4 + 1}"][i % 5])
    client.send(b"".join(c.encode() + b"\r\n" for c in commands))
    for command in commands:
        reply = client.line()
        assert reply.startswith(b"+OK"), (command, reply)
        if command.startswith("STAT"):
            assert reply.startswith(b"+OK 4 ")
        if command.startswith("LIST") or command.startswith("UIDL"):
            assert reply.split()[1] == command.split()[1].encode()
        if command.startswith("RETR"):
            number = int(command.split()[1])
            assert sha(unstuff(client.multiline())) == sha(crlf(MESSAGES[sorted(MESSAGES)[number - 1]]))
    client.command("QUIT")


def test_twenty_megabyte_message_through_poplib_and_curl(postamt, tmp_path):
    big = large_message()
    postamt.deliver("alice@demo.test", big)
    pop = poplib_fetch(postamt)
    assert sha(poplib_message(pop, 1)) == sha(big)
    pop.quit()
    out = tmp_path / "big.eml"
    curl(postamt, "1", "-o", str(out))
    assert sha(out.read_bytes()) == sha(big)


def curl(postamt, path, *args, user="alice@demo.test"):
    result = subprocess.run(
        ["curl", "--silent", "--show-error", "--max-time", "120", "--user", f"{user}:{USERS[user]}",
         f"pop3://127.0.0.1:{postamt.port}/{path}", *args],
        capture_output=True, timeout=180)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_curl_list_retr_dele(seeded, tmp_path):
    listing = curl(seeded, "")
    entries = [line.split() for line in listing.decode().splitlines()]
    assert [int(n) for n, _ in entries] == list(range(1, len(MESSAGES) + 1))
    for number, name in enumerate(sorted(MESSAGES), start=1):
        out = tmp_path / f"{number}.eml"
        curl(seeded, str(number), "-o", str(out))
        assert sha(out.read_bytes()) == sha(crlf(MESSAGES[name])), name
        assert int(entries[number - 1][1]) == os.path.getsize(out)
    curl(seeded, "1", "--request", "DELE", "--list-only")
    remaining = curl(seeded, "").decode().splitlines()
    assert len(remaining) == len(MESSAGES) - 1
