"""Bank collection (银行托收): residents' mandates, the sites' collecting accounts, collection
batches from gathering to the file sent to the bank (ISO 20022 pain.008, or a domestic bank's
batch collection file) and the bank's answer (FEE-02, BIL-05)."""

from __future__ import annotations

import functools
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import date, datetime
from typing import Annotated

from contracts.envelope import Money
from fastapi import APIRouter, HTTPException, Path, Query, Request, status
from fastapi.responses import StreamingResponse
from hotline_libs.auth import CurrentPrincipal, Principal
from hotline_libs.errors import RuleViolation
from hotline_libs.inputs import SHOWS_TEXT, SiteInPath
from hotline_libs.paging import IsoDate, Page, Paging, SiteFilter, page_of
from hotline_libs.service import Bus
from pydantic import BaseModel, ConfigDict, Field

from billing.adapters.bank_files.domestic import astream_domestic
from billing.adapters.bank_files.domestic_returns import read_domestic_answer
from billing.adapters.bank_files.domestic_spec import (
    DomesticSpec,
    UnknownSpec,
    shipped_spec,
    spec_names,
)
from billing.adapters.bank_files.pain008 import astream_pain008
from billing.adapters.bank_files.returns import (
    MAX_BYTES,
    AnswerRefused,
    BankAnswer,
    Outcome,
    read_answer,
)
from billing.domain.collection import BatchStatus, CollectionBatch, DebitStatus, SiteCreditor
from billing.domain.commands import (
    AnsweredDebit,
    BankAnswerLines,
    GatherBatch,
    ImportBankAnswer,
    MarkBatchSent,
    RecordMandate,
    RecordSiteCreditor,
    RevokeMandate,
)
from billing.domain.mandate import Mandate, MandateStatus
from billing.entrypoints.http import Reader
from billing.service_layer.collection import BatchFileWriter, write_batch_file

router = APIRouter(tags=["bank collection"])

SiteId = SiteInPath
MandateId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=35,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9.+-]{0,34}$",
        description="Letters, digits, '.', '+' and '-' (a '/' cannot travel in one path segment)",
    ),
]
BatchId = Annotated[str, Path(min_length=1, max_length=60, pattern=SHOWS_TEXT)]


# -- mandates --------------------------------------------------------------------------------------


