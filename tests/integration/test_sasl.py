"""SASL authentication (RFC 5034) with real clients: python poplib and curl, against a real postamtd."""

import base64
import hashlib
import hmac
import json
import os
import pathlib
import poplib
import sqlite3
import subprocess
import time

import pytest

from conftest import USERS, seed

ALICE = "alice@demo.test"
MESSAGE = b"Subject: sasl\r\n\r\nauthenticated\r\n"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def plain(user=ALICE, password=None, authzid="") -> str:
    return b64(f"{authzid}\0{user}\0{password or USERS[user]}".encode())


def pop(postamt) -> poplib.POP3:
    return poplib.POP3("127.0.0.1", postamt.port, timeout=30)


def curl(postamt, *args, user=ALICE, password=None, check=True):
    result = subprocess.run(
        ["curl", "--silent", "--show-error", "--max-time", "60", "--user", f"{user}:{password or USERS[user]}", *args,
         f"pop3://127.0.0.1:{postamt.port}/"],
        capture_output=True, timeout=90)
    if check:
        assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result


ALL_MECHANISMS = "SCRAM-SHA-256 CRAM-MD5 OAUTHBEARER XOAUTH2 PLAIN LOGIN"


@pytest.fixture
def every_mechanism(make_postamt):
    """The default fixture's users (SHA512-CRYPT) with every mechanism offered."""
    return make_postamt(pop3__sasl_mechanisms=ALL_MECHANISMS).start()


@pytest.fixture
def seeded(postamt):
    stored = seed(postamt, ALICE, MESSAGE)
    return postamt, stored


def test_capa_announces_the_configured_sasl_mechanisms(postamt, every_mechanism):
    # RFC 2449 section 6.3: by default PLAIN and LOGIN (on loopback cleartext login is allowed), which work for every
    # stored scheme; the others only when configured, strongest first.
    client = pop(postamt)
    capabilities = client.capa()
    assert capabilities["SASL"] == ["PLAIN", "LOGIN"]
    assert "AUTH-RESP-CODE" in capabilities
    client.quit()
    client = pop(every_mechanism)
    assert client.capa()["SASL"] == ALL_MECHANISMS.split()
    client.quit()


def test_an_unknown_configured_mechanism_stops_postamtd(make_postamt):
    server = make_postamt()
    server.configure(pop3__sasl_mechanisms="PLAIN KERBEROS_V4")
    with pytest.raises(AssertionError, match="KERBEROS_V4"):
        server.start()


def test_poplib_auth_plain_with_initial_response(seeded):
    postamt, stored = seeded
    client = pop(postamt)
    assert client._shortcmd(f"AUTH PLAIN {plain()}").startswith(b"+OK")
    assert client.stat() == (1, len(stored))
    client.quit()


def test_poplib_auth_plain_in_a_continuation_and_wrong_password(postamt):
    client = pop(postamt)
    # RFC 5034 section 4: without an initial response the server asks with "+ " and an empty challenge.
    client._putcmd("AUTH PLAIN")
    assert client._getline()[0] == b"+ "
    with pytest.raises(poplib.error_proto, match=r"-ERR \[AUTH\]"):
        client._shortcmd(plain(password="wrong"))
    # Still in AUTHORIZATION: a good login works on the same connection.
    assert client._shortcmd(f"AUTH PLAIN {plain()}").startswith(b"+OK")
    client.quit()


def test_poplib_auth_failures_carry_response_codes(postamt):
    client = pop(postamt)
    for command in ["AUTH NOSUCH", "AUTH PLAIN !!!!", "AUTH PLAIN =", f"AUTH PLAIN {plain(authzid='bob@demo.test')}",
                    f"AUTH PLAIN {plain(user='nobody@demo.test', password='x')}"]:
        with pytest.raises(poplib.error_proto, match=r"-ERR \[AUTH\]"):
            client._shortcmd(command)
    # RFC 5034 section 4: "*" cancels and gets -ERR.
    client._putcmd("AUTH LOGIN")
    assert client._getline()[0] == b"+ " + b64(b"Username:").encode()
    with pytest.raises(poplib.error_proto, match=r"-ERR \[AUTH\]"):
        client._shortcmd("*")
    client.quit()


def test_a_bare_auth_lists_the_mechanisms(postamt):
    client = pop(postamt)
    response, lines, _ = client._longcmd("AUTH")
    assert response.startswith(b"+OK")
    assert b"PLAIN" in lines and b"LOGIN" in lines
    client.quit()


