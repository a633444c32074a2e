"""The only module that imports durable-rules. It says how the engine is driven.

durable-rules 2.0.28 is unmaintained and has defects that ordinary rules hit (see
shared/notes/durable-rules.md). This adapter drives it the way that was shown to give
order-independent, complete answers:

- no durable Host (its timer threads would run actions behind our back): each ruleset is
  created in the C engine from its JSON and driven directly, one session per record;
- the record's facts go in one batch between a begin and an end marker; every rule
  with a negation waits for the end marker (otherwise negation depends on fact order);
- in every pattern, plain tests on the fact's own type and kind come first (a wide
  alpha network overflows the engine's 64-entry stack: error 303), then comparisons
  with other facts with the last one repeated (the C evaluator reads past the end of a
  pattern whose last member decides it), then $and/$or groups (join tests after a
  group are skipped) and `$ex` guards on joined properties;
- facts get content ids (identity does not depend on position);
- the actions are read straight from the C loop, then the session is always deleted;
- if the end marker did not fire, the batch was cut short: that is an error, never a
  partial result.
"""
from __future__ import annotations

import copy
import itertools
import json
import math
from dataclasses import dataclass
from typing import Any

import durable_rules_engine as dre

from ..errors import EngineError
from .compile import is_join

BEGIN_RULE, END_RULE = "__begin__", "__end__"
END_PATTERN = {"__end": {"__end__": 1}}
MAX_PROPERTIES = 252            # the engine's limit is 255 including sid and id
MAX_STRING_BYTES = 1 << 20      # far below the engine's 16 MB parser limit
# The engine walks its alpha network with a fixed 64-entry stack (events.c MAX_STACK_SIZE);
# a fact that many patterns branch on overflows it (error 303). Packing a few legal rules
# per ruleset keeps every network narrow; facts are then asserted once per ruleset.
GROUPS_PER_RULESET = 8
_names = itertools.count()


def _join_props(cond: dict) -> list[tuple[str, str, str]]:
    """(own property, other alias, other property) of each comparison with another fact."""
    (key, value), = cond.items()
    if key in ("$and", "$or"):
        return [j for c in value for j in _join_props(c)]
    if key.startswith("$") and key not in ("$lt", "$lte", "$gt", "$gte", "$neq"):
        return []
    own, rhs = next(iter(value.items())) if key.startswith("$") else (key, value)
    out, todo = [], [rhs] if isinstance(rhs, dict) else []
    while todo:
        d = todo.pop()
        for k, v in d.items():
            if k in ("$add", "$sub", "$mul", "$div"):
                todo += [x for x in v.values() if isinstance(x, dict)]
            elif not k.startswith("$"):
                out.append((own, k, v))
    return out


def _is_group(cond: dict) -> bool:
    return next(iter(cond)) in ("$and", "$or")


def _harden(cond: dict, guards: set[str]) -> dict:
    """Plain tests first (they select the fact type and kind, so the alpha network stays
    narrow), then the joins with the last one repeated, then $and/$or groups and guards."""
    items = cond["$and"] if set(cond) == {"$and"} else [cond]
    joins = [c for c in items if is_join(c)]
    for c in joins:
        if _is_group(c):
            raise EngineError(f"a comparison with another fact inside $and/$or is not supported: {c}")
    simple = [c for c in items if not is_join(c) and not _is_group(c)]
    groups = [c for c in items if not is_join(c) and _is_group(c)]
    own = {p for c in joins for p, _, _ in _join_props(c)} | guards
    simple.sort(key=lambda c: json.dumps(c, sort_keys=True))  # identical prefixes share alpha nodes
    ordered = simple + joins + joins[-1:] + groups + [{"$ex": {p: 1}} for p in sorted(own)]
    return ordered[0] if len(ordered) == 1 else {"$and": ordered}


def harden_rule(rule: dict) -> dict:
    patterns = rule["all"]
    guards: dict[str, set[str]] = {}
    for pattern in patterns:
        for cond in pattern.values():
            for _own, alias, other in _join_props(cond):
                guards.setdefault(alias, set()).add(other)
    hardened = []
    for pattern in patterns:
        (alias, cond), = pattern.items()
        base = alias[:-4] if alias.endswith("$not") else alias
        hardened.append({alias: _harden(cond, guards.get(base, set()))})
    if any(alias.endswith("$not") for p in patterns for alias in p):
        hardened = [dict(END_PATTERN)] + hardened
    return {"all": hardened}


