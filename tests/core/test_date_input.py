"""A date field prefilled on a form reaches the browser's date picker in ISO, in every language."""

from datetime import date

import pytest
from django import forms
from django.utils import translation

from core.widgets import DateInput


class _Form(forms.Form):
    day = forms.DateField(widget=DateInput())


@pytest.mark.parametrize("language", ["en-gb", "zh-hant", "zh-hans"])
def test_the_value_is_iso_whatever_the_language(language):
    with translation.override(language):
        html = str(_Form(initial={"day": date(2026, 12, 5)})["day"])
        bound = _Form(data={"day": "2026-12-05"})

    assert 'type="date"' in html
    assert 'value="2026-12-05"' in html
    assert bound.is_valid()
    assert bound.cleaned_data["day"] == date(2026, 12, 5)
