"""The scenarios from the issue, each run once against one server. A run
returns its figures, or None when the server cannot take part."""

import dataclasses
import time
import typing

import bigdrop
import corpus
import frontends
import memory
import policy

HOLD_NOOP_INTERVAL = 3  # seconds between the NOOPs of each held session
HOLD_SECONDS = 10       # held this long once all are logged in; memory is read meanwhile


@dataclasses.dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    run: typing.Callable  # (server, context) -> dict of figures, or None
    most_runs: typing.Optional[int] = None  # fewer runs than --repeats asks for
    prepare: typing.Optional[typing.Callable] = None  # (server, context), once after seeding, when chosen

    def runs(self, repeats: int) -> int:
        return min(repeats, self.most_runs or repeats)


def _figures(result: dict, **figures) -> dict:
    return {**figures, "failures": result["failures"], "first_failure": result["first_failure"], "loadgen": result}


def login(clients: int):
    def run(server, context):
        r = context.loadgen.run("login", server.port, wall=60, password=corpus.PASSWORD, concurrency=clients,
                                count=1_000_000, duration=4, **corpus.LOGIN.loadgen_options())
        return _figures(r, rate=r["sessions_per_s"], p50=r["p50_ms"], p99=r["p99_ms"])
    return run


def download(maildrops: corpus.Maildrops, clients: int, sessions: int):
    def run(server, context):
        r = context.loadgen.run("download", server.port, wall=300, password=corpus.PASSWORD, concurrency=clients,
                                count=sessions, **maildrops.users.loadgen_options())
        return _figures(r, rate=r["mb_per_s"])
    return run


def deliver(server, context):
    if server.lmtp_port is None:
        return None
    r = context.loadgen.run("deliver", server.lmtp_port, wall=60, concurrency=8, count=1_000_000, duration=4,
                            per_connection=10, message=context.message(corpus.DELIVER_SIZE),
                            **corpus.DELIVER.loadgen_options())
    return _figures(r, rate=r["messages_per_s"])


def hold(server, context):
    # A fresh server: pool threads or idle POP3 processes left by earlier runs
    # would be reused by these sessions and hide what they cost.
    server.stop()
    server.start()
    time.sleep(1)
    before = memory.pss_kib(server.pid)
    during = {}

    def measure(sessions: int):
        time.sleep(HOLD_NOOP_INTERVAL + 0.5)  # every session has sent a NOOP since it logged in
        during.update(pss=memory.pss_kib(server.pid), sessions=sessions)

    r = context.loadgen.run("hold", server.port, wall=600, on_ready=measure, password=corpus.PASSWORD,
                            count=corpus.HOLD.count, open_concurrency=64, interval=HOLD_NOOP_INTERVAL,
                            duration=HOLD_SECONDS, **corpus.HOLD.loadgen_options())
    per_session = (during["pss"] - before) / during["sessions"] if during.get("sessions") else float("nan")
    return _figures(r, healthy=r["healthy"], kib_per_session=per_session, pss_before_kib=before,
                    pss_during_kib=during.get("pss"))


def big(server, context):
    memory.reset_peaks(server.pid)
    before = memory.rss_by_process(server.pid)  # after the reset, so no peak can fall below it
    r = context.loadgen.run("big", server.port, wall=120, password=corpus.PASSWORD, retr=1,
                            **corpus.BIG.users.loadgen_options())
    # Each process's peak over its RSS before; a process started meanwhile counts whole.
    growth_kib = sum(peak - before.get(pid, 0) for pid, peak in memory.peak_rss_by_process(server.pid).items())
    return _figures(r, rss_growth_mib=growth_kib / 1024, seconds=r["retr_s"])


SCENARIOS = (
    Scenario("login-8", "login (USER/PASS, STAT, QUIT), 8 clients", login(8)),
    Scenario("login-64", "login (USER/PASS, STAT, QUIT), 64 clients", login(64)),
    Scenario("download-20k", "download 100 maildrops x 20 x 20 KB, 8 clients", download(corpus.SMALL, 8, 200)),
    Scenario("download-5m", "download 10 x 5 MB per maildrop, 4 clients", download(corpus.LARGE, 4, 8)),
    Scenario("big", "one client RETRs a 50 MB message", big),
    Scenario("deliver", "LMTP delivery of 20 KB messages, 8 clients", deliver),
    # Once: logging in 5,000 sessions takes Dovecot about 100 s (a process each),
    # and three runs would take the whole benchmark near its 15 minutes.
    Scenario("hold", "5,000 authenticated idle sessions, NOOP every 3 s", hold, most_runs=1),
    Scenario("bigdrop", "log in to 100,000 messages, STAT, UIDL, QUIT", bigdrop.run, prepare=bigdrop.prepare),
    Scenario("frontends", "login and download, two frontends on one database vs one", frontends.run),
    Scenario("policy-open", "open a 50,000-message maildrop, with and without a policy (Postamt only)", policy.maildrop_open),
    Scenario("policy-login", "a policy's login hook: per call, and login-8 with and without (Postamt only)", policy.login_hook),
)
