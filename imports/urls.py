from django.urls import path

from . import screens, views

app_name = "imports"

urlpatterns = [
    path("export/<slug:name>.<str:file_format>", views.ExportView.as_view(), name="export"),
    path("", screens.ImportListView.as_view(), name="list"),
    path("new/", screens.ImportUploadView.as_view(), name="upload"),
    path("<int:pk>/", screens.ImportBatchView.as_view(), name="batch"),
    path("template/<str:kind>.<str:file_format>", screens.ImportTemplateView.as_view(), name="template"),
]
