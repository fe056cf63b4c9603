"""Message templates (短信、邮件模板): what each message type says, per channel and language,
written in Jinja2 and rendered in its sandbox, so a template edited by staff can reach only the
data it is given (no attributes of Python's internals, no calls out).

A template names its data (``{{ request_no }}``); one naming data the message type does not
have is refused when rendered (``StrictUndefined``), with the template's field and the name. A
rendered SMS is measured as a handset would split it (``sms_length``).
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from hotline_libs.errors import RuleViolation
from hotline_libs.ids import SITE_TIME_ZONE
from jinja2 import StrictUndefined, Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment

SMS_QUOTE_MAX = 300
"""Characters of the hotline's own words (a reply, a closing note) an SMS quotes: a longer
text is cut there, as a gateway refuses a very long SMS; the e-mail carries it whole."""


class Channel(enum.StrEnum):
    SMS = "sms"
    EMAIL = "email"


class Language(enum.StrEnum):
    ZH_CN = "zh-CN"
    EN = "en"


@dataclass(frozen=True)
class TemplateText:
    """A template's two parts: the subject (an e-mail's, and the title a message is logged
    under) and the body."""

    subject: str
    body: str


class TemplateProblem(RuleViolation):
    """A template that cannot be rendered: its syntax, or data it names that the message type
    does not have; ``field`` is ``subject`` or ``body``."""


def yuan(amount: Decimal | int | float) -> str:
    """``¥80.00``: an amount of yuan as residents read it on a charge."""
    return f"¥{Decimal(amount):.2f}"


def local(moment: datetime, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """The moment in the sites' time, formatted with ``pattern`` (``strftime``)."""
    return moment.astimezone(SITE_TIME_ZONE).strftime(pattern)


def quoted(text: str, limit: int = SMS_QUOTE_MAX) -> str:
    """``text`` cut at ``limit`` characters with an ellipsis (the SMS's quote of long words)."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def _environment() -> SandboxedEnvironment:
    environment = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
    environment.filters.update(yuan=yuan, local=local, quoted=quoted)
    return environment


_ENVIRONMENT = _environment()


def render(text: TemplateText, data: Mapping[str, Any]) -> TemplateText:
    """The template with ``data`` filled in; ``TemplateProblem`` naming the part that fails."""
    return TemplateText(
        subject=_render("subject", text.subject, data).strip(),
        body=_render("body", text.body, data),
    )


def _render(field: str, source: str, data: Mapping[str, Any]) -> str:
    try:
        return _compiled(source).render(data)
    except TemplateError as problem:
        raise TemplateProblem(f"{field}: {problem.message or problem}", field=field) from None
    except (TypeError, ValueError, AttributeError, ArithmeticError, LookupError) as problem:
        # a filter given what it cannot take (``{{ name|yuan }}``): the template's fault too
        raise TemplateProblem(f"{field}: {problem}", field=field) from None


@functools.lru_cache(maxsize=1024)
def _compiled(source: str) -> Template:
    """A template's source compiled once (compiling costs far more than rendering)."""
    return _ENVIRONMENT.from_string(source)


class SmsEncoding(enum.StrEnum):
    GSM_7 = "GSM-7"
    """The GSM 03.38 alphabet: 160 characters in one SMS, 153 in each part of a longer one."""
    UCS_2 = "UCS-2"
    """Any other text (Chinese): 70 characters in one SMS, 67 in each part of a longer one."""


_GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = "^{}\\[~]|€\f"
"""Characters GSM-7 sends with an escape: each counts twice."""


@dataclass(frozen=True)
class SmsLength:
    """How a handset splits an SMS: its encoding, the units it counts and the parts sent."""

    encoding: SmsEncoding
    units: int
    """Septets in GSM-7 (an escaped character counts 2); UTF-16 code units in UCS-2."""
    parts: int


def sms_length(text: str) -> SmsLength:
    """The SMS's encoding, length and number of parts (GSM 03.38, 3GPP TS 23.040)."""
    if all(c in _GSM_BASIC or c in _GSM_EXTENDED for c in text):
        units = sum(2 if c in _GSM_EXTENDED else 1 for c in text)
        return SmsLength(SmsEncoding.GSM_7, units, _parts(units, 160, 153))
    units = len(text.encode("utf-16-le")) // 2
    return SmsLength(SmsEncoding.UCS_2, units, _parts(units, 70, 67))


def _parts(units: int, single: int, each: int) -> int:
    if units <= single:
        return 1 if units else 0
    return -(-units // each)
