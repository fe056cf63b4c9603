"""The messages each occasion sends: one per resident told and channel they can be reached on;
the alerts an emergency sends the staff, one per member alerted and channel; and the e-mail
of a site's approved monthly report, one per member sent it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol, assert_never
from zoneinfo import ZoneInfo

from notification.domain.alerts import STAFF_ALERT, StaffAlertOccasion
from notification.domain.occasions import (
    COMPLAINT,
    BoardMonth,
    ChargeRaised,
    CollectionRejected,
    EmergencyReported,
    FeeReminder,
    IncidentOver,
    MonthlyReport,
    MonthlyReportApproved,
    Occasion,
    Recipient,
    ReplyKind,
    RequestAccepted,
    ResidentAnswered,
    TechnicianAssigned,
    WorkFigures,
    WorkOrderMonthReported,
)
from notification.domain.policy import Delivery, MessagePolicy, policy_of
from notification.domain.preferences import SEND, Screening, Verdict
from notification.domain.staff import StaffMember
from notification.domain.template_versions import BUILT_IN_BOOK, TemplateBook
from notification.domain.templates import SMS_QUOTE_MAX as SMS_QUOTE_MAX
from notification.domain.templates import Channel as Channel  # its home is now templates
from notification.domain.templates import (
    Language,
    TemplateText,
    quoted,
    render,
)

SIGNATURE = "【物业服务热线】"
LOCAL = ZoneInfo("Asia/Shanghai")
PAYMENT_NAMES = {
    "cash": "现金",
    "bank_collection": "银行托收",
    "bank_transfer": "银行转账",
    "wechat_pay": "微信支付",
    "alipay": "支付宝",
}
BANK_REASONS = {
    "AM04": "账户余额不足",
    "AC04": "账户已销户",
    "AC06": "账户已冻结",
    "AC01": "账号有误",
    "MD01": "无有效委托授权",
    "MD06": "付款人要求退回",
    "MS02": "付款人拒付",
    "MS03": "银行未说明原因",
}
"""The bank's ISO 20022 reason codes a payer can act on, in their words."""
EMERGENCY_NAMES = {
    "water_leak": "漏水",
    "power_failure": "停电",
    "lift_entrapment": "困梯",
    "gas": "燃气泄漏",
    "fire_alarm": "火警",
}
"""What staff call each kind of emergency; another kind is named 紧急情况."""
BOARD_NAMES = {
    "consultation": "咨询",
    "repair": "报修",
    "complaint": "投诉",
    "callback": "回访",
    "value_added": "社区增值服务",
    "housekeeping": "家政保洁",
    "information": "信息收集",
}
"""The seven boards as staff call them (TAX-01); another is named by its code."""
EMERGENCY_ALERT = "emergency_alert"
MONTHLY_REPORT = "monthly_report"
ROSTER = "roster"
"""The front desk's monthly roster, to the service-centre manager (``rosters``)."""
STAFF_TEMPLATES = frozenset({EMERGENCY_ALERT, MONTHLY_REPORT, ROSTER, STAFF_ALERT})
"""The templates of messages to staff, not to a resident (``NotificationSent`` is not
published for them: it says a resident was told)."""


Policies = Mapping[str, MessagePolicy] | None
"""The company's policies by message type, where they replace the built-in ones."""


@dataclass(frozen=True)
class OutgoingMessage:
    channel: Channel
    recipient: str
    template: str
    subject: str
    body: str
    alternatives: str | None = None
    """Messages sharing this key are one person's channels in order, of which only the first
    that may go is sent (``Delivery.FIRST_THAT_WORKS``); None: sent on its own."""
    template_version: int = 0
    """The version of the template it was rendered from (0: the built-in text)."""
    language: Language = Language.ZH_CN
    """The language it is written in (its e-mail's unsubscribe line follows it)."""


class Reachable(Protocol):
    """Whom a message goes to: a resident, or a member of staff."""

    @property
    def name(self) -> str: ...
    @property
    def phone(self) -> str | None: ...
    @property
    def email(self) -> str | None: ...


