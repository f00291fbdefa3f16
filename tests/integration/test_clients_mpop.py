"""Interop with mpop (Debian's mpop package): see ClientContract."""

import pytest

from conftest import USERS
from client_contract import USER, ClientContract, Driver

pytestmark = pytest.mark.backends("sqlite", "postgres")


class Mpop(Driver):
    """mpop over plaintext POP3 on loopback (it pipelines when CAPA says PIPELINING), delivering
    into the maildir with LF line ends and keeping the UIDLs it has fetched in its uidls_file, so it
    fetches only new mail (only_new is on by default, mpop(1))."""

    def __init__(self, server, home, keep: bool):
        config = home.file("mpoprc", "\n".join([
            "account default",
            "host 127.0.0.1",
            f"port {server.port}",
            "tls off",
            # With TLS off, "auth on" picks only methods that hide the password: ask for USER/PASS.
            "auth user",
            f"user {USER}",
            f"password {USERS[USER]}",
            f"keep {'on' if keep else 'off'}",
            # No Received: header of its own, so the files hold what the server sent.
            "received_header off",
            f"delivery maildir {home.maildir}",
            f"uidls_file {home.path / 'uidls'}",
            ""]))
        super().__init__(home, ["mpop", "--file", config])


class TestMpop(ClientContract):
    client = Mpop
