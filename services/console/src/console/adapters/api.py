"""The five services' APIs as the console calls them: one method per call, the user's token on
each, and an API's problem (RFC 9457) raised as ``ApiProblem`` for the page to show."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx


@dataclass
class ApiProblem(Exception):
    """An API answered 4xx or 5xx: its status, what it said, and the fields at fault."""

    status: int
    detail: str
    errors: list[dict[str, Any]] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.status}: {self.detail}"

    def by_field(self) -> dict[str, str]:
        """The message of each field at fault, by its dotted path (``resident.phone``)."""
        found: dict[str, str] = {}
        for error in self.errors:
            name = error.get("field")
            if name and name not in found:
                found[str(name)] = str(error.get("message", ""))
        return found


class HotlineApi:
    """Calls on behalf of one signed-in user."""

    def __init__(self, client: httpx.AsyncClient, urls: dict[str, str], token: str) -> None:
        self._client = client
        self._urls = urls
        self._headers = {"Authorization": f"Bearer {token}"}

    async def _call(self, service: str, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = await self._send(service, method, path, **kwargs)
        if response.status_code == 204 or not response.content:
            return {}
        result: dict[str, Any] = response.json()
        return result

    async def _send(self, service: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self._headers, **kwargs.pop("headers", {})}
        try:
            response = await self._client.request(
                method, f"{self._urls[service]}{path}", headers=headers, **kwargs
            )
        except httpx.HTTPError as exc:
            raise ApiProblem(
                503, f"{service} did not answer ({type(exc).__name__}); retry"
            ) from exc
        if response.status_code >= 400:
            raise self._problem(response)
        return response

    @staticmethod
    def _problem(response: httpx.Response) -> ApiProblem:
        """The API's refusal (its RFC 9457 body read already)."""
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        return ApiProblem(
            response.status_code,
            str(body.get("detail") or response.reason_phrase),
            list(body.get("errors") or []),
        )

    async def _open(self, service: str, path: str, read_timeout: float) -> httpx.Response:
        """A GET whose body is left unread, to be passed on a block at a time (a file too large
        to hold); the caller closes it. A refusal is read and raised as ``ApiProblem``."""
        request = self._client.build_request(
            "GET",
            f"{self._urls[service]}{path}",
            headers=self._headers,
            timeout=httpx.Timeout(15, read=read_timeout),
        )
        try:
            response = await self._client.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise ApiProblem(
                503, f"{service} did not answer ({type(exc).__name__}); retry"
            ) from exc
        if response.status_code >= 400:
            try:
                await response.aread()
            finally:
                await response.aclose()
            raise self._problem(response)
        return response

    async def sites(self) -> list[dict[str, Any]]:
        page = await self._call("intake", "GET", "/sites", params={"limit": 500})
        return list(page["items"])

    async def site(self, site_id: str) -> dict[str, Any]:
        """One site with its settings: time zone, escalation ladder, front-desk shifts."""
        return await self._call("intake", "GET", f"/sites/{site_id}")

    async def register(self, body: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        return await self._call(
            "intake",
            "POST",
            "/service-requests",
            json=body,
            headers={"Idempotency-Key": idempotency_key},
        )

    async def requests(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._call("intake", "GET", "/service-requests", params=params)

    # -- answering a request ------------------------------------------------------------------
    async def request(self, request_id: str) -> dict[str, Any]:
        return await self._call("intake", "GET", f"/service-requests/{request_id}")

    async def timeline(self, request_id: str) -> dict[str, Any]:
        return await self._call("intake", "GET", f"/service-requests/{request_id}/timeline")

    async def caller(self, phone: str) -> dict[str, Any]:
        return await self._call("intake", "GET", f"/callers/{phone}")

    async def _change(
        self, path: str, body: dict[str, Any] | None, key: str, method: str = "POST"
    ) -> dict[str, Any]:
        return await self._call("intake", method, path, json=body, headers={"Idempotency-Key": key})

    async def give_answer(self, request_id: str, answer_id: str, key: str) -> dict[str, Any]:
        return await self._change(
            f"/service-requests/{request_id}/standard-answer", {"answer_id": answer_id}, key
        )

    async def promise_reply(self, request_id: str, tier: str, key: str) -> dict[str, Any]:
        return await self._change(
            f"/service-requests/{request_id}/reply-promises", {"tier": tier}, key
        )

    async def reply(self, request_id: str, text: str, progress: bool, key: str) -> dict[str, Any]:
        return await self._change(
            f"/service-requests/{request_id}/replies", {"text": text, "progress": progress}, key
        )

    async def review_reply(
        self, request_id: str, number: int, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        """Quality control's reading of answer ``number`` (1 = the first) against company policy
        (KB-05, KB-14, KB-15)."""
        return await self._change(
            f"/service-requests/{request_id}/replies/{number}/review", body, key, method="PUT"
        )

    async def owed(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._call("intake", "GET", "/service-requests/owing-answers", params=params)

    # -- standard answers ---------------------------------------------------------------------
    async def answers(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._call("intake", "GET", "/standard-answers", params=params)

    async def search_answers(self, params: dict[str, Any]) -> dict[str, Any]:
        """Approved answers matching ``params["q"]`` (the caller's words), the best first."""
        return await self._call("intake", "GET", "/standard-answers/search", params=params)

    async def answer(self, answer_id: str) -> dict[str, Any]:
        return await self._call("intake", "GET", f"/standard-answers/{answer_id}")

    async def redraft_answer(
        self, answer_id: str, question: str, answer: str, key: str
    ) -> dict[str, Any]:
        return await self._change(
            f"/standard-answers/{answer_id}/draft",
            {"question": question, "answer": answer},
            key,
            method="PUT",
        )

    async def withdraw_answer(self, answer_id: str, key: str) -> dict[str, Any]:
        return await self._change(f"/standard-answers/{answer_id}/withdrawal", None, key)

    async def draft_answer(self, body: dict[str, Any], key: str) -> dict[str, Any]:
        return await self._change("/standard-answers", body, key)

    async def approve_answer(self, answer_id: str, revision: int, key: str) -> dict[str, Any]:
        return await self._change(
            f"/standard-answers/{answer_id}/approval", {"revision": revision}, key
        )

    # -- the incident board and the monthly report --------------------------------------------
    async def incidents(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._call("intake", "GET", "/incidents", params=params)

    async def declare_incident(self, body: dict[str, Any], key: str) -> dict[str, Any]:
        return await self._change("/incidents", body, key)

    async def monthly_report(self, site_id: str, month: str) -> dict[str, Any]:
        return await self._call(
            "intake", "GET", "/reports/monthly", params={"site_id": site_id, "month": month}
        )

    async def monthly_report_file(self, site_id: str, month: str, format_: str) -> httpx.Response:
        """The same report as CSV or XLSX, as intake sends the file."""
        params = {"site_id": site_id, "month": month, "format": format_}
        return await self._send("intake", "GET", "/reports/monthly", params=params)

    async def sign_monthly_report(
        self, site_id: str, month: str, stage: str, key: str
    ) -> list[dict[str, Any]]:
        """Sign the month's report prepared, reviewed or approved (CMP-22); intake answers the
        sign-offs so far."""
        response = await self._send(
            "intake",
            "POST",
            f"/reports/monthly/{site_id}/{month}/sign-offs",
            json={"stage": stage},
            headers={"Idempotency-Key": key},
        )
        signoffs: list[dict[str, Any]] = response.json()
        return signoffs

    # -- complaints and their clocks ----------------------------------------------------------
    async def complaints(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._call("intake", "GET", "/complaints", params=params)

    async def assess_complaint(
        self, request_id: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        return await self._change(f"/service-requests/{request_id}/complaint/assessment", body, key)

    async def plan_complaint_handling(
        self, request_id: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        return await self._change(
            f"/service-requests/{request_id}/complaint/handling-plan", body, key
        )

    async def resolve_complaint(
        self, request_id: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        return await self._change(f"/service-requests/{request_id}/complaint/resolution", body, key)

    async def record_complaint_opinion(
        self, request_id: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        """A department's or the legal adviser's opinion on a complaint found invalid (CMP-09)."""
        return await self._change(f"/service-requests/{request_id}/complaint/opinions", body, key)

    async def mark_representative(
        self, request_id: str, representative: bool, key: str
    ) -> dict[str, Any]:
        return await self._change(
            f"/service-requests/{request_id}/complaint/representative",
            {"representative": representative},
            key,
            method="PUT",
        )

    # -- the duty log and its handover --------------------------------------------------------
    async def duty_logs(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._call("intake", "GET", "/duty-logs", params=params)

    async def duty_log(self, log_id: str) -> dict[str, Any]:
        return await self._call("intake", "GET", f"/duty-logs/{log_id}")

    async def open_duty_log(self, body: dict[str, Any], key: str) -> dict[str, Any]:
        return await self._change("/duty-logs", body, key)

    async def write_duty_entry(self, log_id: str, body: dict[str, Any], key: str) -> dict[str, Any]:
        return await self._change(f"/duty-logs/{log_id}/entries", body, key)

    async def take_over_duty(self, log_id: str, body: dict[str, Any], key: str) -> dict[str, Any]:
        return await self._change(f"/duty-logs/{log_id}/take-over", body, key)

    async def sign_off_duty(self, log_id: str, key: str) -> dict[str, Any]:
        return await self._change(f"/duty-logs/{log_id}/sign-off", None, key)

    async def sign_duty_log(self, log_id: str, kind: str, key: str) -> dict[str, Any]:
        return await self._change(f"/duty-logs/{log_id}/signatures", {"kind": kind}, key)

    # -- the directory: the phone book, staff, sites' settings and catalogues, imports ---------
    async def phone_book(self, params: dict[str, Any]) -> dict[str, Any]:
        """Numbers to transfer a call to, the phone book's and the staff's, found by words."""
        return await self._call("intake", "GET", "/phone-book", params=params)

    async def put_phone_book_entry(
        self, entry_id: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        return await self._change(f"/phone-book/{entry_id}", body, key, method="PUT")

    async def remove_phone_book_entry(self, entry_id: str, key: str) -> None:
        await self._change(f"/phone-book/{entry_id}", None, key, method="DELETE")

    async def staff(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._call("intake", "GET", "/staff", params=params)

    async def staff_member(self, staff_id: str) -> dict[str, Any]:
        return await self._call("intake", "GET", f"/staff/{staff_id}")

    async def put_staff_member(
        self, staff_id: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        return await self._change(f"/staff/{staff_id}", body, key, method="PUT")

    async def put_site(self, site_id: str, body: dict[str, Any], key: str) -> dict[str, Any]:
        return await self._change(f"/sites/{site_id}", body, key, method="PUT")

    async def catalogue(self, site_id: str) -> dict[str, Any]:
        return await self._call("intake", "GET", f"/sites/{site_id}/catalogue")

    async def price_list(self, site_id: str) -> dict[str, Any]:
        """The site's price list as intake keeps it from billing: what a paid request names."""
        return await self._call("intake", "GET", f"/sites/{site_id}/price-list")

    async def put_catalogue_item(
        self, site_id: str, kind: str, code: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        return await self._change(
            f"/sites/{site_id}/catalogue/{kind}/{code}", body, key, method="PUT"
        )

    async def import_directory(
        self, kind: str, content: bytes, media_type: str, key: str
    ) -> dict[str, Any]:
        """Send a CSV or XLSX list of residents or units: all its lines are imported, or none."""
        return await self._call(
            "intake",
            "POST",
            f"/directory/imports/{kind}",
            content=content,
            headers={"Content-Type": media_type, "Idempotency-Key": key},
        )

    async def export_directory(self, kind: str, params: dict[str, Any]) -> httpx.Response:
        """A site's residents or units as CSV or XLSX, as intake sends the file."""
        return await self._send("intake", "GET", f"/directory/exports/{kind}", params=params)

    # -- the daily complaint record, the reception script, a site's organisation ---------------
    async def daily_complaint_record(self, site_id: str, day: str) -> dict[str, Any]:
        """The site's complaint-handling record of ``day`` (CMP-18)."""
        params = {"site_id": site_id, "day": day}
        return await self._call("intake", "GET", "/complaints/daily-record", params=params)

    async def daily_complaint_record_file(
        self, site_id: str, day: str, format_: str
    ) -> httpx.Response:
        """The same record as CSV or XLSX, as intake sends the file."""
        params = {"site_id": site_id, "day": day, "format": format_}
        return await self._send("intake", "GET", "/complaints/daily-record", params=params)

    async def reception_script(self, site_id: str) -> dict[str, Any]:
        """The script and courtesy phrases agents read for a site (KB-17, KB-20)."""
        return await self._call("intake", "GET", f"/reception-scripts/{site_id}")

    async def word_reception_script(
        self, site_id: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        return await self._change(f"/reception-scripts/{site_id}", body, key, method="PUT")

    async def buildings(self, site_id: str) -> dict[str, Any]:
        return await self._call("intake", "GET", f"/sites/{site_id}/buildings")

    async def departments(self, site_id: str) -> dict[str, Any]:
        return await self._call("intake", "GET", f"/sites/{site_id}/departments")

    # -- a leaver's or transferee's job handed over (岗位交接, DUTY-25) --------------------------
    async def hand_over_job(self, staff_id: str, body: dict[str, Any], key: str) -> dict[str, Any]:
        """Hand ``staff_id``'s job to a successor at their site; intake answers the handover with
        the open work it found."""
        return await self._change(f"/staff/{staff_id}/handover", body, key)

    async def job_handover(self, handover_id: str) -> dict[str, Any]:
        return await self._call("intake", "GET", f"/job-handovers/{handover_id}")

    async def job_handovers(self, site_id: str) -> list[dict[str, Any]]:
        """A site's job handovers, the latest first."""
        response = await self._send("intake", "GET", "/job-handovers", params={"site_id": site_id})
        handovers: list[dict[str, Any]] = response.json()
        return handovers

    async def accept_job_handover(self, handover_id: str, key: str) -> dict[str, Any]:
        """The successor (or a supervisor for them) takes the job over; intake decides who may."""
        return await self._change(f"/job-handovers/{handover_id}/acceptance", None, key, "PUT")

    # -- dispatch's work orders (派工单) and technicians ------------------------------------------
    async def work_orders(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._call("dispatch", "GET", "/work-orders", params=params)

    async def work_order(self, work_order_id: str) -> dict[str, Any]:
        return await self._call("dispatch", "GET", f"/work-orders/{work_order_id}")

    async def technicians(
        self, site_id: str, *, limit: int = 500, offset: int = 0
    ) -> dict[str, Any]:
        """One page of the site's technicians, by id (``{"items", "total", "limit", "offset"}``:
        the next page is at ``offset + limit`` while that is below ``total``)."""
        params = {"site_id": site_id, "limit": limit, "offset": offset}
        return await self._call("dispatch", "GET", "/technicians", params=params)

    async def save_technician(
        self, technician_id: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        """Add a technician or change one (site_id, name, phone, trades, skills, on_duty);
        dispatch answers them as saved, or 422 naming unknown trades or skills, 409 for an id
        taken at another site."""
        return await self._call(
            "dispatch",
            "PUT",
            f"/technicians/{quote(technician_id, safe='')}",
            json=body,
            headers={"Idempotency-Key": key},
        )

    async def work_order_step(
        self, work_order_id: str, route: str, body: dict[str, Any] | None, key: str
    ) -> dict[str, Any]:
        """One step of the order (``route``: ``acceptance``, ``quote``, ``sign-off`` …); dispatch
        answers the order after it, or 409 naming the state and the step."""
        return await self._call(
            "dispatch",
            "POST",
            f"/work-orders/{work_order_id}/{route}",
            json=body,
            headers={"Idempotency-Key": key},
        )

    async def draw_materials(
        self, work_order_id: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        """Materials or tools drawn from the warehouse for the order (DSP-07): ``item``,
        ``quantity``, ``kind`` and, for a material the customer pays for, ``charge_as`` (its
        price-list item); dispatch answers the order after it."""
        return await self._call(
            "dispatch",
            "POST",
            f"/work-orders/{work_order_id}/materials",
            json=body,
            headers={"Idempotency-Key": key},
        )

    async def give_back_materials(
        self, work_order_id: str, line_no: int, quantity: int | str, key: str
    ) -> dict[str, Any]:
        """Unused materials or a borrowed tool of line ``line_no`` back to the warehouse
        (DSP-08); 409 once a charged line was charged at completion."""
        return await self._call(
            "dispatch",
            "POST",
            f"/work-orders/{work_order_id}/materials/{line_no}/return",
            json={"quantity": quantity},
            headers={"Idempotency-Key": key},
        )

    async def technicians_on_shift(self, site_id: str) -> dict[str, Any]:
        """Who of the site's technicians is on shift now, and whether a published roster says so
        (else every available one)."""
        params = {"site_id": site_id}
        return await self._call("dispatch", "GET", "/on-shift", params=params)

    # -- the technicians' monthly roster (维修/服务人员排班表) -------------------------------------
    @staticmethod
    def _roster_path(site_id: str, month: str) -> str:
        return f"/technician-rosters/{quote(site_id, safe='')}/{quote(month, safe='')}"

    async def technician_roster(self, site_id: str, month: str) -> dict[str, Any]:
        """The site's roster of ``month`` (YYYY-MM) with its absences; 404 while none is drafted."""
        return await self._call("dispatch", "GET", self._roster_path(site_id, month))

    async def draft_technician_roster(
        self, site_id: str, month: str, entries: list[dict[str, str]], key: str
    ) -> dict[str, Any]:
        """Replace the month's draft with ``entries`` (day, shift, technician_id), or start it."""
        return await self._call(
            "dispatch",
            "PUT",
            self._roster_path(site_id, month),
            json={"entries": entries},
            headers={"Idempotency-Key": key},
        )

    async def publish_technician_roster(self, site_id: str, month: str, key: str) -> dict[str, Any]:
        return await self._call(
            "dispatch",
            "POST",
            f"{self._roster_path(site_id, month)}/publication",
            headers={"Idempotency-Key": key},
        )

    async def record_technician_absence(
        self, site_id: str, month: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        """A technician off a published shift (leave, sick leave, a day off in lieu, a swap) and
        who covers it (``cover_by`` None: the shift runs short)."""
        return await self._call(
            "dispatch",
            "POST",
            f"{self._roster_path(site_id, month)}/absences",
            json=body,
            headers={"Idempotency-Key": key},
        )

    # -- billing: charges, the receipt books, the day's money in (BIL-09, BIL-11 to BIL-16) ----
    async def _billing_change(self, path: str, body: dict[str, Any] | None, key: str) -> Any:
        response = await self._send(
            "billing", "POST", path, json=body, headers={"Idempotency-Key": key}
        )
        return response.json() if response.content else {}

    async def charges(self, params: dict[str, Any]) -> dict[str, Any]:
        """One page of charges, newest first (``site_id``, ``status``, ``request_id``)."""
        return await self._call("billing", "GET", "/charges", params=params)

    async def charge(self, charge_id: str) -> dict[str, Any]:
        return await self._call("billing", "GET", f"/charges/{quote(charge_id, safe='')}")

    async def price_charge_again(self, charge_id: str, key: str) -> dict[str, Any]:
        """Price a waiting charge again from the site's price list; billing answers the charge,
        raised or still waiting with its problems."""
        found: dict[str, Any] = await self._billing_change(
            f"/charges/{quote(charge_id, safe='')}/pricing", None, key
        )
        return found

    async def confirm_agreed_prices(
        self, charge_id: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        """Finance confirms the unit prices agreed with the resident (``lines``, and the
        ``payment_method`` and ``note`` if given); billing raises the charge."""
        found: dict[str, Any] = await self._billing_change(
            f"/charges/{quote(charge_id, safe='')}/agreed-prices", body, key
        )
        return found

    async def issue_receipt(
        self, charge_id: str, technician_id: str | None, key: str
    ) -> dict[str, Any]:
        """The site's next numbered receipt, to the technician who collects the cash (the one
        who did the work when ``technician_id`` is None); the one already out when there is one
        (BIL-11)."""
        body = {"technician_id": technician_id} if technician_id else {}
        found: dict[str, Any] = await self._billing_change(
            f"/charges/{quote(charge_id, safe='')}/receipts", body, key
        )
        return found

    async def record_payment(
        self, charge_id: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        """A charge paid by bank transfer, WeChat Pay or Alipay, with its reference (BIL-16)."""
        found: dict[str, Any] = await self._billing_change(
            f"/charges/{quote(charge_id, safe='')}/payments", body, key
        )
        return found

    async def receipts(self, params: dict[str, Any]) -> dict[str, Any]:
        """One page of the receipt books, newest number first (``site_id``, ``status``,
        ``issued_to``, ``charge_id``)."""
        return await self._call("billing", "GET", "/receipts", params=params)

    @staticmethod
    def _receipt_path(site_id: str, number: int) -> str:
        return f"/receipts/{quote(site_id, safe='')}/{number}"

    async def receipt(self, site_id: str, number: int) -> dict[str, Any]:
        return await self._call("billing", "GET", self._receipt_path(site_id, number))

    async def book_cash(self, site_id: str, number: int, amount: str, key: str) -> dict[str, Any]:
        """The cash counted in on a receipt, a decimal string as typed (BIL-12, BIL-13); billing
        refuses an amount not the receipt's (422, naming both)."""
        found: dict[str, Any] = await self._billing_change(
            f"{self._receipt_path(site_id, number)}/booking", {"amount": amount}, key
        )
        return found

    async def void_receipt(
        self, site_id: str, number: int, reason: str, key: str
    ) -> dict[str, Any]:
        found: dict[str, Any] = await self._billing_change(
            f"{self._receipt_path(site_id, number)}/void", {"reason": reason}, key
        )
        return found

    async def cash_day(self, site_id: str, day: str) -> dict[str, Any]:
        """The site's day of money in (``day`` YYYY-MM-DD, the site's local day)."""
        return await self._call(
            "billing", "GET", f"/cash-days/{quote(site_id, safe='')}/{quote(day, safe='')}"
        )

    async def households_served(self, site_id: str, day: str) -> dict[str, Any]:
        """The households whose paid service was signed for on ``day`` (BIL-15)."""
        return await self._call(
            "billing",
            "GET",
            f"/households-served/{quote(site_id, safe='')}/{quote(day, safe='')}",
        )

    async def billing_price_list(self, site_id: str) -> list[dict[str, Any]]:
        """The site's price list as billing keeps it (item_code, name, unit, unit_price)."""
        response = await self._send("billing", "GET", f"/price-lists/{quote(site_id, safe='')}")
        items: list[dict[str, Any]] = response.json()
        return items

    # -- billing: bank collection (FEE-02, BIL-05) --------------------------------------------
    async def _billing_put(self, path: str, body: dict[str, Any], key: str) -> dict[str, Any]:
        return await self._call("billing", "PUT", path, json=body, headers={"Idempotency-Key": key})

    async def mandates(self, params: dict[str, Any]) -> dict[str, Any]:
        """One page of the residents' direct-debit mandates (``site_id``, ``building``,
        ``room``, ``status``)."""
        return await self._call("billing", "GET", "/mandates", params=params)

    async def mandate(self, mandate_id: str) -> dict[str, Any]:
        return await self._call("billing", "GET", f"/mandates/{quote(mandate_id, safe='')}")

    async def record_mandate(
        self, mandate_id: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        """A signed mandate (site_id, building, room, holder, account, bank, signed_on); billing
        refuses an account or bank a bank file cannot carry (422, naming the field) and the id
        recorded with other details (409)."""
        return await self._billing_put(f"/mandates/{quote(mandate_id, safe='')}", body, key)

    async def revoke_mandate(
        self, mandate_id: str, revoked_on: str, reason: str, key: str
    ) -> dict[str, Any]:
        found: dict[str, Any] = await self._billing_change(
            f"/mandates/{quote(mandate_id, safe='')}/revocation",
            {"revoked_on": revoked_on, "reason": reason},
            key,
        )
        return found

    async def site_creditor(self, site_id: str) -> dict[str, Any]:
        """The account the site's company collects into; 404 while none is recorded."""
        return await self._call("billing", "GET", f"/site-creditors/{quote(site_id, safe='')}")

    async def record_site_creditor(
        self, site_id: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        return await self._billing_put(f"/site-creditors/{quote(site_id, safe='')}", body, key)

    async def collection_batches(self, params: dict[str, Any]) -> dict[str, Any]:
        """One page of the collection batches, the latest collection day first (``site_id``)."""
        return await self._call("billing", "GET", "/collection-batches", params=params)

    @staticmethod
    def _batch_path(batch_id: str) -> str:
        return f"/collection-batches/{quote(batch_id, safe='')}"

    async def collection_batch(self, batch_id: str) -> dict[str, Any]:
        return await self._call("billing", "GET", self._batch_path(batch_id))

    async def batch_debits(self, batch_id: str, status: str | None = None) -> list[dict[str, Any]]:
        """The batch's debits (billing answers them all at once), those of ``status`` only when
        given."""
        params = {"status": status} if status else {}
        response = await self._send(
            "billing", "GET", f"{self._batch_path(batch_id)}/debits", params=params
        )
        debits: list[dict[str, Any]] = response.json()
        return debits

    async def gather_batch(self, site_id: str, collection_date: str, key: str) -> dict[str, Any]:
        """The site's batch for the collection day, its charges owed by bank collection with an
        active mandate gathered (asking again finishes or returns it)."""
        found: dict[str, Any] = await self._billing_change(
            "/collection-batches", {"site_id": site_id, "collection_date": collection_date}, key
        )
        return found

    async def mark_batch_sent(self, batch_id: str, key: str) -> dict[str, Any]:
        found: dict[str, Any] = await self._billing_change(
            f"{self._batch_path(batch_id)}/sending", None, key
        )
        return found

    async def open_batch_file(self, batch_id: str) -> httpx.Response:
        """The batch's ISO 20022 pain.008 file as billing streams it, unread (``aiter_bytes``
        passes it on; the caller closes it): a large site's file is never held whole. Billing
        writes it before the first byte, so the wait for it is long."""
        return await self._open("billing", f"{self._batch_path(batch_id)}/pain008", 300)

    async def import_bank_answer(
        self, batch_id: str, content: AsyncIterator[bytes], key: str
    ) -> dict[str, Any]:
        """The bank's answer to the batch (pain.002 or camt.054) sent as the raw body, a block
        at a time; billing applies every line or none (422 naming each line it cannot apply)."""
        response = await self._send(
            "billing",
            "POST",
            f"{self._batch_path(batch_id)}/answers",
            content=content,
            headers={"Content-Type": "application/xml", "Idempotency-Key": key},
            timeout=httpx.Timeout(15, read=120),
        )
        found: dict[str, Any] = response.json()
        return found

    # -- billing: the sites' price lists (BIL-01 to BIL-04) ------------------------------------
    async def price_list_versions(self, site_id: str) -> dict[str, Any]:
        """Every version of the site's list, oldest first, each with its items; 404 while the
        site has none."""
        return await self._call(
            "billing", "GET", f"/price-lists/{quote(site_id, safe='')}/versions"
        )

    async def schedule_price_list(
        self, site_id: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        """A whole new version (effective_from, approval_ref, items) from a moment on."""
        found: dict[str, Any] = await self._billing_change(
            f"/price-lists/{quote(site_id, safe='')}/versions", body, key
        )
        return found

    async def set_price_list_item(
        self, site_id: str, item_code: str, body: dict[str, Any], key: str
    ) -> list[dict[str, Any]]:
        """Add or correct one item, in effect at once (a new version under the same approval);
        billing answers the items in effect after it, or 409 while a later version waits."""
        response = await self._send(
            "billing",
            "PUT",
            f"/price-lists/{quote(site_id, safe='')}/items/{quote(item_code, safe='')}",
            json=body,
            headers={"Idempotency-Key": key},
        )
        items: list[dict[str, Any]] = response.json()
        return items

    # -- billing: management fees (FEE-01 to FEE-06, FEE-10 to FEE-12) ---------------------------
    @staticmethod
    def _contract_path(contract_no: str) -> str:
        return f"/fee-contracts/{quote(contract_no, safe='')}"

    async def fee_contracts(self, params: dict[str, Any]) -> dict[str, Any]:
        """One page of the units' fee contracts (``site_id``, ``building``, ``room``)."""
        return await self._call("billing", "GET", "/fee-contracts", params=params)

    async def fee_contract(self, contract_no: str) -> dict[str, Any]:
        """One contract with the deposits it requires (FEE-11) and those held."""
        return await self._call("billing", "GET", self._contract_path(contract_no))

    async def record_fee_contract(
        self, contract_no: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        """A unit's contract (site_id, building, room, kind, rate, starts_on, monthly_rent);
        billing refuses one recorded with other terms or overlapping another (409)."""
        return await self._billing_put(self._contract_path(contract_no), body, key)

    async def confirm_move_out(
        self, contract_no: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        """The move-out confirmation: the fee cut-off date and a note (FEE-12)."""
        found: dict[str, Any] = await self._billing_change(
            f"{self._contract_path(contract_no)}/move-out", body, key
        )
        return found

    async def hold_deposit(
        self, contract_no: str, kind: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        """A deposit paid in (amount, held_on, reference), at least what is required (FEE-11)."""
        return await self._billing_put(
            f"{self._contract_path(contract_no)}/deposits/{quote(kind, safe='')}", body, key
        )

    async def release_deposit(
        self, contract_no: str, kind: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        """A held deposit given back (released_on, deducted, reference) after the move-out."""
        found: dict[str, Any] = await self._billing_change(
            f"{self._contract_path(contract_no)}/deposits/{quote(kind, safe='')}/release",
            body,
            key,
        )
        return found

    async def fee_bills(self, params: dict[str, Any]) -> dict[str, Any]:
        """One page of fee bills, the latest month first (``site_id``, ``month``, ``building``,
        ``room``, ``paid``, ``flagged``)."""
        return await self._call("billing", "GET", "/fee-bills", params=params)

    async def fee_bill(self, bill_id: str) -> dict[str, Any]:
        return await self._call("billing", "GET", f"/fee-bills/{quote(bill_id, safe='')}")

    async def issue_fee_bills(self, body: dict[str, Any], key: str) -> dict[str, Any]:
        """Bill a site's units for a month (site_id, month, meters); billing answers the run:
        issued, their total, those billed before, the units skipped and why."""
        found: dict[str, Any] = await self._billing_change("/fee-bills", body, key)
        return found

    async def pay_fee_bill(self, bill_id: str, body: dict[str, Any], key: str) -> dict[str, Any]:
        """The bill paid in full with today's late fee: cash at the desk (billing draws the
        receipt) or by reference (FEE-02, FEE-03, BIL-16)."""
        found: dict[str, Any] = await self._billing_change(
            f"/fee-bills/{quote(bill_id, safe='')}/payments", body, key
        )
        return found

    async def fee_collection(self, site_id: str, month: str) -> dict[str, Any]:
        """The site's collection rate for ``month`` (YYYY-MM) against the 95% target (FEE-10)."""
        return await self._call(
            "billing",
            "GET",
            f"/fee-collection/{quote(site_id, safe='')}/{quote(month, safe='')}",
        )

    # -- billing: the month's close (月结, BIL-06 to BIL-08) --------------------------------------
    @staticmethod
    def _day_records_path(site_id: str, day: str) -> str:
        return f"/service-records/{quote(site_id, safe='')}/{quote(day, safe='')}"

    @staticmethod
    def _month_path(route: str, site_id: str, month: str) -> str:
        return f"/{route}/{quote(site_id, safe='')}/{quote(month, safe='')}"

    async def day_records(self, site_id: str, day: str) -> dict[str, Any]:
        """The day's service records sorted by payment method, and their handover (BIL-06)."""
        return await self._call("billing", "GET", self._day_records_path(site_id, day))

    async def hand_over_records(
        self, site_id: str, day: str, body: dict[str, str], key: str
    ) -> dict[str, Any]:
        """Finance hands the day's records to the service centre or the administrator."""
        found: dict[str, Any] = await self._billing_change(
            f"{self._day_records_path(site_id, day)}/handover", body, key
        )
        return found

    async def month_close(self, site_id: str, month: str) -> dict[str, Any]:
        """The site's month close (``month`` YYYY-MM): handovers, summary, report, reviews."""
        return await self._call("billing", "GET", self._month_path("month-closes", site_id, month))

    async def summarise_records(
        self, site_id: str, month: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        """The month's service records summarised, before the 5th of the next (BIL-07)."""
        found: dict[str, Any] = await self._billing_change(
            f"{self._month_path('month-closes', site_id, month)}/records-summary", body, key
        )
        return found

    async def financial_report(self, site_id: str, month: str) -> dict[str, Any]:
        """The month's financial charge report, as issued or as the figures stand (BIL-08)."""
        return await self._call(
            "billing", "GET", self._month_path("financial-reports", site_id, month)
        )

    async def open_financial_report(self, site_id: str, month: str, format_: str) -> httpx.Response:
        """The report as a CSV or XLSX file (with a chart), unread; the caller closes it."""
        path = f"{self._month_path('financial-reports', site_id, month)}?format={format_}"
        return await self._open("billing", path, 120)

    async def issue_financial_report(self, site_id: str, month: str, key: str) -> dict[str, Any]:
        """Finance issues the month's report for the manager's review (BIL-08)."""
        found: dict[str, Any] = await self._billing_change(
            f"{self._month_path('financial-reports', site_id, month)}/issue", None, key
        )
        return found

    async def review_financial_report(
        self, site_id: str, month: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        """The manager approves the issued report or sends it back with a note (BIL-08)."""
        found: dict[str, Any] = await self._billing_change(
            f"{self._month_path('financial-reports', site_id, month)}/review", body, key
        )
        return found

    async def collection_by_site(self, month: str) -> dict[str, Any]:
        """The month's collection per site the user covers."""
        return await self._call("billing", "GET", f"/collection-by-site/{quote(month, safe='')}")

    async def open_collection_by_site(self, month: str, format_: str) -> httpx.Response:
        """The month's collection per site as a CSV or XLSX file, unread; the caller closes it."""
        path = f"/collection-by-site/{quote(month, safe='')}?format={format_}"
        return await self._open("billing", path, 120)

    # -- billing: the income and spending statement (收支情况公示, FEE-07, FEE-09) ---------------
    @staticmethod
    def _statement_path(site_id: str, period: str) -> str:
        return f"/income-statements/{quote(site_id, safe='')}/{quote(period, safe='')}"

    async def income_statements(self, site_id: str) -> list[dict[str, Any]]:
        """The site's statements, the latest period first."""
        response = await self._send(
            "billing", "GET", f"/income-statements/{quote(site_id, safe='')}"
        )
        found: list[dict[str, Any]] = response.json()
        return found

    async def income_statement(self, site_id: str, period: str) -> dict[str, Any]:
        """The period's statement (``2026-11``, ``2026-Q4``, ``2026-H2``), its income as it
        stands now until submitted; 404 while none is prepared."""
        return await self._call("billing", "GET", self._statement_path(site_id, period))

    async def open_income_statement(
        self, site_id: str, period: str, format_: str
    ) -> httpx.Response:
        """The statement as a CSV or XLSX file for the notice board, unread; the caller closes
        it."""
        path = f"{self._statement_path(site_id, period)}?format={format_}"
        return await self._open("billing", path, 120)

    async def prepare_income_statement(
        self, site_id: str, period: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        """Finance's figures, whole (spending, other_income, note): a draft, or one sent back,
        revised; 409 once submitted or published."""
        return await self._billing_put(self._statement_path(site_id, period), body, key)

    async def submit_income_statement(self, site_id: str, period: str, key: str) -> dict[str, Any]:
        """Finance submits it for review once the period is over (409 before)."""
        found: dict[str, Any] = await self._billing_change(
            f"{self._statement_path(site_id, period)}/submit", None, key
        )
        return found

    async def review_income_statement(
        self, site_id: str, period: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        """A manager other than the submitter approves it (it is published to the site's
        households) or sends it back with a note."""
        found: dict[str, Any] = await self._billing_change(
            f"{self._statement_path(site_id, period)}/review", body, key
        )
        return found

    # -- callback: the follow-up calls after a completed service (回访, CB-04, CB-05, CB-12) -------
    @staticmethod
    def _callback_path(callback_id: str) -> str:
        return f"/callbacks/{quote(callback_id, safe='')}"

    async def callbacks(self, params: dict[str, Any]) -> dict[str, Any]:
        """One page of callbacks, soonest due first (``site_id``, ``request_id``, ``status``,
        ``due_on_or_after``, ``due_on_or_before``, ``limit``, ``offset``)."""
        return await self._call("callback", "GET", "/callbacks", params=params)

    async def callback(self, callback_id: str) -> dict[str, Any]:
        return await self._call("callback", "GET", self._callback_path(callback_id))

    async def record_callback_outcome(
        self, callback_id: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        """What the resident said (satisfied, opinion verbatim, method, signature_ref on a home
        visit); callback answers the callback made, 409 when a different outcome stands."""
        return await self._call(
            "callback",
            "POST",
            f"{self._callback_path(callback_id)}/outcome",
            json=body,
            headers={"Idempotency-Key": key},
        )

    async def record_callback_attempt(
        self, callback_id: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        """A try that gave no outcome (result, note, call_back_at); 409 once made or given up."""
        return await self._call(
            "callback",
            "POST",
            f"{self._callback_path(callback_id)}/attempts",
            json=body,
            headers={"Idempotency-Key": key},
        )

    async def callback_queue(self, params: dict[str, Any]) -> dict[str, Any]:
        """The callbacks still to make per site and reason (``site_id``): overdue, due today,
        later and unreachable, with each site's day the counts are taken on."""
        return await self._call("callback", "GET", "/callback-queue", params=params)

    # -- callback: rectifications (整改, CB-07, CB-09) ----------------------------------------------
    async def rectifications(self, params: dict[str, Any]) -> dict[str, Any]:
        """One page of rectifications, the latest opened first (``site_id``, ``status``,
        ``request_id``, ``limit``, ``offset``)."""
        return await self._call("callback", "GET", "/rectifications", params=params)

    async def rectification(self, rectification_id: str) -> dict[str, Any]:
        return await self._call(
            "callback", "GET", f"/rectifications/{quote(rectification_id, safe='')}"
        )

    # -- callback: a site's policy and its months' samples (回访规定, 抽样回访) -------------------
    async def callback_policy(self, site_id: str) -> dict[str, Any]:
        """The site's policy: the version in force on its day, every version, the floors."""
        return await self._call("callback", "GET", f"/callback-policies/{quote(site_id, safe='')}")

    async def add_callback_policy_version(
        self, site_id: str, body: dict[str, Any], key: str
    ) -> tuple[bool, dict[str, Any]]:
        """A new version of the site's policy from a day on; whether it was added (201) or was
        the last version already (200), and the policy as it now stands. 409 when a later
        version exists."""
        response = await self._send(
            "callback",
            "POST",
            f"/callback-policies/{quote(site_id, safe='')}/versions",
            json=body,
            headers={"Idempotency-Key": key},
        )
        policy: dict[str, Any] = response.json() if response.content else {}
        return response.status_code == 201, policy

    async def callback_samples(self, site_id: str, month: str) -> dict[str, Any]:
        """The site's samples of a month (YYYY-MM): each sampled trigger's seed and draws."""
        return await self._call(
            "callback",
            "GET",
            f"/callback-samples/{quote(site_id, safe='')}/{quote(month, safe='')}",
        )

    # -- callback: the month's KPIs and the spot checks (回访考核指标, 回访抽查; KPI-14, CB-06) ------
    async def _callback_change(self, path: str, body: dict[str, Any] | None, key: str) -> Any:
        response = await self._send(
            "callback", "POST", path, json=body, headers={"Idempotency-Key": key}
        )
        return response.json() if response.content else {}

    async def callback_kpis(self, site_id: str, month: str) -> dict[str, Any]:
        """The site's callback KPIs of ``month`` against their targets, with the sign-offs:
        live (the figures as they stand) until prepared, frozen from then."""
        return await self._call(
            "callback", "GET", self._month_path("callback-kpis", site_id, month)
        )

    async def open_callback_kpis(self, site_id: str, month: str, format_: str) -> httpx.Response:
        """The KPIs as a CSV or XLSX file (with a chart), unread; the caller closes it."""
        path = f"{self._month_path('callback-kpis', site_id, month)}?format={format_}"
        return await self._open("callback", path, 120)

    async def sign_callback_kpis(
        self, site_id: str, month: str, step: str, body: dict[str, Any] | None, key: str
    ) -> dict[str, Any]:
        """``step``: prepare (编写, once the month is over), review (审核: ``approved``, a
        ``note`` to send it back) or approve (批准); callback answers the report."""
        found: dict[str, Any] = await self._callback_change(
            f"{self._month_path('callback-kpis', site_id, month)}/{step}", body, key
        )
        return found

    async def spot_checks(self, month: str) -> dict[str, Any]:
        """Each of the user's sites with callbacks or spot checks in ``month``: drawn, checked,
        and how many checks short of the month's least."""
        return await self._call("callback", "GET", "/spot-checks", params={"month": month})

    async def site_spot_checks(self, site_id: str, month: str) -> dict[str, Any]:
        """The site's spot checks of ``month``: the callbacks drawn, each with its check."""
        return await self._call("callback", "GET", self._month_path("spot-checks", site_id, month))

    async def draw_spot_checks(
        self, site_id: str, month: str, count: int | str, key: str
    ) -> tuple[dict[str, Any], bool]:
        """Draw the month's made callbacks until ``count`` are drawn; the spot checks and
        whether any was drawn now (callback's 201; 200: none more)."""
        response = await self._send(
            "callback",
            "POST",
            f"{self._month_path('spot-checks', site_id, month)}/draw",
            json={"count": count},
            headers={"Idempotency-Key": key},
        )
        found: dict[str, Any] = response.json()
        return found, response.status_code == 201

    async def record_spot_check(
        self, site_id: str, month: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        """A drawn callback checked (callback_id, confirmed, note: needed when not)."""
        found: dict[str, Any] = await self._callback_change(
            f"{self._month_path('spot-checks', site_id, month)}/checks", body, key
        )
        return found

    # -- callback: stewards' visits and days (入户走访, 巡查, 工作日志; SRV-01, SRV-06, SRV-07) ---
    async def record_visit(self, body: dict[str, Any], key: str) -> dict[str, Any]:
        """A steward's visit to a household (site_id, building, room, visited_on, opinion in the
        residents' words); callback answers the visit, 422 for a day ahead of the site's."""
        found: dict[str, Any] = await self._callback_change("/resident-visits", body, key)
        return found

    async def visits_summary(self, site_id: str, month: str) -> dict[str, Any]:
        """The site's month of visits for its director: households visited against 5%, the
        residents' opinions, each steward's patrols, diaries and visits."""
        return await self._call(
            "callback", "GET", self._month_path("resident-visits", site_id, month)
        )

    @staticmethod
    def _steward_day_path(site_id: str, day: str) -> str:
        return f"/steward-days/{quote(site_id, safe='')}/{quote(day, safe='')}"

    async def steward_days(self, site_id: str, day: str) -> dict[str, Any]:
        """The stewards' patrols and diaries of the site's ``day``, each steward's by name."""
        return await self._call("callback", "GET", self._steward_day_path(site_id, day))

    async def record_patrol(
        self, site_id: str, day: str, body: dict[str, Any], key: str
    ) -> tuple[dict[str, Any], bool]:
        """One of the signed-in steward's patrols of ``day`` (at, notes); their day as callback
        keeps it and whether the patrol is new (201; 200: recorded already)."""
        response = await self._send(
            "callback",
            "POST",
            f"{self._steward_day_path(site_id, day)}/patrols",
            json=body,
            headers={"Idempotency-Key": key},
        )
        found: dict[str, Any] = response.json()
        return found, response.status_code == 201

    async def write_diary(
        self, site_id: str, day: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        """The signed-in steward's work diary of ``day`` (text); their day as callback keeps
        it."""
        return await self._call(
            "callback",
            "PUT",
            f"{self._steward_day_path(site_id, day)}/diary",
            json=body,
            headers={"Idempotency-Key": key},
        )

    # -- callback: the half-yearly satisfaction survey (满意度调查, SRV-02 to SRV-05, SRV-10) -------
    async def survey(self, site_id: str, period: str) -> dict[str, Any]:
        """The site's survey of a half year (``2026-H2``) with its returns and results table;
        404 while it is not opened."""
        return await self._call("callback", "GET", self._month_path("surveys", site_id, period))

    async def open_survey(
        self, site_id: str, period: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        """The half year's questionnaires went out (sent_on) to every occupied unit; 409 when
        opened already differently or no occupied unit is known."""
        return await self._call(
            "callback",
            "PUT",
            self._month_path("surveys", site_id, period),
            json=body,
            headers={"Idempotency-Key": key},
        )

    async def record_survey_return(
        self, site_id: str, period: str, body: dict[str, Any], key: str
    ) -> tuple[dict[str, Any], bool]:
        """A unit's returned questionnaire (building, room, satisfied, scores, comment); the
        survey and whether the return is new (201; 200: recorded already). 409 once closed."""
        response = await self._send(
            "callback",
            "POST",
            f"{self._month_path('surveys', site_id, period)}/returns",
            json=body,
            headers={"Idempotency-Key": key},
        )
        found: dict[str, Any] = response.json()
        return found, response.status_code == 201

    async def open_survey_results(self, site_id: str, period: str, format_: str) -> httpx.Response:
        """The survey's results table as a CSV or XLSX file (with a chart), unread; the caller
        closes it."""
        path = f"{self._month_path('surveys', site_id, period)}?format={format_}"
        return await self._open("callback", path, 120)

    # -- notification: what each message type says, its versions (模板版本, four eyes) --------
    @staticmethod
    def _template_path(message_type: str, channel: str, language: str) -> str:
        return "/templates/" + "/".join(
            quote(p, safe="") for p in (message_type, channel, language)
        )

    async def message_types(self) -> list[dict[str, Any]]:
        """Each message type with each channel's and language's current version."""
        response = await self._send("notification", "GET", "/templates")
        found: list[dict[str, Any]] = response.json()
        return found

    async def message_type(self, message_type: str) -> dict[str, Any]:
        """A message type's templates, each with every version (0: the built-in text)."""
        return await self._call("notification", "GET", f"/templates/{quote(message_type, safe='')}")

    async def preview_template(
        self, message_type: str, channel: str, language: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        """A text (subject and body) or a stored version rendered with the type's example data:
        subject, body and, for an SMS, its characters, encoding and parts."""
        path = f"{self._template_path(message_type, channel, language)}/preview"
        return await self._call("notification", "POST", path, json=body)

    async def write_template_version(
        self, message_type: str, channel: str, language: str, body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        path = f"{self._template_path(message_type, channel, language)}/versions"
        return await self._call(
            "notification", "POST", path, json=body, headers={"Idempotency-Key": key}
        )

    async def decide_template_version(
        self,
        message_type: str,
        channel: str,
        language: str,
        number: int,
        decision: str,
        body: dict[str, Any],
        key: str,
    ) -> dict[str, Any]:
        """``decision``: approve (not by its author: 422) or reject (with the reason)."""
        path = (
            f"{self._template_path(message_type, channel, language)}/versions/{number}/{decision}"
        )
        return await self._call(
            "notification", "POST", path, json=body, headers={"Idempotency-Key": key}
        )

    # -- notification: what residents were told, and what they asked ---------------------------
    async def notifications(self, params: dict[str, Any]) -> dict[str, Any]:
        """Notifications newest first, a page at a time (``recipient``: one resident's)."""
        return await self._call("notification", "GET", "/notifications", params=params)

    @staticmethod
    def _address_path(channel: str, address: str) -> str:
        return f"{quote(channel, safe='')}/{quote(address, safe='')}"

    async def preference(self, channel: str, address: str) -> dict[str, Any]:
        """An address's opt-out and block, and who set them."""
        path = f"/preferences/{self._address_path(channel, address)}"
        return await self._call("notification", "GET", path)

    async def set_opt_out(
        self, channel: str, address: str, opted_out: bool, key: str
    ) -> dict[str, Any]:
        """Record, on the resident's word, that they refuse (or take again) messages there."""
        return await self._call(
            "notification",
            "PUT",
            f"/preferences/{self._address_path(channel, address)}/opt-out",
            json={"opted_out": opted_out},
            headers={"Idempotency-Key": key},
        )

    async def set_block(
        self, channel: str, address: str, blocked: bool, reason: str | None, key: str
    ) -> dict[str, Any]:
        """Block an address with its reason, or lift the block; 422 for a block without one."""
        return await self._call(
            "notification",
            "PUT",
            f"/blocklist/{self._address_path(channel, address)}",
            json={"blocked": blocked, "reason": reason},
            headers={"Idempotency-Key": key},
        )

    async def quiet_hours(self, site_id: str) -> dict[str, Any]:
        return await self._call(
            "notification", "GET", f"/sites/{quote(site_id, safe='')}/quiet-hours"
        )

    async def set_quiet_hours(self, site_id: str, quiet_hours: str, key: str) -> dict[str, Any]:
        return await self._call(
            "notification",
            "PUT",
            f"/sites/{quote(site_id, safe='')}/quiet-hours",
            json={"quiet_hours": quiet_hours},
            headers={"Idempotency-Key": key},
        )

    # -- notification: broadcasts to a site, a building or units (群发通知) --------------------
    async def broadcasts(self, params: dict[str, Any]) -> dict[str, Any]:
        """Broadcasts newest first, a page at a time, each with its progress."""
        return await self._call("notification", "GET", "/broadcasts", params=params)

    async def broadcast(self, broadcast_id: str) -> dict[str, Any]:
        return await self._call(
            "notification", "GET", f"/broadcasts/{quote(broadcast_id, safe='')}"
        )

    async def broadcast_report(self, broadcast_id: str) -> dict[str, Any]:
        """The broadcast, its counts per building and each failure with its reason."""
        return await self._call(
            "notification", "GET", f"/broadcasts/{quote(broadcast_id, safe='')}/report"
        )

    async def broadcast_audience(
        self, site_id: str, building: str | None, units: list[tuple[str, str]]
    ) -> dict[str, Any]:
        """How many residents a broadcast to the site, the building or the units would reach."""
        params: list[tuple[str, str]] = [("unit", f"{b}/{r}") for b, r in units]
        if building:
            params.append(("building", building))
        return await self._call(
            "notification",
            "GET",
            f"/broadcast-audiences/{quote(site_id, safe='')}",
            params=params,
        )

    async def create_broadcast(self, body: dict[str, Any], key: str) -> dict[str, Any]:
        return await self._call(
            "notification", "POST", "/broadcasts", json=body, headers={"Idempotency-Key": key}
        )

    async def cancel_broadcast(self, broadcast_id: str, key: str) -> dict[str, Any]:
        return await self._call(
            "notification",
            "POST",
            f"/broadcasts/{quote(broadcast_id, safe='')}/cancel",
            headers={"Idempotency-Key": key},
        )
