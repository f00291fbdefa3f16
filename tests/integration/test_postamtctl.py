"""postamtctl: each command works, and bad input gets a clear error and a
non-zero exit, never a stack trace."""

import subprocess

import pytest

from conftest import POSTAMTCTL, crlf

pytestmark = pytest.mark.backends("sqlite", "postgres")


def test_tenant_domain_user_lifecycle(make_postamt):
    postamt = make_postamt()
    postamt.ctl("tenant", "add", "acme")
    postamt.ctl("domain", "add", "Acme.Example", "acme")
    assert b"acme\tauth=auth.main\tstore=store.main\tdomains=acme.example" in postamt.ctl("tenant", "list").stdout
    postamt.ctl("user", "add", "dave@acme.example", "first-password")
    assert postamt.ctl("user", "list", "acme").stdout == b"dave@acme.example\n"
    postamt.ctl("user", "passwd", "dave@acme.example", input=b"second-password\n")
    postamt.start()
    client = postamt.connect()
    client.command("USER dave@acme.example")
    assert client.command("PASS first-password").startswith(b"-ERR [AUTH]")
    client.command("USER dave@acme.example")
    assert client.command("PASS second-password").startswith(b"+OK")
    client.command("QUIT")
    postamt.ctl("user", "disable", "dave@acme.example")
    client = postamt.connect()
    client.command("USER dave@acme.example")
    assert client.command("PASS second-password").startswith(b"-ERR [AUTH]")
    postamt.ctl("user", "del", "dave@acme.example")
    assert postamt.ctl("user", "list", "acme").stdout == b""
    postamt.ctl("domain", "del", "acme.example")
    postamt.ctl("tenant", "del", "acme")
    assert b"acme" not in postamt.ctl("tenant", "list").stdout


def test_deliver_and_maildrop_show(make_postamt, tmp_path):
    postamt = make_postamt()
    from_file, from_stdin = b"Subject: from a file\n\nhello\n", b"Subject: from stdin\r\n\r\nhi\r\n"
    message = tmp_path / "m.eml"
    message.write_bytes(from_file)
    postamt.ctl("deliver", "alice@demo.test", str(message))
    postamt.ctl("deliver", "alice@demo.test", "-", input=from_stdin)
    shown = postamt.ctl("maildrop", "show", "alice@demo.test").stdout.decode().splitlines()
    assert shown[-1] == f"2 message(s), {len(crlf(from_file)) + len(crlf(from_stdin))} octets"
    assert [line.split("\t")[0] for line in shown[:-1]] == ["1", "2"]


def test_maildrop_show_waits_out_a_short_lock_but_names_a_pop3_session_that_holds_it(make_postamt):
    postamt = make_postamt().start()
    session = postamt.login()
    # The session holds the maildrop lock (RFC 1939 section 8) for as long as it lives.
    refused = postamt.ctl("maildrop", "show", "alice@demo.test", check=False)
    assert refused.returncode != 0
    assert b"in use by a POP3 session" in refused.stderr
    # Released at QUIT: postamtctl, started while the lock is still held, gets in once it is free.
    waiting = subprocess.Popen([str(POSTAMTCTL), "--config", str(postamt.config), "maildrop", "show", "alice@demo.test"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert session.command("QUIT").startswith(b"+OK")
    out, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, err
    assert out.decode().splitlines()[-1].endswith("octets")


def test_db_init_is_idempotent(make_postamt):
    postamt = make_postamt()
    assert b"already current" in postamt.ctl("db", "init").stdout


@pytest.mark.parametrize("args, message", [
    (["bogus"], b"unknown command"),
    (["tenant", "add"], b"missing"),
    (["tenant", "add", "demo"], b"exists"),
    (["tenant", "del", "demo"], b"domain"),
    (["tenant", "del", "nosuch"], b"no tenant"),
    (["domain", "add", "demo.test", "other"], b"already belongs"),
    (["domain", "add", "x.test", "nosuch"], b"no tenant"),
    (["user", "add", "alice@demo.test", "pw"], b"already exists"),
    (["user", "add", "x@unknown.test", "pw"], b"no tenant owns domain unknown.test"),
    (["user", "add", "not an address", "pw"], b"not a valid address"),
    (["deliver", "nobody@demo.test"], b"<nobody@demo.test> User unknown"),
    (["deliver", "alice@demo.test", "/no/such/file"], b"cannot read /no/such/file"),
    (["maildrop", "show", "x@unknown.test"], b"no tenant owns domain"),
])
def test_bad_input_gets_a_clear_error(make_postamt, args, message):
    postamt = make_postamt()
    result = postamt.ctl(*args, check=False, input=b"")
    assert result.returncode != 0
    assert message in result.stderr, result.stderr
    assert b"Traceback" not in result.stderr and b"terminate called" not in result.stderr


def test_missing_config_is_reported(tmp_path):
    result = subprocess.run([str(POSTAMTCTL), "--config", str(tmp_path / "none.conf"), "tenant", "list"], capture_output=True)
    assert result.returncode == 1 and b"cannot read config file" in result.stderr


def test_db_migrate_refuses_a_schema_newer_than_the_build(make_postamt):
    postamt = make_postamt()
    postamt.sql("INSERT INTO schema_version (version) VALUES (999)")
    result = postamt.ctl("db", "migrate", check=False)
    assert result.returncode == 1 and b"schema version 999, newer than this build knows" in result.stderr, result.stderr


@pytest.mark.backends("postgres")
def test_a_wrong_database_is_named_without_its_password(make_postamt):
    postamt = make_postamt()
    wrong = postamt.values["directory.connect"].replace("dbname=", "dbname=nosuch").replace("password=postamt",
                                                                                          "password=s3cret-pw")
    postamt.configure(directory__connect=wrong)
    result = postamt.ctl("db", "migrate", check=False)
    assert result.returncode == 1 and b"nosucht" in result.stderr, result.stderr
    with pytest.raises(AssertionError) as failed:
        postamt.start()
    assert "nosucht" in str(failed.value)
    assert b"s3cret-pw" not in result.stderr and "s3cret-pw" not in str(failed.value)
