-- The store columns of schemas/sqlite/003 that store-postgres needs to apply a
-- policy's maildrop rules (retention, keep-on-server), in the database's clock.

-- keep-on-server: a message DELE+QUIT removed stays, hidden from every
-- listing, until this time; restorable until then.
ALTER TABLE messages ADD COLUMN hidden_until timestamptz;
-- When a session first sent the message whole (RETR), for rules on retrieved mail.
ALTER TABLE messages ADD COLUMN retrieved_at timestamptz;
