-- The purge as a maildrop opens reads only what may be due: a maildrop of
-- 100,000 messages with nothing to purge is not read through at every login.
CREATE INDEX messages_hidden ON messages (tenant_id, address, hidden_until) WHERE hidden_until IS NOT NULL;
CREATE INDEX messages_retrieved ON messages (tenant_id, address, retrieved_at) WHERE retrieved_at IS NOT NULL;
CREATE INDEX messages_by_age ON messages (tenant_id, address, received_at);
