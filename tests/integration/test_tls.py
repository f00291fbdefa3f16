"""TLS with real clients: implicit TLS (POP3S, RFC 8314) and STLS (RFC 2595)
through python poplib and ssl, curl and openssl s_client; the cleartext policy
of RFC 2595 section 6; per-tenant certificates picked by SNI (RFC 6066); and
certificates reloaded on SIGHUP without dropping sessions."""

import poplib
import re
import signal
import socket
import ssl
import subprocess
import time

import pytest

from conftest import SANITIZED, USERS, Client, free_port

MESSAGE = b"Subject: over TLS\r\n\r\nsealed\r\n"


def make_certificate(directory, name, *dns_names):
    """A throwaway self-signed certificate (EC P-256) for `dns_names`; returns (certificate, key) paths."""
    certificate, key = directory / f"{name}.crt", directory / f"{name}.key"
    subject_alt_names = ",".join(f"DNS:{n}" for n in dns_names)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-days", "2", "-subj", f"/CN={dns_names[0]}", "-addext", f"subjectAltName={subject_alt_names}",
                    "-keyout", str(key), "-out", str(certificate)], check=True, capture_output=True, timeout=60)
    return certificate, key


def der(certificate_path) -> bytes:
    return ssl.PEM_cert_to_DER_cert(certificate_path.read_text())


def unverified_context(**versions) -> ssl.SSLContext:
    """A client that takes any certificate: the tests compare the certificate served with the one expected."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    for attribute, version in versions.items():
        setattr(context, attribute, version)
    return context


def served_certificate(port, server_name=None) -> bytes:
    """The DER certificate a handshake on `port` gets, with SNI `server_name` (None: no SNI, as for an IP literal)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
        with unverified_context().wrap_socket(raw, server_hostname=server_name) as tls:
            return tls.getpeercert(binary_form=True)


@pytest.fixture
def certificates(tmp_path):
    return make_certificate(tmp_path, "default", "postamt.test", "localhost")


@pytest.fixture
def make_tls_postamt(make_postamt, certificates):
    """A postamtd with the default certificate, POP3 with STLS on .port and POP3S on .tls_port, and `message` for
    alice."""

    def make(message=MESSAGE, **settings):
        tls_port = free_port()
        certificate, key = certificates
        server = make_postamt(tls__certificate_file=certificate, tls__key_file=key,
                              listener__pop3s__address=f"127.0.0.1:{tls_port}", listener__pop3s__tls="implicit",
                              **settings)
        server.tls_port = tls_port
        if message:
            server.deliver("alice@demo.test", message)
        # conftest's start() waits for the plain port; the listeners bind one after another, so wait for POP3S too.
        start_plain = server.start

        def start():
            start_plain()
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", tls_port), timeout=1).close()
                    return server
                except OSError:
                    assert time.monotonic() < deadline, "postamtd did not listen on its POP3S port within 30 s"
                    time.sleep(0.05)

        server.start = start
        return server

    return make


@pytest.fixture
def tls_postamt(make_tls_postamt):
    return make_tls_postamt().start()


class TlsClient(Client):
    """A raw POP3S connection: conftest's Client over TLS from the first byte."""

    def __init__(self, port, context=None, server_name="postamt.test"):
        raw = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock = (context or unverified_context()).wrap_socket(raw, server_hostname=server_name)
        self.buffer = b""
        self.greeting = self.line()


def start_tls(client: Client, context=None):
    assert client.command("STLS") == b"+OK Begin TLS negotiation"
    assert client.buffer == b""
    client.sock = (context or unverified_context()).wrap_socket(client.sock, server_hostname="postamt.test")


def capabilities(client: Client) -> list:
    assert client.command("CAPA").startswith(b"+OK")
    return client.multiline().decode().split("\r\n")[:-1]


# --- Implicit TLS --------------------------------------------------------------------------------------------

def test_poplib_pop3_ssl_logs_in_and_retrieves(tls_postamt):
    pop = poplib.POP3_SSL("127.0.0.1", tls_postamt.tls_port, context=unverified_context(), timeout=30)
    assert pop.getwelcome().startswith(b"+OK")
    assert "STLS" not in pop.capa()  # RFC 2595 section 4: never on a connection that is encrypted already
    pop.user("alice@demo.test")
    pop.pass_(USERS["alice@demo.test"])
    _, lines, _ = pop.retr(1)
    assert lines[-2:] == [b"", b"sealed"]
    assert pop.sock.version() in ("TLSv1.2", "TLSv1.3")
    pop.quit()


