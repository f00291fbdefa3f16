"""Listeners behind a load balancer (issue 5 item 9): with listener.<name>.proxy_protocol the PROXY header (v1 or
v2) comes before the greeting and before TLS, only from .proxy_from, and the client it names is the one the logs,
the limits and the trusted_networks check (RFC 2595 section 6) see. A v2 LOCAL header keeps the proxy's address."""

import smtplib
import ssl
import time

import pytest

from conftest import USERS, free_port
from proxy_protocol import ProxiedClient, closed_without_a_word, connect, log_has, v1, v2, v2_local
from test_tls import make_certificate, unverified_context


@pytest.fixture
def proxied(make_postamt):
    """A postamtd whose POP3 and LMTP listeners want a PROXY header, from 127.0.0.1 only; the clients it names are
    outside loopback, so only the trusted 127.0.0.0/8 would be allowed USER/PASS in the clear."""
    def make(**settings):
        return make_postamt(listener__pop3__proxy_protocol="true", listener__pop3__proxy_from="127.0.0.1",
                            listener__lmtp__proxy_protocol="true", listener__lmtp__proxy_from="127.0.0.1",
                            pop3__trusted_networks="127.0.0.0/8, 192.0.2.0/24", **settings).start()
    return make


def login(client, user="alice@demo.test"):
    assert client.command(f"USER {user}").startswith(b"+OK")
    reply = client.command(f"PASS {USERS[user]}")
    assert reply.startswith(b"+OK"), reply


@pytest.mark.parametrize("header", [v1, v2], ids=["v1", "v2"])
def test_the_client_the_header_names_is_the_one_logged(proxied, header):
    server = proxied()
    client = ProxiedClient(server.port, header("192.0.2.77"))
    assert client.greeting.startswith(b"+OK")
    login(client)
    assert client.command("QUIT").startswith(b"+OK")
    assert log_has(server, "remote=192.0.2.77")


class PiecewiseProxy(ProxiedClient):
    """A proxy that sends its header in two writes, the second with the client's first command right behind it."""

    def __init__(self, port: int, header: bytes, command: bytes):
        self.sock = connect(port)
        self.sock.sendall(header[:9])
        time.sleep(0.3)  # the server has looked at the first piece and waits for the rest
        self.sock.sendall(header[9:] + command)
        self.buffer = b""
        self.greeting = self.line()


@pytest.mark.parametrize("header", [v1, v2], ids=["v1", "v2"])
def test_a_header_in_pieces_ends_exactly_where_the_clients_command_begins(proxied, header):
    server = proxied()
    client = PiecewiseProxy(server.port, header("192.0.2.78"), b"CAPA\r\n")
    assert client.greeting.startswith(b"+OK")
    assert client.line().startswith(b"+OK")  # the CAPA that came in the header's last write, read whole
    assert b"UIDL" in client.multiline().split(b"\r\n")
    login(client)
    assert log_has(server, "remote=192.0.2.78")


def test_a_local_header_keeps_the_proxys_own_address(proxied):
    server = proxied()
    client = ProxiedClient(server.port, v2_local())
    login(client)
    client.close()
    assert log_has(server, "login user=alice@demo.test remote=127.0.0.1")


def test_trusted_networks_judge_the_real_client(proxied):
    server = proxied()
    # 198.51.100.1 is no trusted network, even though its proxy on 127.0.0.1 is.
    client = ProxiedClient(server.port, v1("198.51.100.1"))
    assert client.command("CAPA").startswith(b"+OK")
    assert b"USER" not in client.multiline().split(b"\r\n")
    assert client.command("USER alice@demo.test").startswith(b"-ERR")


@pytest.mark.parametrize("sent, logged", [
    (b"USER alice@demo.test\r\n", "refused: no PROXY protocol header"),
    (b"PROXY TCP4 192.0.2.1 127.0.0.1 99999 110\r\n", "refused: PROXY v1 port"),
    (b"PROXY TCP4 192.0.2.1", "refused: no complete PROXY header within 1 s"),
], ids=["none", "malformed", "unfinished"])
def test_a_connection_without_a_good_header_is_closed_and_logged(proxied, sent, logged):
    server = proxied(server__proxy_timeout_seconds=1)
    sock = connect(server.port)
    sock.sendall(sent)
    assert closed_without_a_word(sock)
    assert log_has(server, logged)


