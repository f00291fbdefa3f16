-- A tenant's own TLS certificate, served by SNI (RFC 6066 section 3) for the
-- names in it that lie within the tenant's domains. postamtd reads the files
-- at start and on SIGHUP; the database holds only where they are.

CREATE TABLE tenant_certificates (
  tenant_id        INTEGER PRIMARY KEY REFERENCES tenants (tenant_id) ON DELETE CASCADE,
  certificate_file TEXT    NOT NULL,            -- absolute path: PEM certificate chain, leaf first
  key_file         TEXT    NOT NULL,            -- absolute path: PEM private key, not encrypted
  updated_at       INTEGER NOT NULL DEFAULT (strftime('%s', 'now'))
);
