"""The shared posting screen (``core.views.ServiceFormView``): a blank form with a key, input refused,
the service's refusal on the form, and on success a message and a redirect."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import RequestFactory

from core.exceptions import DomainError
from core.views import ServiceFormView


class _CountForm(forms.Form):
    quantity = forms.DecimalField(min_value=Decimal(1))
    bin = forms.CharField()
    key = forms.CharField(widget=forms.HiddenInput)


class _CountScreen(ServiceFormView[_CountForm, Decimal]):
    """Posts through a stand-in service that refuses what the test tells it to."""

    form_class = _CountForm
    refusal_fields = {"to_bin": "bin"}

    def __init__(self, refusal: DomainError | None = None, **kwargs):
        super().__init__(**kwargs)
        self.refusal = refusal
        self.posted: list[Decimal] = []

    def perform(self, form: _CountForm) -> Decimal:
        if self.refusal is not None:
            raise self.refusal
        self.posted.append(form.cleaned_data["quantity"])
        return form.cleaned_data["quantity"] * 2

    def success_message(self, form: _CountForm, outcome: Decimal) -> str:
        return f"Counted {outcome}."

    def render_to_response(self, context, **response_kwargs):
        response = HttpResponse(status=response_kwargs.get("status", 200))
        response.context_data = context  # type: ignore[attr-defined]
        return response


def _call(method: str, data: dict | None = None, refusal: DomainError | None = None):
    request = getattr(RequestFactory(), method)("/count/", data or {})
    request._messages = CookieStorage(request)
    view = _CountScreen(refusal=refusal)
    view.setup(request)
    return view, view.dispatch(request), [str(message) for message in request._messages]


VALID = {"quantity": "3", "bin": "A-01", "key": "k1"}


def test_the_blank_form_carries_a_fresh_idempotency_key_each_time():
    _, first, _ = _call("get")
    _, second, _ = _call("get")

    first_key = first.context_data["form"].initial["key"]
    assert first.status_code == 200
    assert not first.context_data["form"].is_bound
    assert len(first_key) == 32
    assert first_key != second.context_data["form"].initial["key"]


def test_a_posting_that_succeeds_says_what_happened_and_comes_back_to_the_page():
    view, response, said = _call("post", VALID)

    assert (response.status_code, response["Location"]) == (302, "/count/")
    assert said == ["Counted 6."]
    assert view.posted == [Decimal(3)]


def test_input_the_form_refuses_never_reaches_the_service():
    view, response, said = _call("post", {**VALID, "quantity": "0"})

    assert response.status_code == 400
    assert list(response.context_data["form"].errors) == ["quantity"]
    assert view.posted == []
    assert said == []


def test_a_refusal_shows_under_the_field_it_names_when_the_form_has_it():
    _, response, said = _call("post", VALID, refusal=DomainError("Not that many here.", field="quantity"))

    form = response.context_data["form"]
    assert response.status_code == 400
    assert form.errors == {"quantity": ["Not that many here."]}
    assert said == []


def test_a_refusal_naming_the_services_field_shows_under_the_forms_field_of_that_name():
    _, response, _ = _call("post", VALID, refusal=DomainError("That bin is full.", field="to_bin"))

    assert response.context_data["form"].errors == {"bin": ["That bin is full."]}


def test_a_refusal_about_no_field_of_the_form_shows_above_it():
    _, response, _ = _call("post", VALID, refusal=DomainError("Not in your warehouse.", field="warehouse"))

    form = response.context_data["form"]
    assert response.status_code == 400
    assert form.non_field_errors() == ["Not in your warehouse."]
    assert list(form.errors) == ["__all__"]
