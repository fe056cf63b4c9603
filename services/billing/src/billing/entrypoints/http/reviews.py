"""A manager's review on the API: of the month's financial report and of the income and spending
statement."""

from __future__ import annotations

from datetime import datetime

from hotline_libs.inputs import SHOWS_TEXT
from pydantic import BaseModel, ConfigDict, Field

from billing.domain.review import Review


class ReviewIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"approved": True, "note": "已核对"}]},
    )
    approved: bool
    note: str | None = Field(
        default=None,
        max_length=500,
        pattern=SHOWS_TEXT,
        description="What to correct, when sending it back",
    )


class ReviewOut(BaseModel):
    by: str
    at: datetime
    approved: bool
    note: str | None


def review_out(review: Review) -> ReviewOut:
    return ReviewOut(by=review.by, at=review.at, approved=review.approved, note=review.note)
