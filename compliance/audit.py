"""Batch audit: find the inputs, check them (in worker processes), stream the results in
input order to a report writer, and aggregate the summary as they pass.

Nothing is held per record except its id (to report duplicates): findings go straight
to the report, the summary is counts. Every input ends up exactly once in the report, as
a checked record, an error (with its reason and place), or — with --year — as a record
excluded because its decision was made in another year.
"""
from __future__ import annotations

import datetime as dt
import heapq
import multiprocessing as mp
import os
import signal
import stat
import traceback
from collections import Counter, deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from . import i18n, ledger
from .dates import RecordDate
from .errors import InputError
from .evaluate import NOT_EVALUABLE, SATISFIED, VIOLATED, WAIVED, Evaluator
from .formats.audit_base import place
from .formats.json_report import record_dict
from .lifecycle import default_signals, die_with_parent
from .models import Record
from .records import LoadedRecord, load_record
from . import rectification
from . import severity as sev
from .report import Checker
from .rulebook import Rulebook, load_rulebook
from .register import with_rectifications
from .workbook import damage

RECORD_SUFFIXES = {".yaml", ".yml", ".json"}
LEDGER_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
SKIP_DIRS = {"expected", "profiles"}
STATUSES = ("pass", "incomplete", "fail", "error")
RESULTS = (VIOLATED, NOT_EVALUABLE, WAIVED)
NO_MONTH = "none"


# ----------------------------------------------------------------- inputs
@dataclass(frozen=True)
class Task:
    """One unit of work: a record file, a ledger row, or an input already known to be bad."""

    kind: str                                  # file | row | error | note
    path: str
    row: ledger.LedgerRow | None = None
    error: tuple[str, str | None] | None = None  # (message, location)


@dataclass
class Inputs:
    sources: list[tuple[str, Path]]            # (file | ledger | missing | special | empty | unreadable, path)
    estimate: int                              # tasks expected, for the progress bar
    notes: list[str] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)   # unreadable directory -> why


REPORT_MARKERS = ('"format": "compliance-report/1"', '"name": "compliance"')
_SARIF = '"$schema": "https://json.schemastore.org/sarif-'


