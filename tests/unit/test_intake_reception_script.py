"""The reception script and courtesy phrases (KB-17, KB-20): the manual's until the company
words its own; a site may word its own; every step once, in order."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hotline_libs.errors import RuleViolation
from intake.domain.commands import WordReceptionScript
from intake.domain.reception_script import MANUAL_SCRIPT, ReceptionScript, ScriptStep
from intake.service_layer.organisation import reception_script_of

from tests.unit.intake_harness import FakeIntakeUnitOfWork, Intake


async def word(intake: Intake, site_id: str, **changes: object) -> tuple[ReceptionScript, bool]:
    wording = replace(MANUAL_SCRIPT, **changes)  # type: ignore[arg-type]
    result: tuple[ReceptionScript, bool] = await intake.bus.handle(
        WordReceptionScript(site_id, wording, "director-001")
    )
    return result


async def read(intake: Intake, site_id: str) -> ReceptionScript:
    uow = FakeIntakeUnitOfWork(intake.store, intake.clock)
    return await reception_script_of(uow.reception_scripts, site_id)


def test_kb20_the_manuals_script_greets_asks_solves_passes_on_and_asks_if_satisfied() -> None:
    assert [line.step for line in MANUAL_SCRIPT.lines] == list(ScriptStep)
    assert "满意" in MANUAL_SCRIPT.lines[-1].says_zh  # ask whether satisfied (KB-20)
    assert MANUAL_SCRIPT.courtesy_phrases == ("您好", "请", "谢谢", "对不起", "再见")  # KB-17


async def test_kb17_a_site_reads_its_own_wording_else_the_companys_else_the_manuals() -> None:
    intake = Intake()
    assert (await read(intake, "dmg")).wording == MANUAL_SCRIPT
    company, created = await word(intake, "*", courtesy_phrases=("您好", "请稍等", "再见"))
    assert created and (await read(intake, "dmg")).site_id == "*"
    own, _ = await word(intake, "dmg", courtesy_phrases=("您好", "谢谢"))
    assert (await read(intake, "dmg")).wording.courtesy_phrases == ("您好", "谢谢")
    assert (await read(intake, "gxi")).wording == company.wording
    again, created = await word(intake, "dmg", courtesy_phrases=("您好", "谢谢"))
    assert not created and again.version == own.version


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"lines": MANUAL_SCRIPT.lines[1:]}, "lines"),
        ({"lines": tuple(reversed(MANUAL_SCRIPT.lines))}, "lines"),
        ({"courtesy_phrases": ()}, "courtesy_phrases"),
        ({"courtesy_phrases": ("您好", "您好")}, "courtesy_phrases"),
        ({"courtesy_phrases": ("您好", " ")}, "courtesy_phrases[1]"),
    ],
)
async def test_kb20_a_wording_gives_every_step_once_in_order(
    changes: dict[str, object], field: str
) -> None:
    with pytest.raises(RuleViolation) as refused:
        await word(Intake(), "dmg", **changes)
    assert refused.value.field == field
