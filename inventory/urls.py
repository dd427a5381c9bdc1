from django.urls import path

from . import views

app_name = "inventory"

urlpatterns = [
    path("lookup/", views.StockLookupView.as_view(), name="stock-lookup"),
    path("stock/", views.StockLevelListView.as_view(), name="stock-levels"),
    path("movements/", views.MovementListView.as_view(), name="movements"),
]
