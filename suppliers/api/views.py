"""REST endpoints of purchasing.

Catalogue CRUD (suppliers, supplier parts) uses generic views; every state
change of an order and every goods receipt is its own view over a service.
A supplier user reads only its own supplier's rows: every queryset here is
scoped by ``_supplier_scope`` before the id is looked up, so another
supplier's id answers 404 exactly like an id that does not exist.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.pagination import StandardPagination
from core.permissions import roles_permission
from core.roles import Role, user_access

from .. import selectors, services
from ..models import (
    GoodsReceipt,
    GoodsReceiptLine,
    NoticeSource,
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
    SupplierPart,
    SupplierRating,
)
from . import serializers as s

PURCHASING = (Role.PURCHASER, Role.MANAGER)
PURCHASING_READ = (Role.PURCHASER, Role.MANAGER, Role.PLANNER)
ORDER_READ = (*PURCHASING_READ, Role.CLERK, Role.SUPPLIER)
RECEIPT_READ = (Role.CLERK, Role.MANAGER, Role.PURCHASER, Role.PLANNER)

IDEMPOTENCY_HEADER = OpenApiParameter(
    name="Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=False,
    description=gettext_lazy(
        "Send the same key when retrying: the receipt is posted once and the retry gets the first one."
    ),
)


def _supplier_scope(request) -> Supplier | None:
    """None for internal users (they see every supplier); the own supplier for a supplier user."""
    access = user_access(request.user)
    if access.is_superuser or access.is_internal:
        return None
    supplier = selectors.supplier_for_user(request.user)
    if supplier is None:
        raise PermissionDenied(_("This login is not linked to a supplier."))
    return supplier


# --- suppliers and their parts --------------------------------------------------------


class SupplierList(generics.ListCreateAPIView):
    """Suppliers; a supplier user sees only itself."""

    permission_classes = [roles_permission(*PURCHASING, read=(*Role.INTERNAL, Role.SUPPLIER))]
    serializer_class = s.SupplierSerializer
    filterset_fields = ["is_active"]
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Supplier.objects.none()
        suppliers = Supplier.objects.order_by("code")
        scope = _supplier_scope(self.request)
        return suppliers.filter(pk=scope.pk) if scope else suppliers


class SupplierDetail(generics.RetrieveUpdateAPIView):
    permission_classes = [roles_permission(*PURCHASING, read=(*Role.INTERNAL, Role.SUPPLIER))]
    serializer_class = s.SupplierSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return SupplierList.get_queryset(self)


class SupplierPartList(generics.ListCreateAPIView):
    """Supplier prices, lead times, MOQ and pack sizes; filter by supplier or part."""

    permission_classes = [roles_permission(*PURCHASING, Role.PLANNER, read=(*Role.INTERNAL, Role.SUPPLIER))]
    serializer_class = s.SupplierPartSerializer
    filterset_fields = ["supplier", "part", "is_preferred"]
    ordering_fields = ["price", "lead_time_days"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SupplierPart.objects.none()
        parts = SupplierPart.objects.select_related("supplier", "part").order_by("supplier__code", "part__number")
        scope = _supplier_scope(self.request)
        return parts.filter(supplier=scope) if scope else parts


class SupplierPartDetail(generics.RetrieveUpdateAPIView):
    permission_classes = [roles_permission(*PURCHASING, Role.PLANNER, read=(*Role.INTERNAL, Role.SUPPLIER))]
    serializer_class = s.SupplierPartSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return SupplierPartList.get_queryset(self)


# --- purchase orders --------------------------------------------------------------------


def _orders(request):
    scope = _supplier_scope(request)
    orders = PurchaseOrder.objects.select_related("supplier", "warehouse")
    return orders.filter(supplier=scope) if scope else orders


def _order(request, pk: int) -> PurchaseOrder:
    return get_object_or_404(_orders(request), pk=pk)


def _order_out(order: PurchaseOrder) -> dict:
    return s.PurchaseOrderSerializer(selectors.purchase_order_detail(order.pk)).data


class PurchaseOrderList(APIView):
    """List orders (filters: supplier, warehouse, state, order_type, overdue, q) or create a draft."""

    permission_classes = [roles_permission(*Role.INTERNAL, read=ORDER_READ)]
    # Declared so the schema shows the page envelope (count/next/previous/results) the GET answers with.
    pagination_class = StandardPagination

    @extend_schema(
        parameters=[
            OpenApiParameter("supplier", int),
            OpenApiParameter("warehouse", int),
            OpenApiParameter("state", str),
            OpenApiParameter("order_type", str),
            OpenApiParameter("overdue", bool),
            OpenApiParameter("q", str, description=gettext_lazy("Order number or reference contains")),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={200: s.PurchaseOrderListSerializer(many=True)},
    )
    def get(self, request):
        params = request.query_params
        scope = _supplier_scope(request)
        orders = selectors.purchase_order_list(
            supplier_id=scope.pk if scope else _int(params, "supplier"),
            warehouse_id=_int(params, "warehouse"),
            state=params.get("state") or None,
            order_type=params.get("order_type") or None,
            overdue=params.get("overdue") == "true",
            query=params.get("q", ""),
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(orders, request, view=self)
        return paginator.get_paginated_response(s.PurchaseOrderListSerializer(page, many=True).data)

    @extend_schema(request=s.PurchaseOrderCreateSerializer, responses={201: s.PurchaseOrderSerializer})
    def post(self, request):
        data = s.PurchaseOrderCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        lines = [(line["part"], line["quantity"], line["price"]) for line in values.pop("lines")]
        order = services.purchase_order_create(lines=lines, user=request.user, **values)
        return Response(_order_out(order), status=status.HTTP_201_CREATED)


def _int(params, name: str) -> int | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationError({name: [_("Give a whole-number id.")]}) from None


class PurchaseOrderDetail(APIView):
    permission_classes = [roles_permission(*ORDER_READ)]

    @extend_schema(responses={200: s.PurchaseOrderSerializer})
    def get(self, request, pk: int):
        return Response(_order_out(_order(request, pk)))


class PurchaseOrderLineAdd(APIView):
    """Add a part to a draft (adds to the quantity when the part is already on it)."""

    permission_classes = [roles_permission(*PURCHASING_READ)]

    @extend_schema(request=s.OrderLineInputSerializer, responses={201: s.PurchaseOrderLineSerializer})
    def post(self, request, pk: int):
        order = _order(request, pk)
        data = s.OrderLineInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = services.purchase_order_line_add(order=order, user=request.user, **data.validated_data)
        return Response(s.PurchaseOrderLineSerializer(line).data, status=status.HTTP_201_CREATED)


class PurchaseOrderLineDetail(APIView):
    """Change or remove a draft line."""

    permission_classes = [roles_permission(*PURCHASING_READ)]

    def _line(self, request, pk: int) -> PurchaseOrderLine:
        return get_object_or_404(
            PurchaseOrderLine.objects.select_related("part").filter(order__in=_orders(request)), pk=pk
        )

    @extend_schema(request=s.LineUpdateSerializer, responses={200: s.PurchaseOrderLineSerializer})
    def patch(self, request, pk: int):
        line = self._line(request, pk)
        data = s.LineUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = services.purchase_order_line_update(line=line, user=request.user, **data.validated_data)
        return Response(s.PurchaseOrderLineSerializer(line).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        services.purchase_order_line_remove(line=self._line(request, pk), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class _Transition(APIView):
    # Role checks per transition are the service's; this only needs a login
    # that may see the order at all (a supplier user sees only its own).
    permission_classes = [roles_permission(*Role.INTERNAL, Role.SUPPLIER)]


class PurchaseOrderApprove(_Transition):
    """A manager approves a draft (needed above PURCHASE_APPROVAL_THRESHOLD before sending)."""

    @extend_schema(request=None, responses={200: s.PurchaseOrderSerializer})
    def post(self, request, pk: int):
        return Response(_order_out(services.purchase_order_approve(order=_order(request, pk), user=request.user)))


class PurchaseOrderSend(_Transition):
    """Send a draft; the PO is mailed to the supplier after commit."""

    @extend_schema(request=None, responses={200: s.PurchaseOrderSerializer})
    def post(self, request, pk: int):
        return Response(_order_out(services.purchase_order_send(order=_order(request, pk), user=request.user)))


class PurchaseOrderConfirm(_Transition):
    """The supplier (or purchasing for it) confirms a sent order, optionally per line."""

    @extend_schema(request=s.ConfirmSerializer, responses={200: s.PurchaseOrderSerializer})
    def post(self, request, pk: int):
        order = _order(request, pk)
        data = s.ConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lines_by_id = {line.pk: line for line in order.lines.all()}
        lines = []
        for item in data.validated_data["lines"]:
            line = lines_by_id.get(item["line"])
            if line is None:
                raise ValidationError(
                    {"lines": [_("Line %(line)s is not on %(order)s.") % {"line": item["line"], "order": order.number}]}
                )
            lines.append((line, item["promised_date"], item["confirmed_quantity"]))
        order = services.purchase_order_confirm(order=order, user=request.user, lines=lines)
        return Response(_order_out(order))


class PurchaseOrderCancel(_Transition):
    @extend_schema(request=s.CancelSerializer, responses={200: s.PurchaseOrderSerializer})
    def post(self, request, pk: int):
        order = _order(request, pk)
        data = s.CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.purchase_order_cancel(order=order, user=request.user, reason=data.validated_data["reason"])
        return Response(_order_out(order))


class PurchaseOrderClose(_Transition):
    @extend_schema(request=None, responses={200: s.PurchaseOrderSerializer})
    def post(self, request, pk: int):
        return Response(_order_out(services.purchase_order_close(order=_order(request, pk), user=request.user)))


# --- goods receipts ------------------------------------------------------------------------


def _receipts():
    return GoodsReceipt.objects.select_related("purchase_order", "warehouse", "posted_by").prefetch_related(
        Prefetch("lines", queryset=GoodsReceiptLine.objects.select_related("part", "bin"))
    )


class GoodsReceiptList(APIView):
    """List receipts (filter: purchase_order) or post one. Posting is idempotent by key."""

    permission_classes = [roles_permission(Role.CLERK, Role.MANAGER, read=RECEIPT_READ)]
    # Declared so the schema shows the page envelope (count/next/previous/results) the GET answers with.
    pagination_class = StandardPagination

    @extend_schema(
        parameters=[OpenApiParameter("purchase_order", int), OpenApiParameter("page", int)],
        responses={200: s.GoodsReceiptSerializer(many=True)},
    )
    def get(self, request):
        receipts = _receipts().order_by("-posted_at", "-id")
        order_id = _int(request.query_params, "purchase_order")
        if order_id:
            receipts = receipts.filter(purchase_order_id=order_id)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(receipts, request, view=self)
        return paginator.get_paginated_response(s.GoodsReceiptSerializer(page, many=True).data)

    @extend_schema(
        request=s.GoodsReceiptCreateSerializer,
        responses={201: s.GoodsReceiptSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def post(self, request):
        data = s.GoodsReceiptCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        order = get_object_or_404(PurchaseOrder, pk=values["purchase_order"])
        order_lines = {line.pk: line for line in order.lines.select_related("part")}
        lines = []
        for item in values["lines"]:
            po_line = None
            if item["po_line"] is not None:
                po_line = order_lines.get(item["po_line"])
                if po_line is None:
                    raise ValidationError(
                        {
                            "lines": [
                                _("Line %(po_line)s is not on %(order)s.")
                                % {"po_line": item["po_line"], "order": order.number}
                            ]
                        }
                    )
            lines.append(
                services.ReceiptLineInput(
                    po_line=po_line,
                    part=item["part"],
                    quantity=item["quantity"],
                    bin=item["bin"],
                    hold=item["hold"],
                    unit_cost=item["unit_cost"],
                )
            )
        key = request.headers.get("Idempotency-Key", "").strip() or values["idempotency_key"] or None
        if key is not None and len(key) > 100:
            raise ValidationError({"Idempotency-Key": [_("An idempotency key has at most 100 characters.")]})
        receipt = services.goods_receipt_post(
            order=order,
            lines=lines,
            user=request.user,
            arrived_at=values["arrived_at"],
            idempotency_key=key,
            delivery_note=values["delivery_note"],
        )
        return Response(s.GoodsReceiptSerializer(_receipts().get(pk=receipt.pk)).data, status=status.HTTP_201_CREATED)


class GoodsReceiptDetail(APIView):
    permission_classes = [roles_permission(*RECEIPT_READ)]

    @extend_schema(responses={200: s.GoodsReceiptSerializer})
    def get(self, request, pk: int):
        return Response(s.GoodsReceiptSerializer(get_object_or_404(_receipts(), pk=pk)).data)


class GoodsReceiptLineRelease(APIView):
    """Release a held line to stock (purchasing, managers)."""

    permission_classes = [roles_permission(*PURCHASING)]

    @extend_schema(request=s.ReleaseSerializer, responses={200: s.GoodsReceiptLineSerializer})
    def post(self, request, pk: int):
        data = s.ReleaseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = get_object_or_404(GoodsReceiptLine, pk=pk)
        line = services.goods_receipt_line_release(line=line, user=request.user, note=data.validated_data["note"])
        return Response(s.GoodsReceiptLineSerializer(line).data)


class GoodsReceiptLineReject(APIView):
    """Reject a held line: returned to the supplier from quarantine, recorded against the supplier."""

    permission_classes = [roles_permission(*PURCHASING)]

    @extend_schema(request=s.RejectSerializer, responses={200: s.GoodsReceiptLineSerializer})
    def post(self, request, pk: int):
        data = s.RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = get_object_or_404(GoodsReceiptLine, pk=pk)
        services.goods_receipt_line_reject(line=line, user=request.user, reason=data.validated_data["reason"])
        line.refresh_from_db()
        return Response(s.GoodsReceiptLineSerializer(line).data)


# --- ratings ---------------------------------------------------------------------------------


class SupplierRatingList(generics.ListAPIView):
    """Monthly rating history; a supplier user sees only its own rows."""

    permission_classes = [roles_permission(*PURCHASING_READ, Role.SUPPLIER)]
    serializer_class = s.SupplierRatingSerializer
    filterset_fields = ["supplier", "month", "grade"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SupplierRating.objects.none()
        ratings = selectors.supplier_rating_list()
        scope = _supplier_scope(self.request)
        return ratings.filter(supplier=scope) if scope else ratings


# --- shipping notices and re-confirmation ------------------------------------------------

NOTICE_READ = (*PURCHASING_READ, Role.CLERK, Role.SUPPLIER)


def _notices(request):
    scope = _supplier_scope(request)
    return selectors.shipment_notice_list(supplier_id=scope.pk if scope else None)


class ShipmentNoticeList(APIView):
    """Shipping notices (a supplier sees its own), or announce one against an own open order."""

    permission_classes = [roles_permission(*PURCHASING, Role.SUPPLIER, read=NOTICE_READ)]
    pagination_class = StandardPagination

    @extend_schema(
        parameters=[OpenApiParameter("purchase_order", int), OpenApiParameter("page", int)],
        responses={200: s.ShipmentNoticeSerializer(many=True)},
    )
    def get(self, request):
        notices = _notices(request)
        order_id = _int(request.query_params, "purchase_order")
        if order_id is not None:
            notices = notices.filter(purchase_order_id=order_id)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(notices, request, view=self)
        return paginator.get_paginated_response(s.ShipmentNoticeSerializer(page, many=True).data)

    @extend_schema(request=s.ShipmentNoticeCreateSerializer, responses={201: s.ShipmentNoticeSerializer})
    def post(self, request):
        _supplier_scope(request)  # a login without a supplier is refused before its input is read
        data = s.ShipmentNoticeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        order = _order(request, values["purchase_order"])
        lines_by_id = {line.pk: line for line in order.lines.all()}
        lines = []
        for item in values["lines"]:
            line = lines_by_id.get(item["line"])
            if line is None:
                raise ValidationError(
                    {"lines": [_("Line %(line)s is not on %(order)s.") % {"line": item["line"], "order": order.number}]}
                )
            lines.append((line, item["quantity"]))
        notice = services.shipment_notice_announce(
            order=order,
            user=request.user,
            delivery_note=values["delivery_note"],
            expected_arrival=values["expected_arrival"],
            lines=lines,
            source=NoticeSource.API,
        )
        notice = _notices(request).get(pk=notice.pk)
        return Response(s.ShipmentNoticeSerializer(notice).data, status=status.HTTP_201_CREATED)


class ShipmentNoticeDetail(APIView):
    permission_classes = [roles_permission(*PURCHASING, Role.SUPPLIER, read=NOTICE_READ)]

    @extend_schema(responses={200: s.ShipmentNoticeSerializer})
    def get(self, request, pk: int):
        return Response(s.ShipmentNoticeSerializer(get_object_or_404(_notices(request), pk=pk)).data)


class PurchaseOrderReconfirm(_Transition):
    """The supplier changes a confirmed date or quantity (with a reason) until the line ships."""

    @extend_schema(request=s.ReconfirmSerializer, responses={200: s.LineConfirmationSerializer(many=True)})
    def post(self, request, pk: int):
        order = _order(request, pk)
        data = s.ReconfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lines_by_id = {line.pk: line for line in order.lines.all()}
        lines = []
        for item in data.validated_data["lines"]:
            line = lines_by_id.get(item["line"])
            if line is None:
                raise ValidationError(
                    {"lines": [_("Line %(line)s is not on %(order)s.") % {"line": item["line"], "order": order.number}]}
                )
            lines.append((line, item["promised_date"], item["confirmed_quantity"]))
        entries = services.purchase_order_reconfirm(
            order=order, user=request.user, lines=lines, reason=data.validated_data["reason"]
        )
        return Response(s.LineConfirmationSerializer(entries, many=True).data)
