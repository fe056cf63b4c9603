"""A site's callback policy and the months' samples an auditor recomputes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Response, status
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.inputs import SiteInPath
from hotline_libs.paging import IsoDate
from hotline_libs.service import Bus
from pydantic import BaseModel, ConfigDict, Field, JsonValue

from callback.domain.commands import SetCallbackPolicy
from callback.domain.policy import (
    MANUALS,
    MANUALS_VERSION,
    MAX_RECTIFICATION_LOOPS,
    MAX_WORKING_DAYS,
    MIN_SHARE,
    MONTH_DONE_BEFORE_DAY,
    SERVICE_WORKING_DAYS,
    SERVICES,
    CallbackPolicy,
    PolicyVersion,
    Rule,
    Trigger,
)
from callback.domain.sample import BASIS_POINTS, CallbackSample
from callback.entrypoints.http import Reader

router = APIRouter(tags=["callback policies"])

SiteId = SiteInPath


class RuleIO(BaseModel):
    model_config = ConfigDict(extra="forbid")
    share: int = Field(
        ge=0, le=100, description="Percent of the cases called back; under 100 a sample is drawn"
    )
    within_working_days: int = Field(
        ge=1, le=5, description="Called back within this many working days (services: 2 at most)"
    )


def _rules_example() -> dict[str, JsonValue]:
    return {
        t.value: {"share": r.share, "within_working_days": r.within_working_days}
        for t, r in MANUALS.items()
    }


class PolicyVersionIn(BaseModel):
    """A new version of the site's policy, from a day on (today or later)."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "effective_from": "2026-12-01",
                    "rules": _rules_example()
                    | {"bank_collected": {"share": 90, "within_working_days": 2}},
                    "month_done_before_day": 10,
                    "rectification_limit": 2,
                    "note": "托收回访提高到90%",
                }
            ]
        },
    )
    effective_from: IsoDate = Field(description="The site's day it takes effect (YYYY-MM-DD)")
    rules: dict[Trigger, RuleIO] = Field(
        description="For each trigger (cash_paid, bank_collected, other_paid, repair, "
        "valid_complaint, invalid_complaint): share and working days. Floors: cash_paid 100, "
        "bank_collected 80, valid_complaint 100; services within 2 working days"
    )
    month_done_before_day: int = Field(
        default=MONTH_DONE_BEFORE_DAY,
        ge=1,
        le=MONTH_DONE_BEFORE_DAY,
        description="Last month's callbacks are all done before this day of the month (CB-02)",
    )
    rectification_limit: int = Field(
        default=2,
        ge=1,
        le=MAX_RECTIFICATION_LOOPS,
        description="Rectifications of one case before it is escalated",
    )
    note: str | None = Field(default=None, min_length=1, max_length=500)


class PolicyVersionOut(BaseModel):
    version: int = Field(description="0: the manuals' rules, before the site's first version")
    effective_from: date | None
    rules: dict[Trigger, RuleIO]
    month_done_before_day: int
    rectification_limit: int
    set_by: str | None
    set_at: datetime | None
    note: str | None


class PolicyOut(BaseModel):
    site_id: str
    in_force: PolicyVersionOut = Field(description="The version in force today (the site's day)")
    versions: list[PolicyVersionOut] = Field(description="The site's versions, oldest first")
    floors: dict[Trigger, int] = Field(description="The manuals' least shares (CB-03, CB-11)")
    most_working_days: dict[Trigger, int] = Field(
        description="The most working days a rule may allow per trigger (services 2, CB-08)"
    )
    manuals: PolicyVersionOut = Field(description="Version 0: the manuals' rules")


def version_out(v: PolicyVersion) -> PolicyVersionOut:
    return PolicyVersionOut(
        version=v.version,
        effective_from=None if v is MANUALS_VERSION else v.effective_from,
        rules={
            t: RuleIO(share=r.share, within_working_days=r.within_working_days)
            for t, r in v.rules.items()
        },
        month_done_before_day=v.month_done_before_day,
        rectification_limit=v.rectification_limit,
        set_by=v.set_by,
        set_at=v.set_at,
        note=v.note,
    )