def test_tls_1_2_is_served_with_a_modern_aead_suite(tls_postamt):
    context = unverified_context(maximum_version=ssl.TLSVersion.TLSv1_2)
    client = TlsClient(tls_postamt.tls_port, context)
    assert client.sock.version() == "TLSv1.2"
    name, _, _ = client.sock.cipher()
    assert name.startswith("ECDHE-") and ("GCM" in name or "CHACHA20" in name), name
    client.close()


def test_versions_before_tls_1_2_are_refused(tls_postamt):
    # SECLEVEL=0 lets this client offer TLS 1.1 at all; the server must still refuse it.
    result = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{tls_postamt.tls_port}", "-tls1_1",
                             "-cipher", "DEFAULT:@SECLEVEL=0"], input=b"", capture_output=True, timeout=30)
    output = result.stdout + result.stderr
    assert result.returncode != 0 and b"alert protocol version" in output and b"+OK" not in output, output


def test_nothing_is_sent_in_the_clear_on_the_tls_port(tls_postamt):
    with socket.create_connection(("127.0.0.1", tls_postamt.tls_port), timeout=10) as raw:
        raw.sendall(b"CAPA\r\n")
        received = b""
        try:
            while chunk := raw.recv(4096):
                received += chunk
        except ConnectionResetError:
            pass  # the server gave up on the handshake with the CAPA unread
    assert b"+OK" not in received


def test_a_silent_client_on_the_tls_port_is_dropped_after_the_login_timeout(make_tls_postamt):
    server = make_tls_postamt(pop3__login_timeout_seconds=2).start()
    with socket.create_connection(("127.0.0.1", server.tls_port), timeout=30) as raw:
        started = time.monotonic()
        assert raw.recv(4096) == b""
        elapsed = time.monotonic() - started
    # Poco waits up to twice the receive timeout on TLS (TOOLCHAIN pitfall 5).
    assert 1.5 < elapsed < 6, elapsed


def test_silent_clients_on_the_tls_port_do_not_hold_up_others(tls_postamt):
    """The handshake runs on the session's thread, never the accepting one (TOOLCHAIN section 2)."""
    silent = [socket.create_connection(("127.0.0.1", tls_postamt.tls_port), timeout=30) for _ in range(5)]
    try:
        started = time.monotonic()
        client = TlsClient(tls_postamt.tls_port)
        assert client.greeting.startswith(b"+OK")
        assert time.monotonic() - started < 5
        client.close()
    finally:
        for connection in silent:
            connection.close()


def test_a_tls_client_over_its_address_limit_is_refused_before_the_handshake(make_tls_postamt):
    """A flood from one address must not buy handshakes: the connection closes at once, without a word in the
    clear, and the log says why. Other addresses are served. (From 127.0.0.2 and .3: the fixture's readiness
    probe came from 127.0.0.1 and may not be counted out yet.)"""
    server = make_tls_postamt(server__max_connections_per_ip=1).start()

    def connect(source: str) -> socket.socket:
        return socket.create_connection(("127.0.0.1", server.tls_port), timeout=10, source_address=(source, 0))

    held = unverified_context().wrap_socket(connect("127.0.0.2"), server_hostname="postamt.test")
    assert held.recv(4096).startswith(b"+OK")
    with connect("127.0.0.2") as raw:
        # Closed at once, before this client says anything: a server that began a handshake would wait for its hello.
        assert raw.recv(4096) == b""
    wait_for_log(server, "connection from 127.0.0.2 refused: too many connections from this address", 1)
    other = unverified_context().wrap_socket(connect("127.0.0.3"), server_hostname="postamt.test")
    assert other.recv(4096).startswith(b"+OK")
    other.close()
    held.close()


def test_failed_handshakes_do_not_grow_memory(tls_postamt):
    def garbage_handshakes(count):
        for _ in range(count):
            with socket.create_connection(("127.0.0.1", tls_postamt.tls_port), timeout=10) as raw:
                raw.sendall(b"\x16\x03\x01\x00\x05hello" + b"\x00" * 64)
                try:
                    while raw.recv(4096):
                        pass
                except ConnectionResetError:
                    pass

    garbage_handshakes(50)  # pool threads and OpenSSL's tables exist after this
    baseline = tls_postamt.rss_kib()
    garbage_handshakes(500)
    growth = tls_postamt.rss_kib() - baseline
    if not SANITIZED:
        assert growth < 2048, f"RSS grew by {growth} KiB over 500 failed handshakes"
    assert TlsClient(tls_postamt.tls_port).greeting.startswith(b"+OK")
    assert tls_postamt.stop() == 0  # under ASan, LeakSanitizer fails the exit for any leak


