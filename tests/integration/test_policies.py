"""Lua policies per tenant (issue 6), driven with real poplib and smtplib.LMTP
against a real postamtd: login delay, CAPA values, quota refusals, delivery
refusals, and the fall-back when a script breaks; on both stores."""

import pathlib
import poplib
import smtplib
import time

import pytest

from conftest import USERS, crlf, seed
from test_lmtp import transaction

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "policies" / "examples"
POLICY = {"policy__main__plugin": "policy-lua", "policy__main__instruction_limit": "200000"}

pytestmark = pytest.mark.backends("sqlite", "postgres")


@pytest.fixture
def server(make_postamt):
    return make_postamt(**POLICY).start()


def set_policy(server, tenant, script, check=True):
    """Stores a policy from an example file name, a path, or script text."""
    if isinstance(script, str) and not script.endswith(".lua"):
        path = server.directory / f"policy-{time.monotonic_ns()}.lua"
        path.write_text(script)
    else:
        path = EXAMPLES / script if isinstance(script, str) else script
    return server.ctl("policy", "set", tenant, str(path), check=check)


def backdate(server, column, days, where="1 = 1"):
    """Moves a message time `days` into the past, as if that much time had gone by: store-sqlite keeps
    seconds since the epoch, store-postgres timestamptz."""
    shift = f"interval '{days} days'" if server.backend == "postgres" else f"{days} * 86400"
    server.sql(f"UPDATE messages SET {column} = {column} - {shift} WHERE {where}")


def count(server, query):
    return int(server.sql(query).strip())


def pop(server, user):
    client = poplib.POP3("127.0.0.1", server.port, timeout=30)
    client.user(user)
    client.pass_(USERS[user])
    return client


def capabilities(client):
    return {name: args for name, args in client.capa().items()}


def refusal(server, user):
    """The -ERR line a login gets, or None when it succeeds."""
    try:
        pop(server, user).quit()
        return None
    except poplib.error_proto as e:
        return e.args[0]


def lmtp_refusal(server, user, message=b"Subject: t\r\n\r\nhello\r\n"):
    """(code, text) of a refused delivery, or None when it is stored. smtplib declares
    the size (RFC 1870 SIZE=) on MAIL FROM whenever the server offers SIZE."""
    with smtplib.LMTP("127.0.0.1", server.lmtp_port, timeout=30) as lmtp:
        try:
            lmtp.sendmail("sender@example.org", [user], crlf(message))
            return None
        except smtplib.SMTPRecipientsRefused as e:
            return e.recipients[user]
        except smtplib.SMTPDataError as e:
            return (e.smtp_code, e.smtp_error)


def test_policy_set_refuses_a_script_that_does_not_compile(server):
    result = set_policy(server, "demo", "function login(a)\n  return {refuse = }\nend\n", check=False)
    assert result.returncode == 1
    assert b"policy:2:" in result.stderr
    assert server.ctl("policy", "show", "demo", check=False).returncode == 1


def test_policy_set_refuses_a_script_that_fails_its_dry_run(server):
    for script, reason in [("function quota(a) error('no quota today') end", b"no quota today"),
                           ("function login(a) return {refuse = 'MAYBE'} end", b"'refuse'"),
                           ("function deliver(a) return {action = 'drop'} end", b"'action'"),
                           ("function login(a) return {refuze = 'AUTH'} end", b"unknown field 'refuze'"),
                           ("function login(a) while true do end end", b"instruction budget")]:
        result = set_policy(server, "demo", script, check=False)
        assert result.returncode == 1, script
        assert reason in result.stderr, result.stderr


def test_last_logins_reach_the_directory_within_two_seconds(server):
    # Recorded in memory, written a second's worth at a time: both logins in one batch, so every frontend
    # sharing the directory sees them (seconds_since_last_login).
    set_policy(server, "demo", "login-delay.lua")
    time.sleep(1.2)  # the running server polls the policy version once a second
    began = int(time.time())
    for user in ("alice@demo.test", "bob@demo.test"):
        pop(server, user).quit()
    deadline = time.monotonic() + 2.5
    while count(server, "SELECT count(*) FROM last_logins") < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    rows = server.sql("SELECT address, at FROM last_logins ORDER BY address").split()
    assert [row.split("|")[0] for row in rows] == ["alice@demo.test", "bob@demo.test"], rows
    assert all(began <= int(row.split("|")[1]) <= time.time() for row in rows), rows


