from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("labels/parts/", views.PartLabelsView.as_view(), name="part-labels"),
    path("labels/bins/", views.BinLabelsView.as_view(), name="bin-labels"),
    path("labels/receipts/<str:number>/", views.ReceiptLabelsView.as_view(), name="receipt-labels"),
    path("portal/po/<str:number>.pdf", views.PortalPurchaseOrderView.as_view(), name="portal-po"),
    path("open/<str:document_type>/<str:number>/", views.DocumentScreenView.as_view(), name="open"),
    path("<str:kind>/<str:number>.pdf", views.DocumentView.as_view(), name="document"),
]
