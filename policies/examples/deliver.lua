-- Refuses mail for addresses that must never receive any, and tags large
-- mail so that users' clients can filter it; everything else is accepted.
--   postamtctl policy set TENANT policies/examples/deliver.lua

local LARGE = 100 * 1024

function deliver(a)
  if a.recipient:match("^noreply@") then
    return {action = "refuse", code = 550, enhanced = "5.7.1", text = "This address does not receive mail"}
  end
  -- a.size is there when it is known: the sender's SIZE= at RCPT, the real size at DATA.
  if a.size ~= nil and a.size > LARGE then
    return {action = "tag", tag = "large"} -- stored as "X-Postamt-Tag: large" at the top
  end
  return {action = "accept"}
end
