"""PostgreSQL as the production backend (issue 5): several postamtd frontends on one database share
the RFC 1939 maildrop lock as a lease, RETR streams a 50 MB body with bounded memory, and neither a
frontend killed during UPDATE nor a database restarted under live sessions loses or half-deletes mail."""

import hashlib
import signal
import smtplib
import threading
import time

import pytest

from conftest import Postamt, USERS, crlf, unstuff
from pg_cluster import PgCluster

pytestmark = pytest.mark.backends("postgres")

IN_USE = b"-ERR [IN-USE]"
SYS_TEMP = b"-ERR [SYS/TEMP]"


def message(n: int) -> bytes:
    return f"From: sender@example.org\r\nSubject: message {n}\r\n\r\nbody {n}\r\n".encode()


def try_login(server: Postamt, user="alice@demo.test") -> tuple:
    """(client, reply to PASS); the client is closed unless the login worked."""
    client = server.connect()
    assert client.command(f"USER {user}").startswith(b"+OK")
    reply = client.command(f"PASS {USERS[user]}")
    if not reply.startswith(b"+OK"):
        client.close()
        return None, reply
    return client, reply


def login_within(server: Postamt, seconds: float, user="alice@demo.test"):
    """Logs in as soon as the maildrop is free; the client and how long that took."""
    started = time.monotonic()
    while True:
        client, reply = try_login(server, user)
        if client:
            return client, time.monotonic() - started
        assert reply.startswith(IN_USE), reply
        assert time.monotonic() - started < seconds, f"maildrop still locked after {seconds} s"
        time.sleep(0.2)


def uidls(client) -> dict:
    assert client.command("UIDL").startswith(b"+OK")
    return dict(line.split() for line in client.multiline().decode().splitlines())


def lmtp_reply_code(server: Postamt, recipient: str, body: bytes) -> int:
    """The LMTP reply code for delivering `body` to one recipient (RFC 2033)."""
    try:
        with smtplib.LMTP("127.0.0.1", server.lmtp_port, timeout=30) as lmtp:
            lmtp.sendmail("s@example.org", [recipient], body)
        return 250
    except smtplib.SMTPRecipientsRefused as refused:
        return refused.recipients[recipient][0]
    except smtplib.SMTPResponseException as failed:
        return failed.smtp_code


def retrieve(client, number: int) -> bytes:
    assert client.command(f"RETR {number}").startswith(b"+OK")
    return unstuff(client.multiline())


@pytest.fixture
def frontends(make_postamt):
    """Two postamtd on one database, with a short lock lease (seconds) so expiry is testable."""
    def make(lease=3, **settings):
        first = make_postamt(store__main__lock_lease_seconds=lease, **settings)
        second = make_postamt(share=first, store__main__lock_lease_seconds=lease, **settings)
        return first.start(), second.start()
    return make


def test_second_login_on_either_frontend_is_in_use(frontends):
    a, b = frontends()
    client = a.login()
    for server in (b, a):
        other, reply = try_login(server)
        assert other is None and reply.startswith(IN_USE), reply
    # Another user's maildrop is not affected.
    b.login("bob@demo.test").command("QUIT")
    assert client.command("QUIT").startswith(b"+OK")
    b.login().command("QUIT")


def test_locks_of_a_killed_frontend_end_with_their_lease(frontends):
    lease = 4
    a, b = frontends(lease=lease)
    session = a.login()  # kept open: a closed connection would end the session and free its lock
    killed = time.monotonic()
    a.stop(signal.SIGKILL)
    # The lease was renewed at most a third of it before the kill, so it runs for two thirds more at
    # least; a login that took longer than that (a loaded machine) may rightly find the lock gone.
    client, reply = try_login(b)
    if client is None:
        assert reply.startswith(IN_USE), reply
        client, _ = login_within(b, lease + 3)
    else:
        assert time.monotonic() - killed >= lease * 2 / 3, "the lock ended before its lease"
    freed = time.monotonic() - killed
    assert freed <= lease + 1.5, f"the lock outlived its {lease} s lease by {freed - lease:.1f} s"
    assert client.command("QUIT").startswith(b"+OK")
    session.close()


