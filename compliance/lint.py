"""`compliance rules lint`: every problem in a rules directory, each with its file and line.

The loader (rulebook.py) stops at the first problem, which is right for `check`; a person
fixing a rules directory wants them all at once. This module reads each rule file on its
own and never lets an exception out: whatever a user's directory holds, the result is a
list of problems.

What is checked, per file: it reads and parses (encoding, YAML, duplicate keys, size);
it is one mapping that validates as a rule (every schema error, not just the first: bad
ids, unknown keys, unknown operators, a missing citation, unknown record types); the
citation is not empty; the file is named by the rule's id; the effective dates are in
order; every kind, field, operator, parameter and reference exists in the vocabulary
(each check on its own); periods are of a sane length; message placeholders name real
fields; the rule compiles and the engine accepts it; a checked rule has test cases, one
that violates and one that satisfies it, whose example records exist and validate and
whose `remove`/`change`/`add` name real step kinds. Across files: duplicate ids, and
files that the loader would skip (`*.yml`).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import vocabulary as voc
from .errors import InputError, one_line, shown
from .loader import field_path, line_of, parse, read_text
from .rule_model import DERIVED_STEP_FIELDS, PARAMETERS, Rule, conditions
from .rule_validation import field_type, validate_against_vocabulary

RECORD_TYPES = tuple(voc.RECORD_TYPES)
MAX_PERIOD = {"days": 36_600, "working_days": 25_000, "months": 1_200, "years": 100}
_PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.[a-z_]+)*)\}")


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: int
    message: str
    path: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return f"{where}: {self.message}" + (f" ({self.path})" if self.path else "")


@dataclass
class LintReport:
    directory: str
    files: int = 0
    rules: int = 0
    problems: list[Problem] = field(default_factory=list)


class _FileLint:
    """Problems of one rule file, each placed by line and field path."""

    def __init__(self, path: Path, report: LintReport):
        self.path, self.report = path, report
        self.text = ""

    def add(self, message: str, keys: list | None = None, location: str | None = None) -> None:
        keys = [k for k in (keys or []) if k is not None]
        line = col = 0
        spot = location or (line_of(self.path, self.text, keys) if self.text and keys else None)
        m = re.match(r"^(\d+):(\d+)", spot or "")
        if m:
            line, col = int(m.group(1)), int(m.group(2))
        dotted = field_path(keys)
        self.report.problems.append(Problem(str(self.path), line, col, one_line(message), dotted))


class _Collect:
    """Problems as (field path, message), for callers without a file (rulebook.load_rule_file)."""

    def __init__(self):
        self.problems: list[tuple[list, str]] = []

    def add(self, message: str, keys: list | None = None, location: str | None = None) -> None:
        self.problems.append((list(keys or []), message))


def rule_problems(rule) -> list[tuple[list, str]]:
    """What the schema and the vocabulary check let through but the engine or the reader would
    trip on: literals an operator cannot use or a field never holds, absurd periods, message
    placeholders naming no field. Each is (field path such as ['checks', 0, 'where', 'date'], message).

    rulebook.load_rule_file can call this after its own validation, so that `check --rules DIR`
    refuses such a rule as an input error instead of failing inside the engine."""
    out = _Collect()
    _lint_literals(out, rule)
    _lint_periods(out, rule)
    _lint_placeholders(out, rule, {})
    return out.problems


def schema_message(err: dict) -> str:
    """A readable message for one pydantic error in a rule file (see _schema_problem)."""
    out = _Collect()
    _schema_problem(out, err)
    return out.problems[0][1]


def lint_directory(directory: Path) -> LintReport:
    """Every problem in a rules directory. Raises InputError only when it is not a directory."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(str(directory), "rules directory not found; give the directory that holds the rule files")
    report = LintReport(str(directory))
    try:
        files = sorted(p for p in directory.rglob("*") if not _skipped(p, directory))
    except OSError as e:
        raise InputError(str(directory), f"cannot list the directory ({e.strerror or e})") from None
    ids: dict[str, list[tuple[Path, str | None]]] = {}
    examples = directory / "_examples"
    cases: dict[str, Any] = {}
    for path in files:
        suffix = path.suffix.lower()
        if suffix in (".yml", ".json") or (suffix == ".yaml" and path.suffix != ".yaml"):
            report.problems.append(Problem(str(path), 0, 0, "not read as a rule: rule files end in `.yaml`; rename it"))
            continue
        if path.suffix != ".yaml" or not path.is_file():
            continue
        report.files += 1
        lint = _FileLint(path, report)
        try:
            rule_id, spot = _lint_file(lint, examples, cases)
        except (InputError, ValueError) as e:   # a broken user file is a problem to report; a bug is not
            lint.add(f"cannot be checked ({e})")
            continue
        if rule_id is not None:
            report.rules += 1
            ids.setdefault(rule_id, []).append((path, spot))
    for rule_id, where in sorted(ids.items()):
        if len(where) > 1:
            for path, spot in where:
                others = ", ".join(str(p) for p, _ in where if p != path)
                lint = _FileLint(path, report)
                lint.add(f"duplicate rule id {rule_id} (also in {others}); each id is used once", location=spot)
    if report.files == 0:
        report.problems.append(Problem(str(directory), 0, 0, "no rule files (*.yaml) found"))
    report.problems.sort()
    return report