def _reach_with(
    recipient: Reachable,
    template: str,
    subject: str,
    body: str,
    *,
    mail_body: str | None = None,
    email_too: bool = True,
) -> list[OutgoingMessage]:
    """An SMS to the recipient's phone, and the e-mail too when ``email_too`` and they gave an
    address; a recipient without a phone gets the e-mail instead. ``mail_body`` is the e-mail's
    text when it says more than the SMS. (The staff's alerts; residents' messages come from
    their templates, ``_reach``.)"""
    messages = []
    if recipient.phone:
        messages.append(
            OutgoingMessage(Channel.SMS, recipient.phone, template, subject, f"{SIGNATURE}{body}")
        )
    if recipient.email and (email_too or not recipient.phone):
        messages.append(
            email_to(recipient.name, recipient.email, template, subject, mail_body or body)
        )
    return messages


def _reach(
    recipient: Recipient,
    template: str,
    data: dict[str, Any],
    policies: Mapping[str, MessagePolicy] | None = None,
    book: TemplateBook = BUILT_IN_BOOK,
) -> list[OutgoingMessage]:
    """The message type ``template`` to a resident, each channel's from its template (in
    Chinese) with ``data`` and the resident's name and home, on the channels its policy allows
    that the resident has an address for, in the policy's order: all of them, or (first that
    works) each as the alternative of the one before, so that the first the resident's
    preferences let through is sent."""
    data = {"name": recipient.name, "building": recipient.building, "room": recipient.room, **data}
    policy = policy_of(template, dict(policies) if policies else None)
    alternatives = (
        f"{recipient.phone or ''}|{recipient.email or ''}"
        if policy.delivery is Delivery.FIRST_THAT_WORKS
        else None
    )
    language = language_of(recipient.language)
    messages = []
    for channel in policy.channels:
        version = book.text(template, channel, language)[0]
        if channel is Channel.SMS and recipient.phone:
            sms = text_of(template, Channel.SMS, data, language, book=book)
            messages.append(
                OutgoingMessage(
                    Channel.SMS,
                    recipient.phone,
                    template,
                    sms.subject,
                    f"{SIGNATURE}{sms.body}",
                    alternatives,
                    version,
                )
            )
        elif channel is Channel.EMAIL and recipient.email:
            mail = text_of(template, Channel.EMAIL, data, language, book=book)
            message = email_to(
                recipient.name,
                recipient.email,
                template,
                mail.subject,
                mail.body,
                version,
                language,
            )
            messages.append(replace(message, alternatives=alternatives))
    return messages


def text_of(
    template: str,
    channel: Channel,
    data: Mapping[str, Any],
    language: Language = Language.ZH_CN,
    *,
    book: TemplateBook = BUILT_IN_BOOK,
) -> TemplateText:
    """The message type's template for ``channel`` and ``language`` in ``book`` (its approved
    version, else the built-in text), rendered with ``data``."""
    return render(book.text(template, channel, language)[1], data)


GREETING = {Language.ZH_CN: "{name}您好：", Language.EN: "Dear {name},"}
SIGN_OFF = {Language.ZH_CN: "物业服务热线", Language.EN: "Your property service hotline"}


def language_of(asked: str | None) -> Language:
    """The language of ours a resident is written to in: the one they asked for when we have
    templates in it (``zh-CN``, ``en``; ``en-GB`` is English, ``zh-Hans-CN`` Chinese), else
    Chinese."""
    if asked:
        primary = asked.split("-", 1)[0].lower()
        if primary == "en":
            return Language.EN
    return Language.ZH_CN


def email_to(
    name: str,
    address: str,
    template: str,
    subject: str,
    body: str,
    template_version: int = 0,
    language: Language = Language.ZH_CN,
) -> OutgoingMessage:
    """The e-mail to ``name``: greeted by name and signed by the hotline, in ``language``."""
    greeting = GREETING[language].format(name=name)
    return OutgoingMessage(
        Channel.EMAIL,
        address,
        template,
        subject,
        f"{greeting}\n\n{body}\n\n{SIGN_OFF[language]}",
        template_version=template_version,
        language=language,
    )


