"""A4 documents drawn with ReportLab: one table-shaped layout serves every document.

Pure: takes strings and numbers already formatted and translated by the
caller, returns PDF bytes. No Django here, so the layout is testable and
benchmarkable alone.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "DocSans"

# ReportLab embeds TrueType outlines only (it refuses CFF/PostScript-outline
# OpenType such as Noto CJK), so the first candidate is a TrueType font
# covering CJK and Latin; DejaVu keeps Latin documents working without it.
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)


class FontMissing(RuntimeError):
    pass


def font_path(candidates: Sequence[str] = FONT_CANDIDATES) -> str:
    for candidate in candidates:
        if Path(candidate).is_file():
            return candidate
    raise FontMissing("No usable TrueType font found; install fonts-wqy-zenhei (see docs/documents-and-labels.md).")


def register_font(path: str | None = None) -> str:
    """Register the document font once per process (parsing a CJK font costs a few hundred ms)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        chosen = path or font_path()
        pdfmetrics.registerFont(TTFont(FONT, chosen, subfontIndex=0))
    return FONT


def fit_code128(value: str, *, width: float, bar_height: float, max_bar_width: float = 0.33 * mm) -> Code128:
    """A Code 128 symbol no wider than ``width``: narrow bars shrink for long values, down to print limits."""
    symbol = Code128(value, barWidth=max_bar_width, barHeight=bar_height, humanReadable=False, quiet=True)
    if symbol.width > width:
        bar_width = max_bar_width * width / symbol.width
        symbol = Code128(value, barWidth=bar_width, barHeight=bar_height, humanReadable=False, quiet=True)
    return symbol


class TickBox(Flowable):
    def __init__(self, size: float = 4 * mm) -> None:
        super().__init__()
        self.width = self.height = size

    def draw(self) -> None:
        self.canv.rect(0, 0, self.width, self.height)


@dataclass(frozen=True)
class Column:
    title: str
    width_mm: float
    align: str = "LEFT"
    kind: str = "text"  # text | wrap (wrapped paragraph) | barcode | tick


@dataclass(frozen=True)
class Chart:
    """A line chart of one series over months: drawn with ReportLab's own shapes."""

    title: str
    labels: Sequence[str]
    values: Sequence[float | None]
    target: float | None = None


@dataclass
class TableDocument:
    title: str
    number: str
    company: Sequence[str]
    columns: Sequence[Column]
    rows: Sequence[Sequence[str]]
    parties: Sequence[tuple[str, Sequence[str]]] = ()
    fields: Sequence[tuple[str, str]] = ()
    totals: Sequence[tuple[str, str]] = ()
    notes: Sequence[str] = ()
    barcode: str | None = None
    page_label: str = "Page"
    charts: Sequence[Chart] = field(default_factory=tuple)


def _styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=FONT, fontSize=8.5, leading=10.5)
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9)
    title = ParagraphStyle("title", parent=body, fontSize=15, leading=19, alignment=2)
    return body, small, title


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _block(lines: Sequence[str], style: ParagraphStyle) -> Paragraph:
    return Paragraph("<br/>".join(_escape(line) for line in lines if line), style)


def _chart(chart: Chart, width: float, height: float = 45 * mm) -> Drawing:
    drawing = Drawing(width, height)
    left, bottom, top = 12 * mm, 8 * mm, height - 7 * mm
    right = width - 4 * mm
    drawing.add(String(left, height - 4 * mm, chart.title, fontName=FONT, fontSize=8))
    known = [v for v in chart.values if v is not None]
    scale_max = max([*known, chart.target or 0.0, 1e-9])
    drawing.add(Line(left, bottom, right, bottom, strokeColor=colors.grey))
    drawing.add(Line(left, bottom, left, top, strokeColor=colors.grey))
    drawing.add(String(1 * mm, top - 2 * mm, f"{scale_max:.4g}", fontName=FONT, fontSize=6))
    drawing.add(String(1 * mm, bottom, "0", fontName=FONT, fontSize=6))
    count = max(len(chart.values), 1)
    step = (right - left) / max(count - 1, 1)

    def y_of(value: float) -> float:
        return bottom + (top - bottom) * value / scale_max

    if chart.target is not None:
        y = y_of(chart.target)
        drawing.add(Line(left, y, right, y, strokeColor=colors.red, strokeDashArray=[2, 2]))
    points: list[float] = []
    for index, value in enumerate(chart.values):
        if value is not None:
            points += [left + step * index, y_of(value)]
    blue = colors.HexColor("#1f5fa8")
    if len(points) >= 4:
        drawing.add(PolyLine(points, strokeColor=blue, strokeWidth=1.2))
    for x, y in zip(points[::2], points[1::2], strict=True):
        # A dot per month: a single closed month still shows.
        drawing.add(Circle(x, y, 1.4, fillColor=blue, strokeColor=blue))
    for index, label in enumerate(chart.labels):
        drawing.add(String(left + step * index - 4 * mm, 2 * mm, label, fontName=FONT, fontSize=5.5))
    return drawing


