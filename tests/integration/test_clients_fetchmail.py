"""Interop with fetchmail (Debian's fetchmail package): see ClientContract."""

import pytest

from conftest import USERS
from client_contract import USER, ClientContract, Driver

pytestmark = pytest.mark.backends("sqlite", "postgres")


class Fetchmail(Driver):
    """fetchmail in single-drop mode over plaintext POP3 on loopback, remembering what it has seen
    by UIDL in its idfile (--uidl), and handing each message to an MDA that stores it in the maildir
    the way a maildir delivery agent does: written under tmp/, then renamed into new/. With an MDA,
    fetchmail strips the CR of each CRLF ('stripcr' is on by default, fetchmail(1))."""

    # fetchmail(1), EXIT CODES: 0 is "mail was retrieved", 1 is "no mail".
    accept = (0, 1)

    def __init__(self, server, home, keep: bool):
        # The password can only come from the rc file (or a terminal).
        rcfile = home.file("fetchmailrc", f'poll 127.0.0.1 protocol pop3 port {server.port}\n'
                                          f'  user "{USER}" there with password "{USERS[USER]}"\n')
        mda = f'm=$(mktemp {home.maildir}/tmp/XXXXXX) && cat > "$m" && mv "$m" {home.maildir}/new/'
        super().__init__(home, [
            "fetchmail", "--fetchmailrc", rcfile, "--idfile", home.path / "fetchids", "--uidl",
            "--keep" if keep else "--nokeep", "--sslproto", "", "--mda", mda,
            # No Received: header of its own, so the files hold what the server sent.
            "--invisible", "--nodetach", "--nosyslog", "--verbose"])


class TestFetchmail(ClientContract):
    client = Fetchmail
