from django.urls import path

from . import views

app_name = "counting"

urlpatterns = [
    path("", views.CountListView.as_view(), name="list"),
    path("adhoc/", views.AdhocCountView.as_view(), name="adhoc"),
    path("variances/", views.VarianceListView.as_view(), name="variances"),
    path("accuracy/", views.AccuracyView.as_view(), name="accuracy"),
    path("lines/<int:pk>/decide/", views.DecideView.as_view(), name="decide"),
    path("<int:pk>/", views.CountDetailView.as_view(), name="detail"),
    path("<int:pk>/bin/<str:bin_key>/", views.CountBinView.as_view(), name="bin"),
]
