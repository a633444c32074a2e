"""The checklist's headline in words, for every format (terminal, Markdown, Word): the
verdict, the earliest lawful date, where the gate stands, the counts. A gate that has
already taken place is judged as held, never as "not yet possible"."""
from __future__ import annotations

from dataclasses import dataclass

from . import i18n
from .checklist import DONE, MISSING, NOT_EVALUABLE, PENDING, WAIVED, Checklist


@dataclass(frozen=True)
class Headline:
    ready: bool
    verdict: str
    earliest: str
    gate: str            # "" when the record has no gate step
    too_early: bool      # the gate is (or was) on a day before the earliest lawful date
    counts: str


def headline(cl: Checklist) -> Headline:
    lang, gate = cl.lang, cl.gate_label()
    held = cl.gate_state == "held"
    if held:
        verdict = i18n.text("cl_held_ready" if cl.ready else "cl_held_not_ready", lang).format(gate=gate)
    else:
        verdict = i18n.text("cl_ready" if cl.ready else "cl_not_ready", lang).format(gate=gate)
    if cl.earliest_date:
        earliest = i18n.text("cl_earliest_held" if held else "cl_earliest", lang).format(
            date=cl.earliest_date.isoformat())
    else:
        earliest = i18n.text("cl_earliest_unknown", lang)
    gate_line = ""
    if cl.gate_state and cl.gate_date:
        gate_line = i18n.text("cl_gate_held" if held else "cl_gate_planned", lang).format(gate=gate, date=cl.gate_date)
    too_early = bool(cl.earliest_date and cl.gate_date and cl.gate_date < cl.earliest_date.isoformat())
    counts = i18n.text("cl_counts", lang).format(**{s: cl.count(s) for s in (MISSING, PENDING, NOT_EVALUABLE,
                                                                             WAIVED, DONE)})
    return Headline(cl.ready, verdict, earliest, gate_line, too_early, counts)
