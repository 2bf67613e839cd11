"""``jsonschema.validate`` with each schema checked against its metaschema once per process.

``jsonschema.validate(instance, schema)`` checks ``schema`` itself before validating
``instance``, at every call. nbgrader validates every cell's metadata that way, twice per graded
notebook, with the same small schema; :class:`OnceCheckedSchemas` gives the same verdicts and
errors, checking each distinct schema once (:mod:`autograder.preload` puts it in nbgrader's
``nbgraderformat`` module in the grading processes).
"""

from __future__ import annotations

import json
from typing import Any

import jsonschema
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for


class OnceCheckedSchemas:
    """Stands for the :mod:`jsonschema` module where only ``validate`` is used."""

    def __init__(self) -> None:
        self._validators: dict[str, Any] = {}

    def validate(self, instance: object, schema: dict) -> None:
        """As :func:`jsonschema.validate`: raise its ``SchemaError`` for a bad schema, its
        best-matching ``ValidationError`` for an invalid ``instance``, else return None."""
        key = json.dumps(schema, sort_keys=True, default=repr)
        validator = self._validators.get(key)
        if validator is None:
            cls = validator_for(schema)
            cls.check_schema(schema)
            validator = self._validators[key] = cls(schema)
        error = best_match(validator.iter_errors(instance))
        if error is not None:
            raise error

    def __getattr__(self, name: str) -> Any:
        return getattr(jsonschema, name)
