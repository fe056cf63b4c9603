"""The console's quality-control screens in front of a scripted intake, without a browser.

Quality control reads each reply on the request's page against company policy (KB-05, KB-14,
KB-15): the reading shown per reply, the form offered to the supervisor, the quality head and
the director only and never on their own answer, what it puts to intake, and intake's refusal
(one's own answer, a note missing) shown at that reply as typed. An invalid complaint's
professional opinions (CMP-09): listed on its register, recorded by whoever handles complaints,
a refusal beside its field. The monthly report's sign-offs (CMP-22): who prepared, reviewed and
approved and when, the next stage offered to the role that signs it, the answers reviewed
and found against policy per board, and the report downloaded as intake's CSV and XLSX.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from console.bootstrap import create_app
from console.entrypoints.web import REPLY_REVIEWERS, REQUEST_READERS
from console.entrypoints.web.answering import READINGS, review_body
from console.entrypoints.web.board import REPORT_SIGNERS, STAGES, signoff_stages, stage_to_sign
from console.entrypoints.web.complaints import OPINION_SOURCES, opinion_body
from console.i18n import TEXT
from hotline_libs.auth import Role

from tests.unit.test_console import Handler, _moment, a_service_request, signed_in_against
from tests.unit.test_console_complaints_duty import a_complaint, an_assessment

TEMPLATES = Path(create_app.__code__.co_filename).parent / "templates"


def a_reply(by: str = "console-agent-李娜", **overrides: Any) -> dict[str, Any]:
    reply: dict[str, Any] = {
        "kind": "reply",
        "text": "停车费每月300元",
        "by": by,
        "at": _moment(-30),
        "document_no": None,
        "revision": None,
        "review": None,
    }
    return reply | overrides


def a_review(contradicts: bool = True, **overrides: Any) -> dict[str, Any]:
    review: dict[str, Any] = {
        "contradicts_policy": contradicts,
        "note": "停车费11月已调整",
        "by": "console-quality_head-孙",
        "at": _moment(-5),
    }
    return review | overrides


def _request_routes(
    found: dict[str, Any], review: Handler | dict[str, Any] | None = None
) -> dict[tuple[str, str], Handler | dict[str, Any]]:
    path = f"/service-requests/{found['request_id']}"
    routes: dict[tuple[str, str], Handler | dict[str, Any]] = {
        ("GET", path): found,
        ("GET", f"{path}/timeline"): {"entries": []},
    }
    for number in range(1, len(found["replies"]) + 1):
        routes[("PUT", f"{path}/replies/{number}/review")] = review or found
    return routes


def _between(page: str, testid: str) -> str:
    """The text of the element with ``testid`` (a list item, paragraph or description), its
    tags removed."""
    found = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</(?:li|p|dd)>', page, re.S)
    assert found, f"no {testid}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))).strip()


# -- quality control's reading of replies (KB-05, KB-14, KB-15) ---------------------------------
def test_the_review_form_sends_the_reading_chosen_and_leaves_an_unchosen_one_to_intake() -> None:
    assert review_body("contradicts", "与现行收费标准不符") == {
        "note": "与现行收费标准不符",
        "contradicts_policy": True,
    }
    assert review_body("consistent", "按标准答复") == {
        "note": "按标准答复",
        "contradicts_policy": False,
    }
    assert review_body("", "x") == {"note": "x"}  # intake names contradicts_policy as missing
    assert set(READINGS) == {"consistent", "contradicts"}


def test_each_reply_shows_its_reading_and_reviewers_get_the_form() -> None:
    found = a_service_request(
        "SR-DMG-31",
        replies=[
            a_reply(review=a_review(contradicts=True)),
            a_reply(text="按标准答复", review=a_review(contradicts=False, note="口径一致")),
            a_reply(text="尚在核实"),
        ],
    )

    def page_for(role: Role) -> str:
        with signed_in_against(role, _request_routes(found)) as (client, _):
            page = client.get(f"/requests/{found['request_id']}")
        assert page.status_code == 200, page.text
        return page.text

    shown = page_for(Role.AGENT)
    assert _between(shown, "review-1").startswith("政策审查: 与公司政策不符 · 停车费11月已调整")
    assert 'class="review late" data-testid="review-1"' in shown  # against policy: red
    assert _between(shown, "review-2").startswith("政策审查: 符合公司政策 · 口径一致")
    assert _between(shown, "review-3") == "政策审查: 未审查"
    for role in REQUEST_READERS:
        forms = re.findall(r'data-testid="review-form-(\d+)"', page_for(role))
        assert forms == (["1", "2", "3"] if role in REPLY_REVIEWERS else []), role
    reviewer = page_for(Role.QUALITY_HEAD)
    assert reviewer.count('<details class="review-form" open>') == 1  # the unreviewed one
    assert 'value="contradicts" data-testid="reading-contradicts" checked' in reviewer


def test_a_reviewers_own_answer_offers_no_form_but_says_another_reads_it() -> None:
    """KB-05: intake refuses anyone reading their own answer (409), so the reply the signed-in
    reviewer gave (``by`` is their subject) offers no form, only a note; the others do."""
    found = a_service_request(
        "SR-DMG-36",
        replies=[a_reply(by="console-supervisor-t"), a_reply(by="console-agent-李娜")],
    )
    with signed_in_against(Role.SUPERVISOR, _request_routes(found)) as (client, _):
        page = client.get(f"/requests/{found['request_id']}").text
    assert re.findall(r'data-testid="review-form-(\d+)"', page) == ["2"]
    own = page.split('data-testid="reply-1"', 1)[1].split('data-testid="reply-2"', 1)[0]
    assert _between(own, "review-own") == "本人的答复：由其他审查人审查"
    assert 'data-testid="review-own"' not in page.split('data-testid="reply-2"', 1)[1]


def test_a_review_puts_the_reading_to_intake_with_the_forms_key() -> None:
    found = a_service_request("SR-DMG-32", replies=[a_reply(), a_reply(text="第二次答复")])
    with signed_in_against(Role.QUALITY_HEAD, _request_routes(found)) as (client, calls):
        client.get(f"/requests/{found['request_id']}")
        reviewed = client.post(
            f"/requests/{found['request_id']}/replies/2/review",
            data={
                "reading": "contradicts",
                "note": "与现行政策不符",
                "key": "k-r2",
                "csrf": client.cookies["hotline_csrf"],
            },
        )
    assert reviewed.status_code == 303
    assert reviewed.headers["location"] == f"/requests/{found['request_id']}?reviewed=2#reply-2"
    put = next(c for c in calls if c.method == "PUT")
    assert put.url.path == f"/service-requests/{found['request_id']}/replies/2/review"
    assert json.loads(put.read()) == {"note": "与现行政策不符", "contradicts_policy": True}
    assert put.headers["Idempotency-Key"] == "k-r2"


def test_a_refused_review_is_shown_at_that_reply_as_typed() -> None:
    found = a_service_request("SR-DMG-33", replies=[a_reply(), a_reply(by="console-supervisor-张")])
    own = httpx.Response(
        409,
        json={
            "status": 409,
            "detail": "an answer is reviewed by someone other than who gave it",
            "errors": [],
        },
    )
    with signed_in_against(Role.SUPERVISOR, _request_routes(found, lambda _: own)) as (client, _):
        client.get(f"/requests/{found['request_id']}")
        refused = client.post(
            f"/requests/{found['request_id']}/replies/2/review",
            data={
                "reading": "consistent",
                "note": "口径正确",
                "key": "k-own",
                "csrf": client.cookies["hotline_csrf"],
            },
        )
        forged = client.post(
            f"/requests/{found['request_id']}/replies/2/review",
            data={"reading": "consistent", "note": "x", "csrf": "guess"},
        )
    assert refused.status_code == 409
    form = refused.text.split('data-testid="review-form-2"', 1)[1].split("</form>", 1)[0]
    assert "an answer is reviewed by someone other than who gave it" in form
    assert 'value="consistent" data-testid="reading-consistent" checked' in form
    assert 'value="口径正确"' in form and 'value="k-own"' in form  # a 409 kept no answer
    assert 'data-testid="problem"' not in refused.text  # shown at the reply, not twice
    assert "review-problem" not in refused.text.split('data-testid="review-form-2"', 1)[0]
    assert forged.status_code == 403


def test_a_review_refused_for_its_fields_names_them_beside_the_form() -> None:
    found = a_service_request("SR-DMG-34", replies=[a_reply()])
    invalid = httpx.Response(
        422,
        json={
            "status": 422,
            "detail": "contradicts_policy: Field required; note: String should have at least 1",
            "errors": [
                {"location": "body", "field": "contradicts_policy", "message": "Field required"},
                {"location": "body", "field": "note", "message": "String should have at least 1"},
            ],
        },
    )
    with signed_in_against(Role.DIRECTOR, _request_routes(found, lambda _: invalid)) as (
        client,
        _,
    ):
        client.get(f"/requests/{found['request_id']}")
        refused = client.post(
            f"/requests/{found['request_id']}/replies/1/review",
            data={"note": "", "key": "k-1", "csrf": client.cookies["hotline_csrf"]},
        )
    assert refused.status_code == 422
    assert 'data-testid="review-reading-error">Field required</span>' in refused.text
    assert 'data-testid="review-note-error">String should have at least 1</span>' in refused.text
    assert 'value="k-1"' not in refused.text  # intake kept its refusal under that key


@pytest.mark.parametrize("role", [Role.AGENT, Role.ADMIN, Role.SITE_MANAGER, Role.TECHNICIAN])
def test_a_role_intake_does_not_let_review_may_not_post_a_review(role: Role) -> None:
    found = a_service_request("SR-DMG-35", replies=[a_reply()])
    with signed_in_against(role, _request_routes(found)) as (client, calls):
        client.get("/sign-in")
        posted = client.post(
            f"/requests/{found['request_id']}/replies/1/review",
            data={"reading": "consistent", "note": "x", "csrf": client.cookies["hotline_csrf"]},
        )
    assert posted.status_code == 403
    assert not [c for c in calls if c.method == "PUT"]


# -- professional opinions on an invalid complaint (CMP-09) -------------------------------------
def an_opinion(**overrides: Any) -> dict[str, Any]:
    opinion: dict[str, Any] = {
        "source": "legal_adviser",
        "department": None,
        "given_by": "李律师",
        "opinion": "车位属开发商所有, 物业无权处置",
        "recorded_by": "console-agent-李娜",
        "at": _moment(-10),
    }
    return opinion | overrides


def _opinion_routes(
    *found: dict[str, Any], answer: Handler | None = None
) -> dict[tuple[str, str], Handler | dict[str, Any]]:
    routes: dict[tuple[str, str], Handler | dict[str, Any]] = {}
    for item in found:
        path = f"/service-requests/{item['request_id']}"
        routes[("GET", path)] = item
        routes[("POST", f"{path}/complaint/opinions")] = answer or item
    return routes


def test_the_opinion_form_sends_a_department_only_when_one_is_chosen() -> None:
    assert opinion_body("legal_adviser", "", "李律师", "按合同解释") == {
        "source": "legal_adviser",
        "department": None,
        "given_by": "李律师",
        "opinion": "按合同解释",
    }
    assert opinion_body("department", "marketing", "王经理", "x")["department"] == "marketing"
    assert set(OPINION_SOURCES) == {"department", "legal_adviser"}


def test_an_invalid_complaints_opinions_are_listed_and_handlers_record_more() -> None:
    invalid = a_complaint(
        "SR-DMG-41",
        assessment=an_assessment("invalid"),
        register_complete=True,
        opinions=[
            an_opinion(),
            an_opinion(source="department", department="marketing", given_by="王经理"),
        ],
    )
    valid = a_complaint(
        "SR-DMG-42", assessment=an_assessment("valid"), register_complete=True, opinions=[]
    )
    fresh = a_complaint("SR-DMG-43", opinions=[])
    routes = _opinion_routes(invalid, valid, fresh)

    def page_for(role: Role, found: dict[str, Any]) -> str:
        with signed_in_against(role, routes) as (client, _):
            page = client.get(f"/complaints/{found['request_id']}")
        assert page.status_code == 200, page.text
        return page.text

    shown = page_for(Role.AGENT, invalid)
    assert _between(shown, "opinion-1").startswith("法律顾问 · 李律师 · 车位属开发商所有")
    assert "记录人 console-agent-李娜" in _between(shown, "opinion-1")
    assert _between(shown, "opinion-2").startswith("市场部 · 王经理")
    assert 'data-testid="opinion-form"' in shown
    assert 'data-testid="opinion-form"' not in page_for(Role.DIRECTOR, invalid)  # oversight
    assert 'data-testid="opinion-form"' not in page_for(Role.AGENT, valid)  # gets a plan
    assert 'data-testid="opinion-form"' not in page_for(Role.AGENT, fresh)  # not assessed
    assert "尚无专业意见" not in page_for(Role.AGENT, valid)
    empty = a_complaint(
        "SR-DMG-44", assessment=an_assessment("invalid"), register_complete=True, opinions=[]
    )
    with signed_in_against(Role.AGENT, _opinion_routes(empty)) as (client, _):
        assert "尚无专业意见" in client.get(f"/complaints/{empty['request_id']}").text


def test_an_opinion_is_posted_with_the_forms_key_and_a_refusal_lands_beside_its_field() -> None:
    found = a_complaint(
        "SR-DMG-45", assessment=an_assessment("invalid"), register_complete=True, opinions=[]
    )
    refusal = httpx.Response(
        422,
        json={
            "status": 422,
            "detail": "department names the department giving its opinion, and only then",
            "errors": [
                {
                    "location": "body",
                    "field": "department",
                    "message": "department names the department giving its opinion, and only then",
                }
            ],
        },
    )
    answers = [refusal, httpx.Response(200, json=found)]
    cid = found["request_id"]
    with signed_in_against(
        Role.SUPERVISOR, _opinion_routes(found, answer=lambda _: answers.pop())
    ) as (client, calls):
        client.get(f"/complaints/{cid}")
        csrf = client.cookies["hotline_csrf"]
        form = {"source": "department", "department": "", "given_by": "王经理"}
        recorded = client.post(
            f"/complaints/{cid}/opinions",
            data=form
            | {"department": "marketing", "opinion": "按合同", "key": "k-o", "csrf": csrf},
        )
        refused = client.post(
            f"/complaints/{cid}/opinions",
            data=form | {"opinion": "车位不属物业", "key": "k-bad", "csrf": csrf},
        )
    assert recorded.status_code == 303
    assert recorded.headers["location"] == f"/complaints/{cid}?done=opinion"
    posts = [c for c in calls if c.method == "POST"]
    assert json.loads(posts[0].read()) == {
        "source": "department",
        "department": "marketing",
        "given_by": "王经理",
        "opinion": "按合同",
    }
    assert posts[0].headers["Idempotency-Key"] == "k-o"
    assert json.loads(posts[1].read())["department"] is None
    assert refused.status_code == 422
    beside = refused.text.split('id="o-department"', 1)[1].split("</label>", 1)[0]
    assert (
        '<span class="field-error" role="alert">department names the department giving its '
        "opinion, and only then</span>" in beside
    )
    assert ">车位不属物业</textarea>" in refused.text and 'value="王经理"' in refused.text
    assert 'value="k-bad"' not in refused.text  # intake kept its refusal under that key
    with signed_in_against(Role.DIRECTOR, _opinion_routes(found)) as (client, calls):
        client.get("/sign-in")
        forbidden = client.post(
            f"/complaints/{cid}/opinions",
            data=form | {"opinion": "x", "csrf": client.cookies["hotline_csrf"]},
        )
    assert forbidden.status_code == 403 and not [c for c in calls if c.method == "POST"]


# -- the monthly report's sign-offs and review figures (CMP-22, KB-15) ---------------------------
def a_signoff(stage: str, by: str, at: str = "2026-12-01T02:00:00+00:00") -> dict[str, Any]:
    return {"stage": stage, "by": by, "at": at}


def test_the_stages_are_signed_in_order_each_by_the_role_that_signs_it() -> None:
    assert [s["next"] for s in signoff_stages([])] == [True, False, False]
    prepared = [a_signoff("prepared", "console-supervisor-张敏")]
    stages = signoff_stages(prepared)
    assert stages[0] == {
        "stage": "prepared",
        "by": "console-supervisor-张敏",
        "at": "2026-12-01T02:00:00+00:00",
        "next": False,
    }
    assert [s["next"] for s in stages] == [False, True, False]
    assert stage_to_sign([], Role.SUPERVISOR) == "prepared"
    assert stage_to_sign([], Role.QUALITY_HEAD) is None  # not before it is prepared
    assert stage_to_sign(prepared, Role.QUALITY_HEAD) == "reviewed"
    assert stage_to_sign(prepared, Role.ADMIN) == "reviewed"
    assert stage_to_sign(prepared, Role.DIRECTOR) is None
    everything = [*prepared, a_signoff("reviewed", "q"), a_signoff("approved", "d")]
    assert not any(s["next"] for s in signoff_stages(everything))
    assert all(stage_to_sign(everything, role) is None for role in Role)
    assert tuple(REPORT_SIGNERS) == STAGES


def a_board(**overrides: int) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "registered": 4,
        "accepted": 4,
        "declined": 0,
        "redirected": 0,
        "promises": 2,
        "promises_kept_on_time": 1,
        "first_answers_overdue": 0,
        "answers_reviewed": 0,
        "answers_contradicting_policy": 0,
    }
    return figures | overrides


def a_report(signoffs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "site_id": "dmg",
        "month": "2026-11",
        "boards": {
            "consultation": a_board(answers_reviewed=3, answers_contradicting_policy=1),
            "repair": a_board(answers_reviewed=2),
        },
        "signoffs": signoffs,
    }


def _report_routes(
    report: dict[str, Any], sign: Handler | None = None
) -> dict[tuple[str, str], Handler | dict[str, Any]]:
    signed = [*report["signoffs"], a_signoff("reviewed", "x")]
    return {
        ("GET", "/reports/monthly"): report,
        ("POST", "/reports/monthly/dmg/2026-11/sign-offs"): sign
        or (lambda _: httpx.Response(200, json=signed)),
    }


def test_the_report_shows_who_signed_and_offers_the_next_stage_to_its_signer() -> None:
    report = a_report([a_signoff("prepared", "console-supervisor-张敏")])

    def page_for(role: Role) -> str:
        with signed_in_against(role, _report_routes(report)) as (client, _):
            page = client.get("/reports/monthly", params={"site_id": "dmg", "month": "2026-11"})
        assert page.status_code == 200, page.text
        return page.text

    shown = page_for(Role.AGENT)
    assert _between(shown, "signoff-prepared") == "console-supervisor-张敏 · 2026-12-01 10:00"
    assert _between(shown, "signoff-reviewed") == "待签署"
    assert _between(shown, "report-state") == "下一步: 审核 (质量控制部)"
    consultation = shown.split('data-testid="board-consultation"', 1)[1].split("</tr>", 1)[0]
    assert '<td data-testid="answers-reviewed">3</td>' in consultation
    assert '<td data-testid="answers-contradicting" class="late">1</td>' in consultation
    repair = shown.split('data-testid="board-repair"', 1)[1].split("</tr>", 1)[0]
    assert '<td data-testid="answers-contradicting" class="">0</td>' in repair
    offered = {
        role: re.findall(r'data-testid="sign-(prepared|reviewed|approved)"', page_for(role))
        for role in REQUEST_READERS
    }
    assert {role: found for role, found in offered.items() if found} == {
        Role.QUALITY_HEAD: ["reviewed"],
        Role.ADMIN: ["reviewed"],
    }
    approved = a_report(
        [
            a_signoff("prepared", "s"),
            a_signoff("reviewed", "q"),
            a_signoff("approved", "console-director-王总"),
        ]
    )
    with signed_in_against(Role.DIRECTOR, _report_routes(approved)) as (client, _):
        page = client.get("/reports/monthly", params={"site_id": "dmg", "month": "2026-11"})
    assert _between(page.text, "report-state") == "已批准"
    assert 'data-testid="sign-form"' not in page.text


def test_signing_posts_the_stage_and_a_refusal_is_shown_beside_the_sign_offs() -> None:
    report = a_report([a_signoff("prepared", "console-quality_head-t")])
    refusal = httpx.Response(
        409, json={"status": 409, "detail": "each stage is signed by another person", "errors": []}
    )
    answers = [refusal, httpx.Response(200, json=[])]
    routes = _report_routes(report, sign=lambda _: answers.pop())
    with signed_in_against(Role.QUALITY_HEAD, routes) as (client, calls):
        client.get("/reports/monthly", params={"site_id": "dmg", "month": "2026-11"})
        form = {"site_id": "dmg", "month": "2026-11", "stage": "reviewed"}
        signed = client.post(
            "/reports/monthly/sign-offs",
            data=form | {"key": "k-s", "csrf": client.cookies["hotline_csrf"]},
        )
        refused = client.post(
            "/reports/monthly/sign-offs",
            data=form | {"key": "k-t", "csrf": client.cookies["hotline_csrf"]},
        )
        forged = client.post("/reports/monthly/sign-offs", data=form | {"csrf": "guess"})
    assert signed.status_code == 303
    assert signed.headers["location"] == (
        "/reports/monthly?site_id=dmg&month=2026-11&signed=reviewed#signoffs"
    )
    post = next(c for c in calls if c.method == "POST")
    assert json.loads(post.read()) == {"stage": "reviewed"}
    assert post.headers["Idempotency-Key"] == "k-s"
    assert refused.status_code == 409
    assert (
        '<p class="problem" role="alert" data-testid="sign-problem">each stage is signed by '
        "another person</p>" in refused.text
    )
    assert 'data-testid="problem"' not in refused.text  # the report itself was read
    assert forged.status_code == 403
    with signed_in_against(Role.QUALITY_HEAD, routes) as (client, _):
        done = client.get(
            "/reports/monthly", params={"site_id": "dmg", "month": "2026-11", "signed": "reviewed"}
        )
    assert 'data-testid="signed">报表已签署审核。</p>' in done.text


def test_the_report_downloads_as_intakes_csv_and_xlsx_of_the_site_and_month_shown() -> None:
    """The page links the report it shows as CSV and XLSX; the console fetches intake's file
    with the user's token and passes it on under intake's content type and file name."""
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def report_or_file(request: httpx.Request) -> httpx.Response:
        format_ = request.url.params.get("format")
        if format_ is None:
            return httpx.Response(200, json=a_report([]))
        return httpx.Response(
            200,
            content=f"{format_} of {request.url.params['site_id']}".encode(),
            headers={
                "content-type": "text/csv; charset=utf-8" if format_ == "csv" else xlsx,
                "content-disposition": f'attachment; filename="report-dmg-2026-11.{format_}"',
            },
        )

    routes: dict[tuple[str, str], Handler | dict[str, Any]] = {
        ("GET", "/reports/monthly"): report_or_file
    }
    with signed_in_against(Role.DIRECTOR, routes) as (client, calls):
        page = client.get("/reports/monthly", params={"site_id": "dmg", "month": "2026-11"})
        links = re.findall(
            r'href="([^"]+)" data-testid="report-download-(\w+)" download', page.text
        )
        assert [format_ for _, format_ in links] == ["csv", "xlsx"]
        files = {format_: client.get(html.unescape(href)) for href, format_ in links}
        unknown = client.get("/reports/monthly/file?site_id=dmg&month=2026-11&format=pdf")
    assert 'href="#"' not in page.text
    assert files["csv"].content == b"csv of dmg"
    assert files["csv"].headers["content-type"] == "text/csv; charset=utf-8"
    assert files["xlsx"].headers["content-type"] == xlsx
    assert files["xlsx"].headers["content-disposition"] == (
        'attachment; filename="report-dmg-2026-11.xlsx"'
    )
    asked = [c for c in calls if c.url.params.get("format")]
    assert [dict(c.url.params) for c in asked] == [
        {"site_id": "dmg", "month": "2026-11", "format": "csv"},
        {"site_id": "dmg", "month": "2026-11", "format": "xlsx"},
    ]
    assert all(c.headers["Authorization"].startswith("Bearer ") for c in asked)
    assert unknown.status_code == 404


@pytest.mark.parametrize("role", [Role.AGENT, Role.SITE_MANAGER, Role.STEWARD, Role.TECHNICIAN])
def test_a_role_that_signs_no_stage_may_not_post_a_sign_off(role: Role) -> None:
    with signed_in_against(role, _report_routes(a_report([]))) as (client, calls):
        client.get("/sign-in")
        posted = client.post(
            "/reports/monthly/sign-offs",
            data={"site_id": "dmg", "month": "2026-11", "stage": "prepared"}
            | {"csrf": client.cookies["hotline_csrf"]},
        )
    assert posted.status_code == 403 and not [c for c in calls if c.method == "POST"]


def test_every_key_these_screens_build_is_in_both_languages() -> None:
    """The templates build some keys from codes (``t("stage_" ~ s.stage)``): each exists."""
    built = (
        {f"reading_{r}" for r in READINGS}
        | {f"source_{s}" for s in OPINION_SOURCES}
        | {
            f"{prefix}_{stage}"
            for prefix in ("stage", "sign", "signer", "signed")
            for stage in STAGES
        }
        | {"done_form_opinion"}
    )
    assert sorted(built - TEXT.keys()) == []
    sources = "".join(p.read_text() for p in TEMPLATES.glob("*.html"))
    for prefix in ("reading_", "source_", "stage_", "sign_", "signer_", "signed_"):
        assert f't("{prefix}" ~' in sources, prefix  # still built so: this list is complete
