"""Postamt's store for every scenario (scripts/bench --store): the embedded SQLite file, or PostgreSQL in a
throwaway cluster this run starts and stops (tests/integration/pg_cluster.py), which then holds the
directory and auth-sql's users too, as in production (README, PostgreSQL). What differs between the two is
only how the benchmark writes to the database behind the server's back: users in one transaction instead of
5,000 `postamtctl user add` runs, and the big maildrop's messages in one statement instead of 100,000
deliveries."""

import sqlite3

NAMES = ("sqlite", "postgres")


def _pg_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class SqliteStore:
    name = "sqlite"
    cluster = None
    conninfo = None

    def __init__(self, fixtures):
        self.fixtures = fixtures

    def add_users(self, server, tenant: str, addresses, password_hash: str):
        with sqlite3.connect(server.values["directory.connect"]) as db:
            (tenant_id,) = db.execute("SELECT tenant_id FROM tenants WHERE name = ?", (tenant,)).fetchone()
            db.executemany("INSERT INTO users (tenant_id, address, password) VALUES (?, ?, ?)",
                           [(tenant_id, a, password_hash) for a in addresses])
        db.close()

    def fill_maildrop(self, server, tenant: str, address: str, message: bytes, count: int):
        """`count` messages sharing one body, numbered and named as store-sqlite numbers and names its own."""
        with sqlite3.connect(server.values["directory.connect"]) as db:
            (tenant_id,) = db.execute("SELECT tenant_id FROM tenants WHERE name = ?", (tenant,)).fetchone()
            db.execute("INSERT INTO maildrops (tenant_id, address, uid_validity) VALUES (?, ?, strftime('%s', 'now')) "
                       "ON CONFLICT (tenant_id, address) DO NOTHING", (tenant_id, address))
            first, validity = db.execute("SELECT next_uid, uid_validity FROM maildrops WHERE tenant_id = ? AND address = ?",
                                         (tenant_id, address)).fetchone()
            body = db.execute("INSERT INTO bodies (tenant_id, data) VALUES (?, ?)", (tenant_id, message)).lastrowid
            db.executemany("INSERT INTO messages (tenant_id, address, uid, uidl, size, received_at, body_id) "
                           "VALUES (?, ?, ?, ?, ?, strftime('%s', 'now'), ?)",
                           ((tenant_id, address, uid, f"{uid:08X}{validity:08X}", len(message), body)
                            for uid in range(first, first + count)))
            db.execute("UPDATE maildrops SET next_uid = ? WHERE tenant_id = ? AND address = ?",
                       (first + count, tenant_id, address))
        db.close()

    def stop(self):
        pass


class PostgresStore:
    name = "postgres"

    def __init__(self, fixtures):
        self.fixtures = fixtures
        self.cluster = fixtures.PgCluster()
        self.conninfo = self.cluster.conninfo

    def add_users(self, server, tenant: str, addresses, password_hash: str):
        rows = "".join(f"{a}\t{password_hash}\n" for a in addresses)
        self.cluster.psql(database=self.cluster.database, input=(
            "CREATE TEMP TABLE new_users (address text, password text);\n"
            "COPY new_users FROM STDIN;\n" + rows + "\\.\n"
            f"INSERT INTO users (tenant_id, address, password) SELECT t.tenant_id, n.address, n.password "
            f"FROM new_users n, tenants t WHERE t.name = {_pg_text(tenant)};\n"))

    def fill_maildrop(self, server, tenant: str, address: str, message: bytes, count: int):
        """`count` messages sharing one body (one chunk), numbered and named as store-postgres numbers and
        names its own (sdk/Uidl.hpp), in one statement."""
        self.cluster.psql(database=self.cluster.database, input=f"""
BEGIN;
INSERT INTO maildrops (tenant_id, address, uid_validity)
  SELECT tenant_id, {_pg_text(address)}, extract(epoch FROM now())::bigint FROM tenants WHERE name = {_pg_text(tenant)}
  ON CONFLICT (tenant_id, address) DO NOTHING;
WITH m AS (SELECT d.* FROM maildrops d JOIN tenants t USING (tenant_id)
           WHERE t.name = {_pg_text(tenant)} AND d.address = {_pg_text(address)}),
     body AS (INSERT INTO bodies (tenant_id, size, chunk_size) SELECT tenant_id, {len(message)}, {max(len(message), 1)} FROM m
              RETURNING tenant_id, body_id),
     chunk AS (INSERT INTO body_chunks (tenant_id, body_id, seq, data)
               SELECT tenant_id, body_id, 0, decode('{message.hex()}', 'hex') FROM body)
INSERT INTO messages (tenant_id, address, uid, uidl, size, received_at, body_id)
  SELECT m.tenant_id, m.address, n, lpad(upper(to_hex(n)), 8, '0') || lpad(upper(to_hex(m.uid_validity)), 8, '0'),
         {len(message)}, now(), body.body_id
  FROM m, body, generate_series(m.next_uid, m.next_uid + {count} - 1) AS n;
UPDATE maildrops d SET next_uid = d.next_uid + {count} FROM tenants t
  WHERE t.tenant_id = d.tenant_id AND t.name = {_pg_text(tenant)} AND d.address = {_pg_text(address)};
COMMIT;
ANALYZE messages;
""")

    def stop(self):
        self.cluster.destroy()


def open_store(name: str, fixtures):
    return {"sqlite": SqliteStore, "postgres": PostgresStore}[name](fixtures)
