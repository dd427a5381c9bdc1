from django.urls import path

from . import views, views_settings

app_name = "planning"

urlpatterns = [
    path("proposals/", views.ProposalReviewView.as_view(), name="proposals"),
    path("run/", views.RunNowView.as_view(), name="run"),
    path("forecast/", views.ForecastView.as_view(), name="forecast"),
    path("parameters/override/", views.OverrideView.as_view(), name="parameter-override"),
    path("known-demand/", views.KnownDemandView.as_view(), name="known-demand"),
    path("vmi/", views.VmiReviewView.as_view(), name="vmi-review"),
    path("settings/", views_settings.PlanningSettingsView.as_view(), name="settings"),
    path("portal/forecast/", views.SupplierForecastView.as_view(), name="supplier-forecast"),
    path("portal/forecast/download/", views.SupplierForecastDownloadView.as_view(), name="supplier-forecast-download"),
    path("portal/vmi/", views.SupplierVmiView.as_view(), name="supplier-vmi"),
]
