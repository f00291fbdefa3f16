-- Several devices per user (issue 6.4, policies/README.md "Several devices"):
-- a tenant that tracks devices, each user's registered devices, and which
-- device has deleted which message (by its UIDL, so any store works).

CREATE TABLE device_tracking (
  tenant_id     INTEGER PRIMARY KEY REFERENCES tenants (tenant_id) ON DELETE CASCADE,
  separator     TEXT    NOT NULL CHECK (length(separator) = 1),   -- 'alice+phone@...' with '+'
  grace_seconds INTEGER NOT NULL CHECK (grace_seconds >= 0)       -- 0: wait for every device
);

CREATE TABLE devices (
  tenant_id     INTEGER NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
  address       TEXT    NOT NULL,
  device        TEXT    NOT NULL,
  registered_at INTEGER NOT NULL,                                 -- seconds since the epoch
  PRIMARY KEY (tenant_id, address, device)
);

CREATE TABLE device_deletions (
  tenant_id  INTEGER NOT NULL,
  address    TEXT    NOT NULL,
  device     TEXT    NOT NULL,
  uidl       TEXT    NOT NULL,
  deleted_at INTEGER NOT NULL,                                    -- seconds since the epoch
  PRIMARY KEY (tenant_id, address, device, uidl),
  FOREIGN KEY (tenant_id, address, device) REFERENCES devices (tenant_id, address, device) ON DELETE CASCADE
);
