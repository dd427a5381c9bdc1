"""The screen where a user chooses the language of the product."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.exceptions import DomainError
from core.models import UserProfile
from core.services.profile import SESSION_LANGUAGE_KEY, user_language_set


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        help_text=_("Kept on your profile: screens, mails and PDFs follow it on every device."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("As my browser asks")), *settings.LANGUAGES]


class LanguageView(LoginRequiredMixin, View):
    template_name = "core/language.html"

    def get(self, request):
        current = UserProfile.objects.filter(user=request.user).values_list("language", flat=True).first() or ""
        form = LanguageForm(initial={"language": current})
        return render(request, self.template_name, {"form": form, "next": self._next(request)})

    def post(self, request):
        form = LanguageForm(request.POST)
        if form.is_valid():
            language = form.cleaned_data["language"]
            try:
                user_language_set(user=request.user, language=language)
            except DomainError as error:
                form.add_error("language", error.message)
            else:
                request.session[SESSION_LANGUAGE_KEY] = language
                translation.activate(language or translation.get_language_from_request(request))
                messages.success(request, gettext("Language saved."))
                response = redirect(self._next(request))
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language or "", samesite="Lax")
                if not language:
                    response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
                return response
        return render(request, self.template_name, {"form": form, "next": self._next(request)}, status=400)

    @staticmethod
    def _next(request) -> str:
        target = request.POST.get("next") or request.GET.get("next") or ""
        if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            return target
        return "/"
