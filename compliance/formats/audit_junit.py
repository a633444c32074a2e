"""The audit as JUnit XML for CI: a testcase per record, a <failure> per unwaived
violation, an <error> for an input that could not be read, <skipped> for a record --year
left out. Not-evaluable and waived findings go to <system-out>. Testcases are spooled:
the totals on <testsuite> come first."""
from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

from .audit_base import AuditWriter, Spool, baseline_lead, dates_text, error_text, finding_tags, label, place, rect_text

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(value) -> str:
    """XML 1.0 cannot hold most control characters, even escaped."""
    return _INVALID_XML.sub("\ufffd", "" if value is None else str(value))


def attr(value) -> str:
    return quoteattr(clean(value), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def text(value) -> str:
    return escape(clean(value))


class Writer(AuditWriter):
    def begin(self) -> None:
        self.spool = Spool()
        self.n = self.failures = self.errors = self.skipped = 0

    def _case(self, rec: dict) -> str:
        classname = rec.get("type") or "input"
        return f'  <testcase classname={attr(classname)} name={attr(place(rec) + (" " + rec["id"] if rec.get("id") else ""))} file={attr(rec["file"])}>\n'

    def record(self, rec: dict) -> None:
        lang = self.meta.lang
        self.n += 1
        parts = [self._case(rec)]
        if rec["status"] == "error":
            self.errors += 1
            parts.append(f'    <error type="input" message={attr(error_text(rec))}/>\n')
        violated = [f for f in rec["findings"] if f["result"] == "violated"]
        if violated:
            self.failures += 1
        for f in violated:
            body = "\n".join(x for x in (f["message"], f"{f['basis']}", f"→ {f['remediation']}", dates_text(f),
                                          rect_text(f.get("rectification"), lang)) if x)
            who = f" [{f['household']}]" if f.get("household") else ""
            tags = finding_tags(f, lang)
            message = f"{label(f['severity'], lang)} {f['rule']}{who}: {f['title']}" + (f" {tags}" if tags else "")
            parts.append(f"    <failure type={attr(f['rule'])} message={attr(message)}>{text(body)}</failure>\n")
        other = [f for f in rec["findings"] if f["result"] != "violated"]
        resolved = rec.get("resolved") or []
        if other or rec.get("notes") or resolved:
            lines = [f"{label(f['result'], lang)} {f['rule']}: {f['title']} — {f['message']}" for f in other]
            lines += [f"{label(f['baseline_state'], lang)} {f['rule']}: {f.get('title', '')}" for f in resolved]
            lines += [f"※ {n}" for n in rec.get("notes") or []]
            parts.append(f"    <system-out>{text(chr(10).join(lines))}</system-out>\n")
        parts.append("  </testcase>\n")
        self.spool.write("".join(parts))

    def excluded(self, item: dict) -> None:
        self.n += 1
        self.skipped += 1
        rec = {**item, "findings": []}
        self.spool.write(self._case(rec) + f'    <skipped message={attr(self.meta.t("excluded") + " " + str(item.get("decision_date")))}/>\n'
                         "  </testcase>\n")

    def end(self, summary: dict) -> None:
        m = self.meta
        duplicates = summary["duplicate_ids"]
        if duplicates:     # a batch-level problem: its own testcase, with an error per id
            self.n += 1
            self.errors += 1
        name = attr(f"compliance audit ({m.scope()})")
        totals = f'tests="{self.n}" failures="{self.failures}" errors="{self.errors}" skipped="{self.skipped}"'
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.out.write(f"<testsuites name={name} {totals}>\n")
        self.out.write(f"<testsuite name={name} {totals} timestamp={attr(m.generated)}>\n")
        self.out.write(f'  <properties>\n    <property name="as_of" value={attr(m.as_of)}/>\n'
                       f'    <property name="tool_version" value={attr(m.tool_version)}/>\n')
        for i, line in enumerate(baseline_lead(summary, m)):     # 整改情况, when compared with a baseline
            self.out.write(f'    <property name="tracking_{i + 1}" value={attr(line)}/>\n')
        for key in ("new", "unchanged", "resolved"):
            if summary.get("baseline"):
                self.out.write(f'    <property name="baseline_{key}" value="{summary["baseline"][key]}"/>\n')
        self.out.write("  </properties>\n")
        self.spool.copy_to(self.out)
        if duplicates:
            self.out.write(f'  <testcase classname="batch" name={attr(m.t("audit_duplicates_heading"))}>\n')
            for d in duplicates:
                self.out.write(f'    <error type="duplicate_id" message={attr(d["id"] + ": " + "; ".join(d["places"]))}/>\n')
            self.out.write("  </testcase>\n")
        self.out.write("</testsuite>\n</testsuites>\n")