def test_a_second_session_by_sasl_finds_the_maildrop_in_use(seeded):
    postamt, _ = seeded
    first = pop(postamt)
    first._shortcmd(f"AUTH PLAIN {plain()}")
    second = pop(postamt)
    with pytest.raises(poplib.error_proto, match=r"-ERR \[IN-USE\]"):
        second._shortcmd(f"AUTH PLAIN {plain()}")
    first.quit()
    second.quit()


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
@pytest.mark.parametrize("initial_response", [True, False])
def test_curl_retrieves_with_each_mechanism(seeded, mechanism, initial_response):
    postamt, stored = seeded
    args = ["--login-options", f"AUTH={mechanism}"] + (["--sasl-ir"] if initial_response else [])
    listing = curl(postamt, *args).stdout
    assert listing.decode().split() == ["1", str(len(stored))]
    # The server log names the mechanism of every login (never the password).
    assert f"mechanism={mechanism}" in postamt.log.read_text()
    assert USERS[ALICE] not in postamt.log.read_text()


def test_curl_with_a_wrong_password_is_refused(postamt):
    result = curl(postamt, "--login-options", "AUTH=PLAIN", password="wrong", check=False)
    assert result.returncode == 67  # CURLE_LOGIN_DENIED


class ScramSha256Client:
    """The client side of SCRAM-SHA-256 (RFC 5802 section 3 and 5, RFC 7677) from hashlib and hmac alone, so the
    server is checked against the RFC and not against its own code."""

    def __init__(self, user: str, password: str):
        self.user = user
        self.password = password.encode()
        self.nonce = base64.b64encode(os.urandom(18)).decode()
        self.gs2_header = "n,,"
        # RFC 5802 section 5.1: "," and "=" in a user name are escaped.
        self.first_bare = f"n={user.replace('=', '=3D').replace(',', '=2C')},r={self.nonce}"
        self.server_signature = None

    def first(self) -> bytes:
        return (self.gs2_header + self.first_bare).encode()

    def final(self, server_first: bytes) -> bytes:
        attributes = dict(part.split("=", 1) for part in server_first.decode().split(","))
        assert attributes["r"].startswith(self.nonce) and len(attributes["r"]) > len(self.nonce)
        salted = hashlib.pbkdf2_hmac("sha256", self.password, base64.b64decode(attributes["s"]), int(attributes["i"]))
        client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
        stored_key = hashlib.sha256(client_key).digest()
        without_proof = f"c={base64.b64encode(self.gs2_header.encode()).decode()},r={attributes['r']}"
        auth_message = f"{self.first_bare},{server_first.decode()},{without_proof}".encode()
        signature = hmac.new(stored_key, auth_message, hashlib.sha256).digest()
        proof = bytes(a ^ b for a, b in zip(client_key, signature))
        server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
        self.server_signature = hmac.new(server_key, auth_message, hashlib.sha256).digest()
        return f"{without_proof},p={base64.b64encode(proof).decode()}".encode()

    def verify(self, server_final: bytes):
        # RFC 5802 section 5.1: the server proves it knows the secret too.
        assert server_final == b"v=" + base64.b64encode(self.server_signature), server_final


def scram_login(client: poplib.POP3, user: str, password: str) -> bytes:
    """Runs AUTH SCRAM-SHA-256 (RFC 5034 section 4) over poplib; returns the final +OK line or raises error_proto."""
    scram = ScramSha256Client(user, password)
    client._putcmd(f"AUTH SCRAM-SHA-256 {b64(scram.first())}")
    challenge = client._getresp()
    assert challenge.startswith(b"+ "), challenge
    client._putcmd(b64(scram.final(base64.b64decode(challenge[2:]))))
    challenge = client._getresp()
    assert challenge.startswith(b"+ "), challenge
    scram.verify(base64.b64decode(challenge[2:]))
    # RFC 5034 section 4: the server's final message came as a challenge; the client answers with an empty line.
    client._putcmd("")
    return client._getresp()


def set_stored_password(server, user: str, stored: str):
    with sqlite3.connect(server.values["directory.connect"]) as db:
        assert db.execute("UPDATE users SET password = ? WHERE address = ?", (stored, user)).rowcount == 1