def _skipped(path: Path, directory: Path) -> bool:
    parts = path.relative_to(directory).parts
    return any(part.startswith(("_", ".")) for part in parts)


def _lint_file(lint: _FileLint, examples: Path, cases: dict) -> tuple[str | None, str | None]:
    """Lint one file; returns the rule id (for duplicates) and where it is written."""

    try:
        lint.text, _ = read_text(lint.path)
        data = parse(lint.path, lint.text)
    except InputError as e:
        lint.add(e.message, location=e.location)
        return None, None
    if not isinstance(data, dict):
        lint.add("a rule file holds one mapping (id:, title:, source:, ...), not "
                 + ("a list" if isinstance(data, list) else "a single value"), location="1:1")
        return None, None
    rule_id = data.get("id") if isinstance(data.get("id"), str) else None
    id_spot = line_of(lint.path, lint.text, ["id"]) if rule_id else None
    if rule_id and lint.path.stem != rule_id:
        lint.add(f"the file is named {lint.path.name} but holds rule {rule_id}; name it {rule_id}.yaml", ["id"])
    _lint_raw(lint, data, examples, cases)
    try:
        rule = Rule.model_validate(data)
    except ValidationError as e:
        for err in e.errors():
            _schema_problem(lint, err)
        return rule_id, id_spot
    before = len(lint.report.problems)
    _lint_vocabulary(lint, rule, data)
    _lint_literals(lint, rule)
    _lint_periods(lint, rule)
    _lint_placeholders(lint, rule, data)
    if len(lint.report.problems) == before:  # the engine's own message adds nothing to those above
        _lint_engine(lint, rule)
    return rule_id, id_spot


def _schema_problem(lint: _FileLint, err: dict) -> None:
    keys = list(err["loc"])
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind in ("model_type", "dict_type", "model_attributes_type") and not keys:
        message = "a rule file holds one mapping (id:, title:, source:, ...), not a list or a single value"
    elif kind == "missing" and keys and keys[0] == "source":
        message = "missing citation: add `source: {name, doc, article, article_en}`" if len(keys) == 1 \
            else f"the citation has no `{keys[-1]}`; add it"
    elif kind == "missing":
        message = f"required key `{keys[-1]}` is missing; add it"
    elif kind == "extra_forbidden":
        message = f"unknown key `{keys[-1]}`; see rules/README.md for the keys a rule may have"
    elif kind == "literal_error":
        message = f"{shown(err.get('input'))} is not allowed here; use {ctx.get('expected', 'one of the listed values')}"
    elif kind == "dict_type" and any(k in ("where", "each_where", "when") for k in keys if isinstance(k, str)):
        message = ("a condition maps a field to {operator: value}, e.g. `date: {not_after: decision.date}`"
                   if len(keys) > 1 and keys[-1] not in ("where", "each_where", "when")
                   else "conditions are a mapping of fields, e.g. `where: {date: {not_after: decision.date}}`")
    elif kind == "value_error":
        message = str(ctx.get("error") or err["msg"]).removeprefix("Value error, ")
    else:
        message = err["msg"]
    lint.add(message, keys)


