"""What scripts/bench runs once the build is done: starts Postamt and Dovecot
side by side, gives both the same users and messages, runs every scenario
against each server back to back, repeated, and prints and writes the medians."""

import argparse
import concurrent.futures
import datetime
import json
import os
import pathlib
import shutil
import signal
import sys
import time

import corpus
import dovecot
import loadgen
import pidfile
import postamt
import report
import scenarios
import stores
import tls

MAX_SESSIONS = corpus.HOLD.count + 200


class Context:
    """What the scenarios share: the load generator and the message files."""

    def __init__(self, generator: loadgen.Loadgen, work: pathlib.Path, build: pathlib.Path):
        self.loadgen = generator
        self.work = work
        self.build = build

    def message(self, size: int) -> pathlib.Path:
        return corpus.message_file(self.work, size)


def seed(server, context: Context):
    """Message k of each kind goes to user first + k mod count, whichever way it goes in.
    Then every login user logs in once, so each server has met them all before
    it is measured (Dovecot creates a maildir and its indexes on first login)."""
    for maildrops in corpus.SEEDED:
        path = context.message(maildrops.size)
        users = maildrops.users
        total = users.count * maildrops.per_user
        if server.lmtp_port is not None:
            r = context.loadgen.run("deliver", server.lmtp_port, wall=900, concurrency=4, count=total,
                                    per_connection=10, message=path, **users.loadgen_options())
            if r["failures"] or r["messages"] != total:
                raise RuntimeError(f"seeding {server.name} through LMTP: {r}")
        else:
            data, addresses = path.read_bytes(), users.addresses()
            with concurrent.futures.ThreadPoolExecutor(4) as pool:
                list(pool.map(lambda k: server.deliver_with_ctl(addresses[k % users.count], data), range(total)))
    r = context.loadgen.run("login", server.port, wall=600, password=corpus.PASSWORD, concurrency=8,
                            count=corpus.LOGIN.count, **corpus.LOGIN.loadgen_options())
    if r["failures"]:
        raise RuntimeError(f"first login of every user on {server.name}: {r}")


def log_trouble(log: pathlib.Path) -> list:
    """Warning and error lines of a server log (postamtd: "Warning store-sqlite: ...", Dovecot: "Warning: ..."),
    but for Dovecot's note of the SIGTERM this run stopped it with."""
    return [line for line in log.read_text(errors="replace").splitlines()
            if any(word in line for word in (" Warning ", " Error ", " Warning:", " Error:", " Fatal:"))
            and "Killed with signal 15" not in line]


def summary(figures) -> str:
    if figures is None:
        return "n/a"
    shown = {k: v for k, v in figures.items() if k not in ("loadgen", "first_failure")}
    text = ", ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in shown.items())
    return text + (f" (first failure: {figures['first_failure']})" if figures["failures"] else "")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", type=pathlib.Path, required=True)
    parser.add_argument("--work", type=pathlib.Path, required=True)
    parser.add_argument("--out", type=pathlib.Path, required=True)
    parser.add_argument("--repeats", type=int, default=3)
    every = scenarios.SCENARIOS + tls.SCENARIOS
    parser.add_argument("--store", choices=stores.NAMES, default="sqlite", help="Postamt's store in every scenario")
    parser.add_argument("--only", default="", help="comma-separated scenario keys: " + ",".join(s.key for s in every))
    args = parser.parse_args()
    chosen = [s for s in every if not args.only or s.key in args.only.split(",")]
    # A stop signal unwinds through the finally below, which stops the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    pids = pidfile.PidFile(args.work / "pids")
    context = Context(loadgen.Loadgen(args.build / "tests" / "bench" / "postamt-loadgen", pids), args.work, args.build)
    certificate = tls.certificate(args.work)
    store = stores.open_store(args.store, postamt.integration_fixtures(args.build))
    servers = []
    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = os.getloadavg()
    hashed = dovecot.password_hash(corpus.PASSWORD)
    try:
        servers = [postamt.Postamt(args.build, args.work / "postamt", pids, MAX_SESSIONS, certificate, store),
                   dovecot.Dovecot(args.work / "dovecot", pids, MAX_SESSIONS, certificate)]
        for server in servers:
            server.add_users(corpus.ALL_USERS.addresses(), hashed)
            server.start()
        for server in servers:
            began = time.monotonic()
            seed(server, context)
            way = "LMTP" if server.lmtp_port is not None else "postamtctl deliver"
            print(f"==> seeded {server.name} through {way} in {time.monotonic() - began:.1f} s", flush=True)
            for scenario in chosen:
                if scenario.prepare is not None:
                    began = time.monotonic()
                    scenario.prepare(server, context)
                    print(f"==> prepared {scenario.key} on {server.name} in {time.monotonic() - began:.1f} s", flush=True)

        runs = {}
        for scenario in chosen:
            print(f"==> {scenario.title}", flush=True)
            runs[scenario.key] = {server.name: [] for server in servers}
            for repeat in range(scenario.runs(args.repeats)):
                for server in servers:
                    figures = scenario.run(server, context)
                    runs[scenario.key][server.name].append(figures)
                    print(f"    {repeat + 1}/{scenario.runs(args.repeats)} {server.name:8} {summary(figures)}", flush=True)
    finally:
        for server in servers:
            server.stop()
        store.stop()
        # The work directory goes when the run ends; the servers' logs explain its failures.
        args.out.parent.mkdir(parents=True, exist_ok=True)
        for server in servers:
            if server.log.exists():
                shutil.copyfile(server.log, args.out.parent / server.log.name)

    rows = report.table(runs, args.store, report.ROWS + tls.ROWS)
    trouble = {server.name: log_trouble(server.log) for server in servers if server.log.exists()}
    print()
    print(report.render(rows))
    fewer = [f"{s.key}: {s.runs(args.repeats)}" for s in chosen if s.runs(args.repeats) < args.repeats]
    print(f"Postamt on store-{args.store}. P/D: Postamt's figure divided by Dovecot's; medians of {args.repeats} runs"
          + (f" ({', '.join(fewer)})" if fewer else "") + ".")
    # nice(1) adds to the niceness the benchmark was started with, which the servers keep: the gap is what counts.
    print(f"Load generator at niceness {context.loadgen.priority:+d} relative to the servers (nice -n), for both.")
    for name, lines in trouble.items():
        if lines:
            print(f"{name}'s log has {len(lines)} warnings or errors; the first: {lines[0]}")
    args.out.write_text(json.dumps({
        "started": started.isoformat(timespec="seconds"),
        "seconds": round((datetime.datetime.now(datetime.timezone.utc) - started).total_seconds(), 1),
        "cpus": os.cpu_count(),
        "load_average_before": load_before,
        "repeats": args.repeats,
        "store": args.store,
        "postamt_speaks_lmtp": postamt.SPEAKS_LMTP,
        "loadgen_priority": context.loadgen.priority,
        "table": rows,
        "log_warnings": {name: len(lines) for name, lines in trouble.items()},
        "runs": runs,
    }, indent=2) + "\n")
    print(f"written to {args.out}, beside the servers' logs")


if __name__ == "__main__":
    main()