def check_fact_limits(facts: list[dict[str, Any]]) -> None:
    """Reject what the engine would silently drop or mis-compare, before it sees it."""
    for fact in facts:
        if len(fact) > MAX_PROPERTIES:
            raise EngineError(f"a fact has {len(fact)} properties; the engine takes at most {MAX_PROPERTIES}")
        for key, value in fact.items():
            if isinstance(value, str) and len(value.encode()) > MAX_STRING_BYTES:
                raise EngineError(f"field {key!r} is longer than {MAX_STRING_BYTES} bytes")
            if isinstance(value, float) and not math.isfinite(value):
                raise EngineError(f"field {key!r} is not a finite number")


def ruleset_definition(engine_rules: dict[str, dict]) -> str:
    """The hardened ruleset, with the begin and end markers, as the engine's JSON (plain
    data: it can be computed once and stored)."""
    rules = {name: harden_rule(rule) for name, rule in copy.deepcopy(engine_rules).items()}
    rules[BEGIN_RULE] = {"all": [{"m": {"__begin__": 1}}]}
    rules[END_RULE] = {"all": [dict(END_PATTERN)]}
    return json.dumps(rules, ensure_ascii=False)


class DurableRuleset:
    """One compiled ruleset in the C engine; check one record at a time."""

    def __init__(self, engine_rules: dict[str, dict] | None = None, *, definition: str | None = None):
        self.name = f"compliance_{next(_names)}"
        if definition is None:
            definition = ruleset_definition(engine_rules or {})
        # Actions are read from the C loop (matches), so the engine needs no Python action.
        self._handle = dre.create_ruleset(self.name, definition)

    def matches(self, batch_json: str, sid: str) -> list[tuple[str, dict[str, str]]]:
        """Every (engine rule, {alias: fact id}) that fired for one record's batch (which
        ends with the end marker).

        The begin marker is asserted on its own: it opens the session and its offset is the
        one the actions are read from. The offset a batch returns is garbage when the engine
        silently drops a fact, and a session in which no action ran crashes the engine when
        it is deleted; the begin rule's action always runs first."""
        handle = self._handle
        messages: list[str] = []
        error: Exception | None = None
        _, state = dre.assert_fact(handle, json.dumps({"__begin__": 1, "sid": sid, "id": "__begin__"}))
        try:
            try:
                dre.assert_facts(handle, batch_json)
            except Exception as e:  # the engine's own error: the record was only partly asserted
                error = e
            result = dre.start_action_for_state(handle, state)
            message = result[1] if result else None
            while message:
                messages.append(message)
                message = dre.complete_and_start_action(handle, state)
        finally:
            dre.delete_state(handle, sid)  # always: live sessions are capped and cost memory
        if error is not None:
            raise EngineError(f"the rule engine rejected the record: {error}")
        found = [(rule_name, {a: f.get("id") for a, f in match.items() if not a.startswith("__")})
                 for fired in json.loads("[" + ",".join(messages) + "]")   # one decode per batch
                 for rule_name, match in fired.items()]
        if not any(name == END_RULE for name, _ in found):
            raise EngineError("the rule engine cut the record short (a fact was rejected); no partial result is given")
        return [(name, m) for name, m in found if name not in (BEGIN_RULE, END_RULE)]


