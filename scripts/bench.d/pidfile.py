"""The processes this run started, one PID a line, so that scripts/bench's
trap can stop them by PID even when Python itself is killed."""


class PidFile:
    def __init__(self, path):
        self.path = path

    def record(self, pid: int):
        with open(self.path, "a") as f:
            f.write(f"{pid}\n")
