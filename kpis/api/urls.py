from django.urls import path

from . import views

urlpatterns = [
    path("kpis/snapshots/", views.SnapshotList.as_view(), name="api-kpi-snapshot-list"),
    path("kpis/classes/", views.PartClassList.as_view(), name="api-kpi-class-list"),
    path("kpis/matrix/", views.AbcXyzMatrix.as_view(), name="api-kpi-matrix"),
    path("kpis/problems/", views.ProblemPartList.as_view(), name="api-kpi-problem-list"),
    path("kpis/targets/", views.TargetListSet.as_view(), name="api-kpi-target-list"),
    path("kpis/close-runs/", views.MonthCloseListCreate.as_view(), name="api-kpi-close-list"),
    path("kpis/close-runs/<int:pk>/", views.MonthCloseDetail.as_view(), name="api-kpi-close-detail"),
]
