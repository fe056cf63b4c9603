"""Notification e-mails a site's approved monthly report to the departments and the company's
leaders (CMP-19: the monthly departmental complaint report; CMP-22: the period's complaint
statistics go to the departments and to the company's leaders; KB-11: consultation figures fed
back to the departments): each department's information liaison at the site, the site's
manager and every director, once per event and address, from its copy of intake's staff
records.

The real inbound mappers, handlers, message bus and outbound mapper run on an in-memory store
with fake gateways (``Notifier`` of ``test_notification``).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import structlog
from contracts.dispatch.v1 import WorkOrderMonthReported
from contracts.examples import canonical_examples
from contracts.intake.v1 import (
    BoardMonth,
    MonthlyReportApproved,
    MonthlyReportApprovedPayload,
    RequestKind,
    StaffDepartment,
    StaffRecorded,
)
from hotline_libs.ids import derive_id, event_id
from notification.adapters.inbound import events_v1
from notification.domain.commands import SendMonthlyReport
from notification.domain.messages import Channel, MessageRefused, monthly_report_mails
from notification.domain.notification import MessageStatus, message_id
from notification.domain.occasions import About
from notification.domain.occasions import BoardMonth as Board
from notification.domain.occasions import MonthlyReportApproved as Approved

from tests.unit.test_notification import FakeMail, Notifier, with_site_name
from tests.unit.test_notification_emergency import staff_recorded, with_staff

APPROVED_AT = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)  # 10:30 in Xi'an


def complaints(**figures: Any) -> BoardMonth:
    values: dict[str, Any] = {
        "kind": RequestKind.COMPLAINT,
        "registered": 14,
        "accepted": 14,
        "declined": 0,
        "redirected": 1,
        "promises": 3,
        "promises_kept_on_time": 3,
        "first_answers_overdue": 0,
        "complaints_valid": 11,
        "complaints_invalid": 3,
        "complaints_answered_within_2h": 13,
        "complaints_resolved": 12,
        "complaints_resolved_within_24h": 10,
        "second_complaints": 1,
        "representative_cases": 1,
        "answers_contradicting_policy": 0,
        "by_category": {"environment": 5, "facilities": 6, "service_quality": 3},
    }
    return BoardMonth(**{**values, **figures})


def consultations() -> BoardMonth:
    return BoardMonth(
        kind=RequestKind.CONSULTATION,
        registered=20,
        accepted=18,
        declined=1,
        redirected=1,
        promises=6,
        promises_kept_on_time=5,
        first_answers_overdue=1,
        complaints_valid=0,
        complaints_invalid=0,
        complaints_answered_within_2h=0,
        complaints_resolved=0,
        complaints_resolved_within_24h=0,
        second_complaints=0,
        representative_cases=0,
        answers_contradicting_policy=2,
        by_category={"convenience": 3, "property_service": 12, "project": 5},
    )


def nothing(kind: RequestKind) -> BoardMonth:
    return complaints(
        kind=kind,
        **{name: 0 for name in BoardMonth.model_fields if name not in {"kind", "by_category"}},
        by_category={},
    )


def monthly_report_approved(
    *, site_id: str = "dmg", month: str = "2026-11", boards: list[BoardMonth] | None = None
) -> MonthlyReportApproved:
    report_id = f"{site_id}:{month}"
    event: MonthlyReportApproved = MonthlyReportApproved.build(
        event_id=event_id(MonthlyReportApproved, report_id),
        producer="intake",
        site_id=site_id,
        correlation_id=derive_id("monthly-report", report_id),
        occurred_at=APPROVED_AT,
        payload=MonthlyReportApprovedPayload(
            month=month,
            prepared_by="supervisor-002",
            reviewed_by="quality-001",
            approved_by="director-001",
            approved_at=APPROVED_AT,
            boards=boards
            if boards is not None
            else [consultations(), nothing(RequestKind.REPAIR), complaints()],
        ),
    )
    return event


MAINTENANCE_LIAISON = staff_recorded(
    "dmg-m01",
    "dmg",
    ["technician"],
    "+8613900000101",
    email="dmg.m01@example.com",
    department=StaffDepartment.MAINTENANCE,
    liaison=True,
    name="李强",
)
SECURITY_LIAISON = staff_recorded(
    "dmg-b01",
    "dmg",
    [],
    "+8613900000102",
    email="dmg.b01@example.com",
    department=StaffDepartment.SECURITY,
    liaison=True,
    name="王军",
)
SITE_MANAGER = staff_recorded(
    "dmg-mgr", "dmg", ["site_manager"], "+8613900000103", email="dmg.mgr@example.com", name="钱伟"
)
CENTRAL_DIRECTOR = staff_recorded(
    "hq-dir", "*", ["director"], "+8613900000104", email="hq.dir@example.com", name="孙总"
)
DIRECTOR_AT_ANOTHER_SITE = staff_recorded(
    "qjc-dir", "qjc", ["director"], "+8613900000105", email="qjc.dir@example.com", name="吴总"
)
OTHER_SITES_LIAISON = staff_recorded(
    "qjc-m01", "qjc", ["technician"], "+8613900000106", email="qjc.m01@example.com", liaison=True
)
OTHER_SITES_MANAGER = staff_recorded(
    "qjc-mgr", "qjc", ["site_manager"], "+8613900000107", email="qjc.mgr@example.com"
)
LEFT_LIAISON = staff_recorded(
    "dmg-old",
    "dmg",
    [],
    "+8613900000108",
    email="dmg.old@example.com",
    liaison=True,
    active=False,
)
LEFT_DIRECTOR = staff_recorded(
    "hq-old", "*", ["director"], "+8613900000109", email="hq.old@example.com", active=False
)
SITE_SUPERVISOR = staff_recorded(
    "dmg-sup", "dmg", ["supervisor"], "+8613900000110", email="dmg.sup@example.com"
)
TECHNICIAN = staff_recorded(
    "dmg-t01", "dmg", ["technician"], "+8613900000111", email="dmg.t01@example.com"
)
CENTRAL_LIAISON = staff_recorded(
    "hq-cs01", "*", ["agent"], "+8613900000112", email="hq.cs01@example.com", liaison=True
)
ON_RECORD = (
    MAINTENANCE_LIAISON,
    SECURITY_LIAISON,
    SITE_MANAGER,
    CENTRAL_DIRECTOR,
    DIRECTOR_AT_ANOTHER_SITE,
    OTHER_SITES_LIAISON,
    OTHER_SITES_MANAGER,
    LEFT_LIAISON,
    LEFT_DIRECTOR,
    SITE_SUPERVISOR,
    TECHNICIAN,
    CENTRAL_LIAISON,
)
SENT_IT = (
    MAINTENANCE_LIAISON,
    SECURITY_LIAISON,
    SITE_MANAGER,
    CENTRAL_DIRECTOR,
    DIRECTOR_AT_ANOTHER_SITE,
)


def email_of(recorded: StaffRecorded) -> str:
    address = recorded.payload.email
    assert address is not None
    return address


async def send(notifier: Notifier, event: MonthlyReportApproved) -> Any:
    return await notifier.bus.handle(events_v1.monthly_report_approved(event))


def mailed_to(notifier: Notifier) -> list[str]:
    return sorted(to for _, to in notifier.mail.sent)


# --- the inbound mapper ---


def test_cmp22_an_approval_maps_to_the_report_as_approved_about_the_site() -> None:
    event = monthly_report_approved(boards=[complaints()])
    assert events_v1.monthly_report_approved(event) == SendMonthlyReport(
        Approved(
            about=About(
                event_id=event.event_id,
                event_type="MonthlyReportApproved",
                correlation_id=event.correlation_id,
                site_id="dmg",
                request_id=None,
            ),
            month="2026-11",
            prepared_by="supervisor-002",
            reviewed_by="quality-001",
            approved_by="director-001",
            approved_at=APPROVED_AT,
            boards=(
                Board(
                    board="complaint",
                    registered=14,
                    accepted=14,
                    declined=0,
                    redirected=1,
                    promises=3,
                    promises_kept_on_time=3,
                    first_answers_overdue=0,
                    complaints_valid=11,
                    complaints_invalid=3,
                    complaints_answered_within_2h=13,
                    complaints_resolved=12,
                    complaints_resolved_within_24h=10,
                    second_complaints=1,
                    representative_cases=1,
                    answers_contradicting_policy=0,
                    # most counted first
                    by_category=(("facilities", 6), ("environment", 5), ("service_quality", 3)),
                ),
            ),
        ),
        causation_id=event.event_id,
    )


def test_kb11_a_staff_record_keeps_whether_they_are_their_departments_liaison() -> None:
    assert events_v1.staff_recorded(MAINTENANCE_LIAISON).member.information_liaison is True
    assert events_v1.staff_recorded(SITE_MANAGER).member.information_liaison is False


# --- who is sent it (the domain's rule) ---


@pytest.mark.parametrize(
    ("recorded", "sent"),
    [
        (MAINTENANCE_LIAISON, True),
        (SECURITY_LIAISON, True),
        (SITE_MANAGER, True),
        (CENTRAL_DIRECTOR, True),
        (DIRECTOR_AT_ANOTHER_SITE, True),
        (OTHER_SITES_LIAISON, False),
        (OTHER_SITES_MANAGER, False),
        (LEFT_LIAISON, False),
        (LEFT_DIRECTOR, False),
        (SITE_SUPERVISOR, False),
        (TECHNICIAN, False),
        (CENTRAL_LIAISON, False),
    ],
    ids=lambda v: v.payload.staff_id if isinstance(v, StaffRecorded) else str(v),
)
def test_cmp19_cmp22_a_sites_report_goes_to_its_liaisons_its_manager_and_the_directors_only(
    recorded: StaffRecorded, sent: bool
) -> None:
    member = events_v1.staff_recorded(recorded).member
    assert member.sent_monthly_report_of("dmg") is sent


# --- sending it (SendMonthlyReport) ---


async def test_cmp19_cmp22_the_report_is_emailed_to_each_liaison_the_manager_and_the_directors() -> (
    None
):
    """Both departments' liaisons at the site, its manager, the company's director and a
    director recorded at another site get the e-mail; another site's liaison and manager,
    those who left, a supervisor, a technician and a liaison of the central hotline do not.
    Nobody gets an SMS, and no ``NotificationSent`` is published (it says a resident was
    told)."""
    notifier = await with_site_name(await with_staff(Notifier(), *ON_RECORD))
    event = monthly_report_approved()
    await send(notifier, event)
    assert mailed_to(notifier) == sorted(map(email_of, SENT_IT))
    assert sorted(notifier.mail.sent) == sorted(
        (message_id(event.event_id, Channel.EMAIL, email_of(r)), email_of(r)) for r in SENT_IT
    )
    assert notifier.sms.calls == []
    stored = notifier.stored(event)
    assert stored.about.site_id == "dmg" and stored.about.request_id is None
    assert {m.status for m in stored.messages} == {MessageStatus.SENT}
    assert {m.template for m in stored.messages} == {"monthly_report"}
    assert all(m.subject == "大明宫花园 2026年11月呼叫中心月报（已批准）" for m in stored.messages)
    assert notifier.sent() == []


async def test_cmp22_a_liaison_who_is_also_the_manager_or_a_director_gets_one_email() -> None:
    liaison_and_manager = staff_recorded(
        "dmg-mgr",
        "dmg",
        ["site_manager", "director"],
        "+8613900000103",
        email="dmg.mgr@example.com",
        liaison=True,
    )
    notifier = await with_staff(Notifier(), liaison_and_manager)
    await send(notifier, monthly_report_approved())
    assert mailed_to(notifier) == ["dmg.mgr@example.com"]


async def test_cmp22_two_records_with_one_address_get_one_email() -> None:
    same_address = staff_recorded(
        "hq-dir-2", "*", ["director"], "+8613900000199", email=email_of(MAINTENANCE_LIAISON)
    )
    notifier = await with_staff(Notifier(), MAINTENANCE_LIAISON, same_address)
    await send(notifier, monthly_report_approved())
    assert mailed_to(notifier) == [email_of(MAINTENANCE_LIAISON)]


async def test_cmp22_a_redelivered_approval_sends_nobody_the_report_twice() -> None:
    notifier = await with_staff(Notifier(), *ON_RECORD)
    event = monthly_report_approved()
    await send(notifier, event)
    commits = notifier.store.commits
    await send(notifier, event)  # the event again
    assert notifier.store.commits == commits
    assert len(notifier.mail.calls) == len(SENT_IT)
    assert mailed_to(notifier) == sorted(map(email_of, SENT_IT))


async def test_cmp22_a_refused_address_does_not_hold_up_the_others_and_is_not_tried_again() -> None:
    refused = email_of(SECURITY_LIAISON)

    class RefusingOne(FakeMail):
        async def send(self, message_id: uuid.UUID, to: str, subject: str, body: str) -> None:
            self.failure = MessageRefused(f"mailbox {to} unknown") if to == refused else None
            self._take(message_id, to)

    notifier = await with_staff(Notifier(mail=RefusingOne()), *ON_RECORD)
    event = monthly_report_approved()
    await send(notifier, event)
    statuses = {m.recipient: m.status for m in notifier.stored(event).messages}
    assert statuses[refused] is MessageStatus.REFUSED
    assert statuses[email_of(CENTRAL_DIRECTOR)] is MessageStatus.SENT
    await send(notifier, event)
    assert len(notifier.mail.calls) == len(SENT_IT)


async def test_cmp22_staff_without_an_address_are_logged_by_id_and_the_others_sent_it() -> None:
    no_address = staff_recorded("dmg-h01", "dmg", [], "+8613900000120", liaison=True)
    notifier = await with_staff(Notifier(), no_address, CENTRAL_DIRECTOR)
    with structlog.testing.capture_logs() as logs:
        await send(notifier, monthly_report_approved())
    assert mailed_to(notifier) == [email_of(CENTRAL_DIRECTOR)]
    [line] = [entry for entry in logs if "no e-mail address" in entry["event"]]
    assert line["staff_ids"] == ["dmg-h01"] and line["month"] == "2026-11"


async def test_cmp22_nobody_on_record_to_send_it_is_logged_and_not_retried() -> None:
    notifier = await with_staff(Notifier(), OTHER_SITES_LIAISON, LEFT_DIRECTOR, TECHNICIAN)
    event = monthly_report_approved()
    with structlog.testing.capture_logs() as logs:
        assert await send(notifier, event) is None
    assert notifier.mail.calls == notifier.sms.calls == []
    assert notifier.store.saved("notifications") == {}
    [line] = [entry for entry in logs if entry["event"].startswith("nobody on record")]
    assert line["site_id"] == "dmg" and line["log_level"] == "warning"


async def test_a_liaison_appointed_after_an_approval_is_not_sent_that_report_again() -> None:
    """The recipients are those on record when the approval arrives; a redelivery afterwards
    does not widen them (the notification is stored once)."""
    notifier = await with_staff(Notifier(), CENTRAL_DIRECTOR)
    event = monthly_report_approved()
    await send(notifier, event)
    await with_staff(notifier, MAINTENANCE_LIAISON)
    await send(notifier, event)
    assert mailed_to(notifier) == [email_of(CENTRAL_DIRECTOR)]


# --- the e-mail's text ---


def report(event: MonthlyReportApproved) -> Approved:
    approved = events_v1.monthly_report_approved(event).report
    assert isinstance(approved, Approved)
    return approved


def test_cmp19_the_email_gives_the_site_month_signers_and_each_boards_figures() -> None:
    director = events_v1.staff_recorded(CENTRAL_DIRECTOR).member
    [mail] = monthly_report_mails(report(monthly_report_approved()), [director], "大明宫花园")
    assert mail.channel is Channel.EMAIL and mail.recipient == "hq.dir@example.com"
    assert mail.subject == "大明宫花园 2026年11月呼叫中心月报（已批准）"
    assert mail.body == "\n".join(
        [
            "孙总您好：",
            "",
            "大明宫花园 2026年11月的呼叫中心月报已批准，现将各板块的统计结果发送各部门及公司领导。",
            "",
            "编制（呼叫中心主管）：supervisor-002",
            "审核（质量控制部）：quality-001",
            "批准（物业服务中心经理）：director-001，2026-12-01 10:30",
            "",
            "本月合计：登记 34 件，受理 32，不予受理 1，转介 2；承诺回复 9 次，按时答复 8",
            "",
            "【咨询】",
            "  登记 20 件：受理 18，不予受理 1，转介 1",
            "  承诺回复 6 次，按时答复 5；24 小时内未首次答复 1",
            "  答复经质检与公司政策不符 2",
            "  分类：property_service 12，project 5，convenience 3",
            "",
            "【报修】本月无登记",
            "",
            "【投诉】",
            "  登记 14 件：受理 14，不予受理 0，转介 1",
            "  承诺回复 3 次，按时答复 3；24 小时内未首次答复 0",
            "  投诉有效 11，无效 3；2 小时内首次答复 13",
            "  已解决 12，其中 24 小时内解决 10；二次投诉 1；典型案例 1",
            "  答复经质检与公司政策不符 0",
            "  分类：facilities 6，environment 5，service_quality 3",
            "",
            "物业服务热线",
        ]
    )


def test_a_complaint_board_with_nothing_registered_still_says_so() -> None:
    director = events_v1.staff_recorded(CENTRAL_DIRECTOR).member
    quiet = monthly_report_approved(boards=[nothing(RequestKind.COMPLAINT)])
    [mail] = monthly_report_mails(report(quiet), [director])
    assert "【投诉】本月无登记" in mail.body
    assert mail.subject.startswith("dmg 2026年11月")  # the site's name not known yet


def test_the_report_is_sent_only_to_those_with_an_address() -> None:
    with_address = events_v1.staff_recorded(CENTRAL_DIRECTOR).member
    without = events_v1.staff_recorded(
        staff_recorded("dmg-h01", "dmg", [], "+8613900000120", liaison=True)
    ).member
    mails = monthly_report_mails(report(monthly_report_approved()), [without, with_address])
    assert [m.recipient for m in mails] == ["hq.dir@example.com"]


def test_the_month_is_named_without_a_leading_zero() -> None:
    director = events_v1.staff_recorded(CENTRAL_DIRECTOR).member
    [mail] = monthly_report_mails(report(monthly_report_approved(month="2027-03")), [director])
    assert mail.subject == "dmg 2027年3月呼叫中心月报（已批准）"


# --- dispatch's month of work orders (DSP-12) ---


def work_order_month() -> WorkOrderMonthReported:
    example = canonical_examples()[WorkOrderMonthReported]
    assert isinstance(example, WorkOrderMonthReported)
    return example


async def test_dsp12_the_month_of_work_orders_goes_to_the_same_readers_once() -> None:
    notifier = await with_site_name(await with_staff(Notifier(), *ON_RECORD))
    event = work_order_month()
    for _ in range(2):  # a redelivery sends nobody the report twice
        await notifier.bus.handle(events_v1.work_order_month_reported(event))
    assert mailed_to(notifier) == sorted(map(email_of, SENT_IT))
    assert notifier.sms.calls == [] and notifier.sent() == []
    stored = notifier.stored(event)
    assert all(m.subject == "大明宫花园 2026年11月派工月报" for m in stored.messages)


def test_dsp12_the_email_gives_the_sites_trades_and_technicians_figures() -> None:
    director = events_v1.staff_recorded(CENTRAL_DIRECTOR).member
    month = events_v1.work_order_month_reported(work_order_month()).report
    [mail] = monthly_report_mails(month, [director], "大明宫花园")
    figures = (
        "派工单 12 张，已派 12（15分钟内送达 100%，中位 4.0 分钟，P95 13.0 分钟）；"
        "接单中位 2.0 分钟；准时到场 90%；验收 11，一次修复率 91%，返工率 8%；"
        "升级 0，核销 1，财产损坏 0"
    )
    assert mail.body == "\n".join(
        [
            "孙总您好：",
            "",
            "大明宫花园 2026年11月的派工统计如下，现发送各部门及公司领导。",
            "",
            f"全管理处：{figures}",
            "",
            "按工种：",
            f"  维修：{figures}",
            "",
            "按服务人员：",
            f"  李强：{figures}",
            "",
            "物业服务热线",
        ]
    )
