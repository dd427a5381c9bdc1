from django.urls import path

from . import views, views_users

app_name = "inventory"

urlpatterns = [
    path("lookup/", views.StockLookupView.as_view(), name="stock-lookup"),
    path("stock/", views.StockLevelListView.as_view(), name="stock-levels"),
    path("movements/", views.MovementListView.as_view(), name="movements"),
    path("users/", views_users.UserListView.as_view(), name="users"),
    path("users/<int:pk>/", views_users.UserAccessView.as_view(), name="user-access"),
]

from . import views_ledger  # noqa: E402

urlpatterns += [
    path("periods/", views_ledger.PeriodsView.as_view(), name="periods"),
    path("audit/", views_ledger.AuditView.as_view(), name="audit"),
]

# Workshop demand, pick list, backorders and transfer orders.
from .demand import views as views_demand  # noqa: E402

urlpatterns += [
    path("requests/new/", views_demand.RequestNewView.as_view(), name="request-new"),
    path("requests/availability/", views_demand.RequestAvailabilityView.as_view(), name="request-availability"),
    path("requests/", views_demand.RequestListView.as_view(), name="requests"),
    path("requests/<int:pk>/", views_demand.RequestDetailView.as_view(), name="request-detail"),
    path("requests/<int:pk>/pick/", views_demand.RequestPickView.as_view(), name="request-pick"),
    path("pick-list/", views_demand.PickListView.as_view(), name="pick-list"),
    path("backorders/", views_demand.BackorderListView.as_view(), name="backorders"),
    path(
        "backorders/<int:pk>/transfer/",
        views_demand.BackorderAcceptTransferView.as_view(),
        name="backorder-accept-transfer",
    ),
    path("backorders/<int:pk>/cancel/", views_demand.BackorderCancelView.as_view(), name="backorder-cancel"),
    path("transfers/", views_demand.TransferListView.as_view(), name="transfers"),
    path("transfers/new/", views_demand.TransferCreateView.as_view(), name="transfer-new"),
    path("transfers/<int:pk>/", views_demand.TransferDetailView.as_view(), name="transfer-detail"),
    path("transfers/<int:pk>/send/", views_demand.TransferSendView.as_view(), name="transfer-send"),
    path("transfers/<int:pk>/receive/", views_demand.TransferReceiveView.as_view(), name="transfer-receive"),
    path("transfers/<int:pk>/cancel/", views_demand.TransferCancelView.as_view(), name="transfer-cancel"),
]

# Returns at the counter: from the workshop, from counter customers; the misdiagnosis report.
from .demand import views_returns  # noqa: E402

urlpatterns += [
    path("returns/workshop/", views_returns.WorkshopReturnView.as_view(), name="return-workshop"),
    path("returns/customer/", views_returns.CustomerReturnView.as_view(), name="return-customer"),
    path("returns/misdiagnosis/", views_returns.MisdiagnosisReportView.as_view(), name="return-misdiagnosis"),
]

from .demand import views_reservations  # noqa: E402

urlpatterns += [path("reservations/new/", views_reservations.ReservationNewView.as_view(), name="reservation-new")]

from . import views_postings  # noqa: E402

urlpatterns += [
    path("scrap/", views_postings.ScrapView.as_view(), name="scrap"),
    path("adjustments/new/", views_postings.AdjustmentView.as_view(), name="adjustment-new"),
    path("movements/<int:pk>/", views_postings.MovementDetailView.as_view(), name="movement-detail"),
]

from . import views_freezes  # noqa: E402

urlpatterns += [
    path("freezes/", views_freezes.FreezeListView.as_view(), name="freezes"),
    path("freezes/new/", views_freezes.FreezeNewView.as_view(), name="freeze-new"),
    path("freezes/<int:pk>/", views_freezes.FreezeDetailView.as_view(), name="freeze-detail"),
]

from . import views_catalogue  # noqa: E402

urlpatterns += [
    path("parts/", views_catalogue.PartListView.as_view(), name="parts"),
    path("parts/new/", views_catalogue.PartCreateView.as_view(), name="part-new"),
    path("parts/<int:pk>/", views_catalogue.PartDetailView.as_view(), name="part-detail"),
]

from . import views_network  # noqa: E402

urlpatterns += [
    path("warehouses/", views_network.WarehouseListView.as_view(), name="warehouses"),
    path("warehouses/new/", views_network.WarehouseCreateView.as_view(), name="warehouse-new"),
    path("warehouses/<int:pk>/", views_network.WarehouseDetailView.as_view(), name="warehouse-detail"),
]

from .demand import views_counter  # noqa: E402

urlpatterns += [
    path("counter/", views_counter.CounterSaleView.as_view(), name="counter"),
    path("counter/sales/<int:pk>/", views_counter.CounterSaleDetailView.as_view(), name="counter-sale"),
]

from .demand import views_issue  # noqa: E402

urlpatterns += [
    path("issue/", views_issue.RepairOrderIssueView.as_view(), name="issue"),
    path("issue/<int:pk>/", views_issue.RepairOrderIssueDetailView.as_view(), name="issue-detail"),
]