@pytest.fixture
def scram_postamt(make_postamt):
    """A server whose new passwords are stored as SCRAM-SHA-256 secrets, as SCRAM needs."""
    return make_postamt(auth__main__password_scheme="SCRAM-SHA-256", pop3__sasl_mechanisms="SCRAM-SHA-256 PLAIN LOGIN").start()


def test_scram_sha256_logs_in_and_retrieves(scram_postamt):
    stored = seed(scram_postamt, ALICE, MESSAGE)
    client = pop(scram_postamt)
    assert "SCRAM-SHA-256" in client.capa()["SASL"]
    assert scram_login(client, ALICE, USERS[ALICE]).startswith(b"+OK")
    assert client.stat() == (1, len(stored))
    client.quit()
    assert "mechanism=SCRAM-SHA-256" in scram_postamt.log.read_text()


def test_scram_sha256_with_a_wrong_password_or_unknown_user_gets_auth(scram_postamt):
    client = pop(scram_postamt)
    for user, password in [(ALICE, "wrong"), ("nobody@demo.test", "x"), ("alice@nodomain.test", "x")]:
        scram = ScramSha256Client(user, password)
        client._putcmd(f"AUTH SCRAM-SHA-256 {b64(scram.first())}")
        challenge = client._getresp()
        # RFC 5802 section 9: an unknown user gets a challenge like a known one and fails only at the proof.
        assert challenge.startswith(b"+ "), challenge
        client._putcmd(b64(scram.final(base64.b64decode(challenge[2:]))))
        with pytest.raises(poplib.error_proto, match=r"-ERR \[AUTH\]"):
            client._getresp()
    assert scram_login(client, ALICE, USERS[ALICE]).startswith(b"+OK")
    client.quit()
    # Each failed proof leaves the line a wrong password leaves (never a password or proof).
    log = scram_postamt.log.read_text()
    assert f'auth failed remote=127.0.0.1 tenant=demo mechanism=SCRAM-SHA-256 user="{ALICE}"' in log
    assert 'auth failed remote=127.0.0.1 tenant=demo mechanism=SCRAM-SHA-256 user="nobody@demo.test"' in log


def test_scram_sha256_with_a_secret_made_by_doveadm(every_mechanism):
    # What `doveadm pw -s SCRAM-SHA-256` prints is what a Dovecot SQL passdb holds: imported users keep SCRAM.
    made = subprocess.run(["doveadm", "pw", "-s", "SCRAM-SHA-256", "-p", "dovecot pässword"], capture_output=True, check=True,
                          timeout=60)
    set_stored_password(every_mechanism, ALICE, made.stdout.decode().strip())
    client = pop(every_mechanism)
    assert scram_login(client, ALICE, "dovecot pässword").startswith(b"+OK")
    client.quit()


def test_scram_sha256_for_a_password_stored_in_another_scheme_fails_like_a_wrong_password(every_mechanism):
    # The default fixture stores SHA512-CRYPT: SCRAM cannot check it, and the answer is the one for a wrong password.
    client = pop(every_mechanism)
    with pytest.raises(poplib.error_proto, match=r"-ERR \[AUTH\] Authentication failed\."):
        scram_login(client, ALICE, USERS[ALICE])
    # The same user still logs in with PLAIN.
    assert client._shortcmd(f"AUTH PLAIN {plain()}").startswith(b"+OK")
    client.quit()


def test_password_schemes_of_dovecot_log_in_with_plain(postamt):
    # Issue 4 item 6: each scheme as `doveadm pw` makes it, made now, checked through a real login.
    for scheme in ["ARGON2ID", "ARGON2I", "BLF-CRYPT", "SHA512-CRYPT", "SHA256-CRYPT", "SSHA512", "SSHA256", "SSHA", "PLAIN",
                   "CRAM-MD5", "SCRAM-SHA-256"]:
        made = subprocess.run(["doveadm", "pw", "-s", scheme, "-p", f"pw of {scheme}"], capture_output=True, check=True,
                              timeout=60)
        set_stored_password(postamt, ALICE, made.stdout.decode().strip())
        client = pop(postamt)
        with pytest.raises(poplib.error_proto, match=r"-ERR \[AUTH\]"):
            client._shortcmd(f"AUTH PLAIN {plain(password='wrong')}")
        assert client._shortcmd(f"AUTH PLAIN {plain(password=f'pw of {scheme}')}").startswith(b"+OK"), scheme
        client.quit()


