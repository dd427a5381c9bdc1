"""Notifications are kept as a message id with values and read, mailed and digested in each reader's language."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop

from core import events
from core.messages import Message
from core.models import MailMode, Notification, UserProfile
from core.roles import Role
from core.services import notification_digest_send, notification_preferences_set, notify
from suppliers.models import OrderState, SupplierUser
from suppliers.services.mail import purchase_order_email_send

from ..factories import UserFactory, WarehouseFactory
from ..suppliers.factories import SupplierPartFactory

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def readers():
    """A purchaser who reads Traditional Chinese and one who reads English."""
    chinese = UserFactory(roles=[Role.PURCHASER], email="lin@example.com")
    UserProfile.objects.create(user=chinese, language="zh-hant")
    english = UserFactory(roles=[Role.PURCHASER], email="pat@example.com")
    return chinese, english


def _tell(users) -> None:
    """A note written in an English request, as a clerk's posting would write it."""
    with translation.override("en"):
        notify(
            users=users,
            kind=events.TRANSFER_SENT,
            message=gettext_noop("%(transfer)s left %(from)s; receive it when it arrives."),
            params={"transfer": "TR-2026-000007", "from": "CEN"},
            link="/inventory/transfers/7/",
            email_subject=gettext_noop("Transfer %(transfer)s sent"),
            subject_params={"transfer": "TR-2026-000007"},
        )


def test_a_note_written_in_english_reads_in_each_readers_language(client, readers):
    chinese, english = readers

    _tell([chinese, english])

    note = Notification.objects.get(user=chinese)
    assert note.message == "TR-2026-000007 left CEN; receive it when it arrives."
    assert (note.message_id, note.params) == (
        "%(transfer)s left %(from)s; receive it when it arrives.",
        {"transfer": "TR-2026-000007", "from": "CEN"},
    )
    client.force_login(chinese)
    assert (
        "TR-2026-000007 已從 CEN 出貨；到貨時請收貨。"
        in client.get(reverse("suppliers:notifications")).content.decode()
    )
    client.force_login(english)
    page = client.get(reverse("suppliers:notifications")).content.decode()
    assert "TR-2026-000007 left CEN; receive it when it arrives." in page
    assert "已從" not in page


def test_each_recipient_is_mailed_in_their_language(readers, django_capture_on_commit_callbacks):
    chinese, english = readers

    with django_capture_on_commit_callbacks(execute=True):
        _tell([chinese, english])

    mails = sorted(mail.outbox, key=lambda message: message.to)
    assert [(m.to, m.subject, m.body) for m in mails] == [
        (["lin@example.com"], "調撥 TR-2026-000007 已出貨", "TR-2026-000007 已從 CEN 出貨；到貨時請收貨。"),
        (["pat@example.com"], "Transfer TR-2026-000007 sent", "TR-2026-000007 left CEN; receive it when it arrives."),
    ]


def test_the_digest_is_in_the_readers_language(readers, django_capture_on_commit_callbacks):
    chinese, _english = readers
    notification_preferences_set(user=chinese, modes={events.TRANSFER_SENT: MailMode.DIGEST})
    with django_capture_on_commit_callbacks(execute=True):
        _tell([chinese])
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        assert notification_digest_send() == 1

    (digest,) = mail.outbox
    assert digest.subject == "您的每日摘要：1 則通知"
    assert digest.body.endswith("  TR-2026-000007 已從 CEN 出貨；到貨時請收貨。")


def test_translatable_values_are_translated_for_each_reader(readers):
    chinese, english = readers
    with translation.override("en"):
        notify(
            users=[chinese, english],
            message=gettext_noop("%(supplier)s changed its confirmation of %(order)s (%(reason)s): %(changes)s."),
            params={
                "supplier": "ACME",
                "order": "PO-2026-000001",
                "reason": "late",
                "changes": [
                    Message(
                        gettext_noop("line %(no)s %(part)s: %(old_date)s → %(new_date)s, %(old_qty)s → %(new_qty)s"),
                        {
                            "no": 1,
                            "part": "OF-1",
                            "old_date": "–",
                            "new_date": "2027-01-15",
                            "old_qty": "–",
                            "new_qty": "8",
                        },
                    )
                ],
                "state": OrderState.SENT.label,
            },
        )

    note = Notification.objects.get(user=chinese)
    assert note.message == "ACME changed its confirmation of PO-2026-000001 (late): line 1 OF-1: – → 2027-01-15, – → 8."
    assert note.params["state"] == {"msgid": "sent"}
    with translation.override("zh-hant"):
        assert note.text == "ACME 變更了 PO-2026-000001 的確認（late）：第 1 行 OF-1：– → 2027-01-15，– → 8。"


def test_notes_from_before_message_ids_still_read(readers):
    chinese, _english = readers
    old = Notification.objects.create(user=chinese, message="Hold on GR-1")

    with translation.override("zh-hant"):
        assert old.text == "Hold on GR-1"


def test_the_purchase_order_mail_is_in_the_suppliers_language(readers):
    supplier_part = SupplierPartFactory(price=Decimal(3))
    supplier = supplier_part.supplier
    portal_user = UserFactory(roles=[Role.SUPPLIER])
    SupplierUser.objects.create(user=portal_user, supplier=supplier)
    UserProfile.objects.create(user=portal_user, language="zh-hant")
    from suppliers import services

    purchaser = UserFactory(roles=[Role.PURCHASER])
    order = services.purchase_order_create(
        supplier=supplier,
        warehouse=WarehouseFactory(code="CEN", name="Central"),
        order_type="stock",
        lines=[(supplier_part.part, Decimal(5), None)],
        user=purchaser,
    )
    order.state = OrderState.SENT
    order.save(update_fields=["state"])

    with translation.override("en"):
        assert purchase_order_email_send(order_id=order.pk) is True

    (sent,) = mail.outbox
    assert sent.subject == f"採購單 {order.number}"
    assert "訂單類型： 備貨訂單" in sent.body
    assert "請在供應商入口確認此訂單與您的交貨日期。" in sent.body
