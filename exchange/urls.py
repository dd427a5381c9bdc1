from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("", views.PortalView.as_view(), name="portal"),
    path("requests/<int:pk>/", views.PortalRequestView.as_view(), name="portal-request"),
    path("notes/<int:pk>.pdf", views.DeliveryNoteView.as_view(), name="note"),
    path("manage/", views.ManageView.as_view(), name="manage"),
    path("manage/offers/<int:pk>/withdraw/", views.OfferWithdrawView.as_view(), name="offer-withdraw"),
    path("manage/requests/<int:pk>/", views.RequestDetailView.as_view(), name="request"),
]
