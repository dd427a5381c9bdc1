from django.urls import path

from . import views, views_settings

app_name = "kpis"
urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("drill/<str:kpi>/", views.DrillDownView.as_view(), name="drilldown"),
    path("matrix/", views.MatrixView.as_view(), name="matrix"),
    path("targets/", views_settings.TargetsView.as_view(), name="targets"),
    path("thresholds/", views_settings.ThresholdsView.as_view(), name="thresholds"),
    path("matrix/cell/", views.MatrixCellView.as_view(), name="matrix-cell"),
    path("problems/", views.ProblemPartsView.as_view(), name="problems"),
    path("class-changes/", views.ClassChangesView.as_view(), name="class-changes"),
    path("close/", views.CloseRequestView.as_view(), name="close"),
    path("report.pdf", views.ReportPdfView.as_view(), name="report-pdf"),
    path("report/subscription/", views.ReportSubscriptionView.as_view(), name="report-subscription"),
    path("close/<int:pk>/", views.CloseProgressView.as_view(), name="close-progress"),
]
