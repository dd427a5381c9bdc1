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
]
