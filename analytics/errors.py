"""Errors raised by analytics. Each carries an i18n message key and parameters for translation."""

from __future__ import annotations


class AnalyticsError(Exception):
    """Base class: `key` is an i18n message key, `params` fills its placeholders."""

    key = "analytics.error"

    def __init__(self, message: str = "", *, key: str | None = None, **params: object) -> None:
        super().__init__(message or self.__class__.__name__)
        if key is not None:
            self.key = key
        params.setdefault("message", message or self.__class__.__name__)
        self.params = params


class InvalidInput(AnalyticsError):
    """Inputs that break a documented precondition (shape, sign, range)."""

    key = "analytics.invalid_input"


class OptimizationError(AnalyticsError):
    """A solver ended without a usable solution, or failed."""

    key = "analytics.optimization_failed"
