from django.urls import path

from . import views

urlpatterns = [
    path("suppliers/", views.SupplierList.as_view(), name="api-supplier-list"),
    path("suppliers/<int:pk>/", views.SupplierDetail.as_view(), name="api-supplier-detail"),
    path("supplier-parts/", views.SupplierPartList.as_view(), name="api-supplier-part-list"),
    path("supplier-parts/<int:pk>/", views.SupplierPartDetail.as_view(), name="api-supplier-part-detail"),
    path("supplier-ratings/", views.SupplierRatingList.as_view(), name="api-supplier-rating-list"),
    path("purchase-orders/", views.PurchaseOrderList.as_view(), name="api-po-list"),
    path("purchase-orders/<int:pk>/", views.PurchaseOrderDetail.as_view(), name="api-po-detail"),
    path("purchase-orders/<int:pk>/lines/", views.PurchaseOrderLineAdd.as_view(), name="api-po-line-add"),
    path("purchase-orders/<int:pk>/approve/", views.PurchaseOrderApprove.as_view(), name="api-po-approve"),
    path("purchase-orders/<int:pk>/send/", views.PurchaseOrderSend.as_view(), name="api-po-send"),
    path("purchase-orders/<int:pk>/confirm/", views.PurchaseOrderConfirm.as_view(), name="api-po-confirm"),
    path("purchase-orders/<int:pk>/cancel/", views.PurchaseOrderCancel.as_view(), name="api-po-cancel"),
    path("purchase-orders/<int:pk>/close/", views.PurchaseOrderClose.as_view(), name="api-po-close"),
    path("purchase-orders/<int:pk>/reconfirm/", views.PurchaseOrderReconfirm.as_view(), name="api-po-reconfirm"),
    path("shipment-notices/", views.ShipmentNoticeList.as_view(), name="api-shipment-notice-list"),
    path("shipment-notices/<int:pk>/", views.ShipmentNoticeDetail.as_view(), name="api-shipment-notice-detail"),
    path("purchase-order-lines/<int:pk>/", views.PurchaseOrderLineDetail.as_view(), name="api-po-line-detail"),
    path("goods-receipts/", views.GoodsReceiptList.as_view(), name="api-goods-receipt-list"),
    path("goods-receipts/<int:pk>/", views.GoodsReceiptDetail.as_view(), name="api-goods-receipt-detail"),
    path(
        "goods-receipt-lines/<int:pk>/release/",
        views.GoodsReceiptLineRelease.as_view(),
        name="api-goods-receipt-line-release",
    ),
    path(
        "goods-receipt-lines/<int:pk>/reject/",
        views.GoodsReceiptLineReject.as_view(),
        name="api-goods-receipt-line-reject",
    ),
]

# Backorder sourcing, transfer first: all proposals and the emergency order.
from . import sourcing_views  # noqa: E402

urlpatterns += [
    path("backorders/<int:pk>/sourcing/", sourcing_views.BackorderSourcing.as_view(), name="api-backorder-sourcing"),
    path(
        "backorders/<int:pk>/emergency-order/",
        sourcing_views.BackorderEmergencyOrder.as_view(),
        name="api-backorder-emergency-order",
    ),
]

# Returns to the supplier.
from . import returns as return_views  # noqa: E402

urlpatterns += [
    path("supplier-returns/", return_views.SupplierReturnListCreate.as_view(), name="api-supplier-return-list"),
    path("supplier-returns/<int:pk>/", return_views.SupplierReturnDetail.as_view(), name="api-supplier-return-detail"),
    path(
        "supplier-returns/<int:pk>/replacement/",
        return_views.SupplierReturnReplacement.as_view(),
        name="api-supplier-return-replacement",
    ),
    path("stock/freezes/<int:pk>/return/", return_views.FreezeReturn.as_view(), name="api-freeze-return"),
]
