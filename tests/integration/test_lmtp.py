"""LMTP (RFC 2033) over real TCP and a unix socket, as Postfix's lmtp client
speaks it: per-recipient replies, trace headers, SIZE, and the message
fetched back over POP3 byte-identical."""

import hashlib
import smtplib
import socket

import pytest

from conftest import crlf, unstuff

pytestmark = pytest.mark.backends("sqlite", "postgres")

# A store failing for one recipient only, as a full disk or a broken table would.
BREAK_CAROLS_DELIVERIES = {
    "sqlite": ["CREATE TRIGGER broken BEFORE INSERT ON messages WHEN NEW.address = 'carol@other.test' "
               "BEGIN SELECT RAISE(ABORT, 'disk full'); END"],
    "postgres": ["CREATE FUNCTION broken() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RAISE 'disk full'; END$$",
                 "CREATE TRIGGER broken BEFORE INSERT ON messages FOR EACH ROW "
                 "WHEN (NEW.address = 'carol@other.test') EXECUTE FUNCTION broken()"],
}


class Lmtp:
    """A raw LMTP connection: replies are read exactly as sent."""

    def __init__(self, address, family=socket.AF_INET):
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect(address)
        self.file = self.sock.makefile("rb")
        self.greeting = self.reply()

    def reply(self):
        """One reply, possibly multi-line ("250-..." continuation): its lines."""
        lines = []
        while True:
            line = self.file.readline().rstrip(b"\r\n")
            if not line:
                raise ConnectionError("closed")
            lines.append(line)
            if line[3:4] != b"-":
                return lines

    def command(self, text):
        self.sock.sendall(text.encode() + b"\r\n")
        return self.reply()[-1]


def transaction(postamt, sender, recipients, data: bytes):
    """MAIL, RCPT..., DATA; returns (rcpt replies, data replies one per accepted recipient)."""
    lmtp = Lmtp(("127.0.0.1", postamt.lmtp_port))
    assert lmtp.greeting[0].startswith(b"220")
    assert lmtp.command("LHLO client.test").startswith(b"250")
    assert lmtp.command(f"MAIL FROM:<{sender}>").startswith(b"250")
    rcpt = [lmtp.command(f"RCPT TO:<{r}>") for r in recipients]
    accepted = sum(reply.startswith(b"250") for reply in rcpt)
    if not accepted:
        return rcpt, []
    assert lmtp.command("DATA").startswith(b"354")
    stuffed = b"".join(b"." + line if line.startswith(b".") else line for line in crlf(data).splitlines(keepends=True))
    lmtp.sock.sendall(stuffed + b".\r\n")
    replies = [lmtp.reply()[-1] for _ in range(accepted)]
    lmtp.command("QUIT")
    return rcpt, replies


def retrieve(postamt, user, number=1):
    client = postamt.login(user)
    client.command(f"RETR {number}")
    data = unstuff(client.multiline())
    client.command("QUIT")
    return data


def test_lhlo_capabilities(postamt):
    lmtp = Lmtp(("127.0.0.1", postamt.lmtp_port))
    lmtp.sock.sendall(b"LHLO client.test\r\n")
    capabilities = [line[4:] for line in lmtp.reply()[1:]]
    for expected in (b"PIPELINING", b"ENHANCEDSTATUSCODES", b"8BITMIME"):
        assert expected in capabilities
    assert b"SIZE 52428800" in capabilities


def test_delivery_prepends_trace_headers_and_is_fetched_byte_identical(postamt):
    body = b"Subject: over LMTP\r\n\r\n.leading dot\r\n8-bit: \xe4\xf6\xfc\r\n"
    rcpt, replies = transaction(postamt, "sender@example.org", ["alice@demo.test"], body)
    assert rcpt == [b"250 2.1.5 <alice@demo.test> OK"]
    assert replies[0].startswith(b"250 2.0.0")
    expected = b"Return-Path: <sender@example.org>\r\nDelivered-To: alice@demo.test\r\n" + body
    fetched = retrieve(postamt, "alice@demo.test")
    assert hashlib.sha256(fetched).digest() == hashlib.sha256(expected).digest()
    client = postamt.login()
    assert client.command("LIST 1") == b"+OK 1 %d" % len(expected)  # the stored size includes the trace headers
    client.command("QUIT")


