"""Issue 6.7: what a tenant's Lua policy costs. Postamt alone (Dovecot has no
such policies), on whatever store the Postamt server was started with: the
policy is set through postamtctl, the maildrop seeded with one delivery and one
SQL statement both shipped stores take, and both measured over POP3.

- policy-open: a 50,000-message maildrop opened (PASS to the end of UIDL) with
  policies/examples/keep-on-server.lua (retention and keep-on-server rules, which
  the store applies in SQL as the maildrop opens) and without any policy.
- policy-login: the login hook's cost per call, through the plugin host on one
  thread (tests/bench/policy); what it adds to a login end to end, as the
  median login of one client with the example policy and with the example plus
  a login hook (one client: at 8, queueing multiplies whatever a login costs);
  and login-8's rate without any policy and with the example plus the hook."""

import pathlib
import socket
import statistics
import subprocess
import time

import corpus

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "policies" / "examples" / "keep-on-server.lua"
MESSAGES = 50_000
MAILDROP_USER = "policy-50k@" + corpus.DOMAIN
OPENINGS = 5           # timed openings per run and side; the median counts
POLICY_POLL_SECONDS = 1.5  # frontends poll a tenant's policy version once a second
# The example's rules, plus a login hook of the kind a tenant writes first.
LOGIN_HOOK = """
function login(a)
  if a.remote_ip == "192.0.2.1" then
    return {refuse = "AUTH", text = "Not from there"}
  end
  return {login_delay = 0}
end
"""


def _ctl(server, *args, check=True):
    return server.server.ctl(*args, check=check)


def _without_policy(server):
    _ctl(server, "policy", "del", "bench", check=False)  # fails when there is none, which is what it wants
    time.sleep(POLICY_POLL_SECONDS)


def _with_policy(server, script: pathlib.Path):
    _ctl(server, "policy", "set", "bench", str(script))
    time.sleep(POLICY_POLL_SECONDS)


# The one delivered message copied MESSAGES - 1 times in one statement that SQLite and PostgreSQL both take, as both
# shipped stores keep the listing in a `messages` table of the same shape; the copies share the stored body.
CLONE = """INSERT INTO messages (tenant_id, address, uid, uidl, size, received_at, body_id)
SELECT m.tenant_id, m.address, m.uid + c.n, 'policy-' || c.n, m.size, m.received_at, m.body_id
FROM messages m, (WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < {copies}) SELECT n FROM c) c
WHERE m.address = '{address}'"""


def _seeded(server, context):
    """The big maildrop, once per server: one message delivered through postamtctl, then copied in SQL.
    50,000 LMTP sessions or imported messages would take many minutes."""
    if getattr(server, "policy_maildrop_seeded", False):
        return
    _ctl(server, "user", "add", MAILDROP_USER, corpus.PASSWORD)
    server.deliver_with_ctl(MAILDROP_USER, context.message(2_000).read_bytes())
    server.server.sql(CLONE.format(copies=MESSAGES - 1, address=MAILDROP_USER))
    server.policy_maildrop_seeded = True


def _open_seconds(port: int, user: str) -> float:
    """From PASS to the last line of UIDL: the login opens the maildrop, under the policy's rules when there is one."""
    with socket.create_connection(("127.0.0.1", port), timeout=300) as s:
        replies = s.makefile("rb")

        def command(text: str) -> bytes:
            s.sendall(text.encode() + b"\r\n")
            line = replies.readline()
            if not line.startswith(b"+OK"):
                raise RuntimeError(f"{text.split()[0]}: {line!r}")
            return line

        replies.readline()
        command(f"USER {user}")
        began = time.perf_counter()
        command(f"PASS {corpus.PASSWORD}")
        listed = int(command("STAT").split()[1])
        command("UIDL")
        lines = 0
        while replies.readline() != b".\r\n":
            lines += 1
        elapsed = time.perf_counter() - began
        command("QUIT")
    if listed != MESSAGES or lines != MESSAGES:
        raise RuntimeError(f"the maildrop lists {listed} messages and {lines} UIDLs, not {MESSAGES}")
    return elapsed


def _measured(**figures) -> dict:
    return {**figures, "failures": 0, "first_failure": None, "loadgen": {}}


def maildrop_open(server, context):
    if server.name != "Postamt":
        return None
    _seeded(server, context)
    _without_policy(server)
    plain = statistics.median(_open_seconds(server.port, MAILDROP_USER) for _ in range(OPENINGS))
    _with_policy(server, EXAMPLE)
    ruled = statistics.median(_open_seconds(server.port, MAILDROP_USER) for _ in range(OPENINGS))
    _without_policy(server)  # the other scenarios measure logins without a policy
    return _measured(seconds_without=plain, seconds_with=ruled, ratio=ruled / plain)


def _hook_median_us(context, script: pathlib.Path) -> float:
    binary = context.build / "tests" / "bench" / "policy" / "postamt-policy-bench"
    out = subprocess.run([str(binary), "--plugins", str(context.build / "plugins"), "--script", str(script),
                          "--calls", "20000"], capture_output=True, text=True, timeout=300, check=True).stdout
    return float(out.split('"median_us": ')[1].split(",")[0])


def login_hook(server, context):
    if server.name != "Postamt":
        return None
    script = context.work / "policy-with-login-hook.lua"
    script.write_text(EXAMPLE.read_text() + LOGIN_HOOK)
    hook = _hook_median_us(context, script)

    def logins(concurrency: int) -> dict:
        return context.loadgen.run("login", server.port, wall=60, password=corpus.PASSWORD, concurrency=concurrency,
                                   count=1_000_000, duration=4, **corpus.LOGIN.loadgen_options())

    _without_policy(server)
    plain8 = logins(8)
    # In the order A B B A, so a server that slows down (or speeds up) as the run goes on favours neither side.
    _with_policy(server, EXAMPLE)
    rules1 = [logins(1)]
    _with_policy(server, script)
    hooked1 = [logins(1), logins(1)]
    hooked8 = logins(8)
    _with_policy(server, EXAMPLE)
    rules1.append(logins(1))
    _without_policy(server)
    runs = (plain8, *rules1, *hooked1, hooked8)

    def mean_p50_us(pair):
        return statistics.mean(run["p50_ms"] for run in pair) * 1000

    return {"hook_median_us": hook, "p50_added_us": mean_p50_us(hooked1) - mean_p50_us(rules1),
            "rate_without": plain8["sessions_per_s"], "rate_with": hooked8["sessions_per_s"],
            "failures": sum(run["failures"] for run in runs),
            "first_failure": next((run["first_failure"] for run in runs if run["first_failure"]), None),
            "loadgen": {"without_8": plain8, "rules_1": rules1, "hooked_1": hooked1, "hooked_8": hooked8}}