def test_only_the_configured_proxies_may_connect(proxied):
    server = proxied()
    sock = connect(server.port, source="127.0.0.5")
    sock.sendall(v1("192.0.2.1"))
    assert closed_without_a_word(sock)
    assert log_has(server, "connection from 127.0.0.5 refused: not a trusted PROXY protocol sender")


def test_lmtp_behind_a_proxy(proxied):
    server = proxied()
    sock = connect(server.lmtp_port)
    sock.sendall(v2("192.0.2.25"))
    lmtp = smtplib.LMTP()
    lmtp.sock = sock
    lmtp.file = None
    code, _ = lmtp.getreply()
    assert code == 220
    lmtp.sendmail("mta@example.test", ["bob@demo.test"], b"Subject: via proxy\r\n\r\nhello\r\n")
    lmtp.quit()
    client = ProxiedClient(server.port, v1("192.0.2.1"))
    login(client, "bob@demo.test")
    assert client.command("STAT").startswith(b"+OK 1 ")


class TlsOverBio:
    """A TLS client driven by hand, so its ClientHello can leave in the same write as the PROXY header."""

    def __init__(self, sock, header: bytes):
        self.sock = sock
        self.incoming, self.outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.tls = unverified_context().wrap_bio(self.incoming, self.outgoing, server_side=False)
        pending = header
        for _ in range(50):
            try:
                self.tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                self.sock.sendall(pending + self.outgoing.read())
                pending = b""
                self.receive()
        self.sock.sendall(self.outgoing.read())

    def receive(self):
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("closed during TLS")
        self.incoming.write(data)

    def line(self) -> bytes:
        buffer = b""
        for _ in range(50):
            try:
                buffer += self.tls.read(65536)
            except ssl.SSLWantReadError:
                self.receive()
                continue
            if buffer.endswith(b"\r\n"):
                return buffer
        raise AssertionError(f"no line: {buffer!r}")

    def command(self, text: str) -> bytes:
        self.tls.write(text.encode() + b"\r\n")
        self.sock.sendall(self.outgoing.read())
        return self.line()


def test_pop3s_reads_the_header_before_the_tls_handshake(make_postamt, tmp_path):
    certificate, key = make_certificate(tmp_path, "default", "postamt.test")
    tls_port = free_port()
    server = make_postamt(tls__certificate_file=certificate, tls__key_file=key,
                          listener__pop3s__address=f"127.0.0.1:{tls_port}", listener__pop3s__tls="implicit",
                          listener__pop3s__proxy_protocol="true").start()
    # The header and the ClientHello leave in one write, as a proxy may send them.
    client = TlsOverBio(connect(tls_port), v2("192.0.2.99"))
    assert client.line().startswith(b"+OK")
    assert client.command("USER alice@demo.test").startswith(b"+OK")
    assert client.command(f"PASS {USERS['alice@demo.test']}").startswith(b"+OK")
    assert client.command("QUIT").startswith(b"+OK")
    assert log_has(server, "remote=192.0.2.99")


def test_the_per_address_limit_counts_the_real_client(proxied):
    server = proxied(server__max_connections_per_ip=2)
    first = ProxiedClient(server.port, v1("192.0.2.1"))
    second = ProxiedClient(server.port, v2("192.0.2.1"))
    assert first.greeting.startswith(b"+OK") and second.greeting.startswith(b"+OK")
    third = ProxiedClient(server.port, v1("192.0.2.1"))
    assert third.greeting.startswith(b"-ERR [SYS/TEMP] Too many connections from your address")
    assert third.closed_by_server()
    # Another client behind the same proxy is counted on its own.
    assert ProxiedClient(server.port, v1("192.0.2.2")).greeting.startswith(b"+OK")


def test_a_proxy_address_that_is_no_network_stops_postamtd_naming_the_key(make_postamt):
    server = make_postamt()
    server.configure(listener__pop3__proxy_protocol="true", listener__pop3__proxy_from="10.0.0.0/33")
    with pytest.raises(AssertionError, match="listener.pop3.proxy_from"):
        server.start()
