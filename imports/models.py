"""An uploaded import file, its dry-run preview and its outcome (the audit trail of bulk changes)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy


class ImportKind(models.TextChoices):
    PARTS = "parts", gettext_lazy("parts (with supersessions)")
    SUPPLIER_PARTS = "supplier_parts", gettext_lazy("supplier parts and price lists")
    OPENING_STOCK = "opening_stock", gettext_lazy("opening stock balances")
    DEMAND_HISTORY = "demand_history", gettext_lazy("demand history")
    STOCK_PARAMETERS = "stock_parameters", gettext_lazy("stocking parameters (min / max)")


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", gettext_lazy("previewed (dry run)")
    REFUSED = "refused", gettext_lazy("refused: the file has bad rows")
    IMPORTED = "imported", gettext_lazy("imported")


class ImportBatch(models.Model):
    """One file: previewed first (a dry run), imported on confirmation. The content is kept for the confirm step."""

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    file_name = models.CharField(max_length=200)
    content = models.BinaryField(editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(
        default=list, blank=True, help_text=gettext_lazy("The first bad rows: row, column, reason.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = gettext_lazy("import batches")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name} ({self.get_status_display()})"