async def _policy_out(reader: Reader, site_id: str) -> PolicyOut:
    calendar = await reader.calendars.for_site(site_id)
    today = calendar.local_day(reader.clock())
    policy = await reader.policies.get(site_id) or CallbackPolicy(site_id)
    return PolicyOut(
        site_id=site_id,
        in_force=version_out(policy.in_force(today)),
        versions=[version_out(v) for v in policy.versions],
        floors=dict(MIN_SHARE),
        most_working_days={
            t: SERVICE_WORKING_DAYS if t in SERVICES else MAX_WORKING_DAYS for t in Trigger
        },
        manuals=version_out(MANUALS_VERSION),
    )


@router.get(
    "/callback-policies/{site_id}",
    summary="A site's callback policy: the version in force today and every version",
)
async def get_policy(site_id: SiteId, reader: Reader, principal: CurrentPrincipal) -> PolicyOut:
    principal.require_site(site_id)
    return await _policy_out(reader, site_id)


@router.post(
    "/callback-policies/{site_id}/versions",
    summary="Set a new version of a site's callback policy, from a day on",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "This version was already the last one"},
        409: {"description": "A later version exists: a new one takes effect after it"},
    },
)
async def add_policy_version(
    site_id: SiteId,
    body: PolicyVersionIn,
    response: Response,
    principal: CurrentPrincipal,
    bus: Bus,
    reader: Reader,
) -> PolicyOut:
    principal.require_site(site_id)
    _, _, added = await bus.handle(
        SetCallbackPolicy(
            site_id=site_id,
            effective_from=body.effective_from,
            rules={t: Rule(r.share, r.within_working_days) for t, r in body.rules.items()},
            month_done_before_day=body.month_done_before_day,
            rectification_limit=body.rectification_limit,
            note=body.note,
            set_by=principal.subject,
        )
    )
    if not added:
        response.status_code = status.HTTP_200_OK
    return await _policy_out(reader, site_id)


class DrawOut(BaseModel):
    position: int = Field(description="The case's place in the month's order, from 1")
    case_id: uuid.UUID = Field(description="The callback's id (what the draw hashes)")
    draw: int = Field(description=f"SHA-256(seed:case_id), first 8 bytes, mod {BASIS_POINTS}")
    share: int = Field(description="The percent in force for it")
    drawn: bool = Field(description="Called back")
    by_lot: bool = Field(
        description="Drawn as its draw < share × 100; drawn but not by lot: to keep the rate"
    )


class SampleOut(BaseModel):
    trigger: Trigger
    seed: str = Field(description="Drawn with the month's first case, kept")
    cases: int
    drawn: int
    rate: float = Field(description="drawn ÷ cases")
    draws: list[DrawOut]


class SamplesOut(BaseModel):
    site_id: str
    month: str
    method: str = Field(description="How an auditor recomputes each draw")
    samples: list[SampleOut]


METHOD = (
    "For the n-th case of the month in order: draw = int(SHA-256('<seed>:<case_id>')[0:8]) mod "
    f"{BASIS_POINTS}; drawn by lot when draw < share × 100; otherwise drawn when fewer than "
    "ceil(n × share ÷ 100) of the cases before it were drawn."
)


def sample_out(sample: CallbackSample) -> SampleOut:
    cases = len(sample.draws)
    return SampleOut(
        trigger=Trigger(sample.trigger),
        seed=sample.seed,
        cases=cases,
        drawn=sample.drawn,
        rate=round(sample.drawn / cases, 4) if cases else 0.0,
        draws=[
            DrawOut(
                position=d.position,
                case_id=d.case_id,
                draw=d.draw,
                share=d.share,
                drawn=d.drawn,
                by_lot=d.by_lot,
            )
            for d in sample.draws
        ],
    )


@router.get(
    "/callback-samples/{site_id}/{month}",
    summary="A site's samples of a month (抽样回访): seed, each case's draw, what was drawn",
)
async def get_samples(
    site_id: SiteId,
    month: Annotated[
        str, Path(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM", examples=["2026-11"])
    ],
    reader: Reader,
    principal: CurrentPrincipal,
) -> SamplesOut:
    principal.require_site(site_id)
    samples = await reader.samples.of_month(site_id, month)
    return SamplesOut(
        site_id=site_id, month=month, method=METHOD, samples=[sample_out(s) for s in samples]
    )
