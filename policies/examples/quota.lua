-- Limits per user and per tenant. Over a limit the recipient is refused
-- with 452 4.2.2, so the sending MTA keeps the mail and retries: nothing is
-- lost while the user makes room. Say over = "permanent" to bounce with
-- 552 5.2.2 instead.
--   postamtctl policy set TENANT policies/examples/quota.lua
--   postamtctl usage alice@demo.test

local MiB = 1024 * 1024

function quota(a)
  local limits = {
    user_messages = 3,
    user_bytes = 10 * MiB,
    tenant_messages = 100000,
    tenant_bytes = 1024 * MiB,
    over = "temporary",
    text = "Mailbox full, please download and delete some mail",
  }
  -- a.user is absent when an admin asks for the tenant's usage as a whole.
  if a.user and a.user:match("^postmaster@") then
    limits.user_messages = nil -- no message limit for the postmaster
  end
  return limits
end
