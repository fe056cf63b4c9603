"""The reception script and courtesy phrases agents read on every call (KB-17, KB-20): its five
steps (greet, ask, solve, pass on, close) in Chinese and English, and where the wording comes
from (the site's own, the company's, the manual's). The leader in charge (director, site
manager) and the platform's admin change it; a refusal shows beside the field it names, with
what was typed kept."""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from hotline_libs.auth import ALL_SITES, Role

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    LEADERS_IN_CHARGE,
    Session,
    check_csrf,
    key_after,
    may,
    only,
    redirect,
    refused_page,
    render,
    require,
    session,
    signed_in,
)
from console.entrypoints.web.requests import sites_or_problem

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]
SCRIPT_WRITERS = LEADERS_IN_CHARGE | {Role.ADMIN}
"""Who words a script (intake's word_reception_script): the leader in charge, the admin."""
STEPS = ("greet", "ask", "solve", "pass_on", "close")
"""intake's ScriptStep, in the order a reception goes."""
COMPANY = "*"
"""The company's script, read at every site without its own (intake's site ``*``)."""
SITE_OR_COMPANY = re.compile(r"^(\*|[a-z][a-z0-9_-]{0,39})$")


def form_field(api_field: str) -> str:
    """The form's field for the API's: ``lines.4.says_en`` (or ``lines[4].says_en``) is
    ``en_close``; any courtesy phrase is ``phrases``."""
    parts = re.split(r"[.\[\]]+", api_field.strip("]"))
    if parts[0] == "courtesy_phrases":
        return "phrases"
    if parts[0] == "lines" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < 5:
        return f"{parts[2].removeprefix('says_')}_{STEPS[int(parts[1])]}"
    return api_field


def script_body(values: dict[str, str]) -> dict[str, Any]:
    """The PUT's body: each step's two texts as typed (a blank one is intake's to refuse), the
    phrases one a line, empty lines left out."""
    return {
        "lines": [
            {"step": step, "says_zh": values[f"zh_{step}"], "says_en": values[f"en_{step}"]}
            for step in STEPS
        ],
        "courtesy_phrases": [p.strip() for p in values["phrases"].splitlines() if p.strip()],
    }


def values_of(script: dict[str, Any]) -> dict[str, str]:
    """The form's fields, filled from the wording shown."""
    values = {"phrases": "\n".join(script["courtesy_phrases"])}
    for line in script["lines"]:
        values[f"zh_{line['step']}"] = line["says_zh"]
        values[f"en_{line['step']}"] = line["says_en"]
    return values


async def _page(
    request: Request,
    current: Session,
    site_id: str,
    *,
    values: dict[str, str] | None = None,
    problem: ApiProblem | None = None,
    key: str = "",
) -> Response:
    sites, sites_problem = await sites_or_problem(current)
    choices = list(sites)
    if ALL_SITES in current.principal.sites:
        choices.insert(0, {"site_id": COMPANY, "name": ""})
    site_id = site_id or (sites[0]["site_id"] if sites else "")
    if site_id and not SITE_OR_COMPANY.match(site_id):
        raise HTTPException(404, "not_found")
    script: dict[str, Any] | None = None
    if site_id:
        try:
            script = await current.api.reception_script(site_id)
        except ApiProblem as refused:
            return refused_page(request, current, refused)
    shown = problem or sites_problem
    return render(
        request,
        "reception_script.html",
        {
            "sites": choices,
            "site_id": site_id,
            "script": script,
            "steps": STEPS,
            "may_word": may(current, SCRIPT_WRITERS),
            "values": values or (values_of(script) if script else {}),
            "problem": shown,
            "errors": {form_field(f): m for f, m in problem.by_field().items()} if problem else {},
            "key": key or str(uuid.uuid4()),
            "done": request.query_params.get("done", ""),
        },
        current=current,
        status_code=200 if shown is None else min(shown.status, 503),
    )


@router.get("/reception-script", response_class=HTMLResponse)
async def reception_script(
    request: Request, current: CurrentSession, site_id: str = ""
) -> Response:
    require(current, "reception_script")
    return await _page(request, current, site_id)


@router.post("/reception-script", response_class=HTMLResponse)
async def word_reception_script(request: Request, current: CurrentSession) -> Response:
    """Send the wording typed; back to the page with it shown, or with the refusal beside its
    field and the typed text kept."""
    only(current, SCRIPT_WRITERS)
    form = await request.form()
    check_csrf(request, str(form.get("csrf") or ""))
    names = ["site_id", "key", "phrases"] + [f"{lang}_{s}" for s in STEPS for lang in ("zh", "en")]
    values = {name: str(form.get(name) or "") for name in names}
    site_id, key = values["site_id"], values["key"] or str(uuid.uuid4())
    if not SITE_OR_COMPANY.match(site_id):
        raise HTTPException(404, "not_found")
    try:
        await current.api.word_reception_script(site_id, script_body(values), key)
    except ApiProblem as refused:
        problem = signed_in(refused)
        return await _page(
            request, current, site_id, values=values, problem=problem, key=key_after(problem, key)
        )
    return redirect(f"/reception-script?site_id={quote(site_id)}&done=1")
