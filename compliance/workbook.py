"""Open an .xlsx workbook that may be damaged or hostile, or say why not (one InputError).

An .xlsx is a zip of XML files. Before openpyxl reads a byte of it, the zip's directory is
checked: the members' decompressed sizes must stay under a limit (a 1 MB file can hold a
1 GiB shared string; COMPLIANCE_MAX_XLSX_BYTES, default 200 MB, in all), so must their
number. Python's zipfile never inflates a member past its declared size (it fails the CRC
instead), so the declared sizes are a real bound. With defusedxml installed (a dependency),
openpyxl refuses DTDs with entities: XXE and billion-laughs files fail as parse errors.
Every failure, from the zip to the XML inside, becomes one InputError naming the file.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .loader import env_limit, human_size

DEFAULT_MAX_XLSX_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 10_000


def max_xlsx_bytes() -> int:
    return env_limit("COMPLIANCE_MAX_XLSX_BYTES", DEFAULT_MAX_XLSX_BYTES, "a size such as 200MB")


def check_zip(path: Path) -> None:
    """Refuse a workbook whose members would inflate past the limit."""
    name = str(path)
    limit = max_xlsx_bytes()
    try:
        with zipfile.ZipFile(path) as z:
            members = z.infolist()
    except FileNotFoundError:
        raise InputError(name, "no such file; check the path") from None
    except PermissionError:
        raise InputError(name, "cannot read the file (permission denied)") from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise InputError(name, f"not a readable .xlsx workbook ({type(e).__name__}); save it again from Excel") from None
    if len(members) > MAX_MEMBERS:
        raise InputError(name, f"the workbook holds {len(members):,} parts, over the limit of {MAX_MEMBERS:,}; "
                         "save it again from Excel")
    total = 0
    for info in members:
        total += info.file_size
        if total > limit:
            raise InputError(name, f"the workbook unpacks to more than {human_size(limit)} (part {info.filename} "
                             f"alone is {human_size(info.file_size)}); split the ledger, or set "
                             "COMPLIANCE_MAX_XLSX_BYTES (e.g. 500MB) to raise the limit")


def open_workbook(path: Path):
    """openpyxl's read-only workbook with cached formula values, after check_zip."""
    from openpyxl import load_workbook
    name = str(path)
    if path.suffix.lower() == ".xls":
        raise InputError(name, "an old .xls workbook; save it as .xlsx (Excel 2007 or later)")
    check_zip(path)
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InputError(name, "no such file; check the path") from None
    except PermissionError:
        raise InputError(name, "cannot read the file (permission denied)") from None
    except MemoryError:
        raise InputError(name, "the workbook is too large to read; split the ledger") from None
    except Exception as e:  # noqa: BLE001 - zip, XML (also refused entities) and openpyxl errors alike
        raise InputError(name, f"not a readable .xlsx workbook ({damage(e)}); save it again from Excel") from None


def damage(e: BaseException) -> str:
    """What was wrong, in a few words (the XML parser's own message can be long)."""
    cause: BaseException | None = e
    while cause is not None:                 # openpyxl wraps the parser's error in a ValueError
        if type(cause).__name__ in _REFUSED_XML:
            return f"{type(cause).__name__}: entity declarations are refused"
        cause = cause.__cause__ or cause.__context__
    text = str(e).replace(str(Path.cwd()), ".")
    return f"{type(e).__name__}: {text[:160]}" if text else type(e).__name__


_REFUSED_XML = {"EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden", "NotSupportedError"}


# ----------------------------------------------------------------- what openpyxl's values hide
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MAX_MERGES = 10_000
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")


@dataclass
class SheetFacts:
    """Cells whose value the read-only reader shows as empty although they are not."""

    uncached: set[tuple[int, int]] = field(default_factory=set)     # formulas with no saved value
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)   # (row1, col1, row2, col2)


def sheet_parts(path) -> dict[str, str]:
    """Sheet title → its XML part in the zip (from workbook.xml and its relationships);
    `path` is a path or a binary file."""
    from defusedxml.ElementTree import fromstring
    with zipfile.ZipFile(path) as z:
        book = fromstring(z.read("xl/workbook.xml"))
        rels = fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL}Relationship")}
    out = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        out[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return out


def sheet_facts(path: Path, part: str) -> SheetFacts:
    """One streaming pass over a sheet's XML (constant memory): formulas without a cached
    value, and merged ranges. Raises InputError for more than MAX_MERGES merged ranges."""
    from defusedxml.ElementTree import iterparse
    facts = SheetFacts()
    with zipfile.ZipFile(path) as z, z.open(part) as f:
        for _event, el in iterparse(f):
            if el.tag == f"{_MAIN}c":
                formula, value = el.find(f"{_MAIN}f"), el.find(f"{_MAIN}v")
                if formula is not None and (value is None or not (value.text or "")):
                    at = cell_position(el.get("r", ""))
                    if at:
                        facts.uncached.add(at)
                el.clear()
            elif el.tag == f"{_MAIN}row":
                el.clear()
            elif el.tag == f"{_MAIN}mergeCell":
                corners = [cell_position(c) for c in el.get("ref", "").split(":")]
                if len(corners) == 2 and all(corners):
                    (r1, c1), (r2, c2) = corners
                    facts.merges.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
                if len(facts.merges) > MAX_MERGES:
                    raise InputError(str(path), f"a sheet has more than {MAX_MERGES:,} merged ranges; unmerge the "
                                     "cells of the ledger's rows")
    facts.merges.sort()
    return facts


def cell_position(ref: str) -> tuple[int, int] | None:
    """'C7' → (7, 3)."""
    m = _REF.match(ref.upper())
    if not m:
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


_BEFORE_DIMENSION = re.compile(rb"<(?:sheetViews|sheetFormatPr|cols|sheetData)\b")


def with_dimensions(src, dst, dims: dict[str, str]) -> None:
    """Copy the workbook zip `src` to `dst`, giving each sheet in `dims` (title → A1:K20) the
    <dimension> element openpyxl's write-only mode leaves out. A sheet's opening is patched
    and the rest streamed, so a large sheet is never held in memory."""
    import shutil
    parts = {part: dims[title] for title, part in sheet_parts(src).items() if title in dims}
    src.seek(0)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            with zin.open(info) as fin, zout.open(info.filename, "w", force_zip64=True) as fout:
                if info.filename in parts:
                    head = fin.read(1 << 16)
                    m = _BEFORE_DIMENSION.search(head)
                    if m and b"<dimension" not in head[: m.start()]:
                        ref = parts[info.filename].encode()
                        head = head[: m.start()] + b'<dimension ref="' + ref + b'"/>' + head[m.start():]
                    fout.write(head)
                shutil.copyfileobj(fin, fout)