def _properties(node: Any, out: set[str], aliases: frozenset[str]) -> set[str]:
    """Every fact property a ruleset reads (condition keys and the targets of joins);
    `aliases` are the pattern names of its rules ({alias: property} is a join)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("$add", "$sub", "$mul", "$div", "$l", "$r", "$i"):
                _properties(value, out, aliases)
            elif key.startswith("$"):
                if isinstance(value, dict):
                    out.update(k for k in value if not k.startswith("$"))
                _properties(value, out, aliases)
            elif isinstance(value, str) and len(node) == 1 and key in aliases:
                out.add(value)  # {alias: property}: a join target
            else:
                out.add(key.split("$")[0])
                _properties(value, out, aliases)
    elif isinstance(node, list):
        for item in node:
            _properties(item, out, aliases)
    return out


ALWAYS_KEPT = {"id", "sid", "t", "kind", "__begin__", "__end__"}


def _selectors(rules: dict[str, dict]) -> tuple[set[str], set[tuple[str, str]]]:
    """Which facts a ruleset's patterns can match: fact types taken whole, (type, kind) pairs."""
    whole: set[str] = set()
    kinds: set[tuple[str, str]] = set()
    for rule in rules.values():
        for pattern in rule["all"]:
            (_, cond), = pattern.items()
            items = cond["$and"] if set(cond) == {"$and"} else [cond]
            t = next((c["t"] for c in items if set(c) == {"t"}), None)
            if t is None:
                continue  # markers (__begin__, __end__)
            named = [c["kind"] for c in items if set(c) == {"kind"} and isinstance(c["kind"], str)]
            alternatives = [a["kind"] for c in items if set(c) == {"$or"}
                            for a in c["$or"] if set(a) == {"kind"} and isinstance(a["kind"], str)]
            if named:
                kinds.add((t, named[0]))
            elif alternatives:
                kinds.update((t, k) for k in alternatives)
            else:
                whole.add(t)
    return whole, kinds


@dataclass(frozen=True)
class RulesetPlan:
    """One ruleset as plain data: what the engine is given and which facts it is sent."""

    definition: str                       # ruleset_definition()
    used: tuple[str, ...]                 # the fact properties it reads
    whole: frozenset[str]                 # fact types taken whole
    kinds: frozenset[tuple[str, str]]     # (type, kind) pairs taken


def plan_rulesets(groups: list[dict[str, dict]]) -> tuple[RulesetPlan, ...]:
    """Pack rule groups (one per legal rule) into small rulesets: all the work that does not
    need the engine, so that it can be stored."""
    aliases = frozenset(a[:-4] if a.endswith("$not") else a
                        for group in groups for rule in group.values() for pattern in rule["all"] for a in pattern)
    plans = []
    for start in range(0, len(groups), GROUPS_PER_RULESET):
        merged: dict[str, dict] = {}
        for group in groups[start:start + GROUPS_PER_RULESET]:
            merged.update(group)
        # Only the properties a ruleset reads go to it: every firing returns its facts as
        # JSON, and decoding them is most of the cost.
        used = ALWAYS_KEPT | {p for rule in merged.values() for p in _properties(rule["all"], set(), aliases)}
        whole, kinds = _selectors(merged)
        plans.append(RulesetPlan(ruleset_definition(merged), tuple(sorted(used)), frozenset(whole), frozenset(kinds)))
    return tuple(plans)


class DurableEngine:
    """Rule groups (one per legal rule) packed into small rulesets; one record at a time."""

    def __init__(self, groups: list[dict[str, dict]] | None = None, *, plans: tuple[RulesetPlan, ...] | None = None):
        if plans is None:
            plans = plan_rulesets(groups or [])
        self._rulesets = [(DurableRuleset(definition=p.definition), p.used, p.whole, p.kinds) for p in plans]
        self._sessions = itertools.count()

    def matches(self, facts: list[dict[str, Any]]) -> list[tuple[str, dict[str, str]]]:
        """Every firing for one record: its facts, in one batch, through every ruleset."""
        if any(len(fact) > MAX_PROPERTIES for fact in facts):
            check_fact_limits(facts)      # raises, naming the fact
        sid = f"s{next(self._sessions)}"
        end = {"__end__": 1, "sid": sid, "id": "__end__"}
        found = []
        for ruleset, used, whole, kinds in self._rulesets:
            # each ruleset gets only the facts its patterns can match, and of them only the
            # properties it reads: less to parse, join and hand back
            batch = [{k: f[k] for k in used if k in f} | {"sid": sid} for f in facts
                     if f["t"] in whole or (f["t"], f.get("kind")) in kinds] + [end]
            try:
                text = json.dumps(batch, ensure_ascii=False, allow_nan=False)
            except ValueError:          # an infinite number: say which field
                check_fact_limits(facts)
                raise
            if len(text) * 4 > MAX_STRING_BYTES:  # only then can a single string be too long
                check_fact_limits(facts)
            found += ruleset.matches(text, sid)
        return found