def test_one_reply_per_recipient_in_rcpt_order_and_unknown_users(postamt):
    rcpt, replies = transaction(postamt, "", ["alice@demo.test", "nobody@demo.test", "x@unknown.test", "bob@demo.test",
                                              "carol@other.test"], b"Subject: many\r\n\r\nhi\r\n")
    assert rcpt[1].startswith(b"550 5.1.1") and rcpt[2].startswith(b"550 5.1.1")
    assert len(replies) == 3 and all(r.startswith(b"250 2.0.0") for r in replies)
    assert [r.split(b"<")[1].split(b">")[0] for r in replies] == [b"alice@demo.test", b"bob@demo.test", b"carol@other.test"]
    for user in ("alice@demo.test", "bob@demo.test", "carol@other.test"):
        # Several recipients: no Delivered-To, so one stored copy serves them all.
        assert retrieve(postamt, user) == b"Return-Path: <>\r\nSubject: many\r\n\r\nhi\r\n"


def test_a_mailbox_named_twice_gets_one_copy_and_a_reply_for_each_rcpt(postamt):
    # RFC 2033 section 4.2: one reply after DATA per accepted RCPT, repeats included. Addresses name mailboxes in
    # any case, so Alice@Demo.Test is alice's mailbox again, and a mailbox gets a message once.
    rcpt, replies = transaction(postamt, "s@example.org", ["alice@demo.test", "bob@demo.test", "Alice@Demo.Test"],
                                b"Subject: twice\r\n\r\nx\r\n")
    assert all(r.startswith(b"250") for r in rcpt), rcpt
    assert [r[:9] for r in replies] == [b"250 2.0.0"] * 3, replies
    assert b"<Alice@Demo.Test>" in replies[2]  # each reply names its recipient as it was written
    for user in ("alice@demo.test", "bob@demo.test"):
        client = postamt.login(user)
        assert client.command("STAT").startswith(b"+OK 1 "), user
        client.command("QUIT")


def test_a_repeated_recipient_gets_the_reply_of_its_mailbox(postamt):
    # Each reply is its own mailbox's, in RCPT order, also when that mailbox's store fails and another's does not.
    for statement in BREAK_CAROLS_DELIVERIES[postamt.backend]:
        postamt.sql(statement)
    _, replies = transaction(postamt, "s@example.org", ["carol@other.test", "alice@demo.test", "CAROL@other.test",
                                                        "alice@demo.test"], b"Subject: partial\r\n\r\nx\r\n")
    assert [r[:9] for r in replies] == [b"451 4.3.0", b"250 2.0.0", b"451 4.3.0", b"250 2.0.0"], replies
    client = postamt.login("alice@demo.test")
    assert client.command("STAT").startswith(b"+OK 1 ")
    client.command("QUIT")


def test_failing_store_for_one_recipient_gets_451_while_others_succeed(postamt):
    for statement in BREAK_CAROLS_DELIVERIES[postamt.backend]:
        postamt.sql(statement)
    _, replies = transaction(postamt, "s@example.org", ["alice@demo.test", "carol@other.test", "bob@demo.test"],
                             b"Subject: partial\r\n\r\nx\r\n")
    assert replies[0].startswith(b"250") and replies[2].startswith(b"250")
    assert replies[1].startswith(b"451 4.3.0"), replies
    client = postamt.login("carol@other.test")
    assert client.command("STAT") == b"+OK 0 0"
    client.command("QUIT")