def _lint_raw(lint: _FileLint, data: dict, examples: Path, cases: dict) -> None:
    """Checks that need no valid model: citation text, effective dates, tests and their cases."""
    source = data.get("source")
    if isinstance(source, dict):
        for key in ("name", "article"):
            if isinstance(source.get(key), str) and not source[key].strip():
                lint.add(f"empty citation: `source.{key}` says nothing; give the instrument and its article",
                         ["source", key])
    effective = data.get("effective")
    if isinstance(effective, dict):
        start, end = _day(effective.get("from")), _day(effective.get("to"))
        if start and end and end < start:
            lint.add(f"effective dates reversed: `to` ({end}) is before `from` ({start})", ["effective", "to"])
    checked = bool(data.get("checks")) and not data.get("informational")
    tests = data.get("tests")
    if checked and not tests:
        lint.add("a checked rule needs test cases: one that violates it and one that satisfies it (`tests:`)",
                 ["tests"] if "tests" in data else ["id"])
        return
    if not isinstance(tests, list):
        return
    expects = {t.get("expect") for t in tests if isinstance(t, dict)}
    if checked:
        if "satisfied" not in expects:
            lint.add("no test case expects `satisfied`; add one where the rule is met", ["tests"])
        if not expects & {"violated", "not_evaluable"}:
            lint.add("no test case expects `violated` (or `not_evaluable`, for a rule that cannot be violated); "
                     "add one where the rule is not met", ["tests"])
    types = data.get("applies_to") if isinstance(data.get("applies_to"), list) else []
    for i, test in enumerate(tests):
        if isinstance(test, dict):
            _lint_test(lint, i, test, examples, cases, [t for t in types if t in RECORD_TYPES])


def _lint_test(lint: _FileLint, i: int, test: dict, examples: Path, cases: dict, types: list[str]) -> None:
    case = test.get("case")
    if not isinstance(case, str):
        return
    if case not in cases:
        cases[case] = _load_case(examples / case)
    record_type, problem = cases[case]
    if problem:
        lint.add(f"test case {case!r}: {problem}", ["tests", i, "case"])
        return
    if types and record_type not in types:
        lint.add(f"test case {case!r} is a {record_type} record; the rule applies to {', '.join(types)}",
                 ["tests", i, "case"])
    kinds = voc.rule_kinds(record_type) if record_type in voc.KINDS_BY_TYPE else {}
    named: list[tuple[list, Any]] = []
    if isinstance(test.get("remove"), list):
        named += [(["tests", i, "remove", j], k) for j, k in enumerate(test["remove"])]
    for key in ("change", "add"):
        if isinstance(test.get(key), list):
            named += [(["tests", i, key, j, "kind"], s.get("kind")) for j, s in enumerate(test[key]) if isinstance(s, dict)]
    for keys, kind in named:
        if kinds and kind not in kinds and kind not in voc.kind_aliases(record_type):
            lint.add(f"test names step kind {shown(kind)}, which a {record_type} record does not have "
                     "(the test would change nothing)", keys)


def _load_case(path: Path) -> tuple[str | None, str | None]:
    from .records import load_record

    if not path.is_file():
        return None, f"no such example record in {path.parent}; add it or fix the name"
    try:
        return load_record(path).record.type, None
    except InputError as e:
        return None, f"the example record is invalid: {e}"