def test_policy_show_prints_the_stored_script_and_fallbacks(server):
    set_policy(server, "demo", "login-delay.lua")
    server.ctl("policy", "fallback", "demo", "quota", "closed")
    shown = server.ctl("policy", "show", "demo").stdout.decode()
    assert "-- when login fails: open" in shown and "-- when quota fails: closed" in shown
    assert shown.endswith((EXAMPLES / "login-delay.lua").read_text())


def test_login_delay_refuses_a_second_login_and_capa_shows_the_users_values(server):
    set_policy(server, "demo", "login-delay.lua")
    time.sleep(1.2)  # the running server polls the policy version once a second
    # RFC 2449 section 6.5/6.7: before login the values vary by user.
    client = poplib.POP3("127.0.0.1", server.port, timeout=30)
    before = capabilities(client)
    assert before["LOGIN-DELAY"] == ["0", "USER"] and before["EXPIRE"] == ["0", "USER"]
    client.user("alice@demo.test")
    client.pass_(USERS["alice@demo.test"])
    after = capabilities(client)
    assert after["LOGIN-DELAY"] == ["300"] and after["EXPIRE"] == ["30"]
    client.quit()

    refused = refusal(server, "alice@demo.test")
    assert refused is not None and refused.startswith(b"-ERR [LOGIN-DELAY] Please wait "), refused
    # The other tenant has no policy: no delay, and nothing expires.
    client = pop(server, "carol@other.test")
    assert capabilities(client)["LOGIN-DELAY"] == ["0"] and capabilities(client)["EXPIRE"] == ["NEVER"]
    client.quit()
    assert refusal(server, "carol@other.test") is None


def test_login_refusals_carry_the_scripts_text(server):
    set_policy(server, "demo", """
function login(a)
  if a.user == "bob@demo.test" then return {refuse = "SYS/PERM", text = "Account moved to mail.example.org"} end
  if a.remote_ip == "127.0.0.1" and not a.tls then return {refuse = "AUTH", text = "Use TLS from here"} end
end
""")
    time.sleep(1.2)
    assert refusal(server, "bob@demo.test") == b"-ERR [SYS/PERM] Account moved to mail.example.org"
    assert refusal(server, "alice@demo.test") == b"-ERR [AUTH] Use TLS from here"


def test_a_changed_script_takes_effect_within_two_seconds(server):
    set_policy(server, "demo", "function login() return {refuse = 'AUTH', text = 'first'} end")
    time.sleep(1.2)
    assert refusal(server, "alice@demo.test") == b"-ERR [AUTH] first"
    set_policy(server, "demo", "function login() return {refuse = 'AUTH', text = 'second'} end")
    changed = time.monotonic()
    while refusal(server, "alice@demo.test") != b"-ERR [AUTH] second":
        assert time.monotonic() - changed < 2.0, "the new script was not in effect within 2 s"
        time.sleep(0.1)


def test_quota_refuses_at_rcpt_with_452_and_usage_shows_it(server):
    set_policy(server, "demo", "quota.lua")
    time.sleep(1.2)
    for n in range(3):
        seed(server, "alice@demo.test", f"Subject: {n}\r\n\r\nbody\r\n".encode())
    code, text = lmtp_refusal(server, "alice@demo.test")
    assert code == 452 and text.startswith(b"4.2.2 <alice@demo.test> Mailbox full, please download"), text
    assert lmtp_refusal(server, "bob@demo.test") is None  # a limit per user
    usage = server.ctl("usage", "alice@demo.test").stdout.decode()
    assert "alice@demo.test: 3 of 3 messages" in usage
    assert "tenant demo: 4 of 100000 messages" in usage
    # Room again after a download and delete: mail is never lost, only delayed.
    client = pop(server, "alice@demo.test")
    client.dele(1)
    client.quit()
    assert lmtp_refusal(server, "alice@demo.test") is None


