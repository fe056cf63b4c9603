"""Errors the business raises; the HTTP layer and consumers map them without knowing the rule.

A domain module subclasses these; they carry a message a person can act on.
"""

from __future__ import annotations

from collections.abc import Sequence


class HotlineError(Exception):
    """Base of the errors below; ``str(error)`` is the message shown to the user, ``field`` the
    dotted path of the input at fault, when one is; ``errors`` each fault of an input with many
    (the lines of an import): (field, message) pairs."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        errors: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = tuple(errors)


class RuleViolation(HotlineError):
    """The input breaks a business rule (HTTP 422); retrying the same input cannot help."""


class NotFound(HotlineError):
    """A referenced record does not exist (HTTP 404)."""


class Conflict(HotlineError):
    """The request clashes with the record's current state (HTTP 409)."""


class NotYours(HotlineError):
    """The caller's role may do this, but not to this record: it is someone else's (HTTP 403),
    as a work order assigned to another technician."""


class Unavailable(Exception):
    """A dependency (gateway, store, broker) did not answer; the same call may work later.

    Consumers retry these without limit, since the message is not at fault.
    """


class ConcurrencyConflict(Exception):
    """Someone saved the aggregate since it was read; the use case is retried from a fresh read.

    Raised by a unit of work's conditional write; the message bus retries the command, so a
    caller sees it only when the aggregate keeps changing under every retry.
    """
