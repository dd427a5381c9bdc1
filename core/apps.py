from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app uses: roles, warehouse scope, domain errors, API plumbing, outbox, notifications."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from core.services.profile import remember_language_at_login

        user_logged_in.connect(remember_language_at_login, dispatch_uid="core.remember_language_at_login")