def test_curl_pop3s(tls_postamt):
    listing = subprocess.run(["curl", "--silent", "--show-error", "--max-time", "60", "--insecure",
                              "--user", f"alice@demo.test:{USERS['alice@demo.test']}",
                              f"pop3s://127.0.0.1:{tls_postamt.tls_port}/1"], capture_output=True, timeout=90)
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.endswith(b"sealed\r\n")


# --- STLS ------------------------------------------------------------------------------------------------------

def test_poplib_stls_then_login(tls_postamt):
    pop = poplib.POP3("127.0.0.1", tls_postamt.port, timeout=30)
    assert "STLS" in pop.capa()
    pop.stls(unverified_context())
    assert "STLS" not in pop.capa()  # RFC 2595 section 4: after the handshake it is no longer offered
    pop.user("alice@demo.test")
    pop.pass_(USERS["alice@demo.test"])
    assert pop.stat()[0] == 1
    pop.quit()


def test_curl_ssl_reqd_upgrades_with_stls(tls_postamt):
    result = subprocess.run(["curl", "--silent", "--show-error", "--max-time", "60", "--insecure", "--ssl-reqd",
                             "--user", f"alice@demo.test:{USERS['alice@demo.test']}",
                             f"pop3://127.0.0.1:{tls_postamt.port}/1"], capture_output=True, timeout=90)
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith(b"sealed\r\n")


def test_commands_pipelined_after_stls_are_never_executed(tls_postamt):
    """CVE-2011-0411: what follows STLS in the same packet came in the clear and must be discarded."""
    client = tls_postamt.connect()
    client.send(b"STLS\r\nCAPA\r\n")
    assert client.line() == b"+OK Begin TLS negotiation"
    assert client.buffer == b""  # nothing answered in the clear either
    client.sock = unverified_context().wrap_socket(client.sock, server_hostname="postamt.test")
    # The first answer under TLS is to the first command sent under TLS: the injected CAPA got none.
    assert client.command("NOOP") == b"-ERR Command not valid in this state"
    assert "STLS" not in capabilities(client)
    assert client.command("QUIT") == b"+OK Logging out."


def test_stls_twice_or_after_login_is_refused(tls_postamt):
    client = tls_postamt.connect()
    start_tls(client)
    assert client.command("STLS").startswith(b"-ERR")
    assert client.command("NOOP").startswith(b"-ERR")  # still a working session

    logged_in = tls_postamt.login()
    assert "STLS" not in capabilities(logged_in)
    assert logged_in.command("STLS").startswith(b"-ERR")
    assert logged_in.command("NOOP") == b"+OK"


def test_a_failed_stls_handshake_ends_the_connection(tls_postamt):
    client = tls_postamt.connect()
    assert client.command("STLS") == b"+OK Begin TLS negotiation"
    client.send(b"USER alice@demo.test\r\n")  # no ClientHello: the server gives up, and never runs the command
    assert client.closed_by_server()
    assert b"+OK" not in client.buffer


def test_without_a_certificate_stls_is_neither_offered_nor_accepted(postamt):
    client = postamt.connect()
    assert "STLS" not in capabilities(client)
    assert client.command("STLS").startswith(b"-ERR")


# --- Cleartext policy (RFC 2595 section 6) ------------------------------------------------------------------

def test_an_untrusted_peer_must_start_tls_before_user_and_pass(make_tls_postamt):
    server = make_tls_postamt(pop3__trusted_networks="10.0.0.0/8, 192.0.2.0/24").start()
    client = server.connect()
    offered = capabilities(client)
    assert "USER" not in offered and "STLS" in offered
    for command in ("USER alice@demo.test", f"PASS {USERS['alice@demo.test']}"):
        reply = client.command(command)
        assert reply.startswith(b"-ERR [AUTH] ") and b"TLS is required" in reply, reply
    start_tls(client)
    assert "USER" in capabilities(client)
    assert client.command("USER alice@demo.test") == b"+OK"
    assert client.command(f"PASS {USERS['alice@demo.test']}") == b"+OK Logged in."