def _request_accepted(
    o: RequestAccepted, policies: Policies, book: TemplateBook
) -> list[OutgoingMessage]:
    """The SMS greets the resident itself; the e-mail's greeting is its own first line."""
    data = {"request_no": o.request_no, "appointment_at": o.appointment_at}
    return _reach(o.recipient, "request_accepted", data, policies, book)


def _technician_assigned(
    o: TechnicianAssigned, policies: Policies, book: TemplateBook
) -> list[OutgoingMessage]:
    data = {
        "request_no": o.request_no,
        "technician_name": o.technician_name,
        "technician_phone": o.technician_phone,
    }
    return _reach(o.recipient, "work_order_dispatched", data, policies, book)


def _charge_raised(
    o: ChargeRaised, policies: Policies, book: TemplateBook
) -> list[OutgoingMessage]:
    data = {
        "request_no": o.request_no,
        "charge_no": o.charge_no,
        "lines": [
            {"item_name": x.item_name, "quantity": x.quantity, "unit": x.unit, "amount": x.amount}
            for x in o.lines
        ],
        "total": o.total,
        "payment_method": o.payment_method,
        "payment_method_name": PAYMENT_NAMES.get(o.payment_method, o.payment_method),
    }
    return _reach(o.recipient, "charge_raised", data, policies, book)


def _collection_rejected(
    o: CollectionRejected, policies: Policies, book: TemplateBook
) -> list[OutgoingMessage]:
    """A reminder the charge is owed (FEE-04, FEE-14): why the bank did not collect it and how
    to pay instead."""
    data = {
        "charge_no": o.charge_no,
        "amount": o.amount,
        "reason_code": o.reason_code,
        "reason": BANK_REASONS.get(o.reason_code) or o.reason or o.reason_code,
    }
    return _reach(o.recipient, "collection_rejected", data, policies, book)


FINAL_REMINDER = 3
"""After the third reminder the site may act (FEE-04); the templates say so from the third."""


def _fee_reminder(o: FeeReminder, policies: Policies, book: TemplateBook) -> list[OutgoingMessage]:
    """The payer reminded of an overdue fee with its late fee to date (FEE-03, FEE-14); with
    the third, the owner too, who answers for it (FEE-05)."""
    data = {
        "month": o.month,
        "bill_no": o.bill_no,
        "amount": o.amount,
        "due_on": o.due_on,
        "late_fee": o.late_fee,
        "owed": o.owed,
        "reminder_no": o.reminder_no,
    }
    messages = _reach(o.recipient, "fee_reminder", data, policies, book)
    if o.owner is not None:
        unit = f"{o.owner.building}-{o.owner.room}"
        messages += _reach(o.owner, "fee_reminder_owner", {**data, "unit": unit}, policies, book)
    return messages


def _resident_answered(
    o: ResidentAnswered, site_name: str | None, policies: Policies, book: TemplateBook
) -> list[OutgoingMessage]:
    """The written copy of word of progress or of a complaint's answer (CMP-16, KB-16)."""
    if not o.in_writing:
        return []
    template = "progress_reported" if o.reply_kind is ReplyKind.PROGRESS else "reply_given"
    data = {
        "request_no": o.request_no,
        "complaint": o.board == COMPLAINT,
        "site_name": site_name,
        "text": o.text,
    }
    return _reach(o.recipient, template, data, policies, book)


def _incident_over(
    o: IncidentOver, site_name: str | None, policies: Policies, book: TemplateBook
) -> list[OutgoingMessage]:
    """One message to each caller: an SMS, or the e-mail of a caller without a phone."""
    data = {"site_name": site_name, "title": o.title, "closing_note": o.closing_note}
    messages = []
    for caller in o.callers:
        messages += _reach(caller, "incident_closed", data, policies, book)
    return messages


def recipients_of(occasion: Occasion) -> tuple[Recipient, ...]:
    """Whom the occasion writes to."""
    if isinstance(occasion, IncidentOver):
        return occasion.callers
    return (occasion.recipient,)


