"""Run a script as `__main__` and write its peak resident memory (VmHWM, KiB) to a file as it
leaves: `python benchmarks/peak_memory.py OUT SCRIPT ARGS...`.

Neither `wait4`'s nor the child's own `ru_maxrss` will do on Linux: a child's maximum starts
from the memory of the process that forked it (the benchmark runner, hundreds of MiB later in
a run), because exec carries the old address space's high-water mark over. VmHWM is the
high-water mark of the script's own address space only. Both the app and its floor leave with
`os._exit` (no interpreter teardown), so that is where the figure is taken.
"""

from __future__ import annotations

import atexit
import os
import runpy
import sys
from pathlib import Path


def peak_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def main() -> None:
    out, script, *args = sys.argv[1:]
    leave = os._exit

    def report() -> None:
        Path(out).write_text(str(peak_kib()), encoding="ascii")

    def exit_after_report(code: int) -> None:
        report()
        leave(code)

    os._exit = exit_after_report
    atexit.register(report)
    sys.argv = [script, *args]
    sys.path[0] = str(Path(script).resolve().parent)
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main()
