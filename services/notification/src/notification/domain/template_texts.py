"""The templates the hotline's messages to residents start from (version 0), per message type,
channel and language, with the data each message type gives its templates and an example of it
(what a preview renders, and what every template is checked against).

The Chinese texts are the ones residents have been sent; the English ones say the same. The
sender's signature before an SMS and the greeting and sign-off around an e-mail are not part of
a template: the hotline's, the same for every message (``messages``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from notification.domain.templates import Channel, Language, TemplateText

ZH, EN = Language.ZH_CN, Language.EN
SMS, EMAIL = Channel.SMS, Channel.EMAIL

_APPOINTMENT_ZH = (
    "{% if appointment_at %}，预约时间 {{ appointment_at|local('%m月%d日 %H:%M') }}{% endif %}"
)
_APPOINTMENT_EN = (
    "{% if appointment_at %}, appointment {{ appointment_at|local('%d %b %H:%M') }}{% endif %}"
)
_ACCEPTED_ZH = (
    "您{{ building }}栋{{ room }}的服务请求已受理，单号 {{ request_no }}"
    + _APPOINTMENT_ZH
    + "。我们将尽快安排服务人员。"
)
_ACCEPTED_EN = (
    "Your request for {{ building }}-{{ room }} is registered as {{ request_no }}"
    + _APPOINTMENT_EN
    + ". We will send someone as soon as we can."
)
_DISPATCHED_ZH = (
    "您的服务单 {{ request_no }} 已派工，服务人员 {{ technician_name }}"
    "（电话 {{ technician_phone }}）将与您联系。"
)
_DISPATCHED_EN = (
    "{{ technician_name }} (phone {{ technician_phone }}) has your request {{ request_no }} "
    "and will get in touch."
)
_LINES_ZH = (
    "{% for line in lines %}{{ line.item_name }} {{ line.quantity }}{{ line.unit }} "
    "{{ line.amount|yuan }}{% if not loop.last %}；{% endif %}{% endfor %}"
)
_LINES_EN = (
    "{% for line in lines %}{{ line.item_name }} {{ line.quantity }} {{ line.unit }} "
    "{{ line.amount|yuan }}{% if not loop.last %}; {% endif %}{% endfor %}"
)
_CHARGED_ZH = (
    "您的服务单 {{ request_no }} 已完成，费用 {{ total|yuan }}（" + _LINES_ZH + "），"
    "付款方式：{{ payment_method_name }}，收费单号 {{ charge_no }}。"
)
_CHARGED_EN = (
    "Your request {{ request_no }} is done: {{ total|yuan }} (" + _LINES_EN + "), "
    "paid by {{ payment_method_name }}, charge {{ charge_no }}."
)
_REJECTED_ZH = (
    "您的收费单 {{ charge_no }}（{{ amount|yuan }}）本期银行托收未成功（{{ reason }}）。"
    "请到服务中心以现金缴纳，或确认账户后等待下次托收。"
)
_REJECTED_EN = (
    "The bank did not collect your charge {{ charge_no }} ({{ amount|yuan }}) this time "
    "({{ reason }}). Please pay at the service centre, or check the account and wait for the "
    "next collection."
)
_OWED_ZH = (
    "{{ month }} 物业管理费 {{ bill_no }}（{{ amount|yuan }}）缴费期已于 "
    "{{ due_on.month }}月{{ due_on.day }}日截止，按每日万分之五计滞纳金 {{ late_fee|yuan }}，"
    "今日应缴 {{ owed|yuan }}。"
)
_HOW_ZH = (
    "请到服务中心缴纳，或转账后告知服务中心。"
    "{% if reminder_no >= 3 %}这是第三次催缴，仍未缴纳的，管理处将依规采取必要措施。"
    "{% else %}（第{{ reminder_no }}次催缴）{% endif %}"
)
_OWED_EN = (
    "the management fee of {{ month }}, {{ bill_no }} ({{ amount|yuan }}), was due by "
    "{{ due_on.isoformat() }}; with the late fee of 0.05% a day ({{ late_fee|yuan }}) "
    "{{ owed|yuan }} is owed today."
)
_HOW_EN = (
    " Please pay at the service centre, or tell it once you have transferred it."
    "{% if reminder_no >= 3 %} This is the third reminder: if it stays unpaid, the site will "
    "take the steps its rules provide.{% else %} (Reminder {{ reminder_no }}){% endif %}"
)
_WHAT_ZH = "{% if complaint %}投诉{% else %}服务单{% endif %}"
_WHAT_EN = "{% if complaint %}complaint{% else %}request{% endif %}"
_WHERE_ZH = "{% if site_name %}在{{ site_name }}{% endif %}"
_WHERE_EN = "{% if site_name %} at {{ site_name }}{% endif %}"
_INCIDENT_ZH = "{{ site_name or '' }}“{{ title }}”"
_INCIDENT_EN = "“{{ title }}”{% if site_name %} at {{ site_name }}{% endif %}"


def _both(subject: str, sms: str, email: str | None = None) -> dict[Channel, TemplateText]:
    return {SMS: TemplateText(subject, sms), EMAIL: TemplateText(subject, email or sms)}


BUILT_IN: Mapping[str, Mapping[Language, Mapping[Channel, TemplateText]]] = {
    "request_accepted": {
        ZH: _both(
            "您的服务单已受理：{{ request_no }}",
            "{{ name }}您好，" + _ACCEPTED_ZH,
            _ACCEPTED_ZH,
        ),
        EN: _both(
            "Your request is registered: {{ request_no }}",
            "Dear {{ name }}, " + _ACCEPTED_EN[0].lower() + _ACCEPTED_EN[1:],
            _ACCEPTED_EN,
        ),
    },
    "work_order_dispatched": {
        ZH: _both("服务人员已接单：{{ request_no }}", _DISPATCHED_ZH),
        EN: _both("Someone is on the way: {{ request_no }}", _DISPATCHED_EN),
    },
    "charge_raised": {
        ZH: _both("服务费用通知：{{ charge_no }}", _CHARGED_ZH),
        EN: _both("Your charge: {{ charge_no }}", _CHARGED_EN),
    },
    "collection_rejected": {
        ZH: _both("银行托收未成功：{{ charge_no }}", _REJECTED_ZH),
        EN: _both("The bank did not collect {{ charge_no }}", _REJECTED_EN),
    },
    "fee_reminder": {
        ZH: _both("物业管理费催缴通知：{{ bill_no }}", "您的" + _OWED_ZH + _HOW_ZH),
        EN: _both("Management fee reminder: {{ bill_no }}", "Yours: " + _OWED_EN + _HOW_EN),
    },
    "fee_reminder_owner": {
        ZH: _both(
            "物业管理费催缴通知：{{ bill_no }}",
            "您名下房屋 {{ unit }} 的"
            + _OWED_ZH
            + "使用人至今未缴，欠费最终由业主承担。"
            + _HOW_ZH,
        ),
        EN: _both(
            "Management fee reminder: {{ bill_no }}",
            "Your home {{ unit }}: " + _OWED_EN + " Its occupant has not paid it, and the owner "
            "answers for what is owed." + _HOW_EN,
        ),
    },
    "progress_reported": {
        ZH: _both(
            _WHAT_ZH + "处理进展：{{ request_no }}",
            "您" + _WHERE_ZH + "的" + _WHAT_ZH + " {{ request_no }} 处理进展：{{ text|quoted }}",
            "您" + _WHERE_ZH + "的" + _WHAT_ZH + " {{ request_no }} 处理进展：{{ text }}",
        ),
        EN: _both(
            "Progress of your " + _WHAT_EN + ": {{ request_no }}",
            "Your " + _WHAT_EN + " {{ request_no }}" + _WHERE_EN + ", progress: {{ text|quoted }}",
            "Your " + _WHAT_EN + " {{ request_no }}" + _WHERE_EN + ", progress: {{ text }}",
        ),
    },
    "reply_given": {
        ZH: _both(
            _WHAT_ZH + "答复：{{ request_no }}",
            "您" + _WHERE_ZH + "的" + _WHAT_ZH + " {{ request_no }} 答复如下：{{ text|quoted }}",
            "您" + _WHERE_ZH + "的" + _WHAT_ZH + " {{ request_no }} 答复如下：{{ text }}",
        ),
        EN: _both(
            "Our answer to your " + _WHAT_EN + ": {{ request_no }}",
            "Your "
            + _WHAT_EN
            + " {{ request_no }}"
            + _WHERE_EN
            + ", our answer: {{ text|quoted }}",
            "Your " + _WHAT_EN + " {{ request_no }}" + _WHERE_EN + ", our answer: {{ text }}",
        ),
    },
    "incident_closed": {
        ZH: _both(
            _INCIDENT_ZH + "已处理完毕",
            "您来电反映的" + _INCIDENT_ZH + "已处理完毕。{{ closing_note|quoted }}",
            "您来电反映的" + _INCIDENT_ZH + "已处理完毕。{{ closing_note }}",
        ),
        EN: _both(
            _INCIDENT_EN + " is over",
            "The " + _INCIDENT_EN + " you called about is over. {{ closing_note|quoted }}",
            "The " + _INCIDENT_EN + " you called about is over. {{ closing_note }}",
        ),
    },
}
"""Each message type's templates, by language and channel."""

