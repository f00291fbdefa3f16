-- Lua policies per tenant (issue 6): each tenant's script, what each hook
-- does when the script fails, and the last login per user for LOGIN-DELAY.

CREATE TABLE policies (
  tenant_id  INTEGER PRIMARY KEY REFERENCES tenants (tenant_id) ON DELETE CASCADE,
  instance   TEXT    NOT NULL,                  -- e.g. 'policy.main', declared in the config
  script     TEXT    NOT NULL,
  version    INTEGER NOT NULL,                  -- never repeats for a tenant; frontends poll it
  updated_at INTEGER NOT NULL DEFAULT (strftime('%s', 'now'))
);

-- A hook whose script fails (error, budget, memory, malformed decision) lets
-- the action through ('open') or refuses it temporarily ('closed').
CREATE TABLE policy_fallbacks (
  tenant_id INTEGER NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
  hook      TEXT    NOT NULL,
  mode      TEXT    NOT NULL CHECK (mode IN ('open', 'closed')),
  PRIMARY KEY (tenant_id, hook)
);

CREATE TABLE last_logins (
  tenant_id INTEGER NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
  address   TEXT    NOT NULL,
  at        INTEGER NOT NULL,                   -- seconds since the epoch
  PRIMARY KEY (tenant_id, address)
);

-- keep-on-server: a message DELE+QUIT removed stays, hidden from every
-- listing, until this time (seconds since the epoch); restorable until then.
ALTER TABLE messages ADD COLUMN hidden_until INTEGER;
-- When a session first sent the message whole (RETR), for rules on retrieved mail.
ALTER TABLE messages ADD COLUMN retrieved_at INTEGER;
