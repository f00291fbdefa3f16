"""One more frontend (issue 5 item 10): login and download throughput, in total, of two postamtd on one
database against one. Both runs use the same two load generators with the same users, so only where they
connect differs: each to its own frontend, or both to the first. Dovecot has no counterpart (n/a)."""

import concurrent.futures
import statistics

import corpus

CLIENTS = 8  # per load generator


def _halves(users: corpus.Users):
    half = users.count // 2
    return corpus.Users(users.first, half), corpus.Users(users.first + half, users.count - half)


def _together(context, ports, mode: str, users: corpus.Users, **options):
    """Two load generators at once, one per port, on disjoint users (RFC 1939 section 8: one session per
    maildrop); their results side by side."""
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        runs = [pool.submit(context.loadgen.run, mode, port, password=corpus.PASSWORD, concurrency=CLIENTS,
                            **half.loadgen_options(), **options)
                for port, half in zip(ports, _halves(users))]
        return [run.result() for run in runs]


def _throughput(context, ports):
    logins = _together(context, ports, "login", corpus.LOGIN, wall=60, count=1_000_000, duration=4)
    downloads = _together(context, ports, "download", corpus.SMALL.users, wall=300, count=100)
    return (sum(r["sessions_per_s"] for r in logins), sum(r["mb_per_s"] for r in downloads),
            [r for r in logins + downloads if r["failures"]])


def run(server, context):
    if not hasattr(server, "another_frontend"):
        return None
    second = server.another_frontend()
    # Its first sessions open its database connections and prepare their statements: not what is measured.
    _together(context, (second.port, second.port), "login", corpus.LOGIN, wall=60, count=1_000_000, duration=1)
    # In the order one, two, two, one: the database grows dead rows as the run goes on (every login
    # takes and frees a maildrop lock), and the side measured later would pay for them.
    one_a = _throughput(context, (server.port, server.port))
    two = [_throughput(context, (server.port, second.port)) for _ in range(2)]
    one = [one_a, _throughput(context, (server.port, server.port))]
    login_one, download_one = (statistics.mean(run[i] for run in one) for i in (0, 1))
    login_two, download_two = (statistics.mean(run[i] for run in two) for i in (0, 1))
    failed = [r for run in one + two for r in run[2]]
    return {"login_one": login_one, "login_two": login_two, "login_ratio": login_two / login_one,
            "download_one": download_one, "download_two": download_two, "download_ratio": download_two / download_one,
            "failures": sum(r["failures"] for r in failed), "first_failure": failed[0]["first_failure"] if failed else None}
