"""Tenants across PostgreSQL clusters (issue 5): a tenant's store instance points at another cluster
than the directory's; `postamtctl db migrate` prepares both, and one frontend serves tenants on each,
each tenant's mail staying in its own cluster."""

import pathlib

import pytest

from conftest import seed, unstuff
from pg_cluster import PgCluster

pytestmark = pytest.mark.backends("postgres")


@pytest.fixture
def far_cluster():
    cluster = PgCluster()
    yield cluster
    cluster.destroy()


def retrieve_only_message(server, user, password):
    client = server.login(user, password)
    assert client.command("STAT").startswith(b"+OK 1 ")
    assert client.command("RETR 1").startswith(b"+OK")
    body = unstuff(client.multiline())
    assert client.command("QUIT").startswith(b"+OK")
    return body


def test_one_frontend_serves_tenants_on_two_clusters(make_postamt, far_cluster):
    server = make_postamt()  # directory, users and store.main in the session's cluster
    server.configure(store__far__plugin="store-postgres", store__far__connect=far_cluster.conninfo)
    migrated = server.ctl("db", "migrate").stdout.decode()
    # A migration's number is its version ("007_devices.sql" is 7); the newest need not be the count of files.
    schemas = pathlib.Path(__file__).resolve().parents[2] / "schemas" / "postgres"
    newest = max(int(p.name.split("_")[0]) for p in schemas.glob("*.sql"))
    assert f"on 127.0.0.1:{far_cluster.port}: schema version {newest} (migrated from 0)" in migrated, migrated
    assert "password" not in migrated
    server.ctl("tenant", "add", "far", "--store", "store.far")
    server.ctl("domain", "add", "far.test", "far")
    server.ctl("user", "add", "zoe@far.test", input=b"zoe-secret\n")
    server.start()

    message = b"Subject: two clusters\r\n\r\none frontend\r\n"
    for user, password in (("zoe@far.test", "zoe-secret"), ("alice@demo.test", "alice-secret")):
        stored = seed(server, user, message)
        assert retrieve_only_message(server, user, password) == stored

    assert far_cluster.query("SELECT address FROM messages").split() == ["zoe@far.test"]
    assert server.sql("SELECT address FROM messages").split() == ["alice@demo.test"]
    assert server.ctl("db", "migrate").stdout.decode().count("(already current)") == 2
