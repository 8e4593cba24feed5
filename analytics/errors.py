"""Errors raised by analytics. Each carries an i18n message key and parameters for translation."""

from __future__ import annotations

from i18n import TranslatableError


class AnalyticsError(TranslatableError):
    """Base class of this layer's errors (see i18n.TranslatableError for `key` and `params`)."""

    key = "analytics.error"


class InvalidInput(AnalyticsError):
    """Inputs that break a documented precondition (shape, sign, range)."""

    key = "analytics.invalid_input"


class OptimizationError(AnalyticsError):
    """A solver ended without a usable solution, or failed."""

    key = "analytics.optimization_failed"
