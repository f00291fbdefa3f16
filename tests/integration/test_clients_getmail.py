"""Interop with getmail6 (Debian's getmail6 package): see ClientContract."""

import pytest

from conftest import USERS
from client_contract import USER, ClientContract, Driver

pytestmark = pytest.mark.backends("sqlite", "postgres")


class Getmail(Driver):
    """getmail6's SimplePOP3Retriever (plaintext POP3) delivering to a Maildir destination with LF
    line ends, and remembering the UIDLs it has fetched in the oldmail file of its directory."""

    def __init__(self, server, home, keep: bool):
        directory = home.directory("getmail")
        home.file("getmail/getmailrc", "\n".join([
            "[retriever]",
            "type = SimplePOP3Retriever",
            "server = 127.0.0.1",
            f"port = {server.port}",
            f"username = {USER}",
            f"password = {USERS[USER]}",
            "[destination]",
            "type = Maildir",
            f"path = {home.maildir}/",
            "[options]",
            f"delete = {not keep}",
            # Only messages whose UIDL is not in the oldmail file.
            "read_all = false",
            # No Delivered-To: or Received: header of its own, so the files hold what the server sent.
            "delivered_to = false",
            "received = false",
            "verbose = 2",
            ""]))
        super().__init__(home, ["getmail", "--getmaildir", directory, "--rcfile", "getmailrc"])

    @staticmethod
    def mail_file(stored: bytes) -> bytes:
        # getmail's documentation (configuration.html, Maildir) puts the envelope sender in a
        # Return-Path: header at the top, replacing the message's own. Over POP3 it takes the sender
        # from that header, so a message that starts with one keeps it; else getmail says <unknown>.
        return stored if stored.startswith(b"Return-Path: <") else b"Return-Path: <unknown>\r\n" + stored


class TestGetmail(ClientContract):
    client = Getmail
