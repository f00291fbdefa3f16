-- Several devices per user; as schemas/sqlite/007_devices.sql.

CREATE TABLE device_tracking (
  tenant_id     bigint PRIMARY KEY REFERENCES tenants (tenant_id) ON DELETE CASCADE,
  separator     text   NOT NULL CHECK (length(separator) = 1),
  grace_seconds bigint NOT NULL CHECK (grace_seconds >= 0)
);

CREATE TABLE devices (
  tenant_id     bigint NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
  address       text   NOT NULL,
  device        text   NOT NULL,
  registered_at bigint NOT NULL,
  PRIMARY KEY (tenant_id, address, device)
);

CREATE TABLE device_deletions (
  tenant_id  bigint NOT NULL,
  address    text   NOT NULL,
  device     text   NOT NULL,
  uidl       text   NOT NULL,
  deleted_at bigint NOT NULL,
  PRIMARY KEY (tenant_id, address, device, uidl),
  FOREIGN KEY (tenant_id, address, device) REFERENCES devices (tenant_id, address, device) ON DELETE CASCADE
);
