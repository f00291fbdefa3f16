"""PROXY protocol headers (HAProxy's proxy-protocol.txt, v1 text and v2 binary) and raw connections from a chosen
loopback address, for the tests of listeners behind a load balancer."""

import socket
import struct
import time

from conftest import Client

V2_SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"


def v1(client: str, client_port: int = 40000, server: str = "127.0.0.1", server_port: int = 110) -> bytes:
    family = "TCP6" if ":" in client else "TCP4"
    return f"PROXY {family} {client} {server} {client_port} {server_port}\r\n".encode()


def v2(client: str, client_port: int = 40000, server: str = "127.0.0.1", server_port: int = 110) -> bytes:
    """A v2 PROXY command over TCP/IPv4 (section 2.2)."""
    block = socket.inet_aton(client) + socket.inet_aton(server) + struct.pack("!HH", client_port, server_port)
    return V2_SIGNATURE + bytes([0x21, 0x11]) + struct.pack("!H", len(block)) + block


def v2_local() -> bytes:
    """A v2 LOCAL command, as HAProxy's health checks send it: the proxy speaks for itself."""
    return V2_SIGNATURE + bytes([0x20, 0x00, 0x00, 0x00])


def connect(port: int, source: str = "127.0.0.1", timeout: float = 30) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))


class ProxiedClient(Client):
    """A POP3 client that begins with `header` (b"": none) from the loopback address `source`."""

    def __init__(self, port: int, header: bytes = b"", source: str = "127.0.0.1", timeout: float = 30):
        self.sock = connect(port, source, timeout)
        self.sock.sendall(header)
        self.buffer = b""
        self.greeting = self.line()


def closed_without_a_word(sock: socket.socket, timeout: float = 30) -> bool:
    """The server closed the connection having sent nothing."""
    sock.settimeout(timeout)
    try:
        return sock.recv(4096) == b""
    except ConnectionResetError:
        return True


def log_has(server, text: str, seconds: float = 10) -> bool:
    """`text` appears in the server's log within `seconds` (what a connection's thread logs comes a moment late)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in server.log.read_text(errors="replace"):
            return True
        time.sleep(0.1)
    return False