_AT = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
_PLACE: dict[str, Any] = {"name": "张先生", "building": "3", "room": "1202"}
EXAMPLES: Mapping[str, Mapping[str, Any]] = {
    "request_accepted": {
        **_PLACE,
        "request_no": "SR-DMG-20261123-0001",
        "appointment_at": datetime(2026, 11, 24, 1, 30, tzinfo=UTC),
    },
    "work_order_dispatched": {
        **_PLACE,
        "request_no": "SR-DMG-20261123-0001",
        "technician_name": "王师傅",
        "technician_phone": "+8613800000001",
    },
    "charge_raised": {
        **_PLACE,
        "request_no": "SR-DMG-20261123-0001",
        "charge_no": "CH-DMG-20261123-0001",
        "lines": [
            {"item_name": "更换水龙头", "quantity": 1, "unit": "次", "amount": Decimal("80.00")}
        ],
        "total": Decimal("80.00"),
        "payment_method": "cash",
        "payment_method_name": "现金",
    },
    "collection_rejected": {
        **_PLACE,
        "charge_no": "CH-DMG-20261123-0001",
        "amount": Decimal("80.00"),
        "reason_code": "AM04",
        "reason": "账户余额不足",
    },
    "fee_reminder": {
        **_PLACE,
        "month": "2026-10",
        "bill_no": "MF-DMG-202610-0001",
        "amount": Decimal("350.00"),
        "due_on": date(2026, 10, 31),
        "late_fee": Decimal("4.03"),
        "owed": Decimal("354.03"),
        "reminder_no": 1,
    },
    "fee_reminder_owner": {
        **_PLACE,
        "unit": "3-1202",
        "month": "2026-10",
        "bill_no": "MF-DMG-202610-0001",
        "amount": Decimal("350.00"),
        "due_on": date(2026, 10, 31),
        "late_fee": Decimal("10.50"),
        "owed": Decimal("360.50"),
        "reminder_no": 3,
    },
    "progress_reported": {
        **_PLACE,
        "request_no": "SR-DMG-20261123-0002",
        "complaint": True,
        "site_name": "大明宫花园",
        "text": "工程部已更换电梯门机板，今晚复检。",
    },
    "reply_given": {
        **_PLACE,
        "request_no": "SR-DMG-20261123-0002",
        "complaint": False,
        "site_name": "大明宫花园",
        "text": "停车位续租请带身份证到服务中心办理。",
    },
    "incident_closed": {
        **_PLACE,
        "site_name": "大明宫花园",
        "title": "5栋停水",
        "closing_note": "供水已于 18:30 恢复，请放水数分钟后再使用。",
        "at": _AT,
    },
}
"""Each message type's data, as an example: every name its templates may use."""