def test_slow_live_session_keeps_its_lock(frontends):
    lease = 2
    a, b = frontends(lease=lease)
    for n in range(1, 3):
        a.deliver("alice@demo.test", message(n))
    client = a.login()
    deadline = time.monotonic() + 3 * lease  # silent for three leases: only renewal keeps the lock
    while time.monotonic() < deadline:
        other, reply = try_login(b)
        assert other is None and reply.startswith(IN_USE), reply
        time.sleep(0.5)
    assert client.command("DELE 1").startswith(b"+OK")
    assert client.command("QUIT").startswith(b"+OK"), "UPDATE refused: the lock was lost"
    client = b.login()
    assert list(uidls(client)) == ["1"] and retrieve(client, 1) == crlf(message(2))
    client.command("QUIT")


def test_sessions_share_the_store_pool_instead_of_a_connection_each(make_postamt):
    server = make_postamt(store__main__pool_size=2)
    for user in USERS:
        server.deliver(user, message(1))
    server.start()
    clients = [server.login(user) for user in USERS]
    for client in clients + clients:
        assert retrieve(client, 1) == crlf(message(1))
    database = server.values["directory.connect"].split("dbname=")[1].split()[0]
    connections = server.sql(f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database}' "
                             "AND application_name = 'postamt store-postgres'")
    assert 1 <= int(connections) <= 2, f"{connections.strip()} store connections for {len(clients)} sessions"
    for client in clients:
        assert client.command("QUIT").startswith(b"+OK")


def test_listing_of_100000_messages_is_read_at_once_not_per_message(make_postamt):
    server = make_postamt()
    server.deliver("alice@demo.test", message(0))  # makes the maildrop and one body the others share
    server.sql("INSERT INTO messages (tenant_id, address, uid, uidl, size, received_at, body_id) "
               "SELECT m.tenant_id, m.address, m.uid + n, 'U' || (m.uid + n), m.size, m.received_at, m.body_id "
               "FROM messages m, generate_series(1, 99999) AS n")

    def scans_of_messages() -> int:  # a backend's counts are in once it has exited
        return int(server.sql("SELECT seq_scan + coalesce(idx_scan, 0) FROM pg_stat_user_tables "
                              "WHERE relname = 'messages'"))

    before = scans_of_messages()
    server.start()
    client = server.login()
    assert client.command("STAT").startswith(b"+OK 100000 ")
    client.send(b"UIDL\r\n")
    response = bytearray(client.buffer)
    while not response.endswith(b"\r\n.\r\n"):
        chunk = client.sock.recv(1 << 20)
        assert chunk, "connection closed during UIDL"
        response += chunk
    client.buffer = b""
    assert response.startswith(b"+OK") and response.count(b"\r\n") == 100000 + 2
    assert client.command("QUIT").startswith(b"+OK")
    server.stop()
    # The listing (number, UIDL, size) is one query, however big the maildrop (issue 5); at least
    # one scan shows that the counts did arrive.
    scans = scans_of_messages() - before
    assert 1 <= scans <= 3, f"{scans} scans of messages to list one maildrop"