def test_quota_over_size_known_only_at_data_is_permanent_when_the_script_says_so(server):
    set_policy(server, "demo", "function quota(a) return {user_bytes = 500, over = 'permanent'} end")
    time.sleep(1.2)
    big = b"Subject: big\r\n\r\n" + b"x" * 600 + b"\r\n"
    code, text = lmtp_refusal(server, "alice@demo.test", big)  # size declared: refused at RCPT
    assert code == 552 and text.startswith(b"5.2.2 <alice@demo.test> Mailbox full"), text
    rcpt, data = transaction(server, "sender@example.org", ["alice@demo.test"], big)  # no SIZE=: refused at DATA
    assert rcpt == [b"250 2.1.5 <alice@demo.test> OK"]
    assert data == [b"552 5.2.2 <alice@demo.test> Mailbox full"]
    assert lmtp_refusal(server, "alice@demo.test") is None


def test_deliver_hook_refuses_per_recipient(server):
    server.ctl("user", "add", "noreply@demo.test", "x")
    set_policy(server, "demo", "deliver.lua")
    time.sleep(1.2)
    code, text = lmtp_refusal(server, "noreply@demo.test")
    assert code == 550 and text == b"5.7.1 <noreply@demo.test> This address does not receive mail"
    assert lmtp_refusal(server, "alice@demo.test") is None


def test_deliver_hook_tags_a_recipients_copy(server):
    set_policy(server, "demo", "deliver.lua")
    time.sleep(1.2)
    large = b"Subject: large\r\n\r\n" + (b"x" * 1000 + b"\r\n") * 200  # poplib reads lines of up to 2048 octets
    stored = seed(server, "alice@demo.test", large)
    seed(server, "alice@demo.test", b"Subject: small\r\n\r\nhi\r\n")
    client = pop(server, "alice@demo.test")
    assert b"\r\n".join(client.retr(1)[1]) + b"\r\n" == b"X-Postamt-Tag: large\r\n" + stored
    assert client.retr(2)[1][0].startswith(b"Return-Path:")
    client.quit()


def test_a_mailbox_named_twice_is_asked_about_once(server):
    # A deliver hook that tags every call differently: had it been asked about each RCPT, the one mailbox would get
    # two differently tagged copies.
    set_policy(server, "demo", "local calls = 0\nfunction deliver(a) calls = calls + 1 return {tag = 'call' .. calls} end\n")
    time.sleep(1.2)
    _, replies = transaction(server, "s@example.org", ["alice@demo.test", "ALICE@demo.test"], b"Subject: twice\r\n\r\nx\r\n")
    assert [r[:9] for r in replies] == [b"250 2.0.0"] * 2, replies
    client = pop(server, "alice@demo.test")
    assert client.stat()[0] == 1
    client.quit()


def test_keep_on_server_hides_deleted_mail_until_it_is_restored(server):
    set_policy(server, "demo", "keep-on-server.lua")
    time.sleep(1.2)
    first = seed(server, "alice@demo.test", b"Subject: first\r\n\r\none\r\n")
    seed(server, "alice@demo.test", b"Subject: second\r\n\r\ntwo\r\n")
    client = pop(server, "alice@demo.test")
    assert client.stat()[0] == 2
    client.dele(1)
    client.quit()
    client = pop(server, "alice@demo.test")
    assert client.stat()[0] == 1
    client.quit()
    assert server.ctl("maildrop", "restore", "alice@demo.test").stdout == b"alice@demo.test: 1 message(s) restored\n"
    client = pop(server, "alice@demo.test")
    assert client.stat()[0] == 2
    assert b"\r\n".join(client.retr(1)[1]) + b"\r\n" == first
    client.quit()


