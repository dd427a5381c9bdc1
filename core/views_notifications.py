"""A user's notification settings (mail per kind of event) and the unread badge in the header."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views import View

from core.events import BY_NAME, NOTIFY_KINDS
from core.exceptions import DomainError
from core.models import MailMode
from core.permissions import RoleRequiredMixin
from core.services.notifications import (
    notification_preferences,
    notification_preferences_set,
    notification_unread_count,
)


class PreferencesForm(forms.Form):
    """One choice per kind of event people are notified of: mail at once, in the daily digest, or never."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in NOTIFY_KINDS:
            self.fields[kind] = forms.ChoiceField(label=BY_NAME[kind].label, choices=MailMode.choices)


class NotificationPreferencesView(RoleRequiredMixin, View):
    template_name = "core/notification_preferences.html"

    def get(self, request):
        form = PreferencesForm(initial=notification_preferences(user=request.user))
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = PreferencesForm(request.POST)
        if form.is_valid():
            try:
                notification_preferences_set(user=request.user, modes=form.cleaned_data)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Mail settings saved; notifications keep showing in the app."))
                return redirect("notification-preferences")
        return render(request, self.template_name, {"form": form})


class NotificationBadgeView(RoleRequiredMixin, View):
    """The unread count for the header, fetched after the page (so no page pays a query for it)."""

    def get(self, request):
        count = notification_unread_count(user=request.user)
        if not count:
            return HttpResponse("")
        label = _("%(count)d unread") % {"count": count}
        return HttpResponse(format_html('<span class="badge" title="{}">{}</span>', label, count))