def is_report(path: Path) -> bool:
    """A report this tool wrote (JSON or SARIF), recognised by its opening: a report saved
    into the audited folder must not be read back as a broken record on the next run."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))   # a FIFO must not block the walk
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        head = os.read(fd, 4096).decode("utf-8", "replace")
    except OSError:
        return False
    finally:
        os.close(fd)
    if not head.lstrip().startswith("{"):
        return False
    return REPORT_MARKERS[0] in head or (_SARIF in head and REPORT_MARKERS[1] in head)


def _walk(root: Path, unreadable: dict[str, str], notes: list[str]) -> Iterator[Path]:
    """Record files under a directory, in a stable (sorted) order. Directory links are
    followed once (a loop is noted, not followed); a directory that cannot be listed is
    reported in `unreadable` (path -> reason)."""
    seen: dict[tuple[int, int], str] = {}
    try:
        st = root.stat()
        seen[(st.st_dev, st.st_ino)] = str(root)
    except OSError:
        pass

    def failed(e: OSError) -> None:
        unreadable[e.filename if isinstance(e.filename, str) else str(e.filename)] = e.strerror or str(e)

    for dirpath, dirnames, filenames in os.walk(root, onerror=failed, followlinks=True):
        keep = []
        for d in sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")):
            full = os.path.join(dirpath, d)
            try:
                st = os.stat(full)
            except OSError as e:
                unreadable[full] = e.strerror or str(e)
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen:
                notes.append(f"{full}: a link to {seen[key]}, which is read already; not read twice")
                continue
            seen[key] = full
            keep.append(d)
        dirnames[:] = keep
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith(".expected.yaml"):
                continue
            if Path(name).suffix.lower() in RECORD_SUFFIXES:
                path = Path(dirpath) / name
                if is_report(path):
                    notes.append(f"{path}: a report written by compliance, not a record; skipped")
                    continue
                yield path


def discover(paths: Iterable[Path | str]) -> Inputs:
    """PATH arguments → the inputs, each once (a file named twice, or also found in a
    directory given, is read once), in argument order and sorted within directories."""
    sources: list[tuple[str, Path]] = []
    seen: set[str] = set()
    estimate = 0
    notes: list[str] = []
    reasons: dict[str, str] = {}

    def add(kind: str, path: Path) -> None:
        nonlocal estimate
        key = os.path.realpath(path)
        if key in seen:
            return
        seen.add(key)
        sources.append((kind, path))
        estimate += ledger.count_rows(path) if kind == "ledger" else 1

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = 0
            unreadable: dict[str, str] = {}
            for p in _walk(path, unreadable, notes):
                add("file" if p.is_file() else "special", p)
                found += 1
            for where, why in unreadable.items():
                reasons[str(Path(where))] = why
                add("unreadable", Path(where))
            skipped = sorted(p for p in _rglob_xlsx(path) if not p.name.startswith("~$"))
            if skipped:
                notes.append(f"{path}: {len(skipped)} .xlsx file(s) in the directory were not read "
                             f"(ledgers are read only when named, e.g. {skipped[0]})")
            if not found and not unreadable:
                add("empty", path)
        elif not path.exists():
            add("missing", path)
        elif not path.is_file():
            add("special", path)
        elif path.suffix.lower() in LEDGER_SUFFIXES:
            add("ledger", path)
        else:
            add("file", path)
    return Inputs(sources, estimate, notes, reasons)


def _rglob_xlsx(path: Path) -> list[Path]:
    try:
        return list(path.rglob("*.xlsx"))
    except OSError:
        return []


def tasks(inputs: Inputs) -> Iterator[Task]:
    """The inputs as tasks, ledgers read row by row as the batch goes."""
    for kind, path in inputs.sources:
        name = str(path)
        if kind == "file":
            yield Task("file", name)
        elif kind == "missing":
            yield Task("error", name, error=("no such file or directory; check the path", None))
        elif kind == "special":
            yield Task("error", name, error=("not a regular file (a pipe, socket or device); it was not read", None))
        elif kind == "empty":
            yield Task("error", name, error=("no .yaml, .yml or .json record files in this directory", None))
        elif kind == "unreadable":
            why = inputs.reasons.get(name, "cannot be read")
            yield Task("error", name, error=(f"the directory cannot be read ({why}); its records were not checked; "
                                             "fix its permissions", None))
        else:
            yield from _ledger_tasks(path)


def _ledger_tasks(path: Path) -> Iterator[Task]:
    last = None
    try:
        for item in ledger.read_items(path):
            if isinstance(item, ledger.SheetIssue):
                yield Task("error" if item.error else "note", str(path), error=(item.message, item.location))
                continue
            last = item
            yield Task("row", str(path), row=item)
    except InputError as e:
        yield Task("error", str(path), error=(e.message, e.location))
    except Exception as e:  # noqa: BLE001 - a damaged workbook must not stop the batch
        where = f"after {last.sheet}!{last.row}:{last.row}" if last else None
        yield Task("error", str(path), error=(f"the workbook could not be read further ({damage(e)}); "
                                              "save it again from Excel", where))


# ----------------------------------------------------------------- checking one input
@dataclass(frozen=True)
class Options:
    as_of: dt.date
    lang: str = "zh"
    profile: str | None = None
    year: int | None = None
    rules_dir: str | None = None
    debug: bool = False
    rectifications: dict | None = None         # record id -> entries read from a filled 整改台账


def decision_date(record: Record) -> RecordDate | None:
    """The date of the record's (earliest) `decision` step: what --year selects on."""
    dates = [s.get("date") for s in record.steps if s.kind == "decision" and s.get("date") is not None]
    return min(dates) if dates else None