def test_deleted_mail_kept_on_the_server_goes_for_good_when_its_days_are_over(server):
    set_policy(server, "demo", "keep-on-server.lua")  # keep_deleted_days = 14
    time.sleep(1.2)
    seed(server, "alice@demo.test", b"Subject: first\r\n\r\none\r\n")
    seed(server, "alice@demo.test", b"Subject: second\r\n\r\ntwo\r\n")
    client = pop(server, "alice@demo.test")
    client.dele(1)
    client.quit()
    backdate(server, "hidden_until", 15)
    client = pop(server, "alice@demo.test")
    assert client.stat()[0] == 1
    assert client.retr(1)[1][-1] == b"two"
    client.quit()
    assert server.ctl("maildrop", "restore", "alice@demo.test").stdout == b"alice@demo.test: 0 message(s) restored\n"
    # Purged, not hidden: the message and its body are gone from the store.
    assert count(server, "SELECT count(*) FROM messages") == 1
    assert count(server, "SELECT count(*) FROM bodies") == 1


def test_retention_of_retrieved_large_mail_leaves_small_and_unread_mail(server):
    set_policy(server, "demo", "function retention(a) return {older_than_days = 30, larger_than = 1000, retrieved_only = true} end")
    time.sleep(1.2)
    seed(server, "alice@demo.test", b"Subject: small\r\n\r\nsmall\r\n")
    seed(server, "alice@demo.test", b"Subject: large read\r\n\r\n" + b"x" * 2000 + b"\r\n")
    seed(server, "alice@demo.test", b"Subject: large unread\r\n\r\n" + b"y" * 2000 + b"\r\n")
    client = pop(server, "alice@demo.test")
    for n in (1, 2):
        client.retr(n)
    client.quit()
    backdate(server, "received_at", 31)
    client = pop(server, "alice@demo.test")
    assert client.stat()[0] == 2  # the large message read and old: gone; small or unread ones stay
    assert client.retr(1)[1][-1] == b"small"
    assert client.retr(2)[1][-1] == b"y" * 2000
    client.quit()


def test_mail_left_on_the_server_goes_days_after_its_first_retrieval(server):
    set_policy(server, "demo", "keep-on-server.lua")
    time.sleep(1.2)
    seed(server, "alice@demo.test", b"Subject: read\r\n\r\nread\r\n")
    seed(server, "alice@demo.test", b"Subject: unread\r\n\r\nunread\r\n")
    client = pop(server, "alice@demo.test")
    assert capabilities(client)["EXPIRE"] == ["30"]  # RFC 2449 section 6.7: days a retrieved message stays
    client.retr(1)
    client.top(2, 0)  # TOP is no retrieval
    client.quit()
    backdate(server, "retrieved_at", 31)
    client = pop(server, "alice@demo.test")
    assert client.stat()[0] == 1
    assert client.retr(1)[1][-1] == b"unread"
    client.quit()


def test_the_background_purge_reaches_users_who_never_log_in_but_not_a_held_maildrop(make_postamt):
    server = make_postamt(**POLICY, purge__interval_seconds=1).start()
    set_policy(server, "demo", "function retention(a) return {older_than_days = 30} end")
    for user in ("alice@demo.test", "bob@demo.test"):
        seed(server, user, b"Subject: old\r\n\r\nold\r\n")
    held = pop(server, "bob@demo.test")  # RFC 1939 section 8: the sweep must leave a locked maildrop alone
    backdate(server, "received_at", 31)

    def remaining(user):
        return count(server, f"SELECT count(*) FROM messages WHERE address = '{user}'")

    deadline = time.monotonic() + 10
    while remaining("alice@demo.test") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert remaining("alice@demo.test") == 0
    time.sleep(2.5)  # a few more rounds while bob's session holds the lock
    assert remaining("bob@demo.test") == 1
    assert held.stat()[0] == 1
    held.quit()
    deadline = time.monotonic() + 10
    while remaining("bob@demo.test") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert remaining("bob@demo.test") == 0


