"""The 通报 as a Word document (.docx), in the usual official layout: issuing office, title,
period, ranking tables, named overdue items, remarks."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

BODY_FONT = "仿宋"  # FangSong, as official documents use; Word falls back where it is missing
TITLE_FONT = "方正小标宋简体"


def _font(run, name: str, size: float, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color


def _table(document, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        _font(cell.paragraphs[0].runs[0], BODY_FONT, 12, bold=True)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = str(text)
            _font(cell.paragraphs[0].runs[0], BODY_FONT, 12)


def notice_docx(*, plan, result, overdue, issued_on) -> bytes:
    document = Document()
    head = document.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(head.add_run(f"{plan.issuer}跨境电商综试区建设领导小组办公室"), TITLE_FONT, 22, True, RGBColor(0xC0, 0, 0))
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(f"关于{result.period}跨境电商综试区建设重点任务推进情况的通报"), TITLE_FONT, 18, True)
    date = document.add_paragraph()
    date.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(date.add_run(issued_on), BODY_FONT, 14)

    def paragraph(text, bold=False):
        _font(document.add_paragraph().add_run(text), BODY_FONT, 16, bold)

    paragraph(
        f"根据《{plan.title}》及“推进高质量发展”考核要求,现将{result.period}各县级市(区)及市有关部门工作推进情况通报如下。"
    )
    paragraph("一、各板块考核排名", bold=True)
    _table(
        document,
        ["排名", "板块", "得分", "较上期"],
        [[r.rank, r.name, r.score, r.change or "—"] for r in result.districts],
    )
    paragraph("二、市有关部门推进情况", bold=True)
    _table(
        document,
        ["排名", "部门", "得分", "逾期节点"],
        [[r.rank, r.name, r.score, r.facts.get("overdue", 0)] for r in result.departments],
    )
    paragraph("三、逾期未完成事项", bold=True)
    _table(
        document,
        ["任务", "节点", "责任部门", "完成时限"],
        [[m.task.number, m.title, m.owner.name, m.due_date.isoformat()] for m in overdue] or [["—", "无", "—", "—"]],
    )
    if result.remarks:
        paragraph("四、备注", bold=True)
        paragraph(result.remarks)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
