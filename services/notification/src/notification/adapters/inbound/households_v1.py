"""Notices to a site's households: billing's income and spending statement, and intake's records
of units and residents it goes to (v1) → notification's commands."""

from __future__ import annotations

from contracts.billing.v1 import IncomeSpendingStatementPublished
from contracts.intake.v1 import PreferredChannel, ResidentRecorded, UnitRecorded

from notification.domain.commands import KeepHousehold, KeepMember, PublishStatement
from notification.domain.households import Household, Member
from notification.domain.occasions import (
    About,
    StatementAmount,
    StatementCategory,
    StatementPublished,
)


def statement_published(event: IncomeSpendingStatementPublished) -> PublishStatement:
    p = event.payload
    return PublishStatement(
        StatementPublished(
            about=About(
                event_id=event.event_id,
                event_type=event.EVENT_TYPE,
                correlation_id=event.correlation_id,
                site_id=event.site_id,
                request_id=None,
            ),
            period=p.period,
            period_start=p.period_start,
            period_end=p.period_end,
            fees_billed=p.fees_billed,
            fees_collected=p.fees_collected,
            late_fees=p.late_fees,
            other_income=tuple(StatementAmount(a.label, a.amount) for a in p.other_income),
            income_total=p.income_total,
            utilities_collected=p.utilities_collected,
            spending=tuple(
                StatementCategory(
                    c.category_name,
                    c.amount,
                    tuple(StatementAmount(a.label, a.amount) for a in c.lines),
                )
                for c in p.spending
            ),
            spending_total=p.spending_total,
            balance=p.balance,
            note=p.note,
        ),
        causation_id=event.event_id,
    )


def unit_recorded(event: UnitRecorded) -> KeepHousehold:
    u = event.payload
    return KeepHousehold(
        Household(
            site_id=event.site_id,
            building=u.building,
            room=u.room,
            owner_id=u.owner_id,
            payer_id=u.payer_id,
            recorded_at=u.recorded_at,
        ),
        causation_id=event.event_id,
    )


def resident_recorded(event: ResidentRecorded) -> KeepMember:
    r = event.payload
    return KeepMember(
        Member(
            resident_id=r.resident_id,
            site_id=event.site_id,
            name=r.name,
            phone=r.phones[0] if r.phones else None,
            email=r.email,
            prefers_email=r.preferred_channel is PreferredChannel.EMAIL,
            consents_to_sms=r.consents_to_sms,
            consents_to_email=r.consents_to_email,
            recorded_at=r.recorded_at,
            language=r.language,
        ),
        causation_id=event.event_id,
    )