def test_retention_purges_old_mail_as_the_maildrop_opens_and_capa_shows_expire(server):
    set_policy(server, "demo", "function retention(a) return {older_than_days = 30} end")
    time.sleep(1.2)
    seed(server, "alice@demo.test", b"Subject: old\r\n\r\nold\r\n")
    seed(server, "alice@demo.test", b"Subject: new\r\n\r\nnew\r\n")
    backdate(server, "received_at", 31, where="uid = 1")
    client = pop(server, "alice@demo.test")
    assert client.stat()[0] == 1
    assert capabilities(client)["EXPIRE"] == ["30"]  # RFC 2449 section 6.7
    assert client.retr(1)[1][-1] == b"new"
    client.quit()
    assert count(server, "SELECT count(*) FROM messages") == 1


def test_policy_test_prints_every_hooks_decision_for_a_user_and_changes_nothing(server):
    set_policy(server, "demo", (EXAMPLES / "keep-on-server.lua").read_text() + """
function quota(a)
  if a.user == "alice@demo.test" then error("no quota for alice") end
end
""")
    out = server.ctl("policy", "test", "demo", "--user", "alice@demo.test").stdout.decode().splitlines()
    assert out[0] == "login: no such hook"
    assert out[1] == "retention: larger_than=10485760 older_than_days=90"
    assert out[2] == "keep_on_server: keep_deleted_days=14 keep_retrieved_days=30"
    assert out[3].startswith("quota: FAILS (") and "no quota for alice" in out[3] and out[3].endswith("falls back open")
    assert out[4] == "deliver: no such hook"
    server.ctl("user", "add", "archive@demo.test", "x")
    out = server.ctl("policy", "test", "demo", "--user", "archive@demo.test").stdout.decode().splitlines()
    assert out[1:4] == ["retention: no opinion", "keep_on_server: no opinion", "quota: no opinion"]  # the script's override
    missing = server.ctl("policy", "test", "demo", "--user", "nobody@demo.test", check=False)
    assert missing.returncode == 1 and b"no user nobody@demo.test" in missing.stderr
    assert count(server, "SELECT count(*) FROM last_logins") == 0


def test_a_malformed_decision_cannot_write_log_lines_of_its_own(server):
    # Passes the dry run, then answers alice's login with a field whose name is a line break, a forged line and more.
    set_policy(server, "demo", """
function login(a)
  if a.user == "alice@demo.test" then return {["x\\nFORGED auth failed remote=203.0.113.9" .. ("K"):rep(5000)] = 1} end
  return {}
end
""")
    time.sleep(1.2)
    assert refusal(server, "alice@demo.test") is None  # fails open, as any broken decision
    lines = server.log.read_text().splitlines()
    failed = [line for line in lines if "policy failed tenant=demo hook=login: " in line]
    assert len(failed) == 1 and len(failed[0]) < 800, failed
    assert not [line for line in lines if line.startswith("FORGED")]


def test_a_broken_script_falls_back_per_hook_and_logs_one_line(server):
    # Passes the dry run, then loops forever for alice alone.
    set_policy(server, "demo", """
function login(a)
  if a.user == "alice@demo.test" then while true do end end
  return {login_delay = 0}
end
function quota(a)
  if a.user == "alice@demo.test" then
    local s, t = ("x"):rep(65536), {}
    while true do t[#t + 1] = s .. #t end
  end
  return {}
end
""")
    time.sleep(1.2)
    started = time.monotonic()
    assert refusal(server, "alice@demo.test") is None  # login fails open by default
    assert lmtp_refusal(server, "alice@demo.test") is None  # so does quota
    assert time.monotonic() - started < 5
    log = server.log.read_text()
    assert "policy failed tenant=demo hook=login: " in log and "instruction budget" in log
    assert "policy failed tenant=demo hook=quota: " in log and "memory limit" in log

    server.ctl("policy", "fallback", "demo", "login", "closed")
    server.ctl("policy", "fallback", "demo", "quota", "closed")
    time.sleep(1.2)
    assert refusal(server, "alice@demo.test") == b"-ERR [SYS/TEMP] Temporary failure, please try again later."
    assert lmtp_refusal(server, "alice@demo.test")[0] == 451
    # The same tenant's other users and other tenants are served as before.
    assert refusal(server, "bob@demo.test") is None
    assert refusal(server, "carol@other.test") is None
