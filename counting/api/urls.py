from django.urls import path

from . import views

urlpatterns = [
    path("count-lists/", views.CountListListCreate.as_view(), name="api-count-list-list"),
    path("count-lists/<int:pk>/lines/", views.CountListLines.as_view(), name="api-count-list-lines"),
    path("count-lists/<int:pk>/start/", views.CountListStart.as_view(), name="api-count-list-start"),
    path("count-lines/<int:pk>/count/", views.CountLineEnter.as_view(), name="api-count-line-enter"),
    path("count-lines/<int:pk>/approve/", views.CountLineApprove.as_view(), name="api-count-line-approve"),
    path("count-lines/<int:pk>/reject/", views.CountLineReject.as_view(), name="api-count-line-reject"),
    path("count-variances/", views.VarianceList.as_view(), name="api-count-variances"),
    path("count-accuracy/", views.CountAccuracy.as_view(), name="api-count-accuracy"),
]
