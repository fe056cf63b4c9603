"""A request a site's own system sent that intake could not register, kept where duty staff see it.

A business refusal is a state, never a silent dead letter: the site system's submission is
valid as a message, but names a site the hotline does not serve, breaks a triage rule, or reuses
its reference for different content. Duty staff list these, call the resident if need be, and
the site fixes its system.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from hotline_libs.aggregate import Aggregate


@dataclass
class RefusedSubmission(Aggregate):
    submission_id: uuid.UUID
    """The id of the site system's message: a redelivery finds the same record."""
    site_id: str
    source_ref: str
    reason: str
    refusal: str
    """The kind of refusal: UnknownSite, InvalidRegistration or Conflict."""
    received_at: datetime
    resident_name: str
    resident_phone: str
    description: str
