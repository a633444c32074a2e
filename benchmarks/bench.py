"""End-to-end benchmark of `compliance audit` against the parse-only floor.

For each size (default 1,000 and 10,000 records) it generates a seeded corpus (cached in
--data), then runs, each in a fresh process and --repeat times:

- floor: walk the directory, read every file and YAML-parse it (PyYAML's C loader; JSON
  files with json), nothing else;
- audit: `compliance audit DIR --jobs J --format json --out FILE`: files read, validated,
  checked, report written.

It prints records/s (wall clock of the whole process, start-up included), the ratio to
the floor, peak RSS — of the audit's main process, and of its whole process tree (main +
workers, summed, sampled every 50 ms from /proc) — and the CPU seconds the run used with
its workers (user + system), which other load on the machine hardly changes. Best-of-N
is reported because the machine may be shared; every run is kept in the --json output.

    python benchmarks/bench.py [--sizes 1000 10000] [--jobs 1 2] [--repeat 3] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
AS_OF = "2026-06-30"

FLOOR_CODE = r"""
import json, os, sys, time, yaml
root = sys.argv[1]
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
t = time.perf_counter(); n = 0
for dirpath, dirnames, filenames in os.walk(root):
    dirnames[:] = sorted(d for d in dirnames if d not in ("expected", "profiles") and not d.startswith("."))
    for name in sorted(filenames):
        if name.startswith(".") or name.endswith(".expected.yaml"):
            continue
        suffix = os.path.splitext(name)[1].lower()
        if suffix not in (".yaml", ".yml", ".json"):
            continue
        n += 1
        with open(os.path.join(dirpath, name), "rb") as f:
            raw = f.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030", "replace")
        try:
            json.loads(text) if suffix == ".json" else yaml.load(text, Loader=loader)
        except Exception:
            pass
print(json.dumps({"files": n, "seconds": time.perf_counter() - t}))
"""


def _tree_rss_kb(root: int) -> tuple[int, int]:
    """(RSS of root, summed RSS of root and its descendants), in kB, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:
            continue
        pid = int(entry)
        parents[pid] = int(fields.get("PPid", "0").strip() or 0)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0] or 0) if "VmRSS" in fields else 0
    tree, todo = {root}, [root]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parents.items() if pp == p and c not in tree]
        tree.update(kids)
        todo += kids
    return rss.get(root, 0), sum(rss.get(p, 0) for p in tree)


def run_measured(cmd: list[str]) -> dict:
    """Wall time and peak RSS (main process, whole tree) of one command."""
    peak = {"main": 0, "tree": 0}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            main, tree = _tree_rss_kb(proc.pid)
            peak["main"], peak["tree"] = max(peak["main"], main), max(peak["tree"], tree)
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)   # the run and its (waited-for) workers
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": seconds, "cpu_seconds": cpu, "rc": proc.returncode, "stdout": out, "stderr": err,
            "rss_main_mb": peak["main"] / 1024, "rss_tree_mb": peak["tree"] / 1024}


def corpus(data: Path, n: int, seed: int) -> Path:
    target = data / f"records-{n}-seed{seed}"
    marker = target / ".complete"
    if not marker.exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(target), "-n", str(n), "--seed", str(seed)],
                       check=True, stdout=subprocess.DEVNULL)
        marker.write_text("ok\n")
    return target


def machine() -> str:
    cpu = "?"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{platform.system()} {platform.release()}, {os.cpu_count()} CPU ({cpu}), {mem:.0f} GB RAM, "
            f"Python {platform.python_version()}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--format", default="json")
    ap.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "compliance-bench")
    ap.add_argument("--json", type=Path, help="write every run here")
    args = ap.parse_args()

    print(machine())
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    results = []
    header = (f"{'records':>8} {'run':<14} {'rec/s':>8} {'vs floor':>9} {'RSS main':>9} {'RSS tree':>9} "
              f"{'CPU s':>7} {'rec/CPU-s':>9}   (best of {args.repeat}; median rec/s)")
    print(header)
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            root = corpus(args.data, n, args.seed)
            floors = []
            for _ in range(args.repeat):
                r = run_measured([sys.executable, "-c", FLOOR_CODE, str(root)])
                inner = json.loads(r["stdout"])
                floors.append({**r, "files": inner["files"], "inner_seconds": inner["seconds"]})
            files = floors[0]["files"]
            floor_rate = files / min(f["seconds"] for f in floors)
            _row(n, "parse floor", [files / f["seconds"] for f in floors], floor_rate, floors)
            results.append({"records": n, "run": "floor", "runs": [_clean(f) for f in floors]})
            for jobs in args.jobs:
                runs = []
                for _ in range(args.repeat):
                    out = Path(tmp) / f"report-{n}-{jobs}.{args.format}"
                    cmd = [sys.executable, "-m", "compliance", "audit", str(root), "--jobs", str(jobs), "--format",
                           args.format, "--out", str(out), "--as-of", AS_OF, "--fail-on", "never"]
                    r = run_measured(cmd)
                    if r["rc"] not in (0, 1, 2):
                        sys.exit(f"audit failed ({r['rc']}): {r['stderr']}")
                    runs.append(r)
                rates = [files / r["seconds"] for r in runs]
                _row(n, f"audit --jobs {jobs}", rates, floor_rate, runs)
                results.append({"records": n, "run": f"audit-jobs{jobs}", "runs": [_clean(r) for r in runs]})
    _growth(results, args.sizes)
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "results": results}, indent=2))


def _row(n: int, name: str, rates: list[float], floor_rate: float, runs: list[dict]) -> None:
    best = max(rates)
    main_mb = min(r["rss_main_mb"] for r in runs)
    tree_mb = min(r["rss_tree_mb"] for r in runs)
    cpu = min(r["cpu_seconds"] for r in runs)
    print(f"{n:>8} {name:<14} {best:>8.0f} {best / floor_rate:>8.0%} {main_mb:>7.0f}MB {tree_mb:>7.0f}MB "
          f"{cpu:>7.1f} {n / cpu:>9.0f}   ({statistics.median(rates):.0f})", flush=True)


def _clean(r: dict) -> dict:
    return {k: v for k, v in r.items() if k not in ("stdout", "stderr")}


def _growth(results: list[dict], sizes: list[int]) -> None:
    if len(sizes) < 2:
        return
    small, large = min(sizes), max(sizes)
    by = {(r["records"], r["run"]): r for r in results}
    for run in sorted({r["run"] for r in results if r["run"] != "floor"}):
        a, b = by.get((small, run)), by.get((large, run))
        if a and b:
            ra = min(x["rss_tree_mb"] for x in a["runs"])
            rb = min(x["rss_tree_mb"] for x in b["runs"])
            print(f"RSS growth {run}: {ra:.0f} MB at {small} → {rb:.0f} MB at {large} = ×{rb / ra:.2f} (tree); "
                  f"main ×{min(x['rss_main_mb'] for x in b['runs']) / min(x['rss_main_mb'] for x in a['runs']):.2f}")


if __name__ == "__main__":
    main()
