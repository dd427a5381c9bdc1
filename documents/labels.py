"""Part and bin labels: A4 sheets of 3 × 8 and single 62 mm thermal labels.

Pure: a label is its barcode value, symbology and text lines; the layout
decides the page. The barcode value comes from ``documents.codes``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from .pdf import FONT, fit_code128, register_font

LAYOUTS = ("a4", "62mm")

A4_COLUMNS, A4_ROWS = 3, 8
A4_LABEL_W, A4_LABEL_H = A4[0] / A4_COLUMNS, A4[1] / A4_ROWS
THERMAL_W, THERMAL_H = 62 * mm, 30 * mm


@dataclass(frozen=True)
class Label:
    code: str
    title: str
    lines: Sequence[str] = ()
    symbology: str = "code128"  # code128 | qr


def _clip(text: str, size: float, width: float) -> str:
    """Cut a line to the label's width: a label never wraps into the barcode."""
    if stringWidth(text, FONT, size) <= width:
        return text
    while text and stringWidth(text + "…", FONT, size) > width:
        text = text[:-1]
    return text + "…"


def _draw_label(canvas: Canvas, label: Label, x: float, y: float, w: float, h: float) -> None:
    pad = 3 * mm
    inner = w - 2 * pad
    if label.symbology == "qr":
        side = h - 2 * pad
        widget = QrCodeWidget(label.code, barBorder=2)
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0])
        drawing.add(widget)
        renderPDF.draw(drawing, canvas, x + pad - 1 * mm, y + pad)
        text_x, text_w = x + pad + side + 1 * mm, inner - side - 1 * mm
        top = y + h - pad - 4 * mm
    else:
        bar_height = h * 0.38
        symbol = fit_code128(label.code, width=inner, bar_height=bar_height)
        symbol.drawOn(canvas, x + (w - symbol.width) / 2, y + h - pad - bar_height)
        text_x, text_w = x + pad, inner
        top = y + h - pad - bar_height - 4 * mm
    canvas.setFont(FONT, 10)
    canvas.drawString(text_x, top, _clip(label.title, 10, text_w))
    line_y = top - 3.6 * mm
    for line in label.lines:
        if line_y < y + pad - 1 * mm:
            break
        canvas.setFont(FONT, 7.5)
        canvas.drawString(text_x, line_y, _clip(line, 7.5, text_w))
        line_y -= 3.2 * mm


def render_labels(labels: Sequence[Label], *, layout: str) -> bytes:
    """Every label in order; an A4 sheet fills row by row, a thermal roll gets one page per label."""
    if layout not in LAYOUTS:
        raise ValueError(f"Unknown label layout {layout!r}.")
    register_font()
    buffer = io.BytesIO()
    size = A4 if layout == "a4" else (THERMAL_W, THERMAL_H)
    canvas = Canvas(buffer, pagesize=size, pageCompression=1)
    canvas.setTitle("Labels")
    per_page = A4_COLUMNS * A4_ROWS if layout == "a4" else 1
    for index, label in enumerate(labels):
        slot = index % per_page
        if index and slot == 0:
            canvas.showPage()
        if layout == "a4":
            column, row = slot % A4_COLUMNS, slot // A4_COLUMNS
            x, y = column * A4_LABEL_W, A4[1] - (row + 1) * A4_LABEL_H
            _draw_label(canvas, label, x, y, A4_LABEL_W, A4_LABEL_H)
        else:
            _draw_label(canvas, label, 0, 0, THERMAL_W, THERMAL_H)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
