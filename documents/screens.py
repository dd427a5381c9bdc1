"""From a movement's document (type and printed number) to the screen that shows it."""

from __future__ import annotations

from django.urls import reverse

from inventory.models import WorkshopRequest
from inventory.scan_codes import transfer_pk
from suppliers.models import GoodsReceipt


def _workshop_request(number: str) -> str | None:
    digits = number.strip().upper().removeprefix("WR-")
    if not digits.isdigit() or not WorkshopRequest.objects.filter(pk=int(digits)).exists():
        return None
    return reverse("inventory:request-detail", args=[int(digits)])


def _goods_receipt(number: str) -> str | None:
    pk = GoodsReceipt.objects.filter(number=number.strip()).values_list("pk", flat=True).first()
    return reverse("suppliers:receipt-detail", args=[pk]) if pk is not None else None


def _transfer(number: str) -> str | None:
    pk = transfer_pk(number)
    return reverse("inventory:transfer-detail", args=[pk]) if pk is not None else None


# document_type of a movement -> finder of the screen of its document.
SCREENS = {
    "goods_receipt": _goods_receipt,
    "transfer": _transfer,
    "workshop_request": _workshop_request,
    "workshop_reservation": _workshop_request,
    "workshop_backorder": _workshop_request,
    "workshop_return": _workshop_request,
}


def screen_url(document_type: str, number: str) -> str | None:
    finder = SCREENS.get(document_type)
    return finder(number) if finder is not None and number else None