class MandateIn(BaseModel):
    """A signed mandate as on the paper form (委托收款协议)."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "site_id": "dmg",
                    "building": "3",
                    "room": "1202",
                    "holder": "王芳",
                    "account": "6222020200112233445",
                    "bank": "102791000123",
                    "signed_on": "2025-03-01",
                }
            ]
        },
    )
    site_id: str = Field(min_length=1, max_length=40, pattern=SHOWS_TEXT, examples=["dmg"])
    building: str = Field(min_length=1, max_length=20, pattern=SHOWS_TEXT, examples=["3"])
    room: str = Field(min_length=1, max_length=20, pattern=SHOWS_TEXT, examples=["1202"])
    holder: str = Field(min_length=1, max_length=140, pattern=SHOWS_TEXT, examples=["王芳"])
    account: str = Field(
        min_length=8,
        max_length=42,
        description="An IBAN, or a domestic account or card number",
        examples=["6222020200112233445"],
    )
    bank: str = Field(
        min_length=8,
        max_length=12,
        description="The bank's BIC, or its 12-digit clearing member id (CNAPS)",
        examples=["102791000123"],
    )
    signed_on: IsoDate


class MandateOut(BaseModel):
    mandate_id: str
    site_id: str
    building: str
    room: str
    holder: str
    account: str
    bank: str
    signed_on: date
    status: MandateStatus
    revoked_on: date | None
    revoke_reason: str | None
    recorded_at: datetime
    recorded_by: str


def mandate_out(m: Mandate) -> MandateOut:
    return MandateOut(
        mandate_id=m.mandate_id,
        site_id=m.site_id,
        building=m.building,
        room=m.room,
        holder=m.holder,
        account=m.account,
        bank=m.bank,
        signed_on=m.signed_on,
        status=m.status,
        revoked_on=m.revoked_on,
        revoke_reason=m.revoke_reason,
        recorded_at=m.recorded_at,
        recorded_by=m.recorded_by,
    )


@router.put(
    "/mandates/{mandate_id}",
    summary="Record a resident's signed direct-debit mandate for a unit (委托收款协议)",
    responses={409: {"description": "The id is recorded with other details"}},
)
async def record_mandate(
    mandate_id: MandateId, body: MandateIn, principal: CurrentPrincipal, bus: Bus
) -> MandateOut:
    principal.require_site(body.site_id)
    mandate = await bus.handle(
        RecordMandate(
            mandate_id=mandate_id,
            site_id=body.site_id,
            building=body.building,
            room=body.room,
            holder=body.holder,
            account=body.account,
            bank=body.bank,
            signed_on=body.signed_on,
            recorded_by=principal.who,
            visible_sites=principal.visible_sites,
        )
    )
    return mandate_out(mandate)


@router.get("/mandates", summary="Mandates of the caller's sites, by site, unit and id")
async def list_mandates(
    reader: Reader,
    principal: CurrentPrincipal,
    page: Paging,
    site_id: SiteFilter = None,
    building: Annotated[str | None, Query(max_length=20)] = None,
    room: Annotated[str | None, Query(max_length=20)] = None,
    status_: Annotated[MandateStatus | None, Query(alias="status")] = None,
) -> Page[MandateOut]:
    found = await reader.mandates.listing(
        sites=principal.visible_sites,
        page=page,
        site_id=site_id,
        building=building,
        room=room,
        status=status_,
    )
    return page_of(found, page, mandate_out)


@router.get("/mandates/{mandate_id}", summary="One mandate")
async def get_mandate(
    mandate_id: MandateId, reader: Reader, principal: CurrentPrincipal
) -> MandateOut:
    mandate = await reader.mandates.get(mandate_id)
    if mandate is None or not principal.may_act_for(mandate.site_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no mandate {mandate_id}")
    return mandate_out(mandate)


class RevocationIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"revoked_on": "2026-11-30", "reason": "业户撤销委托"}]},
    )
    revoked_on: IsoDate
    reason: str = Field(min_length=1, max_length=300, pattern=SHOWS_TEXT, examples=["业户撤销委托"])


@router.post(
    "/mandates/{mandate_id}/revocation",
    summary="The mandate ends: it collects nothing after and stays on record",
    responses={409: {"description": "Revoked already, on another day or for another reason"}},
)
async def revoke_mandate(
    mandate_id: MandateId, body: RevocationIn, principal: CurrentPrincipal, bus: Bus
) -> MandateOut:
    mandate = await bus.handle(
        RevokeMandate(mandate_id, body.revoked_on, body.reason, principal.visible_sites)
    )
    return mandate_out(mandate)


# -- the site's collecting account -------------------------------------------------------------------


class CreditorIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "name": "西安大明宫物业服务有限公司",
                    "account": "61050110123456789012",
                    "bank": "105791000012",
                    "scheme_id": "CN-DMG-0001",
                }
            ]
        },
    )
    name: str = Field(min_length=1, max_length=140, pattern=SHOWS_TEXT)
    account: str = Field(min_length=8, max_length=42)
    bank: str = Field(min_length=8, max_length=12)
    scheme_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=35,
        pattern=SHOWS_TEXT,
        description="The creditor id the bank gave for direct debits",
    )


class CreditorOut(BaseModel):
    site_id: str
    name: str
    account: str
    bank: str
    scheme_id: str | None
    recorded_at: datetime
    recorded_by: str


def creditor_out(c: SiteCreditor) -> CreditorOut:
    return CreditorOut(
        site_id=c.site_id,
        name=c.name,
        account=c.account,
        bank=c.bank,
        scheme_id=c.scheme_id,
        recorded_at=c.recorded_at,
        recorded_by=c.recorded_by,
    )


@router.put("/site-creditors/{site_id}", summary="The account a site's company collects into")
async def record_site_creditor(
    site_id: SiteId, body: CreditorIn, principal: CurrentPrincipal, bus: Bus
) -> CreditorOut:
    principal.require_site(site_id)
    creditor = await bus.handle(
        RecordSiteCreditor(
            site_id, body.name, body.account, body.bank, body.scheme_id, principal.who
        )
    )
    return creditor_out(creditor)


@router.get("/site-creditors/{site_id}", summary="A site's collecting account")
async def get_site_creditor(
    site_id: SiteId, reader: Reader, principal: CurrentPrincipal
) -> CreditorOut:
    principal.require_site(site_id)
    creditor = await reader.creditors.get(site_id)
    if creditor is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, f"site {site_id!r} has no collecting account"
        )
    return creditor_out(creditor)


# -- batches ---------------------------------------------------------------------------------------


class BatchIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"site_id": "dmg", "collection_date": "2026-12-04"}]},
    )
    site_id: str = Field(min_length=1, max_length=40, pattern=SHOWS_TEXT, examples=["dmg"])
    collection_date: IsoDate = Field(description="The day the bank debits: tomorrow or later")


class BatchOut(BaseModel):
    batch_id: str
    site_id: str
    collection_date: date
    status: BatchStatus
    number_of_debits: int
    control_sum: Money
    currency: str = "CNY"
    without_mandate: list[str] = Field(
        description="Charges owed by bank collection whose unit has no active mandate"
    )
    created_at: datetime
    created_by: str
    sent_at: datetime | None
    settled: int
    settled_sum: Money
    rejected: int
    rejected_sum: Money
    open_debits: int
    difference: Money = Field(description="Asked for less settled and rejected")


def batch_out(b: CollectionBatch) -> BatchOut:
    return BatchOut(
        batch_id=b.batch_id,
        site_id=b.site_id,
        collection_date=b.collection_date,
        status=b.status,
        number_of_debits=b.number_of_debits,
        control_sum=b.control_sum,
        without_mandate=list(b.without_mandate),
        created_at=b.created_at,
        created_by=b.created_by,
        sent_at=b.sent_at,
        settled=b.settled,
        settled_sum=b.settled_sum,
        rejected=b.rejected,
        rejected_sum=b.rejected_sum,
        open_debits=b.open_debits,
        difference=b.difference,
    )


@router.post(
    "/collection-batches",
    status_code=status.HTTP_201_CREATED,
    summary="Gather the site's charges owed by bank collection into the batch for a collection "
    "day (asking again finishes or returns it)",
)
async def gather_batch(body: BatchIn, principal: CurrentPrincipal, bus: Bus) -> BatchOut:
    principal.require_site(body.site_id)
    batch = await bus.handle(GatherBatch(body.site_id, body.collection_date, principal.who))
    return batch_out(batch)


@router.get("/collection-batches", summary="Collection batches, latest collection day first")
async def list_batches(
    reader: Reader, principal: CurrentPrincipal, page: Paging, site_id: SiteFilter = None
) -> Page[BatchOut]:
    found = await reader.batches.listing(sites=principal.visible_sites, page=page, site_id=site_id)
    return page_of(found, page, batch_out)


async def _batch(reader: Reader, principal: Principal, batch_id: str) -> CollectionBatch:
    batch = await reader.batches.get(batch_id)
    if batch is None or not principal.may_act_for(batch.site_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no collection batch {batch_id}")
    return batch


@router.get("/collection-batches/{batch_id}", summary="One batch and how the bank answered")
async def get_batch(batch_id: BatchId, reader: Reader, principal: CurrentPrincipal) -> BatchOut:
    return batch_out(await _batch(reader, principal, batch_id))


class DebitOut(BaseModel):
    end_to_end_id: str = Field(description="The charge's number, which the bank quotes back")
    charge_id: uuid.UUID
    amount: Money
    mandate_id: str
    holder: str
    account: str
    bank: str
    status: DebitStatus
    reason_code: str | None
    reason: str | None
    answered_at: datetime | None


@router.get("/collection-batches/{batch_id}/debits", summary="A batch's debits")
async def list_batch_debits(
    batch_id: BatchId,
    reader: Reader,
    principal: CurrentPrincipal,
    status_: Annotated[DebitStatus | None, Query(alias="status")] = None,
) -> list[DebitOut]:
    batch = await _batch(reader, principal, batch_id)
    return [
        DebitOut(
            end_to_end_id=d.end_to_end_id,
            charge_id=d.charge_id,
            amount=d.amount,
            mandate_id=d.mandate_id,
            holder=d.holder,
            account=d.account,
            bank=d.bank,
            status=d.status,
            reason_code=d.reason_code,
            reason=d.reason,
            answered_at=d.answered_at,
        )
        async for d in reader.debits.in_batch(batch.batch_id)
        if status_ is None or d.status is status_
    ]


async def _streamed(
    reader: Reader,
    batch: CollectionBatch,
    write: BatchFileWriter,
    media_type: str,
    filename: str,
) -> StreamingResponse:
    """The batch's file written to a spool first (an unwritable batch is a 422 before any byte
    is sent), then streamed."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115 (handed on, closed below)
    try:
        await write_batch_file(reader, batch, spool, write)  # type: ignore[arg-type]
    except Exception:
        spool.close()
        raise
    spool.seek(0)

    async def chunks() -> AsyncIterator[bytes]:
        try:
            while block := spool.read(1 << 16):
                yield block
        finally:
            spool.close()

    return StreamingResponse(
        chunks(),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/collection-batches/{batch_id}/pain008",
    summary="The batch as an ISO 20022 pain.008.001.08 file for the bank",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"application/xml": {}}},
        409: {"description": "The batch is still gathering, or holds no debits"},
    },
)
async def download_batch_file(
    batch_id: BatchId, reader: Reader, principal: CurrentPrincipal
) -> StreamingResponse:
    batch = await _batch(reader, principal, batch_id)
    return await _streamed(
        reader, batch, astream_pain008, "application/xml", f"{batch.batch_id}.xml"
    )