def test_an_untrusted_peer_may_log_in_over_implicit_tls(make_tls_postamt):
    server = make_tls_postamt(pop3__trusted_networks="10.0.0.0/8").start()
    client = TlsClient(server.tls_port)
    assert "USER" in capabilities(client)
    assert client.command("USER alice@demo.test") == b"+OK"
    assert client.command(f"PASS {USERS['alice@demo.test']}") == b"+OK Logged in."


def test_loopback_is_trusted_by_default(tls_postamt):
    client = tls_postamt.connect()
    assert "USER" in capabilities(client)
    assert client.command("USER alice@demo.test") == b"+OK"
    assert client.command(f"PASS {USERS['alice@demo.test']}") == b"+OK Logged in."


def test_a_bad_trusted_network_is_a_config_error(make_tls_postamt):
    server = make_tls_postamt()
    server.configure(pop3__trusted_networks="10.0.0.0/40")
    with pytest.raises(AssertionError, match="pop3.trusted_networks"):
        server.start()


@pytest.mark.parametrize("settings, error", [
    ({"listener__pop3s__tls": "sometimes"}, "listener.pop3s.tls: 'sometimes' is not implicit, starttls or none"),
    ({"tls__certificate_file": ""}, "tls.certificate_file and tls.key_file come together"),
    ({"listener__lmtp__tls": "starttls"}, "listener.lmtp.tls: TLS is served on POP3 listeners only"),
])
def test_tls_settings_that_cannot_work_are_config_errors(make_tls_postamt, settings, error):
    server = make_tls_postamt()
    server.configure(**settings)
    with pytest.raises(AssertionError, match=re.escape(error)):
        server.start()


def test_implicit_tls_without_a_certificate_is_a_config_error(make_postamt):
    server = make_postamt()
    server.configure(listener__pop3s__address=f"127.0.0.1:{free_port()}", listener__pop3s__tls="implicit")
    with pytest.raises(AssertionError, match="listener.pop3s.tls = implicit needs tls.certificate_file and tls.key_file"):
        server.start()


def test_a_key_that_does_not_match_the_default_certificate_stops_the_start(make_tls_postamt, tmp_path):
    server = make_tls_postamt()
    _, other_key = make_certificate(tmp_path, "unrelated", "unrelated.test")
    server.configure(tls__key_file=other_key)
    with pytest.raises(AssertionError, match="the key does not match"):
        server.start()


# --- Per-tenant certificates by SNI -------------------------------------------------------------------------

@pytest.fixture
def tenant_certificates(tmp_path):
    return {
        "demo": make_certificate(tmp_path, "demo", "mail.demo.test", "pop.demo.example"),
        "other": make_certificate(tmp_path, "other", "*.other.test"),
        # a name outside the tenant's domains must not be served for it
        "greedy": make_certificate(tmp_path, "greedy", "pop.demo.test", "mail.unrelated.test"),
    }


@pytest.fixture
def sni_postamt(make_tls_postamt, tenant_certificates):
    server = make_tls_postamt()
    server.ctl("domain", "add", "demo.example", "demo")  # a second domain of the same tenant
    for tenant in ("demo", "other"):
        certificate, key = tenant_certificates[tenant]
        server.ctl("tenant", "cert", tenant, str(certificate), str(key))
    return server.start()


def test_sni_picks_the_tenants_certificate_exact_then_wildcard(sni_postamt, tenant_certificates, certificates):
    demo, other, default = der(tenant_certificates["demo"][0]), der(tenant_certificates["other"][0]), der(certificates[0])
    port = sni_postamt.tls_port
    assert served_certificate(port, "mail.demo.test") == demo
    assert served_certificate(port, "MAIL.Demo.Test") == demo
    assert served_certificate(port, "pop.demo.example") == demo
    assert served_certificate(port, "pop.other.test") == other  # *.other.test
    assert served_certificate(port, "unknown.example") == default
    assert served_certificate(port, "a.b.other.test") == default  # a wildcard covers one label only
    assert served_certificate(port, None) == default


def test_sni_applies_to_stls_too(sni_postamt, tenant_certificates):
    client = sni_postamt.connect()
    assert client.command("STLS") == b"+OK Begin TLS negotiation"
    client.sock = unverified_context().wrap_socket(client.sock, server_hostname="mail.demo.test")
    assert client.sock.getpeercert(binary_form=True) == der(tenant_certificates["demo"][0])


