"""The rules as loaded: every rule file of a directory, validated, with the stage table.

The rule-file language is rule_model.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dataclass_field
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from .errors import InputError
from .lint import rule_problems, schema_message
from .loader import line_of, parse, read_text
from .rule_model import Rule
from .rule_validation import validate_against_vocabulary
from .stages import StageTable, load_stage_table

@dataclass
class Rulebook:
    """The loaded rules; fixed once loaded (for_type keeps its answers)."""

    rules: list[Rule]
    source: str
    stages: StageTable = dataclass_field(default_factory=lambda: StageTable(format="stages/1"))
    _by_type: dict[str, list[Rule]] = dataclass_field(default_factory=dict, init=False, repr=False, compare=False)

    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    def for_type(self, record_type: str) -> list[Rule]:
        """The rules evaluated for a record type (informational rows are listed, not evaluated)."""
        if record_type not in self._by_type:     # asked once per record
            self._by_type[record_type] = [r for r in self.rules if record_type in r.applies_to and r.checks]
        return self._by_type[record_type]


def bundled_rules_dir() -> Path:
    """The rules shipped with the package (the repository's rules/ directory)."""
    installed = Path(str(resources.files("compliance"))) / "_rules"
    if installed.is_dir():          # a wheel install: rules/ shipped as compliance/_rules
        return installed
    return Path(__file__).resolve().parent.parent / "rules"   # a source checkout (editable install)


def load_rule_file(path: Path) -> Rule:
    text, _ = read_text(path)
    data = parse(path, text)
    try:
        rule = Rule.model_validate(data)
        validate_against_vocabulary(rule)
        problems = rule_problems(rule)  # what would trip the engine or the reader later
    except ValidationError as e:
        err = e.errors()[0]
        keys = list(err["loc"])
        where = ".".join(str(k) for k in keys)
        line = line_of(path, text, keys)
        raise InputError(str(path), schema_message(err), f"{line} ({where})" if line else where) from None
    except ValueError as e:     # the rule language's own checks; anything else is a bug (exit 3)
        raise InputError(str(path), str(e)) from None
    if problems:
        keys, message = problems[0]
        where = ".".join(str(k) for k in keys)
        line = line_of(path, text, keys)
        raise InputError(str(path), message, f"{line} ({where})" if line else where or None)
    return rule


def load_rulebook(directory: Path | None = None) -> Rulebook:
    directory = directory or bundled_rules_dir()
    if not directory.is_dir():
        raise InputError(str(directory), "rules directory not found")
    rules, seen = [], {}
    for path in sorted(directory.rglob("*.yaml")):
        if any(part.startswith("_") for part in path.relative_to(directory).parts):
            continue  # _examples/: records the rules' tests start from, not rules
        rule = load_rule_file(path)
        if rule.id in seen:
            raise InputError(str(path), f"duplicate rule id {rule.id} (also in {seen[rule.id]})")
        seen[rule.id] = path
        rules.append(rule)
    if not rules:
        raise InputError(str(directory), "no rule files (*.yaml) found")
    return Rulebook(sorted(rules, key=lambda r: r.id), str(directory), load_stage_table(directory))