def test_retr_of_50_mb_streams_with_bounded_memory(make_postamt, memory_honest):
    server = make_postamt()
    line = b"x" * 76 + b"\r\n"
    body = b"Subject: big\r\n\r\n" + line * (50_000_000 // len(line))
    server.deliver("alice@demo.test", body)
    server.start()
    client = server.login()
    before = server.rss_kib()
    peak = [before]
    done = threading.Event()

    def watch():
        while not done.is_set():
            peak[0] = max(peak[0], server.rss_kib())
            time.sleep(0.005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        assert client.command("RETR 1").startswith(b"+OK")
        received = bytearray(client.buffer)
        client.buffer = b""
        while not received.endswith(b"\r\n.\r\n"):
            chunk = client.sock.recv(1 << 20)
            assert chunk, "connection closed during RETR"
            received += chunk
    finally:
        done.set()
        watcher.join()
    assert hashlib.sha256(unstuff(bytes(received[:-3]))).hexdigest() == hashlib.sha256(crlf(body)).hexdigest()
    growth = peak[0] - before
    assert growth <= 8 * 1024, f"postamtd grew by {growth} KiB during a 50 MB RETR"
    client.command("QUIT")


def test_sigkill_during_update_leaves_each_message_whole_or_gone(make_postamt):
    server = make_postamt(store__main__lock_lease_seconds=1)
    for attempt in range(5):
        server.start()
        sent = [message(100 * attempt + n) for n in range(20)]
        with smtplib.LMTP("127.0.0.1", server.lmtp_port, timeout=30) as lmtp:
            for body in sent:
                lmtp.sendmail("s@example.org", ["alice@demo.test"], body)
        client = server.login()
        listed = uidls(client)
        originals = {uidl: retrieve(client, int(number)) for number, uidl in listed.items()}
        # Every other message: those kept must come through the kill as untouched as those deleted go.
        deleted = {uidl for number, uidl in listed.items() if int(number) % 2}
        for number, uidl in listed.items():
            if uidl in deleted:
                assert client.command(f"DELE {number}").startswith(b"+OK")
        client.send(b"QUIT\r\n")
        time.sleep(0.002 * attempt)  # a different moment of the UPDATE state each time
        server.stop(signal.SIGKILL)

        server.start()
        client, _ = login_within(server, 5)
        remaining = uidls(client)
        # One transaction: all of the marked messages went, or none did; what stayed is whole.
        kept = set(listed.values()) - deleted
        assert set(remaining.values()) in (kept, set(listed.values())), \
            f"attempt {attempt}: {len(remaining)} of {len(listed)} left, {len(kept)} kept"
        for number, uidl in remaining.items():
            assert retrieve(client, int(number)) == originals[uidl]
        client.command("QUIT")
        orphans = server.sql("SELECT count(*) FROM bodies b WHERE NOT EXISTS "
                             "(SELECT 1 FROM messages m WHERE m.tenant_id = b.tenant_id AND m.body_id = b.body_id)")
        assert orphans.strip() == "0", "a body outlived its messages"
        server.stop()


def test_a_hanging_database_statement_ends_in_a_temporary_failure(make_postamt):
    server = make_postamt(store__main__statement_timeout_ms=1000).start()
    server.sql("CREATE FUNCTION stall() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN PERFORM pg_sleep(60); RETURN NEW; END$$")
    server.sql("CREATE TRIGGER stall BEFORE INSERT ON messages FOR EACH ROW "
               "WHEN (NEW.address = 'carol@other.test') EXECUTE FUNCTION stall()")
    started = time.monotonic()
    assert 400 <= lmtp_reply_code(server, "carol@other.test", message(1)) < 500
    assert time.monotonic() - started < 10, "the delivery waited for the stalled statement"
    assert lmtp_reply_code(server, "alice@demo.test", message(2)) == 250  # nothing else is stuck
    client = server.login("carol@other.test")
    assert client.command("STAT") == b"+OK 0 0"
    client.command("QUIT")


@pytest.fixture
def own_cluster():
    """A cluster of this test's own, which it may stop and start."""
    cluster = PgCluster()
    yield cluster
    cluster.destroy()


def test_database_restart_under_live_sessions(own_cluster, tmp_path):
    directory = tmp_path / "restart"
    directory.mkdir()
    server = Postamt(directory, pg=own_cluster, conninfo=own_cluster.conninfo, store__main__lock_lease_seconds=2)
    server.seed_directory()
    for n in range(1, 4):
        server.deliver("alice@demo.test", message(n))
    server.start()
    try:
        alice = server.login()
        bob = server.login("bob@demo.test")
        own_cluster.stop()

        # What needs the database fails for now, saying so; what the session already knows still works.
        assert alice.command("STAT") == b"+OK 3 " + str(sum(len(crlf(message(n))) for n in (1, 2, 3))).encode()
        assert alice.command("RETR 1").startswith(SYS_TEMP)
        assert alice.command("DELE 2").startswith(b"+OK")
        assert alice.command("QUIT").startswith(SYS_TEMP)
        carol, reply = try_login(server, "carol@other.test")
        assert carol is None and reply.startswith(SYS_TEMP), reply
        assert 400 <= lmtp_reply_code(server, "bob@demo.test", message(9)) < 500  # the MTA keeps it queued

        own_cluster.start()
        # postamtd recovers by itself: deliveries, the live session and new logins work again.
        assert lmtp_reply_code(server, "bob@demo.test", message(9)) == 250
        assert bob.command("NOOP").startswith(b"+OK") and bob.command("QUIT").startswith(b"+OK")
        bob = server.login("bob@demo.test")
        assert retrieve(bob, 1).endswith(crlf(message(9)))
        bob.command("QUIT")
        client, _ = login_within(server, 10)
        assert sorted(uidls(client)) == ["1", "2", "3"], "a message was lost or deleted without UPDATE"
        assert [retrieve(client, n) for n in (1, 2, 3)] == [crlf(message(n)) for n in (1, 2, 3)]
        client.command("QUIT")
    finally:
        server.stop()
