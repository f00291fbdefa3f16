"""Memory of a server's processes, read from /proc (proc(5))."""

import pathlib

PROC = pathlib.Path("/proc")


def process_tree(root: int) -> list:
    """`root` and every process descended from it (Dovecot forks one per service and session)."""
    children = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # exited meanwhile
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, []))
    return tree


def _field_by_process(root: int, file_name: str, field: str) -> dict:
    """{pid: the field's value in KiB} for every process of the tree that still exists."""
    values = {}
    for pid in process_tree(root):
        try:
            for line in (PROC / str(pid) / file_name).read_text().splitlines():
                if line.startswith(field + ":"):
                    values[pid] = int(line.split()[1])
                    break
        except (OSError, ValueError):
            continue  # exited meanwhile
    return values


def pss_kib(root: int) -> int:
    """Proportional set size of the whole tree: shared pages split among the
    processes sharing them, so a thousand forked processes are not counted as
    a thousand copies of the libraries."""
    return sum(_field_by_process(root, "smaps_rollup", "Pss").values())


def rss_by_process(root: int) -> dict:
    return _field_by_process(root, "status", "VmRSS")


def reset_peaks(root: int):
    """Sets each process's VmHWM back to its current RSS (writing 5 to clear_refs, Linux >= 4.0)."""
    for pid in process_tree(root):
        try:
            (PROC / str(pid) / "clear_refs").write_text("5")
        except OSError:
            pass


def peak_rss_by_process(root: int) -> dict:
    """Each process's VmHWM: its peak RSS since reset_peaks, or since it started."""
    return _field_by_process(root, "status", "VmHWM")
