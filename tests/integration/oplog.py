"""Reading what postamtd logged: its structured lines (key=value by default, JSON lines with log.format = json)."""

import json
import shlex
import time


def kv_fields(line: str) -> dict:
    """The key=value fields of one default-format line, after "time level source: what"."""
    return dict(token.split("=", 1) for token in shlex.split(line.split(": ", 1)[1]) if "=" in token)


def session_ends(server, source: str = "pop3") -> list:
    """Every "session ended" line `source` ("pop3" or "lmtp") logged so far, as field dicts."""
    ends = []
    for line in server.log.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            entry = json.loads(line)
            if entry["source"] == source and entry["message"] == "session ended":
                ends.append(entry)
        elif f" {source}: session ended " in line:
            ends.append(kv_fields(line))
    return ends


def wait_for_session_end(server, count: int = 1, source: str = "pop3", timeout: float = 30, **match) -> dict:
    """The `count`-th session-end line whose fields include `match`, once logged."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [e for e in session_ends(server, source) if all(e.get(k) == str(v) for k, v in match.items())]
        if len(found) >= count:
            return found[count - 1]
        time.sleep(0.1)
    raise AssertionError(f"no {source} session end with {match} in {timeout} s:\n{server.log.read_text()}")


def wait_for_log(server, text: str, timeout: float = 30) -> str:
    """The first log line holding `text`, once it is there."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in server.log.read_text(errors="replace").splitlines():
            if text in line:
                return line
        time.sleep(0.1)
    raise AssertionError(f"no log line with {text!r} in {timeout} s:\n{server.log.read_text()}")
