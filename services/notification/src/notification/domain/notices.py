"""Notices to a whole site's households: the income and spending statement (FEE-07, NTF-06).

Each reader is sent it once, on their channel: the e-mail carries the whole statement, the SMS
its totals and where to read the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from notification.domain.households import Reader
from notification.domain.messages import SIGNATURE, Channel, OutgoingMessage, email_to
from notification.domain.occasions import StatementPublished

INCOME_STATEMENT = "income_statement"


def _period(label: str) -> str:
    year, part = label.split("-")
    if part.startswith("Q"):
        return f"{year}年第{part[1]}季度"
    if part.startswith("H"):
        return f"{year}年{'上' if part[1] == '1' else '下'}半年"
    return f"{year}年{int(part)}月"


def _yuan(amount: Decimal) -> str:
    return f"¥{amount:,.2f}"


def statement_text(s: StatementPublished, site_name: str | None = None) -> str:
    """The whole statement as plain text, as on the notice board."""
    where = site_name or s.about.site_id
    outstanding = s.fees_billed - s.fees_collected
    lines = [
        f"{where} {_period(s.period)}（{s.period_start:%Y-%m-%d} 至 {s.period_end:%Y-%m-%d}）"
        "物业服务费用收支情况公示如下，欢迎监督。",
        "",
        "一、收入",
        f"  物业管理费：应收 {_yuan(s.fees_billed)}，实收 {_yuan(s.fees_collected)}，"
        f"未收 {_yuan(outstanding)}",
        f"  滞纳金：{_yuan(s.late_fees)}",
        *(f"  {line.label}：{_yuan(line.amount)}" for line in s.other_income),
        f"  收入合计：{_yuan(s.income_total)}",
        "",
        "二、支出",
    ]
    for category in s.spending:
        lines.append(f"  {category.name}：{_yuan(category.amount)}")
        lines += [f"    {line.label}：{_yuan(line.amount)}" for line in category.lines]
    lines += [
        f"  支出合计：{_yuan(s.spending_total)}",
        "",
        f"三、{'结余' if s.balance >= 0 else '亏损'}：{_yuan(abs(s.balance))}",
        "",
        f"另代收水电费 {_yuan(s.utilities_collected)}，已代缴供水供电单位，不计入收入。",
    ]
    if s.note:
        lines += ["", s.note]
    return "\n".join(lines)


def statement_messages(
    s: StatementPublished, readers: Sequence[Reader], site_name: str | None = None
) -> list[OutgoingMessage]:
    """One message to each reader on their channel."""
    where = site_name or s.about.site_id
    subject = f"{where} {_period(s.period)}物业服务费用收支公示"
    text = statement_text(s, site_name)
    short = (
        f"{SIGNATURE}{where} {_period(s.period)}物业服务费收支公示：收入 {_yuan(s.income_total)}，"
        f"支出 {_yuan(s.spending_total)}，{'结余' if s.balance >= 0 else '亏损'} "
        f"{_yuan(abs(s.balance))}。明细见服务中心公告栏，欢迎监督。"
    )
    messages = []
    for reader in readers:
        member = reader.member
        if reader.channel is Channel.EMAIL:
            assert member.email is not None
            messages.append(email_to(member.name, member.email, INCOME_STATEMENT, subject, text))
        else:
            assert member.phone is not None
            messages.append(
                OutgoingMessage(Channel.SMS, member.phone, INCOME_STATEMENT, subject, short)
            )
    return messages
