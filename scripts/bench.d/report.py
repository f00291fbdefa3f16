"""The table: each Postamt figure beside Dovecot's, their ratio, and the
issue's target for it, pass or fail."""

import dataclasses
import math
import statistics
import typing

NOT_AVAILABLE = "n/a (no LMTP yet)"


@dataclasses.dataclass(frozen=True)
class Target:
    text: str
    met: typing.Callable  # (postamt, dovecot) -> bool


def at_least_times(factor: float) -> Target:
    return Target(f">= {factor:g}x Dovecot", lambda p, d: d > 0 and p >= factor * d)


def at_most(limit: float, unit: str) -> Target:
    return Target(f"<= {limit:g} {unit}", lambda p, d: p <= limit)


def exactly(value: float) -> Target:
    return Target(f"= {value:g}", lambda p, d: p == value)


@dataclasses.dataclass(frozen=True)
class Row:
    scenario: str
    figure: str
    label: str
    target: typing.Optional[Target] = None
    store: typing.Optional[str] = None  # the target holds on this store only; elsewhere the figure is shown alone


ROWS = (
    Row("login-8", "rate", "login, 8 clients: sessions/s", at_least_times(3)),
    Row("login-8", "p50", "login, 8 clients: p50 latency ms"),
    Row("login-8", "p99", "login, 8 clients: p99 latency ms"),
    Row("login-64", "rate", "login, 64 clients: sessions/s", at_least_times(3)),
    Row("login-64", "p50", "login, 64 clients: p50 latency ms"),
    Row("login-64", "p99", "login, 64 clients: p99 latency ms"),
    Row("download-20k", "rate", "download 20 KB msgs, 8 clients: MB/s", at_least_times(3)),
    Row("download-5m", "rate", "download 5 MB msgs, 4 clients: MB/s", at_least_times(3)),
    Row("deliver", "rate", "LMTP deliver 20 KB, 8 clients: msgs/s", at_least_times(1.5)),
    Row("hold", "healthy", "hold 5,000 idle sessions: healthy", exactly(5000)),
    Row("hold", "kib_per_session", "hold: memory per session KiB (PSS)", at_most(64, "KiB")),
    Row("big", "rss_growth_mib", "RETR 50 MB: RSS growth MiB", at_most(8, "MiB")),
    Row("big", "seconds", "RETR 50 MB: seconds"),
    Row("bigdrop", "uidl_s", "UIDL of 100,000 msgs: seconds", at_most(0.5, "s")),
    Row("bigdrop", "session_s", "connect to UIDL's end, 100,000 msgs: s"),
    Row("frontends", "login_one", "login, 1 frontend, 16 clients: sessions/s"),
    # Issue 5: stateless frontends over PostgreSQL. SQLite's one writer is shared by every process on its file,
    # so more frontends there are for availability, not throughput.
    Row("frontends", "login_ratio", "login: 2 frontends / 1", Target(">= 1", lambda p, d: p >= 1), "postgres"),
    Row("frontends", "download_one", "download 20 KB, 1 frontend: MB/s"),
    Row("frontends", "download_ratio", "download: 2 frontends / 1", Target(">= 1", lambda p, d: p >= 1), "postgres"),
    Row("policy-open", "seconds_without", "open 50,000 msgs, no policy: seconds"),
    Row("policy-open", "seconds_with", "open 50,000 msgs, example policy: seconds"),
    Row("policy-open", "ratio", "open 50,000 msgs: with / without policy", at_most(1.5, "x")),
    Row("policy-login", "hook_median_us", "login hook: median us per call", at_most(50, "us")),
    Row("policy-login", "p50_added_us", "login, 1 client: p50 added by the login hook, us", at_most(50, "us")),
    Row("policy-login", "rate_without", "login, 8 clients, no policy: sessions/s"),
    Row("policy-login", "rate_with", "login, 8 clients, example + login hook: sessions/s"),
)


def median(runs, figure):
    """The median of one figure over the repeated runs; None when the server did not take part."""
    values = [run[figure] for run in runs if run is not None and run.get(figure) is not None]
    values = [v for v in values if not (isinstance(v, float) and math.isnan(v))]
    return statistics.median(values) if values else None


def failures(runs_by_scenario, server):
    return sum(run["failures"] for runs in runs_by_scenario.values() for run in runs[server] if run is not None)


def table(runs_by_scenario, store: str, rows_wanted=ROWS):
    """One dict per row: label, postamt, dovecot, ratio, target, result."""
    rows = []
    for row in rows_wanted:
        if row.scenario not in runs_by_scenario:
            continue
        if row.store not in (None, store):
            row = dataclasses.replace(row, target=None)
        runs = runs_by_scenario[row.scenario]
        postamt, dovecot = median(runs["Postamt"], row.figure), median(runs["Dovecot"], row.figure)
        ratio = postamt / dovecot if postamt is not None and dovecot else None
        if postamt is None:
            result = NOT_AVAILABLE if row.scenario == "deliver" else "no data"
        elif row.target is None:
            result = ""
        else:
            result = "pass" if row.target.met(postamt, dovecot or 0) else "FAIL"
        rows.append({"label": row.label, "postamt": postamt, "dovecot": dovecot, "ratio": ratio,
                     "target": row.target.text if row.target else "", "result": result})
    postamt_failures = failures(runs_by_scenario, "Postamt")
    rows.append({"label": "failed sessions, all runs", "postamt": postamt_failures,
                 "dovecot": failures(runs_by_scenario, "Dovecot"), "ratio": None, "target": "= 0",
                 "result": "pass" if postamt_failures == 0 else "FAIL"})
    return rows


def _cell(value):
    if value is None:
        return "-"
    if isinstance(value, int):
        return str(value)
    return f"{value:.2f}" if abs(value) < 100 else f"{value:.0f}"


def render(rows) -> str:
    header = ("", "Postamt", "Dovecot", "P/D", "target", "result")
    lines = [(r["label"], _cell(r["postamt"]) if r["postamt"] is not None or r["result"] != NOT_AVAILABLE else "n/a",
              _cell(r["dovecot"]), _cell(r["ratio"]), r["target"], r["result"]) for r in rows]
    widths = [max(len(line[i]) for line in [header] + lines) for i in range(len(header))]
    out = []
    for i, line in enumerate([header] + lines):
        out.append("  ".join(cell.ljust(w) if c in (0, 4, 5) else cell.rjust(w)
                             for c, (cell, w) in enumerate(zip(line, widths))).rstrip())
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)
