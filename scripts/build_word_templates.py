"""Build the bundled Word templates (compliance/formats/templates/*.docx) with python-docx.

    .venv/bin/python scripts/build_word_templates.py

The templates hold docxtpl (Jinja2) tags; docs/word-documents.md lists the variables. Layout
after GB/T 9704 (党政机关公文格式): A4; margins top 37 mm, bottom 35 mm, left 28 mm, right
26 mm; title in 方正小标宋简体 2号 (22 pt); body in 仿宋_GB2312 3号 (16 pt); level-1 headings in
黑体, level-2 in 楷体_GB2312; page numbers in 宋体 4号. Each font is named for East-Asian text
(w:eastAsia) so Word and WPS use it where it is installed; Latin text and digits use Times
New Roman. Rerun after changing this script and commit the .docx files it writes.
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

OUT = Path(__file__).resolve().parent.parent / "compliance" / "formats" / "templates"
LATIN = "Times New Roman"
TITLE_FONT, BODY_FONT, H1_FONT, H2_FONT, PAGE_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"
LINE = Pt(28)          # fixed line pitch: about 22 lines on the GB/T 9704 type area


def set_fonts(rpr_owner, east_asian: str, latin: str = LATIN) -> None:
    """Name the fonts explicitly (no theme fonts, which would override them)."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:cs"), latin)


def paragraph_style(doc, name: str, font: str, size: float, *, bold: bool = False, align=None,
                    indent: float | None = None, left: float | None = None, space_after: float = 0,
                    line=LINE, outline: int | None = None, keep_next: bool = False):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    set_fonts(style.element, font)
    fmt = style.paragraph_format
    if align is not None:
        fmt.alignment = align
    if indent is not None:
        fmt.first_line_indent = Pt(indent)
    if left is not None:
        fmt.left_indent = Pt(left)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(space_after)
    if line is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = line
    fmt.keep_with_next = keep_next
    if outline is not None:
        lvl = OxmlElement("w:outlineLvl")
        lvl.set(qn("w:val"), str(outline))
        style.element.get_or_add_pPr().append(lvl)
    return style


