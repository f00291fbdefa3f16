-- A tenant's own TLS certificate, served by SNI (RFC 6066 section 3); as schemas/sqlite/002.
CREATE TABLE tenant_certificates (
  tenant_id        bigint      PRIMARY KEY REFERENCES tenants (tenant_id) ON DELETE CASCADE,
  certificate_file text        NOT NULL,        -- absolute path: PEM certificate chain, leaf first
  key_file         text        NOT NULL,        -- absolute path: PEM private key, not encrypted
  updated_at       timestamptz NOT NULL DEFAULT now()
);
