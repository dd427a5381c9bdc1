"""Serializer fields for the hot paths of the API."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from django.db import connection
from django.db.models import Model
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from core.fastpath.rows import by_pk, by_pks
from core.fastpath.switch import fast_path
from core.limits import document_max_lines


def whole_id(data: Any) -> int:
    """``data`` as an id: an integer, or a text of digits. Anything else raises ``TypeError``.

    The ORM would read ``1.5`` as 1, ``True`` as 1 and ``" 1_0 "`` as 10, so a
    malformed id would name another row; here it is refused.
    """
    if isinstance(data, int) and not isinstance(data, bool):
        return data
    if isinstance(data, str) and data.isascii() and data.isdigit():
        return int(data)
    raise TypeError(data)


def line_list(child: type[serializers.Serializer], *, max_length: int | None = None, **kwargs: Any) -> Any:
    """``child(many=True)`` with at most ``max_length`` items (default: ``document_max_lines()``).

    The length is checked before any item is validated, so a request of
    thousands of lines is refused before a single part is looked up.
    """
    bounded: Any = child  # the stubs do not know ``max_length`` of ``many=True``
    return bounded(many=True, max_length=document_max_lines() if max_length is None else max_length, **kwargs)


class IdField(serializers.PrimaryKeyRelatedField):
    """``PrimaryKeyRelatedField`` for integer keys that refuses anything but a whole-number id."""

    def to_internal_value(self, data):
        try:
            data = whole_id(data)
        except TypeError:
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class ModelIdField(serializers.PrimaryKeyRelatedField):
    """``PrimaryKeyRelatedField(queryset=model.objects.all())`` that reads the row without compiling a query.

    The same answers and messages as DRF's field (unknown id, wrong type), and
    an id beyond the column's range is an unknown id, as in the ORM. Used for
    the ids of a stock posting, where the query compilation cost more than the
    row itself. On the ORM path (``switch``) ``by_pk``/``by_pks`` read through querysets.
    """

    def __init__(self, model, **kwargs) -> None:
        self.model = model
        kwargs.setdefault("queryset", model._default_manager.all())
        super().__init__(**kwargs)

    def key(self, data) -> Any:
        """The primary key ``data`` stands for; ``None`` when no row can have it (out of range)."""
        pk = self.model._meta.pk
        try:
            value = pk.get_prep_value(whole_id(data))
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        low, high = connection.ops.integer_field_range(pk.get_internal_type())
        if (low is not None and value < low) or (high is not None and value > high):
            return None
        return value

    def to_internal_value(self, data):
        value = self.key(data)
        read = getattr(self.parent, "_rows_read", {})
        found = None
        if value is not None:
            found = read[(self.model, value)] if (self.model, value) in read else by_pk(self.model, value)
        if found is None:
            self.fail("does_not_exist", pk_value=data)
        return found


class ReadsIdsTogether:
    """For a ``Serializer`` with several ``ModelIdField``: read all their rows in one statement first.

    A posting names a part, a warehouse and perhaps a bin; one round trip
    instead of three. Values a field would refuse are left to that field.
    """

    def to_internal_value(self, data):
        self._rows_read: dict[tuple[type[Model], Any], Model | None] = {}
        if isinstance(data, Mapping):
            wanted = []
            for name, field in self.fields.items():  # type: ignore[attr-defined]
                raw = data.get(name)
                if isinstance(field, ModelIdField) and not field.read_only and raw is not None:
                    try:
                        value = field.key(raw)
                    except ValidationError:
                        continue
                    if value is not None and (field.model, value) not in wanted:
                        wanted.append((field.model, value))
            if len(wanted) > 1:
                self._rows_read = dict(zip(wanted, by_pks(wanted), strict=True))
        return super().to_internal_value(data)  # type: ignore[misc]


class FieldsBuiltOnce:
    """For a serializer: build its fields once per class, then give each instance shallow copies.

    DRF builds every field anew for every serializer instance: a
    ``ModelSerializer`` introspects the model, and every serializer deep-copies
    its declared fields, which re-runs each field's ``__init__``. For a posting
    (input serializer, then a movement with its part as the answer) that was a
    quarter of the request's CPU. The fields built once are never bound
    themselves; each instance gets shallow copies (nested serializers deep
    ones), which ``bind`` then gives their own name and parent. What the copies share (validators, messages,
    choices) is only read. Only for serializers whose fields depend on the
    class alone, not on the instance or context.
    """

    def get_fields(self):
        if not fast_path():
            return super().get_fields()  # type: ignore[misc]
        cls = type(self)
        built = cls.__dict__.get("_fields_built_once")
        if built is None:
            built = super().get_fields()  # type: ignore[misc]
            cls._fields_built_once = built  # type: ignore[attr-defined]
        # Nested serializers hold bound state of their own (their fields, a list's child): copied deeply.
        return {
            name: copy.deepcopy(field) if isinstance(field, serializers.BaseSerializer) else _shallow_copy(field)
            for name, field in built.items()
        }


def _shallow_copy(field: serializers.Field) -> serializers.Field:
    """``copy.copy(field)`` without the generic ``__reduce_ex__`` path (five times faster for DRF fields)."""
    clone = object.__new__(type(field))
    clone.__dict__.update(field.__dict__)
    return clone
