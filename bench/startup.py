#!/usr/bin/env python3
"""A process's fixed cost: CPU time (user + sys, from wait4) of `gongkai extract` of a
7-byte text file, next to `pdftotext -v` and `true`, in one run. Not part of CI. Run from
the project root:

    python3 bench/startup.py [RUNS] [--binary PATH]   # 200 runs each by default

The commands take turns (one run of each, RUNS times over), so a change in the machine's
load falls on all of them alike; the medians and their ratios are printed. The binary is
the release build (built first) unless --binary names another (an older build, to compare).
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cpu_ms(argv):
    """User + system CPU time of one run of `argv`, in milliseconds."""
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=[
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
    ])
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{argv}: exit {os.waitstatus_to_exitcode(status)}")
    return (usage.ru_utime + usage.ru_stime) * 1000


def main():
    args = sys.argv[1:]
    binary = None
    if "--binary" in args:
        at = args.index("--binary")
        binary = Path(args[at + 1]).resolve()
        del args[at:at + 2]
    runs = int(args[0]) if args else 200
    if binary is None:
        subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
        target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
        binary = target / "release" / "gongkai"
    with tempfile.TemporaryDirectory() as tmp:
        tiny = Path(tmp) / "tiny.txt"
        tiny.write_text("7 bytes")
        commands = {
            "gongkai extract tiny.txt": [str(binary), "extract", str(tiny), "-o", str(Path(tmp) / "out.xml")],
            "pdftotext -v": [shutil.which("pdftotext"), "-v"],
            "true": [shutil.which("true")],
        }
        times = {name: [] for name in commands}
        for _ in range(runs):
            for name, argv in commands.items():
                times[name].append(cpu_ms(argv))
    medians = {name: statistics.median(t) for name, t in times.items()}
    print(f"{runs} runs each, CPU time (user + sys), median; load average {os.getloadavg()[0]:.1f}")
    for name, m in medians.items():
        print(f"{name:<26} {m:6.2f} ms")
    g, p, t = medians.values()
    print(f"gongkai / pdftotext -v: {g / p:.2f}; gongkai / true: {g / t:.2f}; "
          f"gongkai - true: {g - t:.2f} ms")


if __name__ == "__main__":
    main()