def _lint_vocabulary(lint: _FileLint, rule, data: dict | None = None) -> None:
    """Each check on its own against the vocabulary, so that every bad check is reported,
    placed at the key or value the message names when it can be found."""

    parts: list[tuple[list, Any]] = [(["when"], rule.model_copy(update={"checks": []}))] if rule.when else []
    parts += [(["checks", i], rule.model_copy(update={"checks": [chk], "when": {}}))
              for i, chk in enumerate(rule.checks)]
    for keys, part in parts:
        try:
            validate_against_vocabulary(part)
        except ValueError as e:     # the validator's finding; anything else is a bug in the tool
            message = str(e)
            lint.add(message, keys + _named_in(_at_keys(data, keys), message))


def _at_keys(data: Any, keys: list) -> Any:
    for key in keys:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _named_in(data: Any, message: str) -> list:
    """The path (below `data`) of the first key or value that the message quotes, deepest match."""
    names = [n.strip() for n in re.findall(r"'([^']+)'", message) if n.strip()]
    if not names or data is None:
        return []
    best: list = []
    todo: list[tuple[Any, list]] = [(data, [])]
    while todo:
        value, path = todo.pop(0)
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, item in items:
            here = path + [key]
            hit = (isinstance(key, str) and any(key == n or key.startswith(n + " ") for n in names)) or (
                isinstance(item, str) and any(item == n or item.startswith(n + " ") or item.endswith(" " + n)
                                              for n in names))
            if hit and len(here) > len(best):
                best = here
            if isinstance(item, (dict, list)) and len(path) < 8:
                todo.append((item, here))
    return best


_SCALAR = (str, int, float, bool)


def _literal_problem(op: str, value: Any, ftype: Any) -> str | None:
    """A literal the operator cannot use, or one the field can never hold (a typo'd enum value)."""
    if op in ("in", "contains_all"):
        if not isinstance(value, list) or not value or not all(isinstance(v, _SCALAR) for v in value):
            return f"`{op}` needs a list of values, e.g. {op}: [a, b]"
        items = value
    elif op in ("is", "contains", "lacks"):
        if not isinstance(value, _SCALAR):
            return f"`{op}` needs one value (text, a number, true or false)"
        items = [value]
    elif op == "matches":
        return None if isinstance(value, str) else "`matches` needs a text pattern such as '.*中级人民法院.*'"
    elif op == "has":
        return None if isinstance(value, bool) else "`has` takes true or false"
    else:
        return None
    allowed = ftype[1] if isinstance(ftype, tuple) and ftype[0] in ("enum", "list") else None
    if allowed:
        from .models import suggest
        for item in items:
            if item not in allowed:
                return f"{shown(item)} is never a value of this field ({', '.join(allowed)}){suggest(item, allowed)}"
    if ftype == voc.BOOL and op == "is" and not isinstance(value, bool):
        return f"this field is true or false, never {shown(value)}"
    return None


def _lint_literals(lint: _FileLint, rule) -> None:

    def scan(conditions_spec: Any, subject_of, keys: list, scopes: list[str]) -> None:
        try:
            parsed = conditions(conditions_spec)
        except ValueError:  # reported by the vocabulary check
            return
        for cond in parsed:
            if cond.ref.kind != "literal":
                continue
            for scope in scopes:
                problem = _literal_problem(cond.op, cond.ref.value, field_type(scope, subject_of(), cond.field))
                if problem:
                    lint.add(f"{cond.field} {cond.op}: {problem}", keys + [cond.field])
                    break

    scan(rule.when, lambda: "record", ["when"], list(rule.applies_to))
    for i, chk in enumerate(rule.checks):
        scopes = [t for t in rule.applies_to if chk.applies_to_type(t)]
        scan(chk.when, lambda: "record", ["checks", i, "when"], scopes)
        scan(chk.each_where, lambda: chk.each, ["checks", i, "each_where"], scopes)
        if chk.any_of:
            for j, branch in enumerate(chk.any_of):
                kind = chk.each if branch.kinds == ("same",) else branch.kinds[0]
                scan(branch.where, lambda kind=kind: kind, ["checks", i, "any_of", j, "where"], scopes)
        elif not chk.forbidden and chk.need is not None:
            kinds = (chk.need,) if isinstance(chk.need, str) else tuple(chk.need)
            kind = chk.each if kinds == ("same",) else kinds[0]
            scan(chk.where, lambda kind=kind: kind, ["checks", i, "where"], scopes)


