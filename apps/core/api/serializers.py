"""Input serializers that are cheap to instantiate.

DRF deep-copies every declared field for each serializer instance (`Serializer.get_fields`), and a field's deep copy
runs its `__init__` again with the original arguments. On a hot write path (a bill with its lines, tenders and query
parameters) that is most of the validation time. A plain field holds nothing per request once bound (its name,
parent and source are set on the copy by `bind`), so a shallow copy is enough; fields that hold other fields
(serializers, list and dict fields) are deep-copied as DRF does, so no bound child is ever shared.
"""
from __future__ import annotations

import copy

from rest_framework import serializers


def _copy_field(field):
    if isinstance(field, serializers.BaseSerializer) or hasattr(field, "child") or hasattr(field, "fields"):
        return copy.deepcopy(field)
    return copy.copy(field)


class InputSerializer(serializers.Serializer):
    """A Serializer whose per-instance field copies are shallow for leaf fields (see the module docstring)."""

    def get_fields(self):
        return {name: _copy_field(field) for name, field in self._declared_fields.items()}
