"""Screens every role shares."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, ClassVar, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.generic import TemplateView

from .exceptions import DomainError
from .home import waiting_for
from .roles import Role, user_access


class HomeView(LoginRequiredMixin, TemplateView):
    """What waits for this user, each count linking to its list; suppliers go to their portal."""

    template_name = "core/home.html"

    def get(self, request, *args, **kwargs):
        access = user_access(request.user)
        if access.is_supplier_only:
            return redirect("suppliers:portal") if _has_url("suppliers:portal") else super().get(request)
        if access.roles == {Role.PARTNER} and not access.is_superuser and _has_url("exchange:portal"):
            return redirect("exchange:portal")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"waiting": waiting_for(self.request.user)}


def _has_url(name: str) -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page declares; the static file's name is looked up
    when asked, so that the manifest of collected static files need not exist at import."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("favicon.svg"))


def refusal_on_form(form: forms.Form, error: DomainError, *, renamed: Mapping[str, str] | None = None) -> None:
    """Show a service's refusal (a ``DomainError``) on the form: under its field when the form has one
    (``renamed`` maps the service's name of a field to the form's), else above the form."""
    field = (renamed or {}).get(error.field or "", error.field)
    form.add_error(field if field in form.fields else None, error.message)


FormT = TypeVar("FormT", bound=forms.Form)
OutcomeT = TypeVar("OutcomeT")


class ServiceFormView(TemplateView, Generic[FormT, OutcomeT]):
    """A screen that posts through one service: the form checks the input, ``perform`` calls the service.

    Invalid input, or the service's refusal shown on the form, renders the page again with status 400 and
    has changed nothing; success says ``success_message`` and redirects to ``success_url`` (this page,
    ready for the next posting, unless a view says otherwise). The blank form carries a fresh
    idempotency key, so a double submit posts once.
    """

    form_class: type[FormT]
    # The service's name of a field -> the form's, where they differ.
    refusal_fields: ClassVar[Mapping[str, str]] = {}

    def get_form_kwargs(self) -> dict[str, Any]:
        """What the form takes besides its data and initial values (the user, the part)."""
        return {}

    def get_initial(self) -> dict[str, Any]:
        return {"key": uuid.uuid4().hex}

    def get_form(self) -> FormT:
        if self.request.method == "POST":
            return self.form_class(self.request.POST, **self.get_form_kwargs())
        return self.form_class(initial=self.get_initial(), **self.get_form_kwargs())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if "form" not in kwargs:
            kwargs["form"] = self.get_form()
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs) -> HttpResponse:
        form = self.get_form()
        if not form.is_valid():
            return self.form_refused(form)
        try:
            outcome = self.perform(form)
        except DomainError as error:
            self.show_refusal(form, error)
            return self.form_refused(form)
        messages.success(request, self.success_message(form, outcome))
        return redirect(self.success_url(form, outcome))

    def perform(self, form: FormT) -> OutcomeT:
        """Call the service with the form's ``cleaned_data``; its ``DomainError`` is the refusal shown."""
        raise NotImplementedError

    def success_message(self, form: FormT, outcome: OutcomeT) -> str:
        raise NotImplementedError

    def success_url(self, form: FormT, outcome: OutcomeT) -> str:
        return self.request.path

    def show_refusal(self, form: FormT, error: DomainError) -> None:
        refusal_on_form(form, error, renamed=self.refusal_fields)

    def form_refused(self, form: FormT) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)
