from django.urls import path

from . import views

urlpatterns = [
    path("webhooks/", views.SubscriptionList.as_view(), name="api-webhook-list"),
    path("webhooks/<int:pk>/", views.SubscriptionDetail.as_view(), name="api-webhook-detail"),
    path("webhooks/<int:pk>/deliveries/", views.DeliveryList.as_view(), name="api-webhook-delivery-list"),
    path(
        "webhooks/<int:pk>/deliveries/<int:delivery_pk>/redeliver/",
        views.DeliveryRedeliver.as_view(),
        name="api-webhook-redeliver",
    ),
]
