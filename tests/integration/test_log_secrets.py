"""Issue 7.5: no password or token ever reaches a log. Logs in through every mechanism that carries a secret (USER/PASS
right and wrong, AUTH PLAIN, LOGIN, CRAM-MD5, APOP, SCRAM-SHA-256, OAUTHBEARER and XOAUTH2 tokens) and delivers a
message over LMTP, all at the most verbose level, then searches every log postamtd wrote, and the events file of the
example events plugin, for the secrets, for everything on the wire that carries them, and for their base64 forms."""

import base64
import hashlib
import hmac
import poplib
import re
import smtplib

import pytest

from conftest import USERS
from test_sasl import AUDIENCE, ISSUER, OAUTH_SECRET, ScramSha256Client, b64, token
from test_sdk import prefix  # noqa: F401  the installed SDK with the example events plugin

ALICE = "alice@demo.test"
PASSWORD = USERS[ALICE]
WRONG = "Wr0ng-Passw0rd-q7Zx"
# Mail is as private as a password: its text never belongs in a log either.
MAIL_SECRET = "Mail-Body-Secret-k9Jw"


class Wire:
    """What went over the wire carrying a secret, kept to search the logs for."""

    def __init__(self):
        self.secrets = {PASSWORD, WRONG, MAIL_SECRET}

    def carried(self, *values):
        for value in values:
            self.secrets.add(value.decode() if isinstance(value, bytes) else value)

    def forms(self):
        """Every secret as sent, and base64 (standard and URL-safe) of each."""
        out = set()
        for secret in self.secrets:
            raw = secret.encode()
            out |= {secret, base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).rstrip(b"=").decode()}
        return out


def pop(server) -> poplib.POP3:
    return poplib.POP3("127.0.0.1", server.port, timeout=60)


def exchange(client: poplib.POP3, first: str, *responses: str) -> bytes:
    """AUTH `first`, then each response to a "+ " challenge; the final answer, +OK or the -ERR line."""
    client._putcmd(first)
    for response in responses:
        challenge = client._getresp()
        assert challenge.startswith(b"+ "), challenge
        client._putcmd(response)
    try:
        return client._getresp()
    except poplib.error_proto as refused:
        return refused.args[0]


def user_pass(server, wire: Wire):
    for password, ok in ((WRONG, False), (PASSWORD, True)):
        client = pop(server)
        client.user(ALICE)
        if ok:
            client.pass_(password)
            client.quit()
        else:
            with pytest.raises(poplib.error_proto):
                client.pass_(password)


def logged_in(client: poplib.POP3, answer: bytes) -> bytes:
    """The answer to a login; a session it opened ends with QUIT, so the maildrop is free for the next one."""
    if answer.startswith(b"+OK"):
        client.quit()
    return answer


def plain_and_login(server, wire: Wire):
    for password, expected in ((WRONG, b"-ERR [AUTH]"), (PASSWORD, b"+OK")):
        blob = b64(f"\0{ALICE}\0{password}".encode())
        wire.carried(blob)
        client = pop(server)
        assert logged_in(client, exchange(client, f"AUTH PLAIN {blob}")).startswith(expected)
        wire.carried(b64(password.encode()))
        client = pop(server)
        assert logged_in(client, exchange(client, "AUTH LOGIN", b64(ALICE.encode()),
                                          b64(password.encode()))).startswith(expected)


def cram_md5(server, wire: Wire):
    for password in (WRONG, PASSWORD):
        client = pop(server)
        client._putcmd("AUTH CRAM-MD5")
        challenge = base64.b64decode(client._getresp()[2:])
        digest = hmac.new(password.encode(), challenge, hashlib.md5).hexdigest()
        response = b64(f"{ALICE} {digest}".encode())
        wire.carried(digest, response)
        client._putcmd(response)
        if password == WRONG:
            with pytest.raises(poplib.error_proto):
                client._getresp()
        else:
            logged_in(client, client._getresp())


def apop(server, wire: Wire):
    for password in (WRONG, PASSWORD):
        client = pop(server)
        timestamp = re.search(rb"<.*>", client.welcome).group(0)
        wire.carried(hashlib.md5(timestamp + password.encode()).hexdigest())
        if password == WRONG:
            with pytest.raises(poplib.error_proto):
                client.apop(ALICE, password)
        else:
            client.apop(ALICE, password)
            client.quit()


