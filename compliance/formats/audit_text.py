"""The audit on a terminal: one line per input (with its violations under it), then the
summary as rich tables. Details of each finding are in the other formats and in `check`."""
from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .audit_base import (AuditWriter, baseline_lead, counts, error_text, finding_tags, label, month_label, place,
                         rect_text, tracking_notes, tracking_tables, type_label)
from ..terminal import SafeConsole, safe_line
from .text import SEVERITY_STYLE, STATUS_STYLE

STATUS_STYLE = {**STATUS_STYLE, "excluded": "dim"}
TOP_RULES = 25


class Writer(AuditWriter):
    def __init__(self, out, meta, console: Console | None = None):
        super().__init__(out, meta)
        self.console = console or SafeConsole(file=out, width=100, no_color=True, highlight=False)

    def _status(self, status: str) -> Text:
        return Text(f"[{label(status, self.meta.lang)}]", style=STATUS_STYLE.get(status, ""))

    def record(self, rec: dict) -> None:
        m, c = self.meta, counts(rec)
        line = Text.assemble(self._status(rec["status"]), " ", (rec.get("id") or "?", "bold"), "  ")
        if rec["status"] != "error":
            line.append(m.t("audit_line", **c) + (m.t("audit_line_waived", waived=c["waived"]) if c["waived"] else ""))
        line.append(f"  {safe_line(place(rec))}", style="dim")
        self.console.print(line, soft_wrap=True)
        if rec["status"] == "error":
            self.console.print(Text(f"    {error_text(rec)}", style="magenta"), soft_wrap=True)
        for f in rec["findings"]:
            if f["result"] == "violated":
                who = f" [{f['household']}]" if f.get("household") else ""
                tags = finding_tags(f, m.lang)
                self.console.print(Text.assemble("    ", (label(f["severity"], m.lang), SEVERITY_STYLE[f["severity"]]),
                                                 f" {f['rule']}{who} {f['title']}", (f"  {tags}" if tags else "", "bold")),
                                   soft_wrap=True)
                if f.get("rectification"):
                    self.console.print(Text(f"      {rect_text(f['rectification'], m.lang)}", style="dim"), soft_wrap=True)
        for f in rec.get("resolved") or []:
            who = f" [{f['household']}]" if f.get("household") else ""
            self.console.print(Text(f"    [{label(f['baseline_state'], m.lang)}] {f['rule']}{who} {f.get('title', '')}",
                                    style="green"), soft_wrap=True)

    def excluded(self, item: dict) -> None:
        line = Text.assemble(self._status("excluded"), " ", (item.get("id") or "?", "bold"),
                             f"  {item.get('decision_date')}  ", (safe_line(place(item)), "dim"))
        self.console.print(line, soft_wrap=True)

    def _table(self, title: str, columns: list[str], rows: list[list], caption: str | None = None) -> None:
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, caption=caption, caption_justify="left")
        for i, col in enumerate(columns):
            table.add_column(col, justify="left" if i == 0 or not all(isinstance(r[i], int) for r in rows) else "right",
                             overflow="fold")
        for row in rows:
            table.add_row(*[str(v) if v is not None else "" for v in row])
        self.console.print(table)

    def _tracking(self, s: dict) -> None:
        """The 整改情况 section: it leads the summary when there is a baseline or a register."""
        lead = baseline_lead(s, self.meta)
        if not lead:
            return
        self.console.print(Text(self.meta.t("bl_heading"), style="bold"))
        for line in lead:
            self.console.print(Text(line, style="bold" if line is lead[0] else ""))
        for heading, columns, rows in tracking_tables(s, self.meta):
            if rows:
                self._table(heading, columns, rows)
        for note in tracking_notes(s):
            self.console.print(Text(f"※ {note}", style="dim"))

    def end(self, s: dict) -> None:
        m, t, lang = self.meta, self.meta.t, self.meta.lang
        out = self.console
        out.print()
        out.print(Text(f"{t('audit_report')} · {m.scope()} · {t('as_of', date=m.as_of)}", style="bold"))
        self._tracking(s)
        statuses = ["fail", "incomplete", "pass", "error"]
        self._table(t("audit_status_heading"), [t("col_status"), t("col_records")],
                    [[label(k, lang), s[k]] for k in statuses] + [[t("col_total"), s["records"]]])
        if m.year:
            out.print(t("audit_excluded", n=s["excluded_by_year"], year=m.year))
        results = ["violated", "not_evaluable", "waived"]
        result_cols = [t("col_violated"), t("col_not_evaluable"), t("col_waived")]
        self._table(t("audit_severity_heading"), [t("col_severity")] + result_cols,
                    [[label(sev, lang)] + [c[r] for r in results] for sev, c in s["by_severity"].items()])
        self._table(t("audit_type_heading"), [t("col_type"), t("col_records")] + [label(k, lang) for k in statuses],
                    [[type_label(k, lang), c["records"]] + [c[x] for x in statuses] for k, c in s["by_type"].items()])
        self._table(t("audit_month_heading"), [t("col_month"), t("col_records")] + [label(k, lang) for k in statuses],
                    [[month_label(k, lang), c["records"]] + [c[x] for x in statuses] for k, c in s["by_month"].items()])
        with_findings = [r for r in s["by_rule"] if any(r[x] for x in results)]
        rows = [[r["rule"], r["title"], label(r["severity"], lang) if r["severity"] else ""] + [r[x] for x in results]
                + [r["satisfied"]] for r in with_findings[:TOP_RULES]]
        more = len(with_findings) - TOP_RULES
        caption = [f"… +{more}"] if more > 0 else []
        if len(s["by_rule"]) > len(with_findings):
            caption.append(t("audit_rules_clean", n=len(s["by_rule"]) - len(with_findings)))
        self._table(t("audit_rule_heading"), [t("col_rule"), t("col_title"), t("col_severity")] + result_cols
                    + [t("col_satisfied")], rows, caption="\n".join(caption) or None)
        if s["most_blocking"]:
            self._table(t("audit_top_heading"), [t("col_id"), t("col_blocking"), t("col_violated"), t("col_place")],
                        [[r["id"], r["blocking"], r["violated"], r["place"]] for r in s["most_blocking"]])
        never = s["never_satisfied"]
        if never:
            self._table(t("audit_never_heading"), [t("col_rule"), t("col_title")] + result_cols[:2],
                        [[r["rule"], r["title"], r["violated"], r["not_evaluable"]] for r in never],
                        caption=t("audit_never_hint"))
        else:
            out.print(Text(f"{t('audit_never_heading')}：{t('audit_none')}"))
        if s["duplicate_ids"]:
            self._table(t("audit_duplicates_heading"), [t("col_id"), t("col_place")],
                        [[d["id"], "\n".join(d["places"])] for d in s["duplicate_ids"]])
        if s["internal_errors"]:
            out.print(Text(t("audit_internal", n=s["internal_errors"]), style="bold red"))
        for note in s["notes"]:
            out.print(Text(f"※ {note}", style="dim"))
        out.print(Text(t("summary", **{k: s[k] for k in ("records", "fail", "incomplete", "pass", "error")}),
                       style="bold"))