DOMESTIC_SPECS = tuple(shipped_spec(name).name for name in spec_names())
"""The domestic bank file layouts shipped (``adapters/bank_files/specs/<name>.toml``), each read
when billing starts: a spec that cannot be used stops it with the key at fault named."""
SpecName = Annotated[
    str,
    Query(
        description="The bank's layout: the name of a spec file shipped with billing",
        json_schema_extra={"enum": list(DOMESTIC_SPECS)},
        examples=["generic_cn"],
    ),
]


def _spec(name: str, field: str) -> DomesticSpec:
    try:
        return shipped_spec(name)
    except UnknownSpec as unknown:
        raise RuleViolation(str(unknown), field=field) from None


@router.get(
    "/collection-batches/{batch_id}/domestic-file",
    summary="The batch as a domestic bank's batch collection file (批量代收), laid out by a spec",
    description="The same debits, count and control sum as the pain.008, in the layout of a "
    "Chinese bank's batch collection file: a header with the count and total, a line per debit, "
    "a trailer with what was written, in the spec's encoding (GBK for `generic_cn`, a generic "
    "layout: a site adds its bank's spec file beside it). A value the bank's file cannot hold (a "
    "character GBK lacks, the separator, wider than its column) is a 422 naming the debit and "
    "the column; the bank's return file comes back through `POST .../answers?format=domestic:"
    "<spec>`.",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/plain": {}}},
        409: {"description": "Still gathering, or no debits"},
        422: {"description": "No such spec (the known ones named), or a debit it cannot hold"},
    },
)
async def download_domestic_file(
    batch_id: BatchId, spec: SpecName, reader: Reader, principal: CurrentPrincipal
) -> StreamingResponse:
    batch = await _batch(reader, principal, batch_id)
    layout = _spec(spec, "spec")
    return await _streamed(
        reader,
        batch,
        functools.partial(astream_domestic, spec=layout),
        f"text/plain; charset={layout.encoding}",
        f"{batch.batch_id}-{layout.name}.txt",
    )


