"""The reception script and courtesy phrases agents read on every call (KB-17, KB-20): the
company's, or a site's own wording, changed by the leader in charge."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Response, status
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.inputs import SHOWS_TEXT
from hotline_libs.service import Bus
from pydantic import BaseModel, ConfigDict, Field

from intake.domain.commands import WordReceptionScript
from intake.domain.reception_script import (
    COMPANY,
    MANUAL_SCRIPT,
    MAX_PHRASE,
    MAX_PHRASES,
    MAX_SAYS,
    ReceptionScript,
    ScriptLine,
    ScriptStep,
    ScriptWording,
)
from intake.entrypoints.http import Reader
from intake.service_layer.organisation import reception_script_of

router = APIRouter(tags=["consultations"])

SiteOrCompany = Annotated[
    str,
    Path(
        min_length=1,
        max_length=40,
        pattern=r"^(\*|[a-z][a-z0-9_-]*)$",
        description="The site; * for the company's script",
        examples=["dmg"],
    ),
]


class ScriptLineIO(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    step: ScriptStep
    says_zh: str = Field(min_length=1, max_length=MAX_SAYS, pattern=SHOWS_TEXT)
    says_en: str = Field(min_length=1, max_length=MAX_SAYS, pattern=SHOWS_TEXT)


class ReceptionScriptIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "lines": [
                        {"step": line.step.value, "says_zh": line.says_zh, "says_en": line.says_en}
                        for line in MANUAL_SCRIPT.lines
                    ],
                    "courtesy_phrases": list(MANUAL_SCRIPT.courtesy_phrases),
                }
            ]
        },
    )
    lines: list[ScriptLineIO] = Field(
        min_length=len(ScriptStep),
        max_length=len(ScriptStep),
        description="Each step once, in order: greet, ask, solve, pass_on, close",
    )
    courtesy_phrases: list[
        Annotated[str, Field(min_length=1, max_length=MAX_PHRASE, pattern=SHOWS_TEXT)]
    ] = Field(min_length=1, max_length=MAX_PHRASES)


class ReceptionScriptOut(BaseModel):
    site_id: str = Field(description="Whose wording this is: the site's, or * the company's")
    source: Literal["site", "company", "manual"] = Field(
        description="The site's own wording, the company's, or the manual's (nobody worded one)"
    )
    lines: list[ScriptLineIO]
    courtesy_phrases: list[str]
    changed_by: str
    changed_at: datetime
    version: int


def script_out(script: ReceptionScript) -> ReceptionScriptOut:
    source: Literal["site", "company", "manual"] = (
        "manual" if script.version == 0 else "company" if script.site_id == COMPANY else "site"
    )
    return ReceptionScriptOut(
        site_id=script.site_id,
        source=source,
        lines=[
            ScriptLineIO(step=line.step, says_zh=line.says_zh, says_en=line.says_en)
            for line in script.wording.lines
        ],
        courtesy_phrases=list(script.wording.courtesy_phrases),
        changed_by=script.changed_by,
        changed_at=script.changed_at,
        version=script.version,
    )


@router.get(
    "/reception-scripts/{site_id}",
    summary="The reception script and courtesy phrases agents read for a site: its own "
    "wording, else the company's, else the manual's",
)
async def get_reception_script(
    site_id: SiteOrCompany, reader: Reader, principal: CurrentPrincipal
) -> ReceptionScriptOut:
    if site_id != COMPANY:
        principal.require_site(site_id)
    return script_out(await reception_script_of(reader.reception_scripts, site_id))


@router.put(
    "/reception-scripts/{site_id}",
    summary="Word the company's reception script (*) or a site's own (the leader in charge)",
    responses={201: {"description": "The first wording of its own"}},
)
async def word_reception_script(
    site_id: SiteOrCompany,
    body: ReceptionScriptIn,
    response: Response,
    principal: CurrentPrincipal,
    bus: Bus,
) -> ReceptionScriptOut:
    principal.require_site(site_id)
    script, created = await bus.handle(
        WordReceptionScript(
            site_id=site_id,
            wording=ScriptWording(
                lines=tuple(
                    ScriptLine(line.step, line.says_zh, line.says_en) for line in body.lines
                ),
                courtesy_phrases=tuple(body.courtesy_phrases),
            ),
            by=principal.subject,
        )
    )
    if created:
        response.status_code = status.HTTP_201_CREATED
    return script_out(script)
