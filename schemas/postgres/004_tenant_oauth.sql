-- Per-tenant OAuth 2.0 issuers for OAUTHBEARER and XOAUTH2; as schemas/sqlite/004.
CREATE TABLE tenant_oauth (
  tenant_id bigint PRIMARY KEY REFERENCES tenants (tenant_id) ON DELETE CASCADE,
  issuer    text   NOT NULL,
  audience  text   NOT NULL,
  algorithm text   NOT NULL CHECK (algorithm IN ('HS256', 'RS256')),
  key       text   NOT NULL
);