def test_a_malformed_stored_hash_is_refused_and_its_scheme_logged(postamt):
    # A hash the database mangled fails closed, like a wrong password, and the log says in which scheme.
    set_stored_password(postamt, ALICE, "{SSHA512.HEX}not hex at all")
    client = pop(postamt)
    with pytest.raises(poplib.error_proto, match=r"-ERR \[AUTH\]"):
        client._shortcmd(f"AUTH PLAIN {plain(password=USERS[ALICE])}")
    client.quit()
    assert "a stored password hash is malformed; the login is denied: scheme=SSHA512" in postamt.log.read_text()


@pytest.fixture
def plain_stored_postamt(make_postamt):
    """Passwords stored as {PLAIN}, which CRAM-MD5 and APOP need, and APOP enabled."""
    return make_postamt(auth__main__password_scheme="PLAIN", pop3__apop="true",
                        pop3__sasl_mechanisms="CRAM-MD5 PLAIN LOGIN").start()


def test_curl_cram_md5_for_a_plain_stored_password(plain_stored_postamt):
    stored = seed(plain_stored_postamt, ALICE, MESSAGE)
    listing = curl(plain_stored_postamt, "--login-options", "AUTH=CRAM-MD5").stdout
    assert listing.decode().split() == ["1", str(len(stored))]
    assert "mechanism=CRAM-MD5" in plain_stored_postamt.log.read_text()
    assert curl(plain_stored_postamt, "--login-options", "AUTH=CRAM-MD5", password="wrong", check=False).returncode == 67


def test_cram_md5_with_a_context_made_by_doveadm(every_mechanism):
    made = subprocess.run(["doveadm", "pw", "-s", "CRAM-MD5", "-p", "cram secret"], capture_output=True, check=True, timeout=60)
    set_stored_password(every_mechanism, ALICE, made.stdout.decode().strip())
    assert curl(every_mechanism, "--login-options", "AUTH=CRAM-MD5", password="cram secret").returncode == 0


def test_cram_md5_for_a_hashed_password_fails_like_a_wrong_password(every_mechanism):
    # The default fixture stores SHA512-CRYPT, from which no HMAC-MD5 can be computed.
    assert curl(every_mechanism, "--login-options", "AUTH=CRAM-MD5", check=False).returncode == 67


def test_poplib_apop_when_enabled(plain_stored_postamt):
    stored = seed(plain_stored_postamt, ALICE, MESSAGE)
    client = pop(plain_stored_postamt)
    # RFC 1939 section 7: the greeting carries the timestamp poplib digests.
    assert b"<" in client.getwelcome() and b">" in client.getwelcome()
    with pytest.raises(poplib.error_proto, match=r"-ERR \[AUTH\]"):
        client.apop(ALICE, "wrong")
    assert client.apop(ALICE, USERS[ALICE]).startswith(b"+OK")
    assert client.stat() == (1, len(stored))
    client.quit()


def test_apop_is_off_by_default(postamt):
    client = pop(postamt)
    assert b"<" not in client.getwelcome()
    with pytest.raises(poplib.error_proto):
        client.apop(ALICE, USERS[ALICE])
    client.quit()


def test_utf8_user_names_and_passwords_after_utf8(postamt):
    # RFC 6856: announced in CAPA; before UTF8 a non-ASCII USER is refused, after it names and passwords are UTF-8.
    postamt.ctl("user", "add", "jürgen@demo.test", input="pässwört €\n".encode())
    client = pop(postamt)
    assert "UTF8" in client.capa()
    with pytest.raises(poplib.error_proto, match="UTF8"):
        client.user("jürgen@demo.test")  # poplib sends UTF-8
    assert client.utf8().startswith(b"+OK")
    client.user("jürgen@demo.test")
    assert client.pass_("pässwört €").startswith(b"+OK")
    client.quit()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs256_jwt(secret: bytes, **claims) -> str:
    """A JWT (RFC 7519) signed HS256 (RFC 7518 section 3.2), made here from hmac so the server is checked against the
    RFCs, not against the library it uses."""
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64url(json.dumps(claims).encode())
    signature = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64url(signature)}"


OAUTH_SECRET = b"tenant demo's shared secret"
ISSUER = "https://id.demo.test"
AUDIENCE = "pop3.demo.test"


def token(**overrides) -> str:
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "id-1", "email": ALICE, "exp": int(time.time()) + 300}
    claims.update(overrides)
    return hs256_jwt(OAUTH_SECRET, **{k: v for k, v in claims.items() if v is not None})


