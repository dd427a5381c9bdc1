"""Screens every role shares."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views.generic import TemplateView

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


def refusal_on_form(form, error) -> None:
    """Show a service's refusal (a ``DomainError``) on the form: under its field when the form has one."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
