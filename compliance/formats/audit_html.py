"""The audit as one standalone HTML file: summary tables, a bar chart of findings by rule
(inline SVG), then a section per record. Prints on A4 (@media print in the template).

Jinja2 with autoescape: every record value is escaped, so a title holding <script> shows
as text. The per-record sections are spooled because the summary comes first.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .. import i18n
from ..ledger import FIELD_WORDS
from .audit_base import (AuditWriter, Spool, baseline_lead, label, month_label, place, rect_label, rect_text,
                         tracking_notes, tracking_tables, type_label)

CHART_BAR, CHART_GAP, CHART_LABEL, CHART_WIDTH = 14, 6, 150, 900


@lru_cache(maxsize=1)
def _template():
    from jinja2 import Environment, FileSystemLoader
    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True,
                      trim_blocks=False, lstrip_blocks=False)
    env.globals.update(label=label, type_label=type_label, month_label=month_label, place=place, date_label=date_label,
                       rect_label=rect_label, rect_text=rect_text)
    return env.get_template("audit.html.j2").module


def date_label(d: dict, record_type: str | None, lang: str) -> str:
    """'社会稳定风险评估' or '补偿方案公布征求意见·开始日期' (zh); 'plan_comment.start' (en)."""
    if lang == "en":
        return d["step"] if d["field"] == "date" else f"{d['step']}.{d['field']}"
    step = i18n.step_label(d["step"], record_type or "", lang)
    return step if d["field"] == "date" else f"{step}·{FIELD_WORDS.get(d['field'], d['field'])}"


def chart(rows: list[dict]) -> dict:
    """Geometry of the stacked bars (violated, not evaluable, waived) per rule with findings."""
    rows = [r for r in rows if r["violated"] or r["not_evaluable"] or r["waived"]]
    top = max((r["violated"] + r["not_evaluable"] + r["waived"] for r in rows), default=1) or 1
    span = CHART_WIDTH - CHART_LABEL - 80
    bars = []
    for i, r in enumerate(rows):
        x, segments = CHART_LABEL, []
        for key, cls in (("violated", "v"), ("not_evaluable", "e"), ("waived", "w")):
            w = round(span * r[key] / top, 1)
            if r[key]:
                segments.append({"cls": cls, "x": x, "w": max(w, 1)})
            x += w
        bars.append({**r, "y": i * (CHART_BAR + CHART_GAP), "segments": segments, "end": x})
    height = max(len(bars) * (CHART_BAR + CHART_GAP), CHART_BAR)
    return {"rows": bars, "width": CHART_WIDTH, "height": height, "bar": CHART_BAR, "label_width": CHART_LABEL}


class Writer(AuditWriter):
    def begin(self) -> None:
        self.t = _template()
        self.spool = Spool()
        self.excluded_spool = Spool()
        self.n = 0
        self.n_excluded = 0

    def record(self, rec: dict) -> None:
        self.n += 1
        self.spool.write(str(self.t.record(self.meta, rec, self.n)))

    def excluded(self, item: dict) -> None:
        if not self.n_excluded:
            self.excluded_spool.write(str(self.t.excluded_head(self.meta)))
        self.n_excluded += 1
        self.excluded_spool.write(str(self.t.excluded_row(item)))

    def end(self, summary: dict) -> None:
        tracking = {"lead": baseline_lead(summary, self.meta), "tables": tracking_tables(summary, self.meta),
                    "notes": tracking_notes(summary)}
        self.out.write(str(self.t.head(self.meta, summary, chart(summary["by_rule"]), tracking)))
        self.spool.copy_to(self.out)
        self.excluded_spool.copy_to(self.out)
        self.out.write(str(self.t.foot(self.meta, self.n_excluded)))
