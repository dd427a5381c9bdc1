"""Serializer fields for the hot paths of the API."""

from __future__ import annotations

import copy

from django.db import connection
from rest_framework import serializers

from inventory.rows import by_pk


class ModelIdField(serializers.PrimaryKeyRelatedField):
    """``PrimaryKeyRelatedField(queryset=model.objects.all())`` that reads the row without compiling a query.

    The same answers and messages as DRF's field (unknown id, wrong type), and
    an id beyond the column's range is an unknown id, as in the ORM. Used for
    the ids of a stock posting, where the query compilation cost more than the
    row itself.
    """

    def __init__(self, model, **kwargs) -> None:
        self.model = model
        kwargs.setdefault("queryset", model._default_manager.all())
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        pk = self.model._meta.pk
        try:
            if isinstance(data, bool):
                raise TypeError
            value = pk.get_prep_value(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        low, high = connection.ops.integer_field_range(pk.get_internal_type())
        found = None
        if (low is None or value >= low) and (high is None or value <= high):
            found = by_pk(self.model, value)
        if found is None:
            self.fail("does_not_exist", pk_value=data)
        return found


class FieldsBuiltOnce:
    """For a ``ModelSerializer``: build its fields from the model once per class, then hand out copies.

    DRF introspects the model on every serializer instance; for a posting's
    answer (a movement with its part) that was a tenth of the request. Only
    for serializers whose fields depend on the class alone, not on the
    instance or context.
    """

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_fields_built_once")
        if built is None:
            built = super().get_fields()  # type: ignore[misc]
            cls._fields_built_once = built  # type: ignore[attr-defined]
        return copy.deepcopy(built)