def openssl_subject(port, server_name, starttls=False) -> str:
    command = ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-servername", server_name]
    if starttls:
        command += ["-starttls", "pop3"]
    result = subprocess.run(command, input=b"QUIT\r\n", capture_output=True, timeout=30)
    match = re.search(rb"^subject=.*CN ?= ?([^,\n]+)", result.stdout, re.MULTILINE)
    assert match, result.stdout + result.stderr
    return match.group(1).decode().strip()


def test_openssl_s_client_sees_each_tenants_certificate(sni_postamt):
    assert openssl_subject(sni_postamt.tls_port, "mail.demo.test") == "mail.demo.test"
    assert openssl_subject(sni_postamt.tls_port, "imap.other.test") == "*.other.test"
    assert openssl_subject(sni_postamt.tls_port, "unknown.example") == "postamt.test"
    assert openssl_subject(sni_postamt.port, "mail.demo.test", starttls=True) == "mail.demo.test"


def test_a_subdomain_given_to_another_tenant_is_served_with_that_tenants_certificate(make_tls_postamt, tmp_path,
                                                                                       certificates):
    # demo owns demo.test, other owns sub.demo.test: the most specific domain decides whose a name is, so neither
    # demo's exact name nor its wildcard may serve other's names (issue 4 item 3).
    demo = make_certificate(tmp_path, "nested-demo", "mail.demo.test", "pop.sub.demo.test", "*.demo.test")
    other = make_certificate(tmp_path, "nested-other", "*.sub.demo.test")
    server = make_tls_postamt()
    server.ctl("domain", "add", "sub.demo.test", "other")
    for tenant, (certificate, key) in (("demo", demo), ("other", other)):
        server.ctl("tenant", "cert", tenant, str(certificate), str(key))
    server.start()
    port = server.tls_port
    assert served_certificate(port, "mail.demo.test") == der(demo[0])
    assert served_certificate(port, "imap.demo.test") == der(demo[0])  # demo's wildcard, on demo's own name
    assert served_certificate(port, "pop.sub.demo.test") == der(other[0])
    assert served_certificate(port, "sub.demo.test") == der(certificates[0])  # other's, with no certificate of its own
    assert "certificate name pop.sub.demo.test is not within its domains" in server.log.read_text()


def test_a_certificate_name_outside_the_tenants_domains_is_not_served(make_tls_postamt, tenant_certificates, certificates):
    server = make_tls_postamt()
    certificate, key = tenant_certificates["greedy"]
    server.ctl("tenant", "cert", "demo", str(certificate), str(key))
    server.start()
    assert served_certificate(server.tls_port, "pop.demo.test") == der(certificate)
    assert served_certificate(server.tls_port, "mail.unrelated.test") == der(certificates[0])


def test_postamtctl_refuses_a_key_that_does_not_match(make_tls_postamt, tenant_certificates):
    server = make_tls_postamt()
    result = server.ctl("tenant", "cert", "demo", str(tenant_certificates["demo"][0]), str(tenant_certificates["other"][1]),
                        check=False)
    assert result.returncode == 1 and b"cannot load TLS certificate" in result.stderr, result.stderr
    result = server.ctl("tenant", "cert", "nobody", str(tenant_certificates["demo"][0]), str(tenant_certificates["demo"][1]),
                        check=False)
    assert result.returncode == 1 and b"no tenant nobody" in result.stderr, result.stderr


# --- SIGHUP ----------------------------------------------------------------------------------------------------

def wait_for_log(server, text, count, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.log.read_text().count(text) >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"no {count}x {text!r} in the log:\n{server.log.read_text()}")


def test_sighup_reloads_certificates_and_keeps_sessions(sni_postamt, tmp_path, tenant_certificates, certificates):
    loaded = "TLS certificates loaded"
    wait_for_log(sni_postamt, loaded, 1)
    before = TlsClient(sni_postamt.tls_port)
    assert before.command("USER alice@demo.test") == b"+OK"
    assert before.command(f"PASS {USERS['alice@demo.test']}") == b"+OK Logged in."
    old_default = before.sock.getpeercert(binary_form=True)

    # Replace the default certificate in place and give tenant demo a new one.
    new_default, new_default_key = make_certificate(tmp_path, "renewed", "postamt.test")
    certificates[0].write_bytes(new_default.read_bytes())
    certificates[1].write_bytes(new_default_key.read_bytes())
    renewed_demo, renewed_demo_key = make_certificate(tmp_path, "demo-renewed", "mail.demo.test")
    sni_postamt.ctl("tenant", "cert", "demo", str(renewed_demo), str(renewed_demo_key))
    sni_postamt.process.send_signal(signal.SIGHUP)
    wait_for_log(sni_postamt, loaded, 2)

    assert served_certificate(sni_postamt.tls_port, None) == der(new_default) != old_default
    assert served_certificate(sni_postamt.tls_port, "mail.demo.test") == der(renewed_demo)
    assert served_certificate(sni_postamt.tls_port, "pop.other.test") == der(tenant_certificates["other"][0])
    # The session from before goes on with its TLS.
    assert before.command("STAT").startswith(b"+OK 1 ")
    assert before.command("QUIT") == b"+OK Logging out."