def new_document():
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(25)
    # defaults for any run a user's edit leaves unstyled
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr_default.find(qn("w:rFonts"))
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr, value in (("w:ascii", LATIN), ("w:hAnsi", LATIN), ("w:eastAsia", BODY_FONT), ("w:cs", LATIN)):
        fonts.set(qn(attr), value)
    lang = rpr_default.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr_default.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal = doc.styles["Normal"]
    normal.font.size = Pt(16)
    set_fonts(normal.element, BODY_FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = LINE
    paragraph_style(doc, "公文标题", TITLE_FONT, 22, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(36),
                    space_after=14, outline=0)
    paragraph_style(doc, "草稿说明", BODY_FONT, 12, line=Pt(18), space_after=3)
    paragraph_style(doc, "一级标题", H1_FONT, 16, indent=32, outline=1, keep_next=True)
    paragraph_style(doc, "二级标题", H2_FONT, 16, indent=32, outline=2, keep_next=True)
    paragraph_style(doc, "正文", BODY_FONT, 16, indent=32, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraph_style(doc, "正文细项", BODY_FONT, 16, left=64, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraph_style(doc, "表格文字", BODY_FONT, 10.5, line=Pt(15))
    paragraph_style(doc, "签署", BODY_FONT, 16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    add_page_number(section)
    return doc


def add_page_number(section) -> None:
    """'— 1 —' centred in the footer (GB/T 9704 puts the page number in 4号 宋体)."""
    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for part in ("— ", None, " —"):
        run = para.add_run()
        run.font.size = Pt(14)
        set_fonts(run._r, PAGE_FONT)
        if part is not None:
            run.text = part
            continue
        for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
            if kind:
                fld = OxmlElement("w:fldChar")
                fld.set(qn("w:fldCharType"), kind)
                run._r.append(fld)
            else:
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = text
                run._r.append(instr)


def tag(doc, text: str):
    """A paragraph holding only a docxtpl block tag ({%p ... %}): it disappears when rendered."""
    return doc.add_paragraph(text, style="正文")


def para(doc, style: str, *runs: tuple[str, bool]):
    p = doc.add_paragraph(style=style)
    for text, bold in runs:
        run = p.add_run(text)
        if bold:
            run.bold = True
    return p


def loop(doc, head: str, style: str, *runs: tuple[str, bool], end: str = "{%p endfor %}") -> None:
    tag(doc, head)
    para(doc, style, *runs)
    tag(doc, end)


def opinion_template() -> Document:
    doc = new_document()
    para(doc, "公文标题", ("{{ title }}", False))
    para(doc, "草稿说明", ("{{ draft_notice }}", False))
    para(doc, "草稿说明", ("{{ unverified_notice }}", False))
    para(doc, "一级标题", ("{{ h.h_matter }}", False))
    loop(doc, "{%p for line in matter %}", "正文", ("{{ line.text }}", False))
    para(doc, "一级标题", ("{{ h.h_bases }}", False))
    loop(doc, "{%p for b in bases %}", "正文", ("{{ b.text }}", False))
    para(doc, "一级标题", ("{{ h.h_materials }}", False))
    loop(doc, "{%p for m in materials %}", "正文", ("{{ m.text }}", False))
    para(doc, "一级标题", ("{{ h.h_review }}", False))
    tag(doc, "{%p for part in parts %}")
    para(doc, "二级标题", ("{{ part.heading }}", False))
    loop(doc, "{%p for fact in part.facts %}", "正文", ("{{ fact }}", False))
    para(doc, "正文", ("{{ part.summary }}", False))
    tag(doc, "{%p for item in part.findings %}")
    para(doc, "正文", ("{{ item.head }}", True), ("{{ item.inline }}", False))
    loop(doc, "{%p for line in item.details %}", "正文细项", ("{{ line }}", False))
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    para(doc, "一级标题", ("{{ h.h_conclusion }}", False))
    para(doc, "正文", ("{{ conclusion_text }}", True))
    loop(doc, "{%p for reason in conclusion_reason %}", "正文", ("{{ reason }}", False))
    para(doc, "一级标题", ("{{ h.h_advice }}", False))
    loop(doc, "{%p for a in advice %}", "正文", ("{{ loop.index }}. {{ a }}", False))
    doc.add_paragraph(style="正文")
    doc.add_paragraph(style="正文")
    para(doc, "签署", ("{{ h.sign_advisor }}", False), ("\u3000" * 8, False))
    para(doc, "签署", ("{{ h.sign_date }}", False), ("\u3000" * 8, False))
    return doc


def set_cell(cell, text: str, bold: bool = False) -> None:
    p = cell.paragraphs[0]
    p.style = "表格文字"
    run = p.add_run(text)
    run.bold = bold


def repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def checklist_template() -> Document:
    doc = new_document()
    para(doc, "公文标题", ("{{ title }}", False))
    para(doc, "草稿说明", ("{{ draft_notice }}", False))
    loop(doc, "{%p for line in info %}", "正文", ("{{ line.text }}", False))
    para(doc, "正文", ("{{ verdict }}", True))
    para(doc, "正文", ("{{ earliest }}", False))
    tag(doc, "{%p if gate_line %}")
    para(doc, "正文", ("{{ gate_line }}", False))
    tag(doc, "{%p endif %}")
    para(doc, "正文", ("{{ counts }}", False))
    widths = (Mm(32), Mm(38), Mm(46), Mm(22), Mm(18))     # 156 mm: the type area's width
    table = doc.add_table(rows=4, cols=5)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width
    for cell, key in zip(table.rows[0].cells, ("item", "basis", "status", "date", "doc")):
        set_cell(cell, "{{ cols.%s }}" % key, bold=True)
    repeat_header(table.rows[0])
    set_cell(table.rows[1].cells[0], "{%tr for row in rows %}")
    for cell, key in zip(table.rows[2].cells, ("item", "basis", "status", "date", "doc")):
        set_cell(cell, "{{ row.%s }}" % key)
    set_cell(table.rows[3].cells[0], "{%tr endfor %}")
    loop(doc, "{%p for note in notes %}", "草稿说明", ("{{ note }}", False))
    doc.add_paragraph(style="正文")
    loop(doc, "{%p for s in signatures %}", "正文",
         ("{{ s.role }}", False), ("\u3000" * 7, False), ("{{ s.date }}", False), ("\u3000" * 6, False))
    return doc


def underline_blanks(doc) -> None:
    """The ideographic spaces after a signature label are the line to sign on."""
    for p in doc.paragraphs:
        for run in p.runs:
            if run.text and set(run.text) == {"\u3000"}:
                run.underline = True


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in (("opinion.docx", opinion_template), ("checklist.docx", checklist_template)):
        doc = build()
        underline_blanks(doc)
        doc.core_properties.author = "compliance"
        doc.core_properties.title = name.removesuffix(".docx")
        doc.save(OUT / name)
        print(f"wrote {OUT / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