def in_their_languages(
    occasion: Occasion, language_at: Callable[[Channel, str], str | None]
) -> Occasion:
    """The occasion with each recipient's language as their addresses' preferences keep it
    (``language_at``: the language kept for an address, their phone's first, else None)."""

    def spoken(r: Recipient) -> Recipient:
        language = (r.phone and language_at(Channel.SMS, r.phone)) or (
            r.email and language_at(Channel.EMAIL, r.email)
        )
        return replace(r, language=language or None)

    if isinstance(occasion, IncidentOver):
        return replace(occasion, callers=tuple(spoken(c) for c in occasion.callers))
    return replace(occasion, recipient=spoken(occasion.recipient))


def names_the_site(occasion: Occasion) -> bool:
    """Whether the occasion's messages name the site (so its name is to be looked up)."""
    if isinstance(occasion, ResidentAnswered):
        return occasion.in_writing
    return isinstance(occasion, IncidentOver)


def candidates_for(
    occasion: Occasion,
    site_name: str | None = None,
    policies: Policies = None,
    book: TemplateBook = BUILT_IN_BOOK,
) -> list[OutgoingMessage]:
    """The messages an occasion may send, before the recipients' preferences are asked
    (``first_that_may_go``): at most one per channel and recipient (a resident who
    called twice about an incident is told once). ``site_name``: the name residents know
    their site by, for the messages that name it; without it they leave it out. ``policies``:
    the company's policies by message type, where they replace the built-in ones. ``book``: the
    templates' texts to render them from (the approved versions), the built-in ones by
    default."""
    match occasion:
        case RequestAccepted():
            messages = _request_accepted(occasion, policies, book)
        case TechnicianAssigned():
            messages = _technician_assigned(occasion, policies, book)
        case ChargeRaised():
            messages = _charge_raised(occasion, policies, book)
        case CollectionRejected():
            messages = _collection_rejected(occasion, policies, book)
        case FeeReminder():
            messages = _fee_reminder(occasion, policies, book)
        case ResidentAnswered():
            messages = _resident_answered(occasion, site_name, policies, book)
        case IncidentOver():
            messages = _incident_over(occasion, site_name, policies, book)
        case _:
            assert_never(occasion)
    return once(messages)


def messages_for(
    occasion: Occasion,
    site_name: str | None = None,
    policies: Policies = None,
    *,
    book: TemplateBook = BUILT_IN_BOOK,
) -> list[OutgoingMessage]:
    """The messages an occasion sends to recipients who asked for nothing: each one's first
    channel where the policy says first that works, all of them where it says all."""
    candidates = candidates_for(occasion, site_name, policies, book)
    return [m for m, _ in first_that_may_go(candidates, lambda _: SEND)]


def first_that_may_go(
    candidates: Iterable[OutgoingMessage], screening_of: Callable[[OutgoingMessage], Screening]
) -> list[tuple[OutgoingMessage, Screening]]:
    """Each candidate with what the recipient's preferences and the night make of it, less
    the alternatives not needed: of a person's channels in order (``alternatives``), the first
    not suppressed goes (now or in the morning) and the rest are dropped; when all are
    suppressed, all are kept as suppressed (the log says why nobody was told)."""
    chosen: list[tuple[OutgoingMessage, Screening]] = []
    settled: set[str] = set()
    for message in candidates:
        if message.alternatives is not None and message.alternatives in settled:
            continue
        screening = screening_of(message)
        chosen.append((message, screening))
        if message.alternatives is not None and screening.verdict is not Verdict.SUPPRESS:
            settled.add(message.alternatives)
    return chosen


def once(messages: Iterable[OutgoingMessage]) -> list[OutgoingMessage]:
    """The first message to each channel and recipient."""
    once: dict[tuple[Channel, str], OutgoingMessage] = {}
    for message in messages:
        once.setdefault((message.channel, message.recipient), message)
    return list(once.values())


