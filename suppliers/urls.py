from django.urls import path

from . import views, views_settings

app_name = "suppliers"

urlpatterns = [
    path("", views.SupplierListView.as_view(), name="supplier-list"),
    path("<int:pk>/", views.SupplierDetailView.as_view(), name="supplier-detail"),
    path("ratings/", views.RatingListView.as_view(), name="ratings"),
    path("ratings/weights/", views_settings.RatingWeightsView.as_view(), name="rating-weights"),
    path("settings/", views_settings.PurchasingSettingsView.as_view(), name="purchasing-settings"),
    path("orders/", views.PurchaseOrderListView.as_view(), name="po-list"),
    path("orders/new/", views.PurchaseOrderCreateView.as_view(), name="po-new"),
    path("orders/<int:pk>/", views.PurchaseOrderDetailView.as_view(), name="po-detail"),
    path("orders/<int:pk>/print/", views.PurchaseOrderPrintView.as_view(), name="po-print"),
    path("orders/<int:pk>/header/", views.PurchaseOrderHeaderView.as_view(), name="po-header"),
    path("orders/<int:pk>/part-info/", views.PartInfoView.as_view(), name="po-part-info"),
    path("orders/<int:pk>/lines/", views.LineAddView.as_view(), name="po-line-add"),
    path("orders/<int:pk>/lines/<int:line_pk>/", views.LineUpdateView.as_view(), name="po-line-update"),
    path("orders/<int:pk>/lines/<int:line_pk>/remove/", views.LineRemoveView.as_view(), name="po-line-remove"),
    path(
        "orders/<int:pk>/<str:action>/",
        views.PurchaseOrderActionView.as_view(),
        name="po-action",
    ),
    path("receiving/", views.ReceivingView.as_view(), name="receiving"),
    path("receipts/<int:pk>/", views.ReceiptDetailView.as_view(), name="receipt-detail"),
    path("holds/", views.QualityHoldListView.as_view(), name="holds"),
    path("holds/<int:line_pk>/<str:decision>/", views.QualityHoldDecisionView.as_view(), name="hold-decide"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("portal/", views.PortalHomeView.as_view(), name="portal"),
    path("portal/orders/<int:pk>/", views.PortalOrderView.as_view(), name="portal-order"),
    path("portal/orders/<int:pk>/announce/", views.PortalAnnounceView.as_view(), name="portal-announce"),
]

# Backorder sourcing, transfer first: the emergency-order side lives here.
from . import views_sourcing  # noqa: E402

urlpatterns += [
    path("backorders/<int:pk>/sourcing/", views_sourcing.BackorderSourcingView.as_view(), name="backorder-sourcing"),
    path(
        "backorders/<int:pk>/emergency-order/",
        views_sourcing.BackorderEmergencyOrderView.as_view(),
        name="backorder-emergency-order",
    ),
]

# Returns to the supplier.
from . import views_returns  # noqa: E402

urlpatterns += [
    path("returns/", views_returns.SupplierReturnListView.as_view(), name="returns"),
    path("returns/new/", views_returns.SupplierReturnCreateView.as_view(), name="return-new"),
    path("returns/<int:pk>/", views_returns.SupplierReturnDetailView.as_view(), name="return-detail"),
    path("returns/from-freeze/<int:pk>/", views_returns.FreezeReturnView.as_view(), name="freeze-return"),
    path(
        "returns/<int:pk>/replacement/<str:decision>/",
        views_returns.SupplierReturnReplacementView.as_view(),
        name="return-replacement",
    ),
]

# Who sells what.
from . import views_catalogue  # noqa: E402

urlpatterns += [
    path("parts/", views_catalogue.SupplierPartListView.as_view(), name="supplier-parts"),
    path("parts/new/", views_catalogue.SupplierPartEditView.as_view(), name="supplier-part-new"),
    path("parts/<int:pk>/", views_catalogue.SupplierPartEditView.as_view(), name="supplier-part-edit"),
]
