"""Domain errors. They name what went wrong; `wire/errors.py` maps them to HTTP."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One offending field of a request, as the API's error body lists it."""

    field: str
    message: str
    value: str | None = None


class DomainError(Exception):
    """Base of every rule the mock enforces."""

    message: str = "Request could not be processed"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message


class ValidationFailed(DomainError):
    """The request is malformed or breaks a field-level rule."""

    message = "Validation failed"

    def __init__(self, problems: list[FieldProblem], message: str | None = None) -> None:
        super().__init__(message)
        self.problems = problems


class NotHonoured(ValidationFailed):
    """The order asks for what its region cannot honour (a warehouse, a carrier) and the
    caller asked for such requests to be refused rather than ignored (strict mode)."""


class OrderNotFound(DomainError):
    """No such order for this customer (other customers' orders are invisible)."""

    message = "Order not found."


class ModificationRefused(DomainError):
    """Modify or release of an order that is not (or no longer) on customer hold."""

    message = (
        "Order can not be modified/released. Order is already released or Order is not "
        "placed on Customer Hold"
    )


class CancellationRefused(DomainError):
    """Cancel of an order that is not on customer hold."""

    message = "Order can not be deleted as the order is not on hold."


class NothingAccepted(DomainError):
    """Every line of a create request was rejected: no order is placed."""

    message = "None of the order lines could be accepted"

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__()
        self.problems = problems


class Unauthorized(DomainError):
    """Missing, malformed or expired bearer token."""

    message = "Invalid or expired access token"
