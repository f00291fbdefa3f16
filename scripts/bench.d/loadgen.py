"""Runs postamt-loadgen (tests/bench) and returns the JSON line it prints."""

import json
import subprocess


class LoadgenError(RuntimeError):
    pass


class Loadgen:
    def __init__(self, binary, pid_file):
        self.binary = str(binary)
        self.pid_file = pid_file

    def run(self, mode: str, port: int, *, wall: float, on_ready=None, **options) -> dict:
        """Options are the loadgen's flags, `first_user=3` for `--first-user 3`. For
        hold, on_ready(sessions) is called once every session is logged in; the
        run goes on holding them meanwhile."""
        args = [self.binary, mode, "--port", str(port), "--wall", str(wall)]
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