@pytest.fixture
def oauth_postamt(make_postamt, tmp_path):
    server = make_postamt(pop3__sasl_mechanisms="OAUTHBEARER XOAUTH2 PLAIN LOGIN")
    secret_file = tmp_path / "oauth-secret"
    secret_file.write_bytes(OAUTH_SECRET + b"\n")
    out = server.ctl("tenant", "oauth", "demo", ISSUER, AUDIENCE, "HS256", str(secret_file)).stdout.decode()
    assert "HS256" in out
    return server.start()


def test_curl_logs_in_with_a_bearer_token(oauth_postamt):
    stored = seed(oauth_postamt, ALICE, MESSAGE)
    result = subprocess.run(["curl", "--silent", "--show-error", "--max-time", "60", "--user", f"{ALICE}:",
                             "--oauth2-bearer", token(), "--login-options", "AUTH=OAUTHBEARER",
                             f"pop3://127.0.0.1:{oauth_postamt.port}/"], capture_output=True, timeout=90)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().split() == ["1", str(len(stored))]
    assert "mechanism=OAUTHBEARER" in oauth_postamt.log.read_text()


def test_xoauth2_logs_in_with_a_bearer_token_and_refuses_a_bad_one(oauth_postamt):
    # curl 7.88 prefers OAUTHBEARER whenever it is offered, so XOAUTH2 is driven by hand, as Google documents it.
    client = pop(oauth_postamt)
    for bearer, good in [(token(email="bob@demo.test"), False), (token(), True)]:
        client._putcmd("AUTH XOAUTH2")
        assert client._getresp() == b"+ "
        client._putcmd(b64(f"user={ALICE}\x01auth=Bearer {bearer}\x01\x01".encode()))
        if good:
            assert client._getresp().startswith(b"+OK")
            break
        challenge = client._getresp()
        assert json.loads(base64.b64decode(challenge[2:]))["status"] == "401"
        client._putcmd("")
        with pytest.raises(poplib.error_proto, match=r"-ERR \[AUTH\]"):
            client._getresp()
    client.quit()
    assert "mechanism=XOAUTH2" in oauth_postamt.log.read_text()


@pytest.mark.parametrize("bad", [
    {"exp": int(time.time()) - 10},   # expired
    {"iss": "https://evil.test"},     # another issuer
    {"aud": "another-service"},       # another audience
    {"email": "bob@demo.test"},       # another user's token
    {"email_verified": False},        # an address the provider has not verified: the subject is "id-1"
    {"exp": None},                    # never expires
])
def test_curl_with_a_refused_token_gets_login_denied(oauth_postamt, bad):
    result = subprocess.run(["curl", "--silent", "--max-time", "60", "--user", f"{ALICE}:", "--oauth2-bearer", token(**bad),
                             "--login-options", "AUTH=OAUTHBEARER", f"pop3://127.0.0.1:{oauth_postamt.port}/"],
                            capture_output=True, timeout=90)
    assert result.returncode == 67, result.stderr  # CURLE_LOGIN_DENIED


def test_oauthbearer_error_exchange_of_rfc7628(oauth_postamt):
    client = pop(oauth_postamt)
    forged = hs256_jwt(b"not the secret", iss=ISSUER, aud=AUDIENCE, email=ALICE, exp=int(time.time()) + 300)
    message = f"n,a={ALICE},".encode() + b"\x01auth=Bearer " + forged.encode() + b"\x01\x01"
    # RFC 5034 section 4: a token does not fit in a 255-octet command line, so it goes in a continuation.
    client._putcmd("AUTH OAUTHBEARER")
    assert client._getresp() == b"+ "
    client._putcmd(b64(message))
    challenge = client._getresp()
    # RFC 7628 section 3.2.2: the error is a JSON object in a challenge, acknowledged by %x01, then the failure.
    assert json.loads(base64.b64decode(challenge[2:]))["status"] == "invalid_token"
    client._putcmd(b64(b"\x01"))
    with pytest.raises(poplib.error_proto, match=r"-ERR \[AUTH\]"):
        client._getresp()
    client.quit()