def render_table_document(doc: TableDocument) -> bytes:
    """One document: header (company, title, number, barcode), parties, fields, the line table, totals, notes."""
    register_font()
    body, small, title_style = _styles()
    buffer = io.BytesIO()
    margin = 14 * mm
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=16 * mm,
        title=f"{doc.title} {doc.number}",
    )
    usable = A4[0] - 2 * margin
    story: list[Flowable] = []

    right_cell: list[Flowable] = [Paragraph(_escape(f"{doc.title} {doc.number}"), title_style)]
    if doc.barcode:
        symbol = fit_code128(doc.barcode, width=80 * mm, bar_height=11 * mm)
        symbol.hAlign = "RIGHT"
        right_cell += [
            Spacer(1, 2 * mm),
            symbol,
            Paragraph(_escape(doc.barcode), ParagraphStyle("code", parent=small, alignment=2)),
        ]
    head = Table([[_block(doc.company, body), right_cell]], colWidths=[usable * 0.45, usable * 0.55])
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT")]))
    story += [head, Spacer(1, 4 * mm)]

    if doc.parties:
        blocks = [
            Paragraph("<br/>".join([f"<b>{_escape(name)}</b>", *(_escape(x) for x in lines if x)]), body)
            for name, lines in doc.parties
        ]
        width = usable / len(blocks)
        story += [Table([blocks], colWidths=[width] * len(blocks), style=[("VALIGN", (0, 0), (-1, -1), "TOP")])]
        story.append(Spacer(1, 3 * mm))
    if doc.fields:
        pairs = [[Paragraph(_escape(k), small), Paragraph(_escape(v), body)] for k, v in doc.fields]
        story += [Table(pairs, colWidths=[40 * mm, usable - 40 * mm], hAlign="LEFT"), Spacer(1, 3 * mm)]

    total_mm = sum(c.width_mm for c in doc.columns)
    widths = [usable * c.width_mm / total_mm for c in doc.columns]
    aligns = {"LEFT": 0, "CENTER": 1, "RIGHT": 2}
    data: list[list[object]] = [
        [
            Paragraph(f"<b>{_escape(c.title)}</b>", ParagraphStyle("th", parent=small, alignment=aligns[c.align]))
            for c in doc.columns
        ]
    ]
    for row in doc.rows:
        cells: list[object] = []
        for column, value, width in zip(doc.columns, row, widths, strict=True):
            if column.kind == "barcode":
                cells.append(fit_code128(value, width=width - 2 * mm, bar_height=7 * mm) if value else "")
            elif column.kind == "tick":
                cells.append(TickBox())
            elif column.kind == "wrap":
                cells.append(Paragraph(_escape(value), body))
            else:
                cells.append(value)
        data.append(cells)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
    ]
    for index, column in enumerate(doc.columns):
        if column.align != "LEFT":
            style.append(("ALIGN", (index, 1), (index, -1), column.align))
    story.append(Table(data, colWidths=widths, repeatRows=1, style=style))

    if doc.totals:
        rows = [[_escape(k), _escape(v)] for k, v in doc.totals]
        totals = Table(rows, colWidths=[50 * mm, 35 * mm], hAlign="RIGHT")
        totals.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("ALIGN", (1, 0), (1, -1), "RIGHT")]))
        story += [Spacer(1, 3 * mm), totals]
    for chart in doc.charts:
        story += [Spacer(1, 4 * mm), _chart(chart, usable)]
    for note in doc.notes:
        story += [Spacer(1, 3 * mm), Paragraph(_escape(note), small)]

    footer = f"{doc.title} {doc.number}"

    def on_page(canvas, template_doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.drawString(margin, 9 * mm, footer)
        canvas.drawRightString(A4[0] - margin, 9 * mm, f"{doc.page_label} {template_doc.page}")
        canvas.restoreState()

    template.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
