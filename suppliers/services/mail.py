"""The purchase order mail to the supplier (run by a Celery task after the send commits)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import PurchaseOrder, Supplier, SupplierUser


def supplier_language(supplier: Supplier) -> str:
    """The language a supplier reads in: the one its portal users chose (the most chosen), else the site's."""
    from core.messages import users_languages

    users = [link.user for link in SupplierUser.objects.filter(supplier=supplier).select_related("user")]
    chosen = [language for language in users_languages(users).values() if language != settings.LANGUAGE_CODE]
    return max(sorted(set(chosen)), key=chosen.count) if chosen else settings.LANGUAGE_CODE


def purchase_order_email_send(*, order_id: int) -> bool:
    """Mail the order once; ``emailed_at`` makes a retried task a no-op. Returns whether mail went out."""
    with transaction.atomic():
        order = (
            PurchaseOrder.objects.select_for_update()
            .select_related("supplier", "warehouse")
            .filter(pk=order_id, emailed_at__isnull=True)
            .first()
        )
        if order is None or not order.supplier.email:
            return False
        lines = list(order.lines.select_related("part").order_by("line_no"))
        context = {"order": order, "lines": lines, "total": sum((line.value for line in lines), start=0)}
        # Imported here: the documents app reads suppliers' models, so a module-level import would be a cycle.
        from documents.documents import purchase_order_pdf

        # The mail and its PDF in the language the supplier's portal users chose (the site's default without one).
        with translation.override(supplier_language(order.supplier)):
            message = EmailMessage(
                subject=_("Purchase order %(number)s") % {"number": order.number},
                body=render_to_string("suppliers/email/purchase_order.txt", context),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[order.supplier.email],
            )
            message.attach(f"{order.number}.pdf", purchase_order_pdf(number=order.number), "application/pdf")
        message.send()
        order.emailed_at = timezone.now()
        order.save(update_fields=["emailed_at"])
    return True