@router.post(
    "/collection-batches/{batch_id}/sending",
    summary="Finance sent the file to the bank: its answer is awaited",
    responses={409: {"description": "Still gathering, or no debits"}},
)
async def mark_batch_sent(batch_id: BatchId, principal: CurrentPrincipal, bus: Bus) -> BatchOut:
    batch = await bus.handle(MarkBatchSent(batch_id, principal.visible_sites))
    return batch_out(batch)


ANSWER_EXAMPLE = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>'
    "<GrpHdr><MsgId>BANK-STS-1</MsgId><CreDtTm>2026-12-04T09:00:00+08:00</CreDtTm></GrpHdr>"
    "<OrgnlGrpInfAndSts><OrgnlMsgId>COL-DMG-20261204</OrgnlMsgId>"
    "<OrgnlMsgNmId>pain.008.001.08</OrgnlMsgNmId></OrgnlGrpInfAndSts>"
    "<OrgnlPmtInfAndSts><OrgnlPmtInfId>COL-DMG-20261204</OrgnlPmtInfId>"
    "<TxInfAndSts><OrgnlEndToEndId>CH-DMG-20261123-0001</OrgnlEndToEndId><TxSts>RJCT</TxSts>"
    "<StsRsnInf><Rsn><Cd>AM04</Cd></Rsn></StsRsnInf></TxInfAndSts>"
    "</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>"
)
"""A payment status report rejecting one debit for insufficient funds."""
DOMESTIC_ANSWER_EXAMPLE = (
    "H|61050110123456789012|COL-DMG-20261204|20261204|2|230.00\r\n"
    "D|1|6222020200112233445|王芳|80.00|MD-DMG-000001|CH-DMG-20261123-0001|S|0000|交易成功\r\n"
    "D|2|6222020200112233446|李四|150.00|MD-DMG-000002|CH-DMG-20261123-0002|F|1001|余额不足\r\n"
    "T|2|230.00|1|80.00|1|150.00\r\n"
)
"""A return file in the ``generic_cn`` layout (sent in GBK) rejecting one debit."""
ISO_20022 = "iso20022"
ANSWER_FORMATS = (ISO_20022, *(f"domestic:{name}" for name in DOMESTIC_SPECS))


