"""auth-sql on PostgreSQL over an existing Postfixadmin user table, unchanged (issue 5): a configured
password query with placeholders for the full user (%u), local part (%n) and domain (%d), checked
with SHA512-CRYPT and BLF-CRYPT hashes made by Dovecot (tests/fixtures/dovecot-hashes.txt)."""

import pathlib

import pytest

pytestmark = pytest.mark.backends("postgres")

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "dovecot-hashes.txt"

# Postfixadmin's mailbox table as its PostgreSQL upgrade script creates it (the columns a login reads).
MAILBOX_TABLE = """CREATE TABLE mailbox (
  username varchar(255) PRIMARY KEY, password varchar(255) NOT NULL, name varchar(255) NOT NULL DEFAULT '',
  maildir varchar(255) NOT NULL DEFAULT '', quota bigint NOT NULL DEFAULT 0, local_part varchar(255) NOT NULL,
  domain varchar(255) NOT NULL, created timestamptz DEFAULT now(), modified timestamptz DEFAULT now(),
  active boolean NOT NULL DEFAULT true, phone varchar(30) NOT NULL DEFAULT '', email_other varchar(255) NOT NULL DEFAULT '',
  token varchar(255) NOT NULL DEFAULT '', token_validity timestamptz NOT NULL DEFAULT now());
GRANT SELECT ON mailbox TO postamt"""

QUERIES = {
    "full user": "SELECT password, active FROM mailbox WHERE username = %u",
    "local part and domain": "SELECT password, active FROM mailbox WHERE local_part = %n AND domain = %d",
}


def dovecot_hash(scheme: str, password: str) -> str:
    for line in FIXTURES.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#") and "\t" in line:
            plain, stored = line.split("\t", 1)
            if plain == password and stored.startswith("{" + scheme + "}"):
                return stored
    raise LookupError(f"no {scheme} hash of {password!r} in {FIXTURES}")


USERS = {  # address: (password, hash, active)
    "dave@pfa.test": ("secret", dovecot_hash("SHA512-CRYPT", "secret"), True),
    "erin@pfa.test": ("correct horse battery staple", dovecot_hash("BLF-CRYPT", "correct horse battery staple"), True),
    "frank@pfa.test": ("secret", dovecot_hash("SHA512-CRYPT", "secret"), False),
}


def pass_reply(server, user: str, password: str) -> bytes:
    client = server.connect()
    assert client.command(f"USER {user}").startswith(b"+OK")
    reply = client.command(f"PASS {password}")
    client.command("QUIT")
    client.close()
    return reply


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
def test_postfixadmin_mailbox_table_serves_logins(make_postamt, query):
    server = make_postamt()
    server.sql(MAILBOX_TABLE)
    server.configure(auth__pfa__plugin="auth-sql", auth__pfa__connector="PostgreSQL",
                     auth__pfa__connect="${directory.connect}", auth__pfa__password_query=query)
    for address, (_, stored, active) in USERS.items():
        local, domain = address.split("@")
        server.sql(f"INSERT INTO mailbox (username, password, local_part, domain, active) "
                   f"VALUES ('{address}', '{stored}', '{local}', '{domain}', {str(active).lower()})")
    server.ctl("tenant", "add", "pfa", "--auth", "auth.pfa")
    server.ctl("domain", "add", "pfa.test", "pfa")
    server.start()

    assert pass_reply(server, "dave@pfa.test", "secret").startswith(b"+OK")
    assert pass_reply(server, "erin@pfa.test", "correct horse battery staple").startswith(b"+OK")
    assert pass_reply(server, "dave@pfa.test", "wrong").startswith(b"-ERR [AUTH]")
    assert pass_reply(server, "frank@pfa.test", "secret").startswith(b"-ERR [AUTH]")  # active = false
    assert pass_reply(server, "nobody@pfa.test", "secret").startswith(b"-ERR [AUTH]")
    # A quote in the login name is a value, never SQL. Pasted into either query between quotes, this name would
    # make its WHERE true for every row, and dave's "secret" would let it in.
    assert pass_reply(server, "x'or'a'<'b@pfa.test", "secret").startswith(b"-ERR [AUTH]")
    # The tenants on Postamt's own users table are unaffected.
    assert pass_reply(server, "alice@demo.test", "alice-secret").startswith(b"+OK")
    # Postfixadmin owns that table: postamtctl does not write to it.
    refused = server.ctl("user", "passwd", "dave@pfa.test", "new", check=False)
    assert refused.returncode == 1 and b"password_query" in refused.stderr, refused.stderr


@pytest.mark.parametrize("query", ["SELECT password, active FROM mailbox",
                                   "SELECT password, active FROM mailbox WHERE username = %x",
                                   "SELECT password, active FROM no_such_table WHERE username = %u"])
def test_a_password_query_that_cannot_work_is_refused_at_start(make_postamt, query):
    server = make_postamt()
    server.sql(MAILBOX_TABLE)
    server.configure(auth__pfa__plugin="auth-sql", auth__pfa__connector="PostgreSQL",
                     auth__pfa__connect="${directory.connect}", auth__pfa__password_query=query)
    with pytest.raises(AssertionError) as failed:
        server.start()
    assert "setting 'password_query'" in str(failed.value)
