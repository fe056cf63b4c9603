"""What each message to residents says (短信、邮件模板) and its versions, over notification's API
(issue #13, templates).

``/message-templates`` lists the message types, with each channel's and language's current
version (0: the built-in text) and the drafts waiting. A type's page shows each template (SMS and
e-mail, Chinese and English) with every version: its state (current, draft, retired, rejected
with the reason), who wrote it and who approved or rejected it. The call centre's supervisor, the
site manager and the director write a draft (subject and body in Jinja2, with the names of the
type's example data) and approve or reject another member's: notification refuses an author's
own approval (four eyes), and its refusals are shown beside the field they name, as typed. Any
reader previews a text before it is written, rendered by notification with the type's example
data: subject, body and, for an SMS, its length as the handset counts it with the hotline's
signature, its encoding (GSM-7 or UCS-2) and the parts it is sent as.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    TEMPLATE_KEEPERS,
    TEMPLATE_READERS,
    Session,
    by_field,
    done_of,
    key_after,
    may,
    only,
    redirect,
    refused_page,
    render,
    session,
    signed_in,
)
from console.entrypoints.web.charges import typed_form
from console.entrypoints.web.month_close import form_keys

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]

MESSAGE_TYPE = re.compile(r"[a-z][a-z_]{0,39}")
CHANNELS = ("sms", "email")
LANGUAGES = ("zh-CN", "en")
STATES = ("draft", "approved", "retired", "rejected")
"""A version's states (notification's VersionState), each ``template_state_<s>``."""
MAX_SUBJECT = 200
MAX_BODY = 20_000
MAX_REASON = 500
"""What notification takes at most: the form's bounds, notification decides."""
FORMS = ("draft", "decide")
DONE = ("written", "approved", "rejected")


def type_page(message_type: str) -> str:
    return f"/message-templates/{quote(message_type, safe='')}"


def _template_of(found: Mapping[str, Any], channel: str, language: str) -> dict[str, Any]:
    return next(
        dict(t) for t in found["templates"] if (t["channel"], t["language"]) == (channel, language)
    )


