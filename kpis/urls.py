from django.urls import path

from . import views

app_name = "kpis"
urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("drill/<str:kpi>/", views.DrillDownView.as_view(), name="drilldown"),
    path("class-changes/", views.ClassChangesView.as_view(), name="class-changes"),
    path("close/", views.CloseRequestView.as_view(), name="close"),
    path("report.pdf", views.ReportPdfView.as_view(), name="report-pdf"),
    path("report/subscription/", views.ReportSubscriptionView.as_view(), name="report-subscription"),
    path("close/<int:pk>/", views.CloseProgressView.as_view(), name="close-progress"),
]