def test_oauthbearer_without_authzid_is_the_user_its_token_names(oauth_postamt):
    # RFC 7628 section 3.1: the GS2 authzid may be left out ("n,,"); the token then says who the user is, and that
    # user's tenant checks its signature, so a forged one gets the error exchange as before.
    forged = hs256_jwt(b"not the secret", iss=ISSUER, aud=AUDIENCE, email=ALICE, exp=int(time.time()) + 300)
    client = pop(oauth_postamt)
    for bearer, good in [(forged, False), (token(), True)]:
        client._putcmd("AUTH OAUTHBEARER")
        assert client._getresp() == b"+ "
        client._putcmd(b64(b"n,,\x01auth=Bearer " + bearer.encode() + b"\x01\x01"))
        if good:
            assert client._getresp().startswith(b"+OK")
            break
        assert json.loads(base64.b64decode(client._getresp()[2:]))["status"] == "invalid_token"
        client._putcmd(b64(b"\x01"))
        with pytest.raises(poplib.error_proto, match=r"-ERR \[AUTH\]"):
            client._getresp()
    assert client.stat()[0] == 0
    client.quit()
    logins = [line for line in oauth_postamt.log.read_text().splitlines() if " login user=" in line]
    assert len(logins) == 1 and f"user={ALICE}" in logins[0] and "mechanism=OAUTHBEARER" in logins[0], logins


FAIL2BAN_FILTER = pathlib.Path(__file__).resolve().parents[2] / "core/etc/fail2ban/filter.d/postamt.conf"


def test_a_forged_token_or_name_cannot_write_a_log_line_of_its_own(oauth_postamt):
    # Until its signature is checked a token is the client's to write, like the name: neither may start a line that
    # fail2ban would read as another address's failure (issue 4 item 7).
    forged_line = ('2026-01-01T00:00:00.000Z Information auth: auth failed remote=203.0.113.9 tenant=demo '
                   'mechanism=PLAIN user="x" reason="x"')
    header = b64url(json.dumps({"alg": "HS256\n" + forged_line, "typ": "JWT"}).encode())
    client = pop(oauth_postamt)
    for user, bearer in [(ALICE, header + "." + token().split(".", 1)[1]), ("x\n" + forged_line + "\n" + ALICE, token())]:
        client._putcmd("AUTH XOAUTH2")
        assert client._getresp() == b"+ "
        client._putcmd(b64(f"user={user}\x01auth=Bearer {bearer}\x01\x01".encode()))
        assert json.loads(base64.b64decode(client._getresp()[2:]))["status"] == "401"
        client._putcmd("")
        with pytest.raises(poplib.error_proto, match=r"-ERR \[AUTH\]"):
            client._getresp()
    client.quit()
    oauth_postamt.stop()

    lines = oauth_postamt.log.read_text().splitlines()
    assert "bearer token refused" in "\n".join(lines)
    assert not [line for line in lines if line.startswith("2026-01-01T00:00:00.000Z")], lines
    # The forged text stays inside the quoted name of a line of the real client's: fail2ban finds only that address.
    result = subprocess.run(["fail2ban-regex", "--out", "ip", str(oauth_postamt.log), str(FAIL2BAN_FILTER)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["127.0.0.1", "127.0.0.1"], result.stdout


def test_a_tenant_without_oauth_takes_no_tokens(every_mechanism):
    result = subprocess.run(["curl", "--silent", "--max-time", "60", "--user", f"{ALICE}:", "--oauth2-bearer", token(),
                             "--login-options", "AUTH=XOAUTH2", f"pop3://127.0.0.1:{every_mechanism.port}/"],
                            capture_output=True, timeout=90)
    assert result.returncode == 67


def test_postamtctl_tenant_oauth_off_and_bad_algorithms(oauth_postamt, tmp_path):
    def login():
        return subprocess.run(["curl", "--silent", "--max-time", "60", "--user", f"{ALICE}:", "--oauth2-bearer", token(),
                               "--login-options", "AUTH=OAUTHBEARER", f"pop3://127.0.0.1:{oauth_postamt.port}/"],
                              capture_output=True, timeout=90).returncode

    assert login() == 0
    # The directory is read at every login: switching OAuth off applies to the next one, without a restart.
    oauth_postamt.ctl("tenant", "oauth", "demo", "off")
    assert login() == 67
    key = tmp_path / "key"
    key.write_bytes(b"secret")
    refused = oauth_postamt.ctl("tenant", "oauth", "demo", ISSUER, AUDIENCE, "none", str(key), check=False)
    assert refused.returncode != 0 and b"HS256 or RS256" in refused.stderr
    assert oauth_postamt.ctl("tenant", "oauth", "nosuch", ISSUER, AUDIENCE, "HS256", str(key), check=False).returncode != 0
