"""Every document renders as a PDF whose text carries what it must (and a count sheet no quantities)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from documents.documents import document_pdf
from documents.selectors import DocumentNotFound, rma_number
from suppliers import services
from suppliers.services.mail import purchase_order_email_send

from ..suppliers.factories import SupplierFactory, SupplierUserFactory
from .pdf import pdf_text

pytestmark = pytest.mark.usefixtures("postgres")


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_purchase_order_pdf_has_header_supplier_lines_and_total(sent_order, settings):
    settings.DOCUMENT_COMPANY_HEADER = ["Acme Motors Parts", "1 Dock Road"]
    text = _squash(pdf_text(document_pdf(kind="po", number=sent_order.number)))
    assert f"Purchase order {sent_order.number}" in text
    for expected in ("Acme Motors Parts", "1 Dock Road", "广州汽配 Parts Co", "GZ-88", "BP-4471", "刹车片 前轮"):
        assert expected in text
    assert "12.50" in text
    assert "Total 50.00" in text


def test_purchase_order_mail_carries_the_pdf(sent_order):
    mail.outbox.clear()
    assert purchase_order_email_send(order_id=sent_order.pk) is True
    (message,) = mail.outbox
    ((filename, content, mimetype),) = message.attachments
    assert (filename, mimetype) == (f"{sent_order.number}.pdf", "application/pdf")
    assert "GZ-88" in pdf_text(content)


def test_pick_list_walks_the_bins_in_order_with_a_barcode_per_line(workshop_request):
    text = _squash(pdf_text(document_pdf(kind="picklist", number=workshop_request.number)))
    assert f"Pick list {workshop_request.number}" in text
    assert "RO-77" in text
    assert text.index("A-01") < text.index("OF-1000") < text.index("B-02") < text.index("BP-4471")


def test_a_days_pick_list_gathers_the_warehouses_open_requests(workshop_request, warehouse):
    day = timezone.localtime(workshop_request.created_at).date().isoformat()
    text = _squash(pdf_text(document_pdf(kind="picklist", number=f"{warehouse.code}:{day}")))
    assert "OF-1000" in text
    assert "BP-4471" in text


def test_receipt_slip_shows_received_quantity_and_bin(receipt):
    text = _squash(pdf_text(document_pdf(kind="receipt", number=receipt.number)))
    assert f"Goods receipt {receipt.number}" in text
    assert "BP-4471" in text
    assert "3 PCS" in text
    assert "R-07" in text


def test_transfer_note_carries_the_transfer_code(transfer):
    text = _squash(pdf_text(document_pdf(kind="transfer", number=transfer.number)))
    assert f"Delivery note {transfer.number}" in text
    assert f"TRF:{transfer.number}" in text
    assert "5 PCS" in text


def test_count_sheet_is_blind(count_list):
    text = _squash(pdf_text(document_pdf(kind="count", number=str(count_list.pk))))
    assert "Count sheet" in text
    assert "C-03" in text
    assert "BP-4471" in text
    assert "987654" not in text


def test_return_note_carries_the_rma_number(sent_order, clerk, warehouse, purchaser):
    line = sent_order.lines.get()
    receipt = services.goods_receipt_post(order=sent_order, lines=[(line, 2, None, True)], user=clerk)
    reject = services.goods_receipt_line_reject(line=receipt.lines.get(), user=purchaser, reason="Wrong thread")
    text = _squash(pdf_text(document_pdf(kind="return", number=rma_number(reject))))
    assert f"Return note {rma_number(reject)}" in text
    for expected in ("广州汽配 Parts Co", "Wrong thread", sent_order.number, receipt.number):
        assert expected in text


@pytest.mark.parametrize("kind", ["po", "picklist", "receipt", "transfer", "count", "return"])
def test_unknown_numbers_are_not_found(kind):
    with pytest.raises(DocumentNotFound):
        document_pdf(kind=kind, number="NOPE-1")


def test_print_document_command_writes_the_file(sent_order, tmp_path):
    output = tmp_path / "po.pdf"
    call_command("print_document", "po", sent_order.number, "--output", str(output))
    assert "GZ-88" in pdf_text(output.read_bytes())


def test_purchasers_download_the_po_and_the_workshop_may_not(client, sent_order, purchaser, make_user):
    url = reverse("documents:document", args=["po", sent_order.number])
    client.force_login(purchaser)
    response = client.get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    client.force_login(make_user("workshop"))
    assert client.get(url).status_code == 403


def test_a_supplier_downloads_its_own_po_and_not_anothers(client, sent_order):
    own = SupplierUserFactory(supplier=sent_order.supplier).user
    other = SupplierUserFactory(supplier=SupplierFactory()).user
    url = reverse("documents:portal-po", args=[sent_order.number])
    client.force_login(own)
    response = client.get(url)
    assert response.status_code == 200
    assert "GZ-88" in pdf_text(response.content)
    client.force_login(other)
    assert client.get(url).status_code == 404


def test_bad_label_input_is_a_400(client, receipt, clerk):
    client.force_login(clerk)
    response = client.get(reverse("documents:receipt-labels", args=[receipt.number]), {"per": "box", "layout": "a4"})
    assert response.status_code == 400


def test_the_pick_list_screen_links_each_request_and_the_days_list(client, workshop_request, clerk, warehouse):
    client.force_login(clerk)
    html = client.get(reverse("inventory:pick-list")).content.decode()
    day = timezone.localtime(workshop_request.created_at).date().isoformat()
    assert reverse("documents:document", args=["picklist", workshop_request.number]) in html
    assert reverse("documents:document", args=["picklist", f"{warehouse.code}:{day}"]) in html


def test_a_rejected_receipt_line_links_its_return_note(client, sent_order, clerk, purchaser):
    line = sent_order.lines.get()
    receipt = services.goods_receipt_post(order=sent_order, lines=[(line, 2, None, True)], user=clerk)
    reject = services.goods_receipt_line_reject(line=receipt.lines.get(), user=purchaser, reason="Wrong thread")
    client.force_login(purchaser)
    html = client.get(reverse("suppliers:receipt-detail", args=[receipt.pk])).content.decode()
    url = reverse("documents:document", args=["return", reject.pk])
    assert url in html
    assert f"Return note {rma_number(reject)}" in _squash(pdf_text(client.get(url).content))