class Worker:
    """Checks tasks with its own Checker: one per process, never shared (durable-rules)."""

    def __init__(self, options: Options, rulebook: Rulebook | None = None):
        self.options = options
        book = rulebook or load_rulebook(Path(options.rules_dir) if options.rules_dir else None)
        self.checker = Checker(Evaluator(book))   # compiled rules come from the on-disk cache

    def check(self, task: Task) -> dict:
        if task.kind == "note":
            return {"note": f"{task.path}: {task.error[0]}"}
        try:
            return self._check(task)
        except Exception as e:  # noqa: BLE001 - one record's internal error must not stop the batch
            if self.options.debug:
                traceback.print_exc()
            err = InputError(task.path, f"internal error: {type(e).__name__}: {e} (rerun with --debug for details)",
                             task.row.location if task.row else None)
            return {"record": _error_record(task, err, self.options.lang), "internal": True}

    def _check(self, task: Task) -> dict:
        opts = self.options
        try:
            loaded = self._load(task)
        except InputError as e:
            return {"record": _error_record(task, e, opts.lang)}
        if opts.rectifications and loaded.record.id in opts.rectifications:
            loaded = with_rectifications(loaded, opts.rectifications[loaded.record.id])
        decided = decision_date(loaded.record)
        location = task.row.location if task.row else None
        if opts.year is not None and decided is not None and decided.first.year != opts.year:
            return {"excluded": {"file": task.path, "location": location, "id": loaded.record.id,
                                 "type": loaded.record.type, "title": loaded.record.title,
                                 "decision_date": str(decided)}}
        report = self.checker.check_loaded(loaded, opts.as_of, opts.lang, opts.profile)
        satisfied = report.satisfied_rules
        rec = record_dict(report, opts.lang)
        rec["location"] = location
        rec["decision_date"] = str(decided) if decided else None
        rec["satisfied_rules"] = satisfied      # lets `report merge` rebuild the summary
        if opts.year is not None and decided is None and report.error is None:
            rec["notes"].append(i18n.text("audit_no_decision", opts.lang).format(year=opts.year))
        return {"record": rec, "satisfied": satisfied}

    @staticmethod
    def _load(task: Task) -> LoadedRecord:
        if task.kind == "error":
            message, location = task.error
            raise InputError(task.path, message, location)
        if task.kind == "row":
            return ledger.load_row(task.row)
        return load_record(Path(task.path))


def _error_record(task: Task, error: InputError, lang: str) -> dict:
    rid, rtype = ledger.row_identity(task.row) if task.row else (None, None)
    return {"file": task.path, "id": rid, "type": rtype, "title": None, "profile": None, "status": "error",
            "error": error.as_dict(lang), "findings": [], "notes": [],
            "location": task.row.location if task.row else None, "decision_date": None}


# ----------------------------------------------------------------- running the batch
# A pool worker's own Worker: set by the pool's initializer in each worker process, read by
# the chunk function the pool calls (both must be module-level functions for the pool).
_WORKER: Worker | None = None


def _init_worker(options: Options, parent: int | None = None, rulebook: Rulebook | None = None) -> None:
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the parent's to handle
    default_signals()
    if parent is not None:
        die_with_parent(parent)                    # a parent killed by -9 must not leave workers behind
    _WORKER = Worker(options, rulebook)   # None under spawn: the worker loads the rules itself


def _run_chunk(chunk: list[Task]) -> list[dict]:
    return [_WORKER.check(t) for t in chunk]


def _chunks(items: Iterator[Task], size: int) -> Iterator[list[Task]]:
    while True:
        chunk = list(islice(items, size))
        if not chunk:
            return
        yield chunk


def _context():
    methods = mp.get_all_start_methods()
    return mp.get_context("fork" if "fork" in methods else "spawn")


def execute(items: Iterable[Task], options: Options, jobs: int = 1, rulebook: Rulebook | None = None,
            chunk_size: int = 8) -> Iterator[dict]:
    """Results in input order, whatever the number of processes."""
    if jobs <= 1:
        worker = Worker(options, rulebook)
        for task in items:
            yield worker.check(task)
        return
    yield from _parallel(iter(items), options, jobs, chunk_size, rulebook)


def _new_pool(options: Options, jobs: int, rulebook: Rulebook | None = None) -> ProcessPoolExecutor:
    context = _context()
    # a forked worker inherits the parent's rulebook as it is; a spawned one loads it (cached)
    inherited = rulebook if context.get_start_method() == "fork" else None
    return ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker,
                               initargs=(options, os.getpid(), inherited))