def emergency_alerts(
    emergency: EmergencyReported, staff: Sequence[StaffMember], site_name: str | None = None
) -> list[OutgoingMessage]:
    """The alerts an emergency sends the staff it alerts (INC-01, INC-02): an SMS to each one's
    main number and the e-mail too when they have an address, whatever a resident agreed to be
    sent (they are staff); at most one per channel and recipient. The SMS quotes the caller's
    words up to ``SMS_QUOTE_MAX``, the e-mail whole. ``site_name``: the site's name, else its
    id."""
    c = emergency.caller
    kind = EMERGENCY_NAMES.get(emergency.emergency, "紧急情况")
    said = (
        f"紧急报修 {kind} {site_name or emergency.about.site_id} {c.building}栋{c.room} "
        f"请求号 {emergency.request_no} "
    )
    after = f" 报修人 {c.name}" + (f" {c.phone}" if c.phone else "")
    if emergency.redirected_to:
        after += f" 已转{emergency.redirected_to}"
    messages: list[OutgoingMessage] = []
    for member in staff:
        messages += _reach_with(
            member,
            EMERGENCY_ALERT,
            f"紧急报修：{kind} {emergency.request_no}",
            f"{said}{quoted(emergency.description)}{after}",
            mail_body=f"{said}{emergency.description}{after}",
        )
    return once(messages)


def staff_alert_messages(
    alert: StaffAlertOccasion,
    staff: Sequence[StaffMember],
    site_name: str | None = None,
    *,
    escalated: bool = False,
    link_for: Callable[[StaffMember], str | None] | None = None,
) -> list[OutgoingMessage]:
    """The alert to each member of ``staff``: an SMS to their main number and the e-mail too
    when they have an address; at most one per channel and recipient. ``escalated``: sent to
    the next rung because nobody acknowledged it in time, and says so. ``link_for``: the link
    with which each member acknowledges it, put at its end."""
    where = site_name or alert.about.site_id
    note = "（首轮提醒无人确认，现升级提醒）" if escalated else ""
    subject = f"{'【升级】' if escalated else ''}{alert.subject}（{where}）"
    text = f"{where} {alert.text}{note}"
    messages: list[OutgoingMessage] = []
    for member in staff:
        link = link_for(member) if link_for else None
        messages += _reach_with(
            member,
            STAFF_ALERT,
            subject,
            f"{text} 确认已处理：{link}" if link else text,
            mail_body=f"{text}\n\n已着手处理？点击确认，无人确认将逐级升级提醒：{link}"
            if link
            else None,
        )
    return once(messages)


def month_named(month: str) -> str:
    """``2026-12`` → ``2026年12月``."""
    year, number = month.split("-")
    return f"{year}年{int(number)}月"


def _board_lines(b: BoardMonth) -> list[str]:
    name = BOARD_NAMES.get(b.board, b.board)
    if not b.registered and not b.complaint_clocks:
        return [f"【{name}】本月无登记"]
    lines = [
        f"【{name}】",
        f"  登记 {b.registered} 件：受理 {b.accepted}，不予受理 {b.declined}，转介 {b.redirected}",
        f"  承诺回复 {b.promises} 次，按时答复 {b.promises_kept_on_time}；"
        f"24 小时内未首次答复 {b.first_answers_overdue}",
    ]
    if b.board == COMPLAINT or b.complaint_clocks:
        lines += [
            f"  投诉有效 {b.complaints_valid}，无效 {b.complaints_invalid}；"
            f"2 小时内首次答复 {b.complaints_answered_within_2h}",
            f"  已解决 {b.complaints_resolved}，其中 24 小时内解决 "
            f"{b.complaints_resolved_within_24h}；二次投诉 {b.second_complaints}；"
            f"典型案例 {b.representative_cases}",
        ]
    lines.append(f"  答复经质检与公司政策不符 {b.answers_contradicting_policy}")
    if b.by_category:
        lines.append("  分类：" + "，".join(f"{item} {n}" for item, n in b.by_category))
    return lines


