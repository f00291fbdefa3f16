-- At most one login every five minutes per user (RFC 2449 section 6.5,
-- LOGIN-DELAY), except over TLS from the office network; messages are kept
-- at least 30 days (EXPIRE), and forever for the archive account.
--   postamtctl policy set TENANT policies/examples/login-delay.lua

local MIN_SECONDS = 300

local function from_office(ip)
  return ip:sub(1, 8) == "192.0.2."
end

function login(a)
  local delay = MIN_SECONDS
  if a.tls and from_office(a.remote_ip) then
    delay = 0
  end
  local expire = 30
  if a.user:match("^archive@") then
    expire = "never"
  end
  local since = a.seconds_since_last_login
  if since ~= nil and since < delay then
    return {
      refuse = "LOGIN-DELAY",
      text = "Please wait " .. (delay - since) .. " more seconds between logins",
      login_delay = delay,
      expire = expire,
    }
  end
  return {login_delay = delay, expire = expire}
end
