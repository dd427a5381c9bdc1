from django.urls import path

urlpatterns: list = []

# Backorder sourcing, transfer first (issue 4): all proposals and the emergency order.
from . import sourcing_views  # noqa: E402

urlpatterns += [
    path("backorders/<int:pk>/sourcing/", sourcing_views.BackorderSourcing.as_view(), name="api-backorder-sourcing"),
    path(
        "backorders/<int:pk>/emergency-order/",
        sourcing_views.BackorderEmergencyOrder.as_view(),
        name="api-backorder-emergency-order",
    ),
]
