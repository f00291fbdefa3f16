"""Interop over TLS with the real clients of the client contract: mpop, fetchmail and getmail6 fetch the corpus
byte-identical over POP3S (implicit TLS, RFC 8314) and, where they can, over STLS (RFC 2595). The drivers are the
plaintext ones of test_clients_<name>.py with TLS switched on and made mandatory, so none falls back to cleartext."""

import pytest

from client_contract import ClientContract
from test_clients_fetchmail import Fetchmail
from test_clients_getmail import Getmail
from test_clients_mpop import Mpop
from test_tls import certificates, make_tls_postamt  # noqa: F401 (fixtures)


class Pop3s:
    """The server as a driver sees it when it dials the POP3S port."""

    def __init__(self, server):
        self.port = server.tls_port


def rewrite(path, old: str, new: str):
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


class TlsContract(ClientContract):
    @pytest.fixture
    def postamt(self, make_tls_postamt):  # noqa: F811
        return make_tls_postamt(message=None).start()


class MpopOverTls(Mpop):
    starttls = False

    def __init__(self, server, home, keep: bool):
        super().__init__(server if self.starttls else Pop3s(server), home, keep)
        # The test certificate is self-signed; what is checked here is the protocol, not the trust chain.
        rewrite(self.argv[-1], "tls off\n", f"tls on\ntls_starttls {'on' if self.starttls else 'off'}\ntls_certcheck off\n")


class MpopOverStls(MpopOverTls):
    starttls = True


class FetchmailOverTls(Fetchmail):
    starttls = False

    def __init__(self, server, home, keep: bool):
        super().__init__(server if self.starttls else Pop3s(server), home, keep)
        at = self.argv.index("--sslproto")
        # fetchmail(1): --sslproto tls1.2+ without --ssl makes STLS mandatory; with --ssl it is implicit TLS.
        self.argv[at:at + 2] = ["--sslproto", "tls1.2+", "--nosslcertck"] + ([] if self.starttls else ["--ssl"])


class FetchmailOverStls(FetchmailOverTls):
    starttls = True


class GetmailOverTls(Getmail):
    def __init__(self, server, home, keep: bool):
        super().__init__(Pop3s(server), home, keep)
        rewrite(home.path / "getmail" / "getmailrc", "type = SimplePOP3Retriever\n", "type = SimplePOP3SSLRetriever\n")


class TestMpopOverTls(TlsContract):
    client = MpopOverTls


class TestMpopOverStls(TlsContract):
    client = MpopOverStls


class TestFetchmailOverTls(TlsContract):
    client = FetchmailOverTls


class TestFetchmailOverStls(TlsContract):
    client = FetchmailOverStls


class TestGetmailOverTls(TlsContract):
    client = GetmailOverTls