def _parallel(items: Iterator[Task], options: Options, jobs: int, chunk_size: int,
              rulebook: Rulebook | None = None) -> Iterator[dict]:
    """A bounded window of chunks in flight (memory stays flat); results taken oldest first."""
    pool = _new_pool(options, jobs, rulebook)
    window: deque[tuple[list[Task], Any]] = deque()
    finished = False
    try:
        chunks = _chunks(items, chunk_size)
        while True:
            while len(window) < jobs * 4:
                chunk = next(chunks, None)
                if chunk is None:
                    break
                window.append((chunk, pool.submit(_run_chunk, chunk)))
            if not window:
                finished = True
                return
            chunk, future = window.popleft()
            try:
                results = future.result()
            except BrokenProcessPool:
                # A worker died (the C engine can crash on a record): find the record by
                # rechecking the chunks in flight one task at a time, then go on with a new pool.
                pool.shutdown(wait=False, cancel_futures=True)
                stranded = [chunk] + [c for c, _ in window]
                window.clear()
                for c in stranded:
                    yield from _isolated(c, options, rulebook)
                pool = _new_pool(options, jobs, rulebook)
                continue
            yield from results
    finally:
        # Done: reap the workers. Interrupted: drop the queued chunks and do not wait for
        # the running ones (they ignore Ctrl-C and end with their chunk).
        pool.shutdown(wait=finished, cancel_futures=not finished)


def _isolated(chunk: list[Task], options: Options, rulebook: Rulebook | None = None) -> Iterator[dict]:
    pool = _new_pool(options, 1, rulebook)
    try:
        for task in chunk:
            try:
                yield pool.submit(_run_chunk, [task]).result()[0]
            except BrokenProcessPool:
                pool.shutdown(wait=False)
                pool = _new_pool(options, 1, rulebook)
                err = InputError(task.path, "the rule engine crashed on this record; report it with the file attached",
                                 task.row.location if task.row else None)
                yield {"record": _error_record(task, err, options.lang), "internal": True}
    finally:
        pool.shutdown(wait=False)


# ----------------------------------------------------------------- the summary
class Summary:
    """Counts updated one record at a time; nothing per record is kept but its id."""

    TOP = 10

    def __init__(self, rulebook: Rulebook, lang: str):
        self.rules = {r.id: r for r in rulebook.rules}
        self.lang = lang
        self.status: Counter = Counter()
        self.findings: Counter = Counter()
        self.by_severity: dict[str, Counter] = {s: Counter() for s in sev.SEVERITIES}
        self.by_rule: dict[str, Counter] = {}
        self.by_type: dict[str, Counter] = {}
        self.by_month: dict[str, Counter] = {}
        self.top: list[tuple] = []
        self.excluded = 0
        self.internal_errors = 0
        self.violated: set[str] = set()     # severities of the violations seen
        self.ids: dict[str, str] = {}
        self.duplicates: dict[str, list[str]] = {}
        self.notes: list[str] = []
        self._n = 0
        self.rectifications: Counter = Counter()
        self.comparison = None                 # baseline.Comparison, with --baseline

    def see_id(self, rec: dict) -> str | None:
        """Remember an id; returns the place where it was first seen if this is a duplicate."""
        rid = rec.get("id")
        if not rid:
            return None
        here = place(rec)
        first = self.ids.setdefault(rid, here)
        if first == here:
            return None
        self.duplicates.setdefault(rid, [first]).append(here)
        return first

    def exclude(self, item: dict) -> None:
        self.excluded += 1
        self.see_id(item)

    def add(self, rec: dict, satisfied: Iterable[str] = (), internal: bool = False) -> None:
        self._n += 1
        status = rec["status"]
        self.status[status] += 1
        self.internal_errors += bool(internal)
        rtype = rec.get("type") or "unknown"
        self.by_type.setdefault(rtype, Counter())[status] += 1
        month = rec["decision_date"][:7] if rec.get("decision_date") else NO_MONTH
        self.by_month.setdefault(month, Counter())[status] += 1
        blocking = violated = 0
        for f in rec["findings"]:
            result, severity = f["result"], f["severity"]
            self.findings[result] += 1
            self.by_severity.setdefault(severity, Counter())[result] += 1
            self.by_rule.setdefault(f["rule"], Counter())[result] += 1
            if result == VIOLATED:
                violated += 1
                blocking += severity == "blocking"
                self.violated.add(severity)
        for rule in satisfied:
            self.by_rule.setdefault(rule, Counter())[SATISFIED] += 1
        for entry in rec.get("rectifications") or ():
            self.rectifications[entry["state"]] += 1
        if blocking:
            entry = (blocking, violated, -self._n, rec.get("id"), place(rec), rec.get("title"))
            (heapq.heappush if len(self.top) < self.TOP else heapq.heappushpop)(self.top, entry)

    def exit_code(self, fail_on: str) -> int:
        return sev.exit_code(self.violated, fail_on, input_errors=bool(self.status["error"] or self.duplicates),
                             internal_errors=bool(self.internal_errors))

    def _rule_row(self, rule_id: str, counts: Counter) -> dict:
        rule = self.rules.get(rule_id)
        return {"rule": rule_id, "title": rule.title.get(self.lang) if rule else rule_id,
                "severity": rule.severity if rule else None, "verified": rule.verified if rule else None,
                **{k: counts[k] for k in RESULTS + (SATISFIED,)}}

    def as_dict(self) -> dict:
        rows = [self._rule_row(r, c) for r, c in self.by_rule.items()]
        rows.sort(key=lambda r: (-r[VIOLATED], -r[NOT_EVALUABLE], -r[WAIVED], r["rule"]))
        months = sorted(m for m in self.by_month if m != NO_MONTH) + ([NO_MONTH] if NO_MONTH in self.by_month else [])
        top = sorted(self.top, reverse=True)
        return {
            "records": self._n, **{s: self.status[s] for s in STATUSES},
            "excluded_by_year": self.excluded,
            "findings": {k: self.findings[k] for k in RESULTS},
            "by_severity": {s: {k: c[k] for k in RESULTS} for s, c in self.by_severity.items()},
            "by_rule": rows,
            "by_type": {t: {"records": sum(c.values()), **{s: c[s] for s in STATUSES}}
                        for t, c in sorted(self.by_type.items())},
            "by_month": {m: {"records": sum(self.by_month[m].values()), **{s: self.by_month[m][s] for s in STATUSES}}
                         for m in months},
            "most_blocking": [{"id": rid, "place": where, "title": title, "blocking": b, "violated": v, "index": -n}
                              for b, v, n, rid, where, title in top],
            "never_satisfied": [r for r in rows if r[SATISFIED] == 0 and (r[VIOLATED] or r[NOT_EVALUABLE])],
            "duplicate_ids": [{"id": rid, "places": places} for rid, places in self.duplicates.items()],
            "internal_errors": self.internal_errors,
            "notes": list(self.notes),
            "rectifications": {k: self.rectifications[k] for k in rectification.STATES},
            **({"baseline": self.comparison.as_dict()} if self.comparison is not None else {}),
        }


