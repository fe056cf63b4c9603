"""The reception script agents and desk staff follow on every call or visit (KB-20: greet; ask
what is needed; offer a solution; pass it to the department; ask whether the resident is
satisfied or needs anything else) and the courtesy phrases they use (KB-17: 您好, 请, 谢谢,
对不起, 再见). The company keeps one; a site may word its own. The leader in charge changes it
(KB-06), never the agents who read it."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import RuleViolation

COMPANY = "*"
MAX_SAYS = 200
MAX_PHRASE = 20
MAX_PHRASES = 20


class ScriptStep(enum.StrEnum):
    """The five steps of a reception, in their order (KB-20)."""

    GREET = "greet"
    ASK = "ask"
    SOLVE = "solve"
    PASS_ON = "pass_on"  # noqa: S105 (a step of the script, not a password)
    CLOSE = "close"


@dataclass(frozen=True)
class ScriptLine:
    step: ScriptStep
    says_zh: str
    says_en: str


@dataclass(frozen=True)
class ScriptWording:
    lines: tuple[ScriptLine, ...]
    courtesy_phrases: tuple[str, ...]

    def checked(self) -> ScriptWording:
        steps = [line.step for line in self.lines]
        if steps != list(ScriptStep):
            raise RuleViolation(
                "lines give each step once, in order: " + ", ".join(ScriptStep), field="lines"
            )
        lines = tuple(
            replace(
                line,
                says_zh=_text(f"lines[{n}].says_zh", line.says_zh, MAX_SAYS),
                says_en=_text(f"lines[{n}].says_en", line.says_en, MAX_SAYS),
            )
            for n, line in enumerate(self.lines)
        )
        phrases = tuple(
            _text(f"courtesy_phrases[{n}]", p, MAX_PHRASE)
            for n, p in enumerate(self.courtesy_phrases)
        )
        if not 1 <= len(phrases) <= MAX_PHRASES or len(set(phrases)) != len(phrases):
            raise RuleViolation(
                f"courtesy_phrases lists 1 to {MAX_PHRASES} different phrases",
                field="courtesy_phrases",
            )
        return ScriptWording(lines, phrases)


def _text(field: str, value: str, limit: int) -> str:
    value = value.strip()
    if not 1 <= len(value) <= limit:
        raise RuleViolation(f"{field} must be 1 to {limit} characters", field=field)
    return value


MANUAL_SCRIPT = ScriptWording(
    lines=(
        ScriptLine(
            ScriptStep.GREET,
            "您好, 物业服务热线, 工号{agent}为您服务。",
            "Good day, property service hotline, agent {agent} speaking.",
        ),
        ScriptLine(
            ScriptStep.ASK,
            "请问有什么可以帮您? 请问您是哪栋哪户?",
            "How may I help you? May I have your building and room?",
        ),
        ScriptLine(
            ScriptStep.SOLVE,
            "好的, 您反映的是……, 我们的处理方式是……",
            "I see, you are telling us that …; this is what we will do: …",
        ),
        ScriptLine(
            ScriptStep.PASS_ON,
            "我已将您的需求转给相关部门, 他们会在约定时间内与您联系。",
            "I have passed your request to the department; they will contact you in the agreed time.",
        ),
        ScriptLine(
            ScriptStep.CLOSE,
            "请问您对我们的服务还满意吗? 还有其他需要吗? 谢谢您的来电, 再见。",
            "Are you satisfied with our service? Is there anything else? Thank you, goodbye.",
        ),
    ),
    courtesy_phrases=("您好", "请", "谢谢", "对不起", "再见"),
)
"""The manual's script and phrases (KB-17, KB-20), as a company starts with them."""
MANUAL_DATE = datetime(2026, 1, 1, tzinfo=UTC)
"""When the manual's wording is shown as changed, until the company words its own."""


@dataclass
class ReceptionScript(Aggregate):
    """The company's script (site ``*``) or a site's own wording of it."""

    site_id: str
    wording: ScriptWording
    changed_by: str
    changed_at: datetime

    def reword(self, wording: ScriptWording, by: str, now: datetime) -> bool:
        """Change the wording; whether anything changed."""
        wording = wording.checked()
        if wording == self.wording:
            return False
        self.wording, self.changed_by, self.changed_at = wording, by, now
        return True


def new_reception_script(
    site_id: str, wording: ScriptWording, by: str, now: datetime
) -> ReceptionScript:
    return ReceptionScript(site_id, wording.checked(), by, now)
