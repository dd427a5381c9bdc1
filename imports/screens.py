"""Imports in the app for planners and managers: upload, see the dry run with every refused row, confirm.

The same pipeline as the admin's and ``manage.py import_data`` (``imports.services``):
a file is checked first and nothing changes; any bad row refuses the whole file,
each problem named by row and column; confirming checks it again, since the data
may have moved since the preview. Opening stock balances post to the ledger, so
only managers import them.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView, TemplateView

from core.exceptions import DomainError
from core.permissions import RoleRequiredMixin
from core.roles import Role, user_access

from .models import ImportBatch, ImportKind, ImportStatus
from .readers import FORMATS, format_of
from .resources import RESOURCES
from .services import import_batch_confirm, import_batch_preview

MAX_UPLOAD = 50 * 1024 * 1024
IMPORT_ROLES = (Role.PLANNER, Role.MANAGER)
# Who imports each kind: opening balances are stock postings, a manager's.
KIND_ROLES = {kind: set(IMPORT_ROLES) for kind in RESOURCES} | {ImportKind.OPENING_STOCK: {Role.MANAGER}}

KIND_HELP = {
    ImportKind.PARTS: gettext_lazy("The catalogue: numbers, descriptions, units, prices, supersessions."),
    ImportKind.SUPPLIER_PARTS: gettext_lazy("Who sells each part: supplier numbers, prices, lead times, MOQ, packs."),
    ImportKind.OPENING_STOCK: gettext_lazy("Stock on hand at go-live, at cost, posted to the ledger."),
    ImportKind.DEMAND_HISTORY: gettext_lazy("Past monthly demand per part and warehouse, for forecasts and classes."),
    ImportKind.STOCK_PARAMETERS: gettext_lazy("Min and max per part and warehouse, set by hand."),
}


def kinds_for(user) -> list[str]:
    access = user_access(user)
    return [kind for kind in RESOURCES if access.has_any(KIND_ROLES[kind])]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"))
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV (UTF-8, comma or semicolon) or XLSX; the first row holds the column names."),
    )

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(kind, ImportKind(kind).label) for kind in kinds]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            format_of(upload.name)
        except ValueError:
            raise forms.ValidationError(_("Upload a .csv or .xlsx file.")) from None
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Files above 50 MB go through the import_data command."))
        return upload


class ImportListView(RoleRequiredMixin, ListView):
    """Every file imported or checked, newest first: the record of bulk changes."""

    template_name = "imports/batch_list.html"
    required_roles = IMPORT_ROLES
    paginate_by = 50
    context_object_name = "batches"

    def get_queryset(self):
        batches = ImportBatch.objects.select_related("uploaded_by").defer("content", "errors")
        kind, status = self.request.GET.get("kind", ""), self.request.GET.get("status", "")
        if kind in ImportKind.values:
            batches = batches.filter(kind=kind)
        if status in ImportStatus.values:
            batches = batches.filter(status=status)
        return batches

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(**kwargs) | {
            "kinds": ImportKind.choices,
            "statuses": ImportStatus.choices,
            "params": self.request.GET,
            "query_string": query.urlencode(),
        }


class ImportUploadView(RoleRequiredMixin, TemplateView):
    template_name = "imports/batch_upload.html"
    required_roles = IMPORT_ROLES

    def get_context_data(self, **kwargs):
        kinds = kinds_for(self.request.user)
        form = kwargs.get("form") or UploadForm(kinds=kinds, initial={"kind": self.request.GET.get("kind")})
        return super().get_context_data(**kwargs) | {
            "form": form,
            "kinds": [
                (
                    kind,
                    ImportKind(kind).label,
                    KIND_HELP.get(ImportKind(kind), ""),
                    RESOURCES[kind].column_names(),
                    RESOURCES[kind].required,
                    RESOURCES[kind].natural_key,
                )
                for kind in kinds
            ],
            "formats": FORMATS,
        }

    def post(self, request):
        form = UploadForm(request.POST, request.FILES, kinds=kinds_for(request.user))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        upload = form.cleaned_data["file"]
        batch = import_batch_preview(
            kind=form.cleaned_data["kind"], file_name=upload.name, content=upload.read(), user=request.user
        )
        return redirect(reverse("imports:batch", args=[batch.pk]))


class ImportBatchView(RoleRequiredMixin, TemplateView):
    """The dry run of one file: what would be created, updated, left alone, and every refused row."""

    template_name = "imports/batch_detail.html"
    required_roles = IMPORT_ROLES

    def batch(self) -> ImportBatch:
        batch = ImportBatch.objects.select_related("uploaded_by").defer("content").filter(pk=self.kwargs["pk"]).first()
        if batch is None:
            raise Http404(_("No such import."))
        return batch

    def get_context_data(self, **kwargs):
        batch = self.batch()
        may_import = batch.kind in kinds_for(self.request.user)
        return super().get_context_data(**kwargs) | {
            "batch": batch,
            "can_confirm": batch.status == ImportStatus.PREVIEWED and may_import,
            "more_errors": max(batch.error_count - len(batch.errors), 0),
        }

    def post(self, request, pk: int):
        batch = self.batch()
        if batch.kind not in kinds_for(request.user):
            messages.error(request, _("Only a manager imports this kind of file."))
            return redirect(request.path)
        try:
            batch = import_batch_confirm(batch=batch, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(request.path)
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
        return redirect(request.path)


class ImportTemplateView(RoleRequiredMixin, View):
    """An empty file with the kind's columns, to fill in."""

    required_roles = IMPORT_ROLES

    def get(self, request, kind: str, file_format: str):
        return template_download(kind, file_format)


def template_download(kind: str, file_format: str) -> HttpResponse:
    """The empty file of a kind (its header row), as CSV or XLSX; here and in the admin."""
    if kind not in RESOURCES or file_format not in FORMATS:
        raise Http404(_("No such template."))
    dataset = RESOURCES[kind]().template()
    content_type = (
        "text/csv" if file_format == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(dataset.export(file_format), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.{file_format}"'
    return response