def _lint_periods(lint: _FileLint, rule) -> None:
    for i, chk in enumerate(rule.checks):
        try:
            specs = []
            for branch in chk.branches:
                for cond in branch.conditions:
                    specs += list(cond.shift) + (list(cond.ref.period) if cond.ref.kind == "field" else [])
            if chk.due_ref is not None:
                specs += list(chk.due_ref.period)
        except ValueError:  # already reported by the vocabulary check
            continue
        for spec in specs:
            if not spec.param and spec.amount > MAX_PERIOD.get(spec.unit, 36_600):
                lint.add(f"a period of {spec.amount} {spec.unit} is longer than any the law sets; check for a typo",
                         ["checks", i])


def _lint_placeholders(lint: _FileLint, rule, data: dict) -> None:
    """`{kind.field}` in messages must name a field a step or the record has (else it prints 未记录)."""
    from .models import Record

    texts: list[tuple[list, str, list[str]]] = []
    for key in ("message", "remedy"):
        for lang in ("zh", "en"):
            texts.append(([key, lang], getattr(getattr(rule, key), lang), list(rule.applies_to)))
    for i, chk in enumerate(rule.checks):
        if chk.message:
            scopes = [t for t in rule.applies_to if chk.applies_to_type(t)]
            texts += [(["checks", i, "message", lang], getattr(chk.message, lang), scopes) for lang in ("zh", "en")]
    for keys, text, scopes in texts:
        for name in _PLACEHOLDER.findall(text):
            problem = _placeholder_problem(name, rule, Record, scopes)
            if problem:
                lint.add(f"the message names {{{name}}}: {problem}", keys)


def _placeholder_problem(name: str, rule, record_model, scopes: list[str]) -> str | None:

    head, _, rest = name.partition(".")
    if name == "due":
        return None if any(c.due for c in rule.checks) else "no check of this rule has a `due`"
    if head == "param":
        return None if rest in PARAMETERS else f"unknown parameter; known: {', '.join(PARAMETERS)}"
    if head == "record":
        model: Any = record_model
        for part in rest.split("."):
            fields = getattr(model, "model_fields", None)
            if not fields or part not in fields:
                return "the record has no such field"
            model = _inner_model(fields[part].annotation)
        return None
    known = [voc.rule_kinds(scope)[head] for scope in scopes if head in voc.rule_kinds(scope)]
    if not known:
        return f"{head!r} is not a step kind of {', '.join(scopes)}"
    if not rest or any(rest in k.all_fields for k in known) or rest in DERIVED_STEP_FIELDS.get(head, {}):
        return None
    return f"a {head} step has no field {rest!r} (in {', '.join(scopes)})"


def _inner_model(annotation: Any) -> Any:
    from pydantic import BaseModel

    for arg in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _lint_engine(lint: _FileLint, rule) -> None:
    """The rule compiles for each record type, and the engine accepts what it compiles to."""
    from .engine.compile import compile_rules
    from .engine.durable_adapter import DurableEngine

    for scope in rule.applies_to:
        try:
            compiled = compile_rules([rule], scope)
            if compiled.engine_rules:
                DurableEngine([compiled.engine_rules])
        except Exception as e:  # noqa: BLE001 - the engine's own errors are strings and codes
            lint.add(f"the rule engine rejects this rule for {scope} records ({type(e).__name__}: {e})", ["checks"])
            return


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value is not None else None
    except ValueError:
        return None