def monthly_report_text(report: MonthlyReportApproved, site_name: str | None = None) -> str:
    """The approved report as plain text: the site and month, who signed it, each board's
    figures and the month's totals. ``site_name``: the site's name, else its id."""
    where = site_name or report.about.site_id
    approved_at = report.approved_at.astimezone(LOCAL)
    boards = report.boards
    lines = [
        f"{where} {month_named(report.month)}的呼叫中心月报已批准，"
        "现将各板块的统计结果发送各部门及公司领导。",
        "",
        f"编制（呼叫中心主管）：{report.prepared_by}",
        f"审核（质量控制部）：{report.reviewed_by}",
        f"批准（物业服务中心经理）：{report.approved_by}，{approved_at:%Y-%m-%d %H:%M}",
        "",
        f"本月合计：登记 {sum(b.registered for b in boards)} 件，"
        f"受理 {sum(b.accepted for b in boards)}，"
        f"不予受理 {sum(b.declined for b in boards)}，"
        f"转介 {sum(b.redirected for b in boards)}；"
        f"承诺回复 {sum(b.promises for b in boards)} 次，"
        f"按时答复 {sum(b.promises_kept_on_time for b in boards)}",
    ]
    for board in boards:
        lines += ["", *_board_lines(board)]
    return "\n".join(lines)


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _minutes(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds / 60:.1f} 分钟"


def _work_lines(figures: WorkFigures) -> str:
    f = figures
    return (
        f"派工单 {f.orders} 张，已派 {f.dispatched}（15分钟内送达 {_share(f.dispatched_within_15_min)}，"
        f"中位 {_minutes(f.dispatch_p50_s)}，P95 {_minutes(f.dispatch_p95_s)}）；"
        f"接单中位 {_minutes(f.taking_p50_s)}；准时到场 {_share(f.on_time_arrival)}；"
        f"验收 {f.done}，一次修复率 {_share(f.first_time_fix)}，返工率 {_share(f.rework_rate)}；"
        f"升级 {f.escalations}，核销 {f.voids}，财产损坏 {f.damage_cases}"
    )


TRADE_NAMES = {"maintenance": "维修", "housekeeping": "家政保洁"}


def work_order_month_text(report: WorkOrderMonthReported, site_name: str | None = None) -> str:
    """The month's work orders as plain text: the site's figures, then per trade and per
    technician (DSP-12)."""
    where = site_name or report.about.site_id
    lines = [
        f"{where} {month_named(report.month)}的派工统计如下，现发送各部门及公司领导。",
        "",
        "全管理处：" + _work_lines(report.site),
    ]
    if report.by_trade:
        lines += ["", "按工种："]
        lines += [f"  {TRADE_NAMES.get(t, t)}：{_work_lines(f)}" for t, f in report.by_trade]
    if report.by_technician:
        lines += ["", "按服务人员："]
        lines += [f"  {name}：{_work_lines(f)}" for name, f in report.by_technician]
    return "\n".join(lines)


def monthly_report_mails(
    report: MonthlyReport, staff: Sequence[StaffMember], site_name: str | None = None
) -> list[OutgoingMessage]:
    """The e-mail of a site's monthly report to each member of ``staff`` who has an address
    (CMP-19, CMP-22, KB-11, DSP-12); at most one per address. By e-mail only: a month's figures
    do not fit an SMS. ``site_name``: the site's name, else its id."""
    where = site_name or report.about.site_id
    if isinstance(report, WorkOrderMonthReported):
        subject = f"{where} {month_named(report.month)}派工月报"
        text = work_order_month_text(report, site_name)
    else:
        subject = f"{where} {month_named(report.month)}呼叫中心月报（已批准）"
        text = monthly_report_text(report, site_name)
    return once(
        email_to(member.name, member.email, MONTHLY_REPORT, subject, text)
        for member in staff
        if member.email
    )


class MessageRefused(Exception):
    """A gateway refused a message itself (a number it cannot deliver to, an address it
    rejects): sending it again cannot help. The refusal is recorded on the message; the other
    channels of the same occasion go on."""