def test_size_limit_on_parameter_and_while_reading(make_postamt):
    postamt = make_postamt(lmtp__max_message_size=1000).start()
    lmtp = Lmtp(("127.0.0.1", postamt.lmtp_port))
    lmtp.command("LHLO client.test")
    assert lmtp.command("MAIL FROM:<s@example.org> SIZE=1001").startswith(b"552 5.3.4")
    assert lmtp.command("MAIL FROM:<s@example.org> SIZE=10").startswith(b"250")
    assert lmtp.command("RCPT TO:<alice@demo.test>").startswith(b"250")
    assert lmtp.command("DATA").startswith(b"354")
    lmtp.sock.sendall(b"Subject: big\r\n\r\n" + b"x" * 2000 + b"\r\n.\r\n")
    assert lmtp.reply()[-1].startswith(b"552 5.3.4")
    assert lmtp.command("NOOP").startswith(b"250")  # the session goes on
    client = postamt.login()
    assert client.command("STAT") == b"+OK 0 0"
    client.command("QUIT")


def test_bare_lf_becomes_crlf_and_python_lmtp_client_works(postamt):
    with smtplib.LMTP("127.0.0.1", postamt.lmtp_port) as lmtp:
        # smtplib sends bytes as they are (it only appends CRLF when the data does not end in one).
        refused = lmtp.sendmail("s@example.org", ["bob@demo.test"], b"Subject: unix\n\nline one\nline two\r\n")
    assert refused == {}
    assert retrieve(postamt, "bob@demo.test").endswith(b"Subject: unix\r\n\r\nline one\r\nline two\r\n")


def test_a_transaction_hidden_behind_a_bare_lf_dot_is_text_not_commands(postamt):
    # SMTP smuggling (CVE-2023-51764): a sender hides "\n.\n" and a second transaction in one message, which an MTA
    # that passes bare LFs on forwards as one. Only CRLF "." CRLF ends the data (RFC 5321 section 4.1.1.4).
    lmtp = Lmtp(("127.0.0.1", postamt.lmtp_port))
    assert lmtp.command("LHLO client.test").startswith(b"250")
    assert lmtp.command("MAIL FROM:<s@example.org>").startswith(b"250")
    assert lmtp.command("RCPT TO:<alice@demo.test>").startswith(b"250")
    assert lmtp.command("DATA").startswith(b"354")
    lmtp.sock.sendall(b"Subject: legit\r\n\r\nhello\n.\nMAIL FROM:<ceo@bank.test>\r\nRCPT TO:<bob@demo.test>\r\n"
                      b"DATA\r\nSubject: forged\r\n\r\npay\r\n.\r\n")
    assert lmtp.reply()[-1].startswith(b"250 2.0.0")  # one reply: one message, for alice
    assert lmtp.command("NOOP") == b"250 2.0.0 Ok"   # and no reply left over from a smuggled transaction
    lmtp.command("QUIT")
    assert b"\r\n.\r\nMAIL FROM:<ceo@bank.test>\r\n" in retrieve(postamt, "alice@demo.test")
    client = postamt.login("bob@demo.test")
    assert client.command("STAT") == b"+OK 0 0"
    client.command("QUIT")


def test_unix_socket_listener(make_postamt, tmp_path):
    path = tmp_path / "lmtp.sock"
    postamt = make_postamt()
    del postamt.values["listener.lmtp.address"]
    postamt.configure(listener__lmtp__path=path)
    postamt.start()
    lmtp = Lmtp(str(path), socket.AF_UNIX)
    assert lmtp.greeting[0].startswith(b"220")
    lmtp.command("LHLO client.test")
    lmtp.command("MAIL FROM:<s@example.org>")
    assert lmtp.command("RCPT TO:<alice@demo.test>").startswith(b"250")
    lmtp.command("DATA")
    lmtp.sock.sendall(b"Subject: via unix socket\r\n\r\nhi\r\n.\r\n")
    assert lmtp.reply()[-1].startswith(b"250 2.0.0")
    assert b"via unix socket" in retrieve(postamt, "alice@demo.test")