def shown_templates(found: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each template with its versions newest first, the current one marked."""
    shown = []
    for template in found.get("templates") or []:
        t = dict(template)
        t["versions"] = list(reversed(t.get("versions") or []))
        t["drafts"] = [v for v in t["versions"] if v["state"] == "draft"]
        shown.append(t)
    return shown


def draft_values(found: Mapping[str, Any], channel: str, language: str) -> dict[str, str]:
    """The draft's form filled from the template's current version."""
    template = _template_of(found, channel, language)
    current = next(v for v in template["versions"] if v["number"] == template["current"])
    return {
        "channel": channel,
        "language": language,
        "subject": current["subject"],
        "body": current["body"],
    }


def _choice(value: str, known: tuple[str, ...]) -> str:
    return value if value in known else known[0]


async def _type_page(
    request: Request,
    current: Session,
    message_type: str,
    *,
    values: Mapping[str, str] | None = None,
    preview: Mapping[str, Any] | None = None,
    failed: str = "",
    key: str = "",
    problem: ApiProblem | None = None,
    status_code: int = 200,
) -> Response:
    if not MESSAGE_TYPE.fullmatch(message_type):
        return refused_page(request, current, ApiProblem(404, "no such message type"))
    try:
        found = await current.api.message_type(message_type)
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    channel = _choice(request.query_params.get("channel", ""), CHANNELS)
    language = _choice(request.query_params.get("language", ""), LANGUAGES)
    return render(
        request,
        "message_template.html",
        {
            "message_type": message_type,
            "templates": shown_templates(found),
            "channels": CHANNELS,
            "languages": LANGUAGES,
            "values": dict(values) if values else draft_values(found, channel, language),
            "preview": preview,
            "may_write": may(current, TEMPLATE_KEEPERS),
            "me": current.principal.subject,
            "max_subject": MAX_SUBJECT,
            "max_body": MAX_BODY,
            "max_reason": MAX_REASON,
            "failed": failed,
            "keys": form_keys(FORMS, failed, key),
            "problem": problem,
            "errors": by_field(problem),
            "done": done_of(request, DONE),
        },
        current=current,
        status_code=min(problem.status, 503) if problem else status_code,
    )


@router.get("/message-templates", response_class=HTMLResponse)
async def message_templates(request: Request, current: CurrentSession) -> Response:
    """Every message type, each template's current version and its drafts waiting."""
    only(current, TEMPLATE_READERS)
    try:
        types = await current.api.message_types()
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    return render(
        request,
        "message_templates.html",
        {"types": types, "channels": CHANNELS, "languages": LANGUAGES},
        current=current,
    )


@router.get("/message-templates/{message_type}", response_class=HTMLResponse)
async def message_template(
    request: Request, current: CurrentSession, message_type: str
) -> Response:
    only(current, TEMPLATE_READERS)
    return await _type_page(request, current, message_type)


def _typed(form: Mapping[str, str]) -> dict[str, str]:
    return {
        "channel": _choice(form.get("channel", ""), CHANNELS),
        "language": _choice(form.get("language", ""), LANGUAGES),
        "subject": form.get("subject", ""),
        "body": form.get("body", ""),
    }


@router.post("/message-templates/{message_type}/preview", response_class=HTMLResponse)
async def preview_message_template(
    request: Request, current: CurrentSession, message_type: str
) -> Response:
    """The text as typed, rendered by notification with the type's example data; the form
    keeps what was typed."""
    form = await typed_form(request, current, TEMPLATE_READERS)
    values = _typed(form)
    body = {"subject": values["subject"], "body": values["body"]}
    try:
        shown = await current.api.preview_template(
            message_type, values["channel"], values["language"], body
        )
    except ApiProblem as refused:
        signed_in(refused)
        return await _type_page(
            request, current, message_type, values=values, failed="draft", problem=refused
        )
    return await _type_page(request, current, message_type, values=values, preview=shown)


@router.post("/message-templates/{message_type}/versions", response_class=HTMLResponse)
async def write_message_template(
    request: Request, current: CurrentSession, message_type: str
) -> Response:
    """A new draft; notification checks it with the type's example data."""
    form = await typed_form(request, current, TEMPLATE_KEEPERS)
    key = form.get("key") or str(uuid.uuid4())
    values = _typed(form)
    body = {"subject": values["subject"], "body": values["body"]}
    try:
        await current.api.write_template_version(
            message_type, values["channel"], values["language"], body, key
        )
    except ApiProblem as refused:
        signed_in(refused)
        return await _type_page(
            request,
            current,
            message_type,
            values=values,
            failed="draft",
            key=key_after(refused, key),
            problem=refused,
        )
    where = f"channel={values['channel']}&language={values['language']}"
    return redirect(f"{type_page(message_type)}?done=written&{where}#versions")


async def _decide(
    request: Request,
    current: Session,
    message_type: str,
    channel: str,
    language: str,
    number: int,
    decision: str,
) -> Response:
    form = await typed_form(request, current, TEMPLATE_KEEPERS)
    key = form.get("key") or str(uuid.uuid4())
    body = {"reason": form.get("reason", "")} if decision == "reject" else {}
    try:
        await current.api.decide_template_version(
            message_type, channel, language, number, decision, body, key
        )
    except ApiProblem as refused:
        signed_in(refused)
        return await _type_page(
            request,
            current,
            message_type,
            failed="decide",
            key=key_after(refused, key),
            problem=refused,
        )
    done = "approved" if decision == "approve" else "rejected"
    return redirect(
        f"{type_page(message_type)}?done={done}&channel={quote(channel)}"
        f"&language={quote(language)}#versions"
    )


@router.post(
    "/message-templates/{message_type}/{channel}/{language}/versions/{number}/approve",
    response_class=HTMLResponse,
)
async def approve_message_template(
    request: Request,
    current: CurrentSession,
    message_type: str,
    channel: str,
    language: str,
    number: int,
) -> Response:
    """Four eyes: notification refuses the author's own approval (shown on the page)."""
    return await _decide(request, current, message_type, channel, language, number, "approve")


@router.post(
    "/message-templates/{message_type}/{channel}/{language}/versions/{number}/reject",
    response_class=HTMLResponse,
)
async def reject_message_template(
    request: Request,
    current: CurrentSession,
    message_type: str,
    channel: str,
    language: str,
    number: int,
) -> Response:
    return await _decide(request, current, message_type, channel, language, number, "reject")
