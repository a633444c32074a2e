"""Start-up latency of one-record commands, as ratios to the import floor.

    python benchmarks/startup.py [--runs 9] [--record cases/01-compliant-expropriation.yaml]

Each command is a fresh process, timed from outside (wall clock, start to exit). The
floor is `python -c "import pydantic, click, rich, yaml, durable.lang"`: starting Python
and importing the libraries every command needs. The commands run in turn (floor, check,
checklist, ... floor, check, ...) so that a slow spell of the machine hits all of them; the
ratio is taken per round and the median of the rounds is printed, with the median times.

warm: the rule cache is filled (one untimed run first), as on every run after the first.
cold: each timed run starts with an empty cache folder (it loads, validates and compiles
the rules, and stores them).

The package's bytecode is compiled first (compileall), as `pip install` does: without it
(e.g. PYTHONDONTWRITEBYTECODE=1 on a source checkout) every run recompiles the sources.
The cache is kept in a temporary folder; the user's own cache is not touched.
"""
from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR = "import pydantic, click, rich, yaml, durable.lang"


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)}: exit {done.returncode}: {done.stderr.decode(errors='replace')[-500:]}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--record", default="cases/01-compliant-expropriation.yaml")
    ap.add_argument("--gate", default="executive_meeting")
    ap.add_argument("--python", default=sys.executable)
    args = ap.parse_args()

    compileall.compile_dir(str(ROOT / "compliance"), quiet=1)
    py = args.python
    tool = [py, "-m", "compliance"]
    commands = {
        "floor": [py, "-c", FLOOR],
        "--help": tool + ["--help"],
        "check": tool + ["check", args.record],
        "checklist": tool + ["checklist", args.record, "--before", args.gate],
    }
    work = Path(tempfile.mkdtemp(prefix="compliance-startup-"))
    try:
        warm_env = {**os.environ, "COMPLIANCE_CACHE_DIR": str(work / "warm")}
        for name in ("check", "checklist"):        # fill the cache: these runs are not timed
            timed(commands[name], warm_env)
        times: dict[str, list[float]] = {}
        for i in range(args.runs):
            for name, cmd in commands.items():
                times.setdefault(name, []).append(timed(cmd, warm_env))
            for name in ("check", "checklist"):
                cold_env = {**os.environ, "COMPLIANCE_CACHE_DIR": str(work / f"cold-{name}-{i}")}
                times.setdefault(f"{name} (cold)", []).append(timed(commands[name], cold_env))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    floor = times["floor"]
    print(f"{args.runs} alternating runs each; median wall seconds; ratio = median of per-round ratios to the floor")
    print(f"{'command':<18} {'median s':>9} {'min s':>7} {'max s':>7} {'x floor':>8}")
    for name, values in times.items():
        ratio = statistics.median(v / f for v, f in zip(values, floor))
        print(f"{name:<18} {statistics.median(values):9.3f} {min(values):7.3f} {max(values):7.3f} {ratio:8.2f}")


if __name__ == "__main__":
    main()
