from django.urls import path

from . import views

urlpatterns = [
    path("exchange/offers/", views.OfferListView.as_view(), name="exchange-offers"),
    path("exchange/requests/", views.RequestListView.as_view(), name="exchange-requests"),
    path("exchange/requests/<int:pk>/", views.RequestDetailView.as_view(), name="exchange-request"),
    path("exchange/requests/<int:pk>/ship/", views.RequestShipView.as_view(), name="exchange-request-ship"),
    path("exchange/requests/<int:pk>/reject/", views.RequestRejectView.as_view(), name="exchange-request-reject"),
]
