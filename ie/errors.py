"""Typed errors. Each says what was wrong and what to do; the CLI prints one line per error."""

from __future__ import annotations


class BudgetIEError(Exception):
    """Base class for every error budget-ie raises on purpose."""


class IngestError(BudgetIEError):
    """The input could not be read as a disclosure (missing, empty, encrypted, no text...)."""


class ConfigError(BudgetIEError):
    """A config file or option is invalid; the message names the valid options."""


class AlignmentError(BudgetIEError):
    """Offsets or tokens do not line up with the text they claim to come from."""


class SchemaError(BudgetIEError):
    """A record does not follow SCHEMA.md."""
