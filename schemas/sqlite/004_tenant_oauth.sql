-- Per-tenant OAuth 2.0 settings for SASL OAUTHBEARER (RFC 7628) and XOAUTH2: a
-- bearer token is a JWT (RFC 7519) from the tenant's identity provider, accepted
-- when its signature, issuer, audience and expiry check out. No row: the tenant's
-- users cannot log in with tokens.
CREATE TABLE tenant_oauth (
  tenant_id INTEGER PRIMARY KEY REFERENCES tenants (tenant_id) ON DELETE CASCADE,
  issuer    TEXT    NOT NULL,                   -- the "iss" every token must carry
  audience  TEXT    NOT NULL,                   -- must be one of the token's "aud"
  algorithm TEXT    NOT NULL CHECK (algorithm IN ('HS256', 'RS256')),
  key       TEXT    NOT NULL                    -- HS256: the shared secret; RS256: the public key, PEM
);