# ----------------------------------------------------------------- the whole run
@dataclass
class Outcome:
    summary: Summary
    inputs: Inputs


def run(paths: Iterable[Path | str], options: Options, writer, jobs: int = 1,
        progress: Callable[[int], None] | None = None, on_start: Callable[[int], None] | None = None,
        rulebook: Rulebook | None = None, inputs: Inputs | None = None, comparison=None) -> Outcome:
    """Check every input and feed the writer (begin, record/excluded in input order, end).
    `inputs`: what discover(paths) found, when the caller looked already; `comparison`: a
    baseline.Comparison that marks each finding new or unchanged and lists the resolved."""
    book = rulebook or load_rulebook(Path(options.rules_dir) if options.rules_dir else None)
    inputs = inputs or discover(paths)
    if on_start:
        on_start(inputs.estimate)
    summary = Summary(book, options.lang)
    summary.notes += inputs.notes
    summary.comparison = comparison
    if jobs == 0:
        jobs = default_jobs() if inputs.estimate >= AUTO_JOBS_FROM else 1
    writer.begin()
    chunk = max(1, min(16, inputs.estimate // (jobs * 16) or 1))
    for result in execute(tasks(inputs), options, jobs, book, chunk):
        if "note" in result:
            summary.notes.append(result["note"])
        elif "excluded" in result:
            item = result["excluded"]
            summary.exclude(item)
            if comparison is not None:
                comparison.excluded(item)
            writer.excluded(item)
        else:
            rec = result["record"]
            first = summary.see_id(rec)
            if first:
                rec["notes"].append(i18n.text("audit_duplicate", options.lang).format(id=rec["id"], place=first))
            if comparison is not None:
                comparison.compare(rec)
            summary.add(rec, result.get("satisfied", ()), result.get("internal", False))
            writer.record(rec)
        if progress:
            progress(1)
    writer.end(summary.as_dict())
    return Outcome(summary, inputs)


AUTO_JOBS_FROM = 200   # below this many inputs, starting workers costs more than it saves


def default_jobs() -> int:
    return max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8))