def bearer_tokens(server, wire: Wire):
    for bearer, valid in ((token(email="bob@demo.test"), False), (token(aud="elsewhere"), False), (token(), True)):
        wire.carried(bearer, bearer.rsplit(".", 1)[1])
        oauthbearer = b64(f"n,a={ALICE},".encode() + b"\x01auth=Bearer " + bearer.encode() + b"\x01\x01")
        xoauth2 = b64(f"user={ALICE}\x01auth=Bearer {bearer}\x01\x01".encode())
        wire.carried(oauthbearer, xoauth2)
        for mechanism, blob in (("OAUTHBEARER", oauthbearer), ("XOAUTH2", xoauth2)):
            client = pop(server)
            answer = exchange(client, f"AUTH {mechanism}", blob)
            assert logged_in(client, answer).startswith(b"+OK") == valid, (mechanism, answer)
            if answer.startswith(b"+ "):  # the error challenge of RFC 7628 section 3.2.2; acknowledged, then -ERR
                client._putcmd(b64(b"\x01") if mechanism == "OAUTHBEARER" else "")
                with pytest.raises(poplib.error_proto):
                    client._getresp()


def lmtp_delivery(server):
    with smtplib.LMTP("127.0.0.1", server.lmtp_port, timeout=60) as lmtp:
        lmtp.sendmail("mta@example.test", [ALICE], f"Subject: private\r\n\r\n{MAIL_SECRET}\r\n".encode())


def scram(server, wire: Wire):
    for password in (WRONG, PASSWORD):
        client = pop(server)
        scram = ScramSha256Client(ALICE, password)
        client._putcmd(f"AUTH SCRAM-SHA-256 {b64(scram.first())}")
        challenge = client._getresp()
        final = scram.final(base64.b64decode(challenge[2:]))
        wire.carried(b64(final), final.split(b",p=")[1])
        client._putcmd(b64(final))
        try:
            if client._getresp().startswith(b"+ "):  # the server's proof; an empty line ends the exchange
                client._putcmd("")
                assert client._getresp().startswith(b"+OK")
            assert password == PASSWORD
        except poplib.error_proto:
            assert password == WRONG


def test_no_secret_reaches_a_log_or_the_events_file(make_postamt, prefix, tmp_path):  # noqa: F811
    wire = Wire()
    events = tmp_path / "events.jsonl"
    server = make_postamt(auth__main__password_scheme="PLAIN", pop3__apop="true",
                          pop3__sasl_mechanisms="CRAM-MD5 OAUTHBEARER XOAUTH2 PLAIN LOGIN", log__level="trace",
                          plugins__directory=prefix / "lib" / "postamt" / "plugins",
                          events__audit__plugin="events-jsonl", events__audit__path=events)
    secret_file = tmp_path / "oauth-secret"
    secret_file.write_bytes(OAUTH_SECRET + b"\n")
    server.ctl("tenant", "oauth", "demo", ISSUER, AUDIENCE, "HS256", str(secret_file))
    wire.carried(OAUTH_SECRET)
    server.start()
    user_pass(server, wire)
    plain_and_login(server, wire)
    cram_md5(server, wire)
    apop(server, wire)
    bearer_tokens(server, wire)
    lmtp_delivery(server)

    scram_server = make_postamt(auth__main__password_scheme="SCRAM-SHA-256", pop3__sasl_mechanisms="SCRAM-SHA-256",
                                log__level="trace").start()
    scram(scram_server, wire)

    assert server.stop() == 0 and scram_server.stop() == 0
    logs = {str(path): path.read_text(errors="replace") for path in (server.log, scram_server.log, events)}
    # Every way in was really taken, so the search below covers each of them.
    everything = "".join(logs.values())
    for mechanism in ("USER", "PLAIN", "LOGIN", "CRAM-MD5", "APOP", "OAUTHBEARER", "XOAUTH2", "SCRAM-SHA-256"):
        assert f"mechanism={mechanism}" in everything, mechanism
    assert "lmtp: session ended" in logs[str(server.log)] and "auth" in logs[str(events)]
    leaks = [(name, form) for name, text in logs.items() for form in wire.forms() if form in text]
    assert not leaks, leaks
