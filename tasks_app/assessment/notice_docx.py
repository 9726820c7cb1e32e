"""The 通报 as an official document (GB/T 9704-2012): A4, its margins (top 37 mm, bottom 35 mm,
left 28 mm, right 26 mm), the title in 2号 (22 pt) 小标宋, the body in 3号 (16 pt) 仿宋, the issuing
body and the Chinese date at the end, page numbers "— 1 —" in 4号 (14 pt). As Word (.docx) and PDF
(WeasyPrint, fonts embedded).

Both are made from the assessment alone — for a published version, its frozen snapshot — so every
reader gets byte-identical files: no reader, no clock, no random identifier goes into them. Every
word that names the plan comes from the plan's data (its title and issuer, the rubric's headline
indicator), none from this code."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from urllib.parse import quote

from django.template.loader import render_to_string
from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from tasks_app.assessment.results import Assessment, zh_date, zh_period

BODY_FONT = "仿宋"  # FangSong, as official documents use; Word falls back where it is missing
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
PDF_FONTS = '"FangSong", "Noto Serif CJK SC", "Noto Serif CJK", serif'
RAG_WORDS = {"green": "绿", "amber": "黄", "red": "红", "grey": "不计分"}


def _issued_on(result: Assessment) -> dt.date:
    if result.published_at:
        return dt.date.fromisoformat(result.published_at[:10])
    return timezone.localdate()


class OverdueRows(Sequence):
    """Section 三's rows, numbered, made from the overdue items as they are read: the page shows
    one page of them (a computed list is read from the database a page at a time), the .docx and
    the PDF all of them."""

    def __init__(self, items):
        self.items = items

    @staticmethod
    def _row(number: int, item: dict) -> list[str]:
        return [
            str(number),
            f"{item['task']}",
            item["title"],
            item["owner"],
            item["district"] or "—",
            zh_date(item["due_date"]),
            str(item["days_overdue"]),
        ]

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return list(self)[index]
            return [self._row(start + offset, item) for offset, item in enumerate(self.items[start:stop], start=1)]
        position = index if index >= 0 else len(self) + index
        if not 0 <= position < len(self):
            raise IndexError(index)
        return self[position : position + 1][0]

    def __iter__(self):
        return (self._row(number, item) for number, item in enumerate(self.items, start=1))


def notice_content(result: Assessment) -> dict:
    """What the notice says, as text: the same for the page, the .docx and the PDF."""
    period = zh_period(result.period)
    plan = result.plan or {}
    as_of = zh_date(result.as_of)
    as_of_words = f"截至{as_of}"
    basis = "为本期期末数据" if result.as_of_basis == "period_end" else "本期尚未结束,为发布时数据"
    headline = result.headline
    district_header = ["排名", "板块", "得分", "等次"] + ([f"{headline}完成率(%)"] if headline else []) + ["较上期"]
    district_rows = []
    for row in result.districts:
        volume = None
        if headline:
            part = next((c for c in row.components if c.kind == "indicator" and c.label == headline), None)
            volume = (part.attainment if part and part.assessed else "不计分") if part else "—"
        cells = [
            str(row.rank) if row.rank else "—",
            row.name,
            row.score if row.score is not None else "无考核依据",
            RAG_WORDS.get(row.rag, "—"),
        ]
        district_rows.append(cells + ([volume or "—"] if headline else []) + [row.change or "—"])
    department_rows = [
        [
            str(row.rank) if row.rank else "—",
            row.name,
            row.score if row.score is not None else "无考核依据",
            str(row.facts.get("milestones_due", 0)),
            str(row.facts.get("on_time", 0)),
            str(row.facts.get("overdue", 0)),
        ]
        for row in result.departments
    ]
    overdue_rows = OverdueRows(result.overdue)
    closing = []
    if result.remarks:
        closing.append(result.remarks)
    if result.version and result.version > 1 and result.reason:
        closing.append(f"本通报为第{result.version}版,更正原因:{result.reason}")
    draft = result.version is None
    return {
        "title": f"关于{period}《{plan.get('title', '')}》重点任务推进情况的通报",
        "opening": (
            f"根据《{plan.get('title', '')}》及考核要求,现将{period}各县级市(区)及市有关部门"
            f"重点任务推进情况通报如下。数据{as_of_words},{basis}。"
        ),
        "sections": [
            ("一、各板块考核排名", district_header, district_rows),
            ("二、市有关部门推进情况", ["排名", "部门", "得分", "到期节点", "按期完成", "逾期节点"], department_rows),
            (
                f"三、逾期未完成事项({as_of_words},共{len(overdue_rows)}项)",
                ["序号", "任务", "节点", "责任部门", "板块", "完成时限", "逾期天数"],
                overdue_rows or [["—", "—", "无", "—", "—", "—", "—"]],
            ),
        ],
        "closing_heading": "四、其他事项" if closing else "",
        "closing": closing,
        "issuer": plan.get("issuer", ""),
        "date": zh_date(_issued_on(result)) + ("(草稿)" if draft else ""),
        "draft": draft,
    }


def notice_filename(result: Assessment, extension: str) -> str:
    """通报_2025年度_第1版_2026年11月24日.docx (a draft: 通报_2025年度_草稿_….docx)."""
    version = f"第{result.version}版" if result.version else "草稿"
    return f"通报_{zh_period(result.period)}_{version}_{zh_date(_issued_on(result))}.{extension}"


def content_disposition(filename: str) -> str:
    ascii_name = filename.encode("ascii", "ignore").decode() or "notice"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    run.font.size = Pt(size)
    run.font.bold = bold


def _page_number(paragraph) -> None:
    """ "— PAGE —" as a Word field, 4号."""
    _font(paragraph.add_run("— "), "宋体", 14)
    run = paragraph.add_run()
    _font(run, "宋体", 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)
    _font(paragraph.add_run(" —"), "宋体", 14)


def _table(document, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        _font(cell.paragraphs[0].runs[0], HEADING_FONT, 12)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = str(text)
            _font(cell.paragraphs[0].runs[0], BODY_FONT, 12)


def _fixed_zip(data: bytes, moment: dt.datetime) -> bytes:
    """The same bytes for the same content: every member stamped with the issue date."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = (moment.year, moment.month, moment.day, 0, 0, 0)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def notice_docx(result: Assessment) -> bytes:
    content = notice_content(result)
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(footer)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(content["title"]), TITLE_FONT, 22)
    if content["draft"]:
        mark = document.add_paragraph()
        mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(mark.add_run("(草稿,未发布)"), BODY_FONT, 16)

    def paragraph(text, font=BODY_FONT, align=None):
        item = document.add_paragraph()
        if align is not None:
            item.alignment = align
        else:
            item.paragraph_format.first_line_indent = Pt(32)
        _font(item.add_run(text), font, 16)

    paragraph(content["opening"])
    for heading, header, rows in content["sections"]:
        paragraph(heading, HEADING_FONT)
        _table(document, header, rows)
    if content["closing_heading"]:
        paragraph(content["closing_heading"], HEADING_FONT)
        for text in content["closing"]:
            paragraph(text)
    document.add_paragraph()
    paragraph(content["issuer"], align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(content["date"], align=WD_ALIGN_PARAGRAPH.RIGHT)

    issued = _issued_on(result)
    moment = dt.datetime(issued.year, issued.month, issued.day, tzinfo=dt.UTC)
    properties = document.core_properties
    properties.title = content["title"]
    properties.author = properties.last_modified_by = content["issuer"]
    properties.created = properties.modified = moment
    properties.revision = result.version or 1
    properties.comments = ""
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue(), moment)


def notice_pdf(result: Assessment) -> bytes:
    from weasyprint import HTML

    content = notice_content(result)
    html = render_to_string("assessment/notice_pdf.html", {"notice": content, "fonts": PDF_FONTS})
    return HTML(string=html).write_pdf(pdf_identifier=False)
