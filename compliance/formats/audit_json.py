"""The audit as the JSON report of cli-contract.md (`compliance-report/1`), streamed.

`records` holds json_report.record_dict entries (plus `location` for a ledger row and
`decision_date`), one per line as they arrive; `summary` has the contract's counts and the
audit's breakdowns; `excluded` lists the records --year left out (spooled, since records
and excluded inputs arrive interleaved).
"""
from __future__ import annotations

import json

from .audit_base import AuditWriter, Spool


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))


class Writer(AuditWriter):
    def begin(self) -> None:
        m = self.meta
        head = {"format": "compliance-report/1", "tool_version": m.tool_version, "as_of": m.as_of, "lang": m.lang,
                "year": m.year, "profile": m.profile, "inputs": m.inputs, "rule_set": m.rule_set}
        self.out.write("{\n" + "".join(f"  {_dump(k)}: {_dump(v)},\n" for k, v in head.items()) + '  "records": [')
        self._first = True
        self._excluded = Spool()
        self._first_excluded = True

    def record(self, rec: dict) -> None:
        self.out.write(("\n    " if self._first else ",\n    ") + _dump(rec))
        self._first = False

    def excluded(self, item: dict) -> None:
        self._excluded.write(("\n    " if self._first_excluded else ",\n    ") + _dump(item))
        self._first_excluded = False

    def end(self, summary: dict) -> None:
        self.out.write("\n  ],\n" if not self._first else "],\n")
        self.out.write('  "excluded": [')
        self._excluded.copy_to(self.out)
        self.out.write("\n  ],\n" if not self._first_excluded else "],\n")
        self.out.write(f'  "summary": {json.dumps(summary, ensure_ascii=False, indent=2).replace(chr(10), chr(10) + "  ")}\n}}\n')
