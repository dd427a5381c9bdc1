from django.urls import path

from . import views

urlpatterns = [
    path("parts/", views.PartListCreate.as_view(), name="api-part-list"),
    path("parts/lookup/", views.PartLookup.as_view(), name="api-part-lookup"),
    path("parts/<int:pk>/", views.PartDetail.as_view(), name="api-part-detail"),
    path("parts/<int:pk>/supersede/", views.PartSupersede.as_view(), name="api-part-supersede"),
    path("warehouses/", views.WarehouseList.as_view(), name="api-warehouse-list"),
    path("warehouses/<int:pk>/", views.WarehouseDetail.as_view(), name="api-warehouse-detail"),
    path("bins/", views.BinList.as_view(), name="api-bin-list"),
    path("stock-levels/", views.StockLevelList.as_view(), name="api-stock-level-list"),
    path("stock-levels/limits/", views.StockLimits.as_view(), name="api-stock-limits"),
    path("movements/", views.MovementList.as_view(), name="api-movement-list"),
    path("movements/<int:pk>/reverse/", views.MovementReverse.as_view(), name="api-movement-reverse"),
    path("stock/receipts/", views.ReceiptCreate.as_view(), name="api-stock-receipt"),
    path("stock/issues/", views.IssueCreate.as_view(), name="api-stock-issue"),
    path("stock/transfers/", views.TransferCreate.as_view(), name="api-stock-transfer"),
    path("stock/adjustments/", views.AdjustmentCreate.as_view(), name="api-stock-adjustment"),
    path("stock/scraps/", views.ScrapCreate.as_view(), name="api-stock-scrap"),
    path("stock/bin-moves/", views.BinMoveCreate.as_view(), name="api-stock-bin-move"),
]

# Workshop demand, backorders and transfer orders: one view per state transition.
from inventory.demand.api import views as dv  # noqa: E402

urlpatterns += [
    path("workshop-requests/", dv.WorkshopRequestListCreate.as_view(), name="api-workshop-request-list"),
    path("workshop-requests/<int:pk>/", dv.WorkshopRequestDetail.as_view(), name="api-workshop-request-detail"),
    path("workshop-requests/<int:pk>/pick/", dv.WorkshopRequestPick.as_view(), name="api-workshop-request-pick"),
    path("pick-list/", dv.PickList.as_view(), name="api-pick-list"),
    path("availability/", dv.RequestAvailability.as_view(), name="api-request-availability"),
    path("counter-sales/", dv.CounterSaleCreate.as_view(), name="api-counter-sale"),
    path("backorders/", dv.BackorderList.as_view(), name="api-backorder-list"),
    path("backorders/<int:pk>/proposals/", dv.BackorderProposals.as_view(), name="api-backorder-proposals"),
    path("backorders/<int:pk>/transfer/", dv.BackorderAcceptTransfer.as_view(), name="api-backorder-transfer"),
    path("backorders/<int:pk>/cancel/", dv.BackorderCancel.as_view(), name="api-backorder-cancel"),
    path("transfer-orders/", dv.TransferOrderListCreate.as_view(), name="api-transfer-order-list"),
    path("transfer-orders/<int:pk>/", dv.TransferOrderDetail.as_view(), name="api-transfer-order-detail"),
    path("transfer-orders/<int:pk>/send/", dv.TransferOrderSend.as_view(), name="api-transfer-order-send"),
    path("transfer-orders/<int:pk>/receive/", dv.TransferOrderReceive.as_view(), name="api-transfer-order-receive"),
    path("transfer-orders/<int:pk>/cancel/", dv.TransferOrderCancel.as_view(), name="api-transfer-order-cancel"),
]

from . import ledger_views as lv  # noqa: E402

urlpatterns += [
    path("closed-periods/", lv.ClosedPeriods.as_view(), name="api-closed-periods"),
    path("closed-periods/reopen/", lv.PeriodReopen.as_view(), name="api-period-reopen"),
    path("ledger-settings/", lv.LedgerSettingsView.as_view(), name="api-ledger-settings"),
    path("audit/", lv.AuditList.as_view(), name="api-audit"),
]

# Returns from the workshop and from counter customers.
from inventory.demand.api import returns as rv  # noqa: E402

urlpatterns += [
    path("workshop-returns/", rv.WorkshopReturnCreate.as_view(), name="api-workshop-return"),
    path("customer-returns/", rv.CustomerReturnCreate.as_view(), name="api-customer-return"),
]

from inventory.demand.api import reservations as resv  # noqa: E402

urlpatterns += [path("reservations/", resv.ReservationCreate.as_view(), name="api-reservation")]

# Freezes of stock on the shelf.
from . import freezes as fz  # noqa: E402

urlpatterns += [
    path("stock/freezes/", fz.FreezeListCreate.as_view(), name="api-freeze-list"),
    path("stock/freezes/<int:pk>/", fz.FreezeDetail.as_view(), name="api-freeze-detail"),
    path("stock/freezes/<int:pk>/release/", fz.FreezeRelease.as_view(), name="api-freeze-release"),
    path("stock/freezes/<int:pk>/scrap/", fz.FreezeScrap.as_view(), name="api-freeze-scrap"),
]
