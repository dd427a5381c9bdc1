"""Form widgets every app shares."""

from __future__ import annotations

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker. It takes and gives ISO dates (2026-12-05) only: a value in the
    locale's format (05/12/2026, 2026/12/05) would leave the picker empty and a required field
    unsubmittable, so the value is always written in ISO, whatever the reader's language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
