-- Lua policies per tenant; as schemas/sqlite/003, without the store columns
-- (store-postgres does not apply maildrop rules yet).
CREATE TABLE policies (
  tenant_id  bigint      PRIMARY KEY REFERENCES tenants (tenant_id) ON DELETE CASCADE,
  instance   text        NOT NULL,              -- e.g. 'policy.main', declared in the config
  script     text        NOT NULL,
  version    bigint      NOT NULL,              -- never repeats for a tenant; frontends poll it
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE policy_fallbacks (
  tenant_id bigint NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
  hook      text   NOT NULL,
  mode      text   NOT NULL CHECK (mode IN ('open', 'closed')),
  PRIMARY KEY (tenant_id, hook)
);

CREATE TABLE last_logins (
  tenant_id bigint NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
  address   text   NOT NULL,
  at        bigint NOT NULL,                    -- seconds since the epoch
  PRIMARY KEY (tenant_id, address)
);
