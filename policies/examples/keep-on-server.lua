-- A safety net for POP3's "delete on download": what a client deletes stays
-- hidden on the server for 14 days, and `postamtctl maildrop restore USER`
-- brings it back. Mail a client leaves on the server goes 30 days after it
-- was first downloaded (CAPA: EXPIRE 30), and large mail 90 days after it
-- arrived, except for the archive account, which keeps everything.
--   postamtctl policy set TENANT policies/examples/keep-on-server.lua

local MiB = 1024 * 1024

function keep_on_server(a)
  if a.user:match("^archive@") then
    return nil
  end
  return {keep_deleted_days = 14, keep_retrieved_days = 30}
end

function retention(a)
  if a.user:match("^archive@") then
    return nil
  end
  return {older_than_days = 90, larger_than = 10 * MiB}
end
