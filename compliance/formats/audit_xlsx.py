"""The audit as a rectification register (整改台账, .xlsx): one row per open finding, the
columns the office fills in highlighted; read back with `compliance audit --rectifications`
(register.py). Rows are written as records arrive (openpyxl's write-only mode)."""
from __future__ import annotations

import tempfile

from ..register import COLUMNS, SHEET, open_findings
from .audit_base import AuditWriter, label, place, rect_label

FILL = "FFF4CC"     # the cells the office fills in


class Writer(AuditWriter):
    binary = True

    def begin(self) -> None:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill
        self.cell, self.wb = WriteOnlyCell, Workbook(write_only=True)
        self.ws = self.wb.create_sheet(SHEET)
        self.ws.freeze_panes = "C2"
        for i, col in enumerate(COLUMNS):
            self.ws.column_dimensions[chr(ord("A") + i)].width = col.width
        self.fill = PatternFill("solid", fgColor=FILL)
        self.wrap = Alignment(wrap_text=True, vertical="top")
        head = []
        for col in COLUMNS:
            c = WriteOnlyCell(self.ws, col.header(self.meta.lang))
            c.font = Font(bold=True)
            if col.filled_by_office:
                c.fill = self.fill
            head.append(c)
        self.ws.append(head)
        self.n = 0

    def record(self, rec: dict) -> None:
        lang = self.meta.lang
        for f in open_findings(rec):
            self.n += 1
            entry = f.get("rectification") or {}
            values = {"no": self.n, "record": rec.get("id"), "title": rec.get("title"), "household": f.get("household"),
                      "rule": f["rule"], "basis": f["basis"], "problem": f"{f['title']}：{f['message']}",
                      "severity": label(f["severity"], lang), "measure": entry.get("measure"),
                      "responsible": entry.get("responsible"), "due": entry.get("due"),
                      "status": rect_label(entry["state"], lang) if entry else rect_label("open", lang),
                      "done": entry.get("done"), "doc": entry.get("doc"), "place": place(rec),
                      "fingerprint": f.get("fingerprint")}
            row = []
            for col in COLUMNS:
                c = self.cell(self.ws, values[col.key])
                c.alignment = self.wrap
                if col.filled_by_office:
                    c.fill = self.fill
                row.append(c)
            self.ws.append(row)

    def end(self, summary: dict) -> None:
        with tempfile.TemporaryFile() as raw:
            self.wb.save(raw)
            raw.seek(0)
            while chunk := raw.read(1 << 20):
                self.out.write(chunk)
