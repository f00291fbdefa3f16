"""SASL authentication (RFC 5034) with real clients: python poplib and curl, against a real postamtd."""

import base64
import poplib
import subprocess

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


@pytest.fixture
def seeded(postamt):
    stored = seed(postamt, ALICE, MESSAGE)
    return postamt, stored


def test_capa_announces_sasl_mechanisms(postamt):
    client = pop(postamt)
    capabilities = client.capa()
    # RFC 2449 section 6.3: SASL and its mechanisms; on loopback cleartext login is allowed, so PLAIN and LOGIN too.
    assert {"PLAIN", "LOGIN"} <= set(capabilities["SASL"])
    assert "AUTH-RESP-CODE" in capabilities
    client.quit()


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
