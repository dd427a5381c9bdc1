"""Downloads: documents and labels as PDF. Each view parses its input with a form and calls one builder."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from core.permissions import RoleRequiredMixin
from core.roles import DOCUMENT_NETWORK_ROLES, Role, user_access
from suppliers.selectors import supplier_for_user

from . import screens, selectors
from .documents import BUILDERS, purchase_order_pdf
from .forms import BinLabelForm, PartLabelForm, ReceiptLabelForm
from .label_sets import TooManyLabels, bin_labels, labels_pdf, part_labels, receipt_labels
from .pdf import render_table_document
from .scope import document_warehouses, warehouse_of_code

DOCUMENT_ROLES = (Role.CLERK, Role.MANAGER, Role.PURCHASER, Role.PLANNER)
LABEL_ROLES = (Role.CLERK, Role.MANAGER, Role.PURCHASER, Role.PLANNER)


def document_scope(user) -> frozenset[int] | None:
    """The warehouses whose documents a user downloads: None (all) for the network's roles, else their own."""
    return user_access(user).warehouse_scope(DOCUMENT_NETWORK_ROLES)


def require_document_in_scope(user, *, kind: str, number: str) -> None:
    """``DocumentNotFound`` for a document of another warehouse: out of scope looks like no such number."""
    scope = document_scope(user)
    if scope is not None and not scope & document_warehouses(kind=kind, number=number):
        raise selectors.DocumentNotFound(number)


def require_warehouse_in_scope(user, warehouse_ids: frozenset[int], *, what: str) -> None:
    """``DocumentNotFound`` for labels of another warehouse than the user's own, as for its documents."""
    scope = document_scope(user)
    if scope is not None and not scope & warehouse_ids:
        raise selectors.DocumentNotFound(what)


def pdf_response(content: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _form_error(form) -> HttpResponseBadRequest:
    text = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())
    return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")


class DocumentView(RoleRequiredMixin, View):
    """Any document by kind and printed number: staff those of their warehouses (the network's roles every
    one); the workshop prints the slips of its own issues."""

    required_roles = (*DOCUMENT_ROLES, Role.WORKSHOP)

    def get(self, request, kind: str, number: str):
        if kind not in BUILDERS:
            raise Http404(_("No such document kind."))
        options = {}
        staff = user_access(request.user).has_any(set(DOCUMENT_ROLES))
        if not staff:
            if kind != "issue":
                raise PermissionDenied(_("Your role does not give access to this page."))
            options["requested_by"] = request.user
        try:
            if staff:
                require_document_in_scope(request.user, kind=kind, number=number)
            pdf = render_table_document(BUILDERS[kind](number=number, **options))
        except selectors.DocumentNotFound:
            raise Http404(_("No such document.")) from None
        return pdf_response(pdf, f"{kind}-{number}.pdf".replace(":", "_"))


class DocumentScreenView(RoleRequiredMixin, View):
    """A movement's document on its own screen: the movement list links here by type and number.

    The screen itself checks the role and warehouse as usual.
    """

    required_roles = (*DOCUMENT_ROLES, Role.WORKSHOP)

    def get(self, request, document_type: str, number: str):
        url = screens.screen_url(document_type, number)
        if url is None:
            raise Http404(_("No such document."))
        return redirect(url)


class PortalPurchaseOrderView(View):
    """The supplier's own purchase order only: another supplier's number is simply not found."""

    def get(self, request, number: str):
        if not request.user.is_authenticated:
            raise PermissionDenied(_("Log in first."))
        supplier = supplier_for_user(request.user)
        if supplier is None or Role.SUPPLIER not in user_access(request.user).roles:
            raise PermissionDenied(_("The supplier portal is for supplier users."))
        try:
            pdf = purchase_order_pdf(number=number, supplier=supplier)
        except selectors.DocumentNotFound:
            raise Http404(_("No such purchase order.")) from None
        return pdf_response(pdf, f"{number}.pdf", inline=False)


class ReceiptLabelsView(RoleRequiredMixin, View):
    required_roles = LABEL_ROLES

    def get(self, request, number: str):
        form = ReceiptLabelForm(request.GET)
        if not form.is_valid():
            return _form_error(form)
        try:
            require_document_in_scope(request.user, kind="receipt", number=number)
            labels = receipt_labels(number=number, per=form.cleaned_data["per"])
            pdf = labels_pdf(labels, layout=form.cleaned_data["layout"])
        except selectors.DocumentNotFound:
            raise Http404(_("No such goods receipt.")) from None
        except TooManyLabels as error:
            return HttpResponseBadRequest(str(error))
        return pdf_response(pdf, f"labels-{number}.pdf")


class PartLabelsView(RoleRequiredMixin, View):
    required_roles = LABEL_ROLES

    def get(self, request):
        form = PartLabelForm(request.GET)
        if not form.is_valid():
            return _form_error(form)
        data = form.cleaned_data
        try:
            if data["warehouse"]:
                require_warehouse_in_scope(request.user, frozenset({data["warehouse"]}), what=data["number"])
            labels = part_labels(numbers=[data["number"]], warehouse_id=data["warehouse"], copies=data["copies"] or 1)
        except selectors.DocumentNotFound:
            raise Http404(_("No such part.")) from None
        return pdf_response(labels_pdf(labels, layout=data["layout"]), "part-labels.pdf")


class BinLabelsView(RoleRequiredMixin, View):
    required_roles = LABEL_ROLES

    def get(self, request):
        form = BinLabelForm(request.GET)
        if not form.is_valid():
            return _form_error(form)
        data = form.cleaned_data
        codes = [code.strip() for code in data["bin"].split(",") if code.strip()]
        warehouse = data["warehouse"].strip()
        try:
            require_warehouse_in_scope(request.user, warehouse_of_code(warehouse), what=warehouse)
            if not codes:
                codes = list(selectors.bin_codes_of_warehouse(warehouse_code=warehouse))
            labels = bin_labels(pairs=[(warehouse, code) for code in codes], symbology=data["symbology"])
            pdf = labels_pdf(labels, layout=data["layout"])
        except selectors.DocumentNotFound:
            raise Http404(_("No such bin.")) from None
        except TooManyLabels as error:
            return HttpResponseBadRequest(str(error))
        return pdf_response(pdf, f"bin-labels-{warehouse}.pdf")
