-- Refuses mail for addresses that must never receive any, and large mail
-- for the kiosk account; everything else is accepted.
--   postamtctl policy set TENANT policies/examples/deliver.lua

function deliver(a)
  if a.recipient:match("^noreply@") then
    return {action = "refuse", code = 550, enhanced = "5.7.1", text = "This address does not receive mail"}
  end
  -- a.size is there when the sender declared it (MAIL FROM SIZE=).
  if a.recipient:match("^kiosk@") and a.size ~= nil and a.size > 1024 * 1024 then
    return {action = "refuse", code = 552, enhanced = "5.3.4", text = "Messages to the kiosk must be under 1 MiB"}
  end
  return {action = "accept"}
end
