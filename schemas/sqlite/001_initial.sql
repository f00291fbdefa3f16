-- The embedded default: directory, users (auth-sql) and maildrops (store-sqlite)
-- in one SQLite file. Every table leads with tenant_id, as on PostgreSQL.

CREATE TABLE tenants (
  tenant_id      INTEGER PRIMARY KEY,
  name           TEXT    NOT NULL UNIQUE,
  auth_instance  TEXT    NOT NULL,              -- e.g. 'auth.main', declared in the config
  store_instance TEXT    NOT NULL,              -- e.g. 'store.main'
  created_at     INTEGER NOT NULL DEFAULT (strftime('%s', 'now'))
);

CREATE TABLE domains (
  tenant_id INTEGER NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
  domain    TEXT    NOT NULL UNIQUE,            -- lower case; one tenant per domain
  PRIMARY KEY (tenant_id, domain)
);

CREATE TABLE users (
  tenant_id INTEGER NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
  address   TEXT    NOT NULL,                   -- 'local@domain', lower case
  password  TEXT    NOT NULL,                   -- Dovecot notation: '{SHA512-CRYPT}$6$...'
  enabled   INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, address)
);

CREATE TABLE maildrops (
  tenant_id       INTEGER NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
  address         TEXT    NOT NULL,
  uid_validity    INTEGER NOT NULL,             -- creation time: UIDLs of a re-created maildrop differ
  next_uid        INTEGER NOT NULL DEFAULT 1,   -- never goes back, so a UIDL is never reused
  lock_holder     TEXT,                         -- RFC 1939 exclusive-access lock, with a lease
  lock_expires_at INTEGER,
  PRIMARY KEY (tenant_id, address)
);

-- A body delivered to several recipients of one tenant is stored once.
-- An INTEGER PRIMARY KEY (rowid) so bodies stream through SQLite's blob I/O.
CREATE TABLE bodies (
  body_id   INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  data      BLOB    NOT NULL                    -- CRLF-normalised message
);

CREATE TABLE messages (
  tenant_id   INTEGER NOT NULL,
  address     TEXT    NOT NULL,
  uid         INTEGER NOT NULL,
  uidl        TEXT    NOT NULL,                 -- RFC 1939 unique-id, 1-70 printable characters
  size        INTEGER NOT NULL,                 -- octets of the stored (CRLF) body
  received_at INTEGER NOT NULL,
  body_id     INTEGER NOT NULL REFERENCES bodies (body_id),
  PRIMARY KEY (tenant_id, address, uid),
  UNIQUE (tenant_id, address, uidl),
  FOREIGN KEY (tenant_id, address) REFERENCES maildrops (tenant_id, address) ON DELETE CASCADE
);
CREATE INDEX messages_by_body ON messages (body_id);
