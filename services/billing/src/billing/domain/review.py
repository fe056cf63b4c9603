"""A manager's review of what finance prepared (审核): approved, or sent back saying what to
correct. The month's financial report (BIL-08) and the income and spending statement (FEE-07)
are reviewed so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hotline_libs.errors import RuleViolation


@dataclass(frozen=True)
class Review:
    by: str
    at: datetime
    approved: bool
    note: str | None

    @classmethod
    def given(cls, by: str, at: datetime, approved: bool, note: str | None) -> Review:
        """The review, unless it sends back without saying what to correct."""
        if not approved and not (note and note.strip()):
            raise RuleViolation("say what is to be corrected when sending it back", field="note")
        return cls(by, at, approved, note)
