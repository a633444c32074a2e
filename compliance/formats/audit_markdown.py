"""The audit as Markdown: summary tables, then a section per record (spooled, since the
summary comes first). User text is escaped: Markdown renderers pass raw HTML through."""
from __future__ import annotations

from ..terminal import safe_line
from .audit_base import (AuditWriter, Spool, baseline_lead, counts, dates_text, error_text, finding_tags, label,
                         month_label, place, rect_text, tracking_notes, tracking_tables, type_label)
from .escape import markdown as esc


def table(head: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(esc(h) for h in head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(esc(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n\n"


class Writer(AuditWriter):
    def begin(self) -> None:
        self.spool = Spool()
        self.excluded_spool = Spool()
        self._excluded = 0

    def record(self, rec: dict) -> None:
        m, lang, c = self.meta, self.meta.lang, counts(rec)
        out = [f"### {esc(rec.get('id') or '?')} · {esc(label(rec['status'], lang))}\n\n"]
        facts = [f"{m.t('col_place')}: `{safe_line(place(rec)).replace('`', '')}`"]
        if rec.get("title"):
            facts.insert(0, esc(rec["title"]))
        if rec.get("type"):
            facts.append(f"{m.t('col_type')}: {esc(type_label(rec['type'], lang))}")
        if rec.get("decision_date"):
            facts.append(f"{m.t('col_decision_date')}: {esc(rec['decision_date'])}")
        out.append("  \n".join(facts) + "\n\n")
        if rec["status"] == "error":
            out.append(f"**{esc(m.t('col_error'))}:** {esc(error_text(rec))}\n\n")
        elif rec["findings"]:
            out.append(esc(m.t("record_summary", violated=c["violated"], blocking=c["blocking"],
                                not_evaluable=c["not_evaluable"], waived=c["waived"])) + "\n\n")
            rows = [[label(f["severity"], lang), f["rule"] + (f" ({f['household']})" if f.get("household") else ""),
                     " ".join(x for x in (label(f["result"], lang), finding_tags(f, lang)) if x),
                     f"{f['title']} — {f['basis']}" + ("" if f.get("verified") else " *"),
                     " ".join(x for x in (f["message"], rect_text(f.get("rectification"), lang)) if x),
                     f["remediation"], dates_text(f)] for f in rec["findings"]]
            out.append(table([m.t("col_severity"), m.t("col_rule"), m.t("col_result"), m.t("col_title"),
                              m.t("col_message"), m.t("col_remedy"), m.t("col_dates")], rows))
        else:
            out.append(esc(m.t("no_findings")) + "\n\n")
        for f in rec.get("resolved") or []:
            who = f" ({f['household']})" if f.get("household") else ""
            out.append(f"- {esc(m.t('bl_resolved_in_record'))}: {esc(f['rule'] + who)} {esc(f.get('title'))}\n")
        if rec.get("resolved"):
            out.append("\n")
        for note in rec.get("notes") or []:
            out.append(f"- ※ {esc(note)}\n")
        self.spool.write("".join(out) + ("\n" if rec.get("notes") else ""))

    def excluded(self, item: dict) -> None:
        self._excluded += 1
        self.excluded_spool.write(f"- {esc(item.get('id'))} ({esc(item.get('decision_date'))}) `{safe_line(place(item)).replace('`', '')}`\n")

    def end(self, s: dict) -> None:
        m, t, lang, w = self.meta, self.meta.t, self.meta.lang, self.out.write
        statuses = ["fail", "incomplete", "pass", "error"]
        results = ["violated", "not_evaluable", "waived"]
        result_cols = [t("col_violated"), t("col_not_evaluable"), t("col_waived")]
        w(f"# {esc(t('audit_report'))}\n\n")
        w(f"{esc(t('audit_scope'))}: {esc(m.scope())} · {esc(t('as_of', date=m.as_of))} · "
          f"compliance {esc(m.tool_version)}\n\n")
        w(f"**{esc(t('summary', **{k: s[k] for k in ('records', 'fail', 'incomplete', 'pass', 'error')}))}**\n\n")
        if m.year:
            w(esc(t("audit_excluded", n=s["excluded_by_year"], year=m.year)) + "\n\n")
        lead = baseline_lead(s, m)
        if lead:
            w(f"## {esc(t('bl_heading'))}\n\n**{esc(lead[0])}**\n\n" + "".join(f"{esc(x)}\n\n" for x in lead[1:]))
            for heading, columns, rows in tracking_tables(s, m):
                if rows:
                    w(f"### {esc(heading)}\n\n" + table(columns, rows))
            w("".join(f"- ※ {esc(n)}\n" for n in tracking_notes(s)) + ("\n" if tracking_notes(s) else ""))
        w(f"## {esc(t('audit_status_heading'))}\n\n")
        w(table([t("col_status"), t("col_records")], [[label(k, lang), s[k]] for k in statuses]))
        w(f"## {esc(t('audit_severity_heading'))}\n\n")
        w(table([t("col_severity")] + result_cols,
                [[label(k, lang)] + [c[r] for r in results] for k, c in s["by_severity"].items()]))
        w(f"## {esc(t('audit_type_heading'))}\n\n")
        w(table([t("col_type"), t("col_records")] + [label(k, lang) for k in statuses],
                [[type_label(k, lang), c["records"]] + [c[x] for x in statuses] for k, c in s["by_type"].items()]))
        w(f"## {esc(t('audit_month_heading'))}\n\n")
        w(table([t("col_month"), t("col_records")] + [label(k, lang) for k in statuses],
                [[month_label(k, lang), c["records"]] + [c[x] for x in statuses] for k, c in s["by_month"].items()]))
        w(f"## {esc(t('audit_rule_heading'))}\n\n")
        with_findings = [r for r in s["by_rule"] if any(r[x] for x in results)]
        w(table([t("col_rule"), t("col_title"), t("col_severity")] + result_cols + [t("col_satisfied")],
                [[r["rule"], r["title"], label(r["severity"], lang) if r["severity"] else ""]
                 + [r[x] for x in results] + [r["satisfied"]] for r in with_findings]))
        if len(s["by_rule"]) > len(with_findings):
            w(esc(t("audit_rules_clean", n=len(s["by_rule"]) - len(with_findings))) + "\n\n")
        if s["most_blocking"]:
            w(f"## {esc(t('audit_top_heading'))}\n\n")
            w(table([t("col_id"), t("col_blocking"), t("col_violated"), t("col_place")],
                    [[r["id"], r["blocking"], r["violated"], r["place"]] for r in s["most_blocking"]]))
        w(f"## {esc(t('audit_never_heading'))}\n\n{esc(t('audit_never_hint'))}\n\n")
        never = s["never_satisfied"]
        w(table([t("col_rule"), t("col_title")] + result_cols[:2],
                [[r["rule"], r["title"], r["violated"], r["not_evaluable"]] for r in never]) if never
          else esc(t("audit_none")) + "\n\n")
        if s["duplicate_ids"]:
            w(f"## {esc(t('audit_duplicates_heading'))}\n\n")
            w(table([t("col_id"), t("col_place")], [[d["id"], "; ".join(d["places"])] for d in s["duplicate_ids"]]))
        if s["notes"] or s["internal_errors"]:
            w(f"## {esc(t('audit_notes_heading'))}\n\n")
            if s["internal_errors"]:
                w(f"- {esc(t('audit_internal', n=s['internal_errors']))}\n")
            for note in s["notes"]:
                w(f"- {esc(note)}\n")
            w("\n")
        w(f"## {esc(t('audit_records_heading'))}\n\n")
        self.spool.copy_to(self.out)
        if self._excluded:
            w(f"## {esc(t('audit_excluded_heading'))}\n\n")
        self.excluded_spool.copy_to(self.out)
