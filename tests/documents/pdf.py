"""The text of a PDF the documents app made, for assertions."""

from __future__ import annotations

import io

import pypdf


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)
