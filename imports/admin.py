"""Admin upload flow: choose the kind and file, see the dry-run preview (created, updated, refused rows),
then confirm. Every file is kept with its outcome as the record of the bulk change."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import DomainError

from .models import ImportBatch, ImportKind, ImportStatus
from .readers import FORMATS, format_of
from .resources import RESOURCES
from .screens import template_download
from .services import import_batch_confirm, import_batch_preview

MAX_UPLOAD = 50 * 1024 * 1024


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What the file holds"),
        choices=[(k, label) for k, label in ImportKind.choices if k in RESOURCES],
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV (UTF-8, comma or semicolon) or XLSX; the first row holds the column names."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            format_of(upload.name)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Files above 50 MB go through `manage.py import_data`."))
        return upload


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "kind",
        "file_name",
        "status",
        "rows",
        "created",
        "updated",
        "unchanged",
        "error_count",
        "uploaded_by",
        "created_at",
    ]
    list_filter = ["kind", "status"]
    list_select_related = ["uploaded_by"]
    change_form_template = "imports/admin/importbatch_preview.html"

    def get_urls(self):
        own = [
            path(
                "<int:pk>/confirm/", self.admin_site.admin_view(self.confirm_view), name="imports_importbatch_confirm"
            ),
            path(
                "template/<str:kind>.<str:file_format>",
                self.admin_site.admin_view(self.template_view),
                name="imports_importbatch_template",
            ),
        ]
        return own + super().get_urls()

    def has_change_permission(self, request, obj=None):
        return False  # a batch is read; it changes only by being confirmed

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            batch = import_batch_preview(
                kind=form.cleaned_data["kind"], file_name=upload.name, content=upload.read(), user=request.user
            )
            return redirect(reverse("admin:imports_importbatch_change", args=[batch.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Upload a file to import"),
            "form": form,
            "opts": self.model._meta,
            "kinds": [
                (kind, ImportKind(kind).label, resource.column_names(), resource.required, resource.natural_key)
                for kind, resource in RESOURCES.items()
            ],
            "formats": FORMATS,
        }
        return TemplateResponse(request, "imports/admin/importbatch_upload.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        batch = get_object_or_404(ImportBatch.objects.select_related("uploaded_by"), pk=object_id)
        if not self.has_view_permission(request, batch):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import %(id)s: %(kind)s") % {"id": batch.pk, "kind": batch.get_kind_display()},
            "batch": batch,
            "opts": self.model._meta,
            "can_confirm": batch.status == ImportStatus.PREVIEWED and self.has_add_permission(request),
            "more_errors": max(batch.error_count - len(batch.errors), 0),
        }
        return TemplateResponse(request, self.change_form_template, context)

    def confirm_view(self, request, pk: int):
        if request.method != "POST":
            raise Http404(_("Confirm with the button on the preview."))
        if not self.has_add_permission(request):
            raise PermissionDenied
        batch = get_object_or_404(ImportBatch, pk=pk)
        try:
            batch = import_batch_confirm(batch=batch, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if batch.status == ImportStatus.IMPORTED:
                messages.success(
                    request,
                    _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
                    % {"created": batch.created, "updated": batch.updated, "unchanged": batch.unchanged},
                )
            else:
                messages.error(
                    request,
                    _("Nothing was imported: %(count)s problems, listed below. Fix the file and upload it again.")
                    % {"count": batch.error_count},
                )
        return redirect(reverse("admin:imports_importbatch_change", args=[pk]))

    def template_view(self, request, kind: str, file_format: str):
        return template_download(kind, file_format)
