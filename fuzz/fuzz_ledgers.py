"""Fuzz target: mutated .xlsx ledgers through discovery, reading and row validation.

The property: whatever the workbook holds, `audit.discover` and `audit.tasks` never raise,
every task is a row, a note or an input error (one line), and a row becomes a record or an
InputError naming the file. Seeds are the example records exported as ledgers; a mutation
edits a sheet's XML (bytes and tokens, as fuzz_records does) and re-zips it, or damages the
zip itself. Run as fuzz_records: `hypothesis_run` in the test suite, FUZZ_EXAMPLES for more.
"""
from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from fuzz_records import ROOT, mutate

XML_TOKENS = [b"<!DOCTYPE x [<!ENTITY e 'e'>]>", b"&e;", b"<c r=\"A2\"><f>1+1</f></c>", b"</row>", b"<row r=\"9\">",
              b"<mergeCell ref=\"A2:C9\"/>", b"<v>1e999</v>", b"t=\"s\"", b"<v>99999</v>", b"\x00", b"\xff"]


def seeds() -> list[bytes]:
    from compliance.errors import InputError
    from compliance.ledger import LedgerWriter
    from compliance.records import load_record
    out = []
    for path in sorted((ROOT / "cases").glob("*.yaml"))[:8] + sorted((ROOT / "rules" / "_examples").glob("*.yaml")):
        try:
            record = load_record(path).record
        except InputError:          # rule examples include profiles and partial records
            continue
        writer = LedgerWriter()
        if writer.add(record):
            writer.discard()
            continue
        buf = io.BytesIO()
        writer.wb.save(buf)
        out.append(buf.getvalue())
    return out


def rezip(raw: bytes, edits, sheet_edit: bool) -> bytes:
    if not sheet_edit:
        return mutate(raw, edits)
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet") and info.filename != "xl/worksheets/sheet1.xml":
                data = mutate(data, edits)
                for op, pos, _length, token in edits[:2]:
                    if op == 0:
                        p = pos % (len(data) + 1)
                        data = data[:p] + XML_TOKENS[token % len(XML_TOKENS)] + data[p:]
            z.writestr(info.filename, data)
    return out.getvalue()


class Target:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="compliance-fuzz-ledger-"))

    def one_input(self, data: bytes) -> str:
        from compliance import audit, ledger
        from compliance.errors import InputError
        path = self.dir / "ledger.xlsx"
        path.write_bytes(data)
        outcome = "error"
        for task in audit.tasks(audit.discover([path])):
            if task.kind == "error":
                message, _location = task.error
                if "\n" in message:
                    raise AssertionError(f"an input error must be one line: {message!r}")
                continue
            if task.kind == "row":
                try:
                    ledger.load_row(task.row)
                    outcome = "checked"
                except InputError as e:
                    if "\n" in str(e) or not str(e).startswith(str(path)):
                        raise AssertionError(f"a row error must be one line naming the file: {e}") from None
        return outcome


def hypothesis_run(target: Target, max_examples: int, seed: int | None = 0) -> None:
    from hypothesis import HealthCheck, given, settings, strategies as st

    corpus = seeds()
    edit = st.tuples(st.integers(0, 4), st.integers(0, 1 << 20), st.integers(0, 1 << 10), st.integers(0, 255))

    @settings(max_examples=max_examples, deadline=None, database=None, derandomize=seed is not None,
              suppress_health_check=list(HealthCheck))
    @given(st.integers(0, len(corpus) - 1), st.lists(edit, min_size=1, max_size=4), st.booleans())
    def run(index, edits, sheet_edit):
        target.one_input(rezip(corpus[index], edits, sheet_edit))

    run()
