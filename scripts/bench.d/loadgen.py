"""Runs postamt-loadgen (tests/bench) and returns the JSON line it prints."""

import json
import os
import subprocess

# The load generator stands for clients on other machines. On the benchmark's own cores, at equal priority, one
# event-loop thread gets a share like each of the server's threads: a server with a thread per session (or a
# process per login) starved its client, and the figures measured the scheduler's queue more than the server.
# Raised priority lets it run when it has work, for both servers alike; only root may raise it.
PRIORITY = -10


class LoadgenError(RuntimeError):
    pass


class Loadgen:
    def __init__(self, binary, pid_file):
        self.binary = str(binary)
        self.pid_file = pid_file
        self.priority = PRIORITY if os.geteuid() == 0 else 0

    def run(self, mode: str, port: int, *, wall: float, on_ready=None, **options) -> dict:
        """Options are the loadgen's flags, `first_user=3` for `--first-user 3`. For
        hold, on_ready(sessions) is called once every session is logged in; the
        run goes on holding them meanwhile."""
        # nice(1) execs the load generator, so the PID recorded below is still the load generator's. Not a
        # preexec_fn: the flood scenario starts two load generators from threads, where that may deadlock.
        args = (["nice", "-n", str(self.priority)] if self.priority else []) + [self.binary, mode, "--port", str(port),
                                                                                "--wall", str(wall)]
        for key, value in options.items():
            args += ["--" + key.replace("_", "-"), str(value)]
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.pid_file.record(process.pid)
        try:
            early_errors = ""
            if on_ready is not None:
                for line in process.stderr:
                    if line.startswith("ready: "):
                        on_ready(int(line.split()[1]))
                        break
                    early_errors += line
            stdout, stderr = process.communicate(timeout=wall + 30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        if process.returncode != 0 or not stdout.strip():
            raise LoadgenError(f"postamt-loadgen {mode} exited with {process.returncode}: {early_errors}{stderr}".strip())
        return json.loads(stdout.strip().splitlines()[-1])