class AnswerOut(BaseModel):
    batch: BatchOut
    kind: str = Field(description="pain.002, camt.054, or domestic:<spec>")
    settled: int = Field(description="Debits this file settled")
    rejected: int = Field(description="Debits this file rejected (owed again, payer reminded)")
    unchanged: int = Field(description="Lines answered already, by this file or an earlier one")
    already_imported: bool = Field(description="The same file was imported before: nothing done")


def _answer_reader(answer_format: str) -> Callable[[bytes], BankAnswer]:
    """What reads the body in ``answer_format``; a 422 naming the formats for another."""
    if answer_format == ISO_20022:
        return read_answer
    if answer_format.startswith("domestic:"):
        spec = _spec(answer_format.removeprefix("domestic:"), "format")
        return functools.partial(read_domestic_answer, spec=spec)
    raise RuleViolation(
        f"no bank answer format {answer_format!r}: the formats are {', '.join(ANSWER_FORMATS)}",
        field="format",
    )


@router.post(
    "/collection-batches/{batch_id}/answers",
    summary="Import the bank's answer to a batch (ISO 20022 pain.002 or camt.054, or a domestic "
    "bank's return file): settle and reject its debits, all lines or none; the same file twice "
    "changes nothing",
    description="The body is the bank's file as it came, and `format` says what it is: "
    "`iso20022` (the default) for a pain.002 payment status report or a camt.054 notification "
    "(XML, told apart by their namespace); `domestic:<spec>` for a domestic bank's return file "
    "(回盘文件) laid out by that spec, in its encoding (GBK for `domestic:generic_cn`). The "
    "Content-Type does not decide. Every line is checked before any is applied: a file with one "
    "line that cannot be read or applied is refused whole (422), each fault named by its "
    "transaction or line number, and changes nothing.",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/xml": {
                    "schema": {"type": "string", "format": "binary"},
                    "example": ANSWER_EXAMPLE,
                },
                "text/plain": {
                    "schema": {"type": "string", "format": "binary"},
                    "example": DOMESTIC_ANSWER_EXAMPLE,
                },
            },
        }
    },
    responses={
        409: {"description": "The batch was not sent yet"},
        413: {"description": "Larger than a bank answer billing reads"},
        422: {"description": "Not a bank answer, or lines that cannot apply: each one named"},
    },
)
async def import_bank_answer(
    batch_id: BatchId,
    request: Request,
    reader: Reader,
    principal: CurrentPrincipal,
    bus: Bus,
    answer_format: Annotated[
        str,
        Query(
            alias="format",
            description="iso20022 (pain.002 or camt.054), or domestic:<spec> for a domestic "
            "bank's return file",
            json_schema_extra={"enum": list(ANSWER_FORMATS)},
        ),
    ] = ISO_20022,
) -> AnswerOut:
    await _batch(reader, principal, batch_id)  # another site's batch is not found, unread
    read = _answer_reader(answer_format)
    data = bytearray()
    async for block in request.stream():
        data += block
        if len(data) > MAX_BYTES:
            raise HTTPException(
                status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
                f"a bank answer is at most {MAX_BYTES:,} bytes",
            )
    try:
        answer = read(bytes(data))
    except AnswerRefused as refused:
        raise RuleViolation(
            "the file is not a bank answer billing can read; nothing was applied",
            errors=[("file", error) for error in refused.errors],
        ) from None
    applied = await bus.handle(
        ImportBankAnswer(
            batch_id=batch_id,
            answer=BankAnswerLines(
                kind=answer.kind,
                digest=answer.digest,
                original_message_id=answer.original_message_id,
                lines=tuple(
                    AnsweredDebit(
                        position=line.position,
                        end_to_end_id=line.end_to_end_id,
                        settled=line.outcome is Outcome.SETTLED,
                        amount=line.amount,
                        reason_code=line.reason_code,
                        reason=line.reason,
                    )
                    for line in answer.lines
                ),
                positions=answer.positions,
            ),
            imported_by=principal.who,
            visible_sites=principal.visible_sites,
        )
    )
    return AnswerOut(
        batch=batch_out(applied.batch),
        kind=answer.kind,
        settled=applied.settled,
        rejected=applied.rejected,
        unchanged=applied.unchanged,
        already_imported=applied.already_imported,
    )
