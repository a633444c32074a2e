"""Everything about a record type's rules that can be done before the engine is started:
compiled rules, the record type's stages, and the rulesets packed as the engine's JSON.
The result is plain data, so it can be stored (rulebook_cache) and reused."""
from __future__ import annotations

import dataclasses

from ..rulebook import Rulebook
from .compile import CompiledRuleset, compile_rules
from .durable_adapter import RulesetPlan, plan_rulesets


def prepare(rulebook: Rulebook, record_type: str) -> tuple[CompiledRuleset, tuple[RulesetPlan, ...]]:
    compiled = compile_rules(rulebook.rules, record_type)
    stages = tuple(rulebook.stages.for_type(record_type).items())
    compiled.plan = dataclasses.replace(compiled.plan, stages=stages)
    groups: dict[str, dict[str, dict]] = {}
    for name, engine_rule in compiled.engine_rules.items():
        groups.setdefault(compiled.tags[name].group, {})[name] = engine_rule
    return compiled, plan_rulesets(list(groups.values()))
