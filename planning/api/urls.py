from django.urls import path

from . import views

urlpatterns = [
    path("planning/proposals/", views.ProposalList.as_view(), name="planning-proposal-list"),
    path("planning/proposals/approve/", views.ProposalApprove.as_view(), name="planning-proposal-approve"),
    path("planning/proposals/reject/", views.ProposalReject.as_view(), name="planning-proposal-reject"),
    path("planning/runs/", views.RunCreate.as_view(), name="planning-run-create"),
    path("planning/runs/<int:pk>/", views.RunDetail.as_view(), name="planning-run-detail"),
    path("planning/forecasts/", views.ForecastList.as_view(), name="planning-forecast-list"),
    path("planning/forecast-errors/", views.ForecastErrorList.as_view(), name="planning-forecast-error-list"),
    path("planning/parameters/", views.ParameterList.as_view(), name="planning-parameter-list"),
    path("planning/parameters/override/", views.ParameterOverride.as_view(), name="planning-parameter-override"),
    path("planning/known-demand/", views.KnownDemandCreate.as_view(), name="planning-known-demand-create"),
    path("planning/vmi-proposals/", views.VmiProposalList.as_view(), name="planning-vmi-list"),
    path("planning/vmi-proposals/<int:pk>/accept/", views.VmiAccept.as_view(), name="planning-vmi-accept"),
    path("planning/vmi-proposals/<int:pk>/reject/", views.VmiReject.as_view(), name="planning-vmi-reject"),
    path("planning/portal/forecast/", views.PortalForecast.as_view(), name="planning-portal-forecast"),
    path("planning/portal/vmi-proposals/", views.PortalVmiProposals.as_view(), name="planning-portal-vmi"),
]