def test_a_broken_certificate_on_sighup_keeps_the_old_one(tls_postamt, certificates):
    wait_for_log(tls_postamt, "TLS certificates loaded", 1)
    served = served_certificate(tls_postamt.tls_port)
    certificates[0].write_text("not a certificate\n")
    tls_postamt.process.send_signal(signal.SIGHUP)
    wait_for_log(tls_postamt, "TLS certificates not reloaded", 1)
    assert served_certificate(tls_postamt.tls_port) == served
    assert tls_postamt.process.poll() is None


# --- Graceful stop -------------------------------------------------------------------------------------------

def test_a_stop_tells_tls_and_stls_sessions_goodbye_over_tls(tls_postamt):
    implicit = TlsClient(tls_postamt.tls_port)
    upgraded = tls_postamt.connect()
    start_tls(upgraded)
    assert upgraded.command("CAPA").startswith(b"+OK")
    upgraded.multiline()
    assert tls_postamt.stop() == 0
    for client in (implicit, upgraded):
        assert client.line() == b"-ERR [SYS/TEMP] Server shutting down."


# --- Resumption ------------------------------------------------------------------------------------------------

def session_after_quit(port, context, server_name="postamt.test") -> ssl.SSLSession:
    """The session a POP3S client keeps from a whole connection (TLS 1.3 tickets arrive after the handshake)."""
    client = TlsClient(port, context, server_name)
    assert client.command("QUIT") == b"+OK Logging out."
    session = client.sock.session
    client.close()
    return session


def offer_session(port, context, session, server_name="postamt.test"):
    """(whether the server resumed `session`, the certificate of the connection) for a new POP3S connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
        with context.wrap_socket(raw, server_hostname=server_name, session=session) as again:
            assert again.recv(4096).startswith(b"+OK")
            return again.session_reused, again.getpeercert(binary_form=True)


VERSIONS = [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3]


@pytest.mark.parametrize("version", VERSIONS)
def test_a_client_resumes_its_tls_session(tls_postamt, version):
    """An abbreviated handshake (RFC 5077 tickets, RFC 8446 section 2.2) spares clients that poll every few minutes a
    full one."""
    context = unverified_context(maximum_version=version)
    session = session_after_quit(tls_postamt.tls_port, context)
    assert offer_session(tls_postamt.tls_port, context, session)[0]


@pytest.mark.parametrize("version", VERSIONS)
def test_clients_of_tenant_certificates_resume_too(sni_postamt, tenant_certificates, version):
    """SNI moves a handshake to the tenant's context; the ticket keys must be the same there, or a tenant's clients
    would never resume."""
    context = unverified_context(maximum_version=version)
    for server_name, tenant in (("mail.demo.test", "demo"), ("pop.other.test", "other")):
        session = session_after_quit(sni_postamt.tls_port, context, server_name)
        assert offer_session(sni_postamt.tls_port, context, session, server_name) == \
            (True, der(tenant_certificates[tenant][0])), server_name


def test_sessions_from_before_a_certificate_reload_resume(sni_postamt):
    """A reload on SIGHUP builds new contexts; sessions issued before it still resume, so renewing a certificate does
    not cost every polling client a full handshake."""
    context = unverified_context()
    sessions = {name: session_after_quit(sni_postamt.tls_port, context, name) for name in ("mail.demo.test", "postamt.test")}
    wait_for_log(sni_postamt, "TLS certificates loaded", 1)
    sni_postamt.process.send_signal(signal.SIGHUP)
    wait_for_log(sni_postamt, "TLS certificates loaded", 2)
    for name, session in sessions.items():
        assert offer_session(sni_postamt.tls_port, context, session, name)[0], name
