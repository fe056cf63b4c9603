"""Fee contracts, fee bills and billing's copy of the directory in billing's own database;
amounts as integer fen, rates and areas as decimal strings, days as ISO dates."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from hotline_libs.money import from_fen, to_fen
from hotline_libs.mongo import Document, keep_newer, listing_query
from hotline_libs.paging import Found, PageRequest
from hotline_libs.unit_of_work import AggregateRepository, EventContext
from pymongo.asynchronous.database import AsyncDatabase

from billing.adapters.mongo.charges import payer_document, payment_document, payment_of
from billing.adapters.outbound import fees_v1
from billing.domain.charge import Payer, Rejection
from billing.domain.directory import DirectoryResident, DirectoryUnit
from billing.domain.fee_bill import FeeBill, FeeItem, FeeLine, Reminder
from billing.domain.fee_contract import Deposit, DepositKind, FeeContract, MoveOut, UnitKind
from contracts import Event

FEE_CONTRACTS = "fee_contracts"
FEE_BILLS = "fee_bills"
UNITS = "directory_units"
RESIDENTS = "directory_residents"


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


class MongoFeeContracts(AggregateRepository[FeeContract]):
    collection_name = FEE_CONTRACTS

    def identity(self, aggregate: FeeContract) -> str:
        return aggregate.contract_no

    def to_document(self, aggregate: FeeContract) -> Document:
        c = aggregate
        return {
            "site_id": c.site_id,
            "building": c.building,
            "room": c.room,
            "kind": c.kind.value,
            "rate": str(c.rate),
            "starts_on": c.starts_on.isoformat(),
            "ends_on": _iso(c.ends_on),
            "recorded_at": c.recorded_at,
            "recorded_by": c.recorded_by,
            "monthly_rent_fen": to_fen(c.monthly_rent) if c.monthly_rent is not None else None,
            "move_out": {
                "fee_cut_off": c.move_out.fee_cut_off.isoformat(),
                "confirmed_by": c.move_out.confirmed_by,
                "confirmed_at": c.move_out.confirmed_at,
                "note": c.move_out.note,
            }
            if c.move_out
            else None,
            "deposits": [
                {
                    "kind": d.kind.value,
                    "amount_fen": to_fen(d.amount),
                    "held_on": d.held_on.isoformat(),
                    "reference": d.reference,
                    "held_by": d.held_by,
                    "released_on": _iso(d.released_on),
                    "deducted_fen": to_fen(d.deducted),
                    "released_reference": d.released_reference,
                    "released_by": d.released_by,
                }
                for d in c.deposits
            ],
        }

    def from_document(self, document: Document) -> FeeContract:
        move_out = document.get("move_out")
        return FeeContract(
            contract_no=document["_id"],
            site_id=document["site_id"],
            building=document["building"],
            room=document["room"],
            kind=UnitKind(document["kind"]),
            rate=Decimal(document["rate"]),
            starts_on=date.fromisoformat(document["starts_on"]),
            recorded_at=document["recorded_at"],
            recorded_by=document["recorded_by"],
            monthly_rent=from_fen(document["monthly_rent_fen"])
            if document.get("monthly_rent_fen") is not None
            else None,
            move_out=MoveOut(
                fee_cut_off=date.fromisoformat(move_out["fee_cut_off"]),
                confirmed_by=move_out["confirmed_by"],
                confirmed_at=move_out["confirmed_at"],
                note=move_out.get("note"),
            )
            if move_out
            else None,
            deposits=tuple(
                Deposit(
                    kind=DepositKind(d["kind"]),
                    amount=from_fen(d["amount_fen"]),
                    held_on=date.fromisoformat(d["held_on"]),
                    reference=d["reference"],
                    held_by=d["held_by"],
                    released_on=_day(d.get("released_on")),
                    deducted=from_fen(d.get("deducted_fen", 0)),
                    released_reference=d.get("released_reference"),
                    released_by=d.get("released_by"),
                )
                for d in document.get("deposits") or ()
            ),
        )

    def to_integration(
        self, aggregate: FeeContract, event: Any, context: EventContext
    ) -> Event[Any] | None:
        return None  # the bills tell the others

    async def of_unit(self, site_id: str, building: str, room: str) -> list[FeeContract]:
        return await self.find(
            {"site_id": site_id, "building": building, "room": room}, sort=[("starts_on", 1)]
        )

    async def running_in(self, site_id: str, first: date, last: date) -> list[FeeContract]:
        return await self.find(
            {
                "site_id": site_id,
                "starts_on": {"$lte": last.isoformat()},
                "$or": [{"ends_on": None}, {"ends_on": {"$gte": first.isoformat()}}],
            },
            sort=[("building", 1), ("room", 1), ("_id", 1)],
        )

    async def listing(
        self,
        *,
        sites: frozenset[str] | None,
        page: PageRequest,
        site_id: str | None = None,
        building: str | None = None,
        room: str | None = None,
    ) -> Found[FeeContract]:
        query = listing_query(sites, site_id=site_id, building=building, room=room)
        return await self.page(
            query, sort=[("site_id", 1), ("building", 1), ("room", 1), ("_id", 1)], page=page
        )


class MongoFeeBills(AggregateRepository[FeeBill]):
    collection_name = FEE_BILLS

    def identity(self, aggregate: FeeBill) -> str:
        return str(aggregate.bill_id)

    def to_document(self, aggregate: FeeBill) -> Document:
        b = aggregate
        return {
            "bill_no": b.bill_no,
            "site_id": b.site_id,
            "contract_no": b.contract_no,
            "building": b.building,
            "room": b.room,
            "month": b.month.isoformat(),
            "kind": b.kind.value,
            "floor_area_m2": str(b.floor_area_m2),
            "rate": str(b.rate),
            "days": b.days,
            "lines": [
                {
                    "item": line.item.value,
                    "amount_fen": to_fen(line.amount),
                    "description": line.description,
                }
                for line in b.lines
            ],
            "amount_fen": to_fen(b.amount),
            "due_on": b.due_on.isoformat(),
            "payer": payer_document(b.payer),
            "owner": payer_document(b.owner) if b.owner else None,
            "time_zone": b.time_zone,
            "issued_at": b.issued_at,
            "issued_by": b.issued_by,
            "paid": b.payment is not None,
            "payment": payment_document(b.payment),
            "late_fee_paid_fen": to_fen(b.late_fee_paid),
            "collecting_in": b.collecting_in,
            "collecting_amount_fen": to_fen(b.collecting_amount)
            if b.collecting_amount is not None
            else None,
            "rejections": [vars(r) for r in b.rejections],
            "reminders": [
                {
                    "number": r.number,
                    "reminder_id": str(r.reminder_id),
                    "asked_at": r.asked_at,
                    "owed_fen": to_fen(r.owed),
                    "late_fee_fen": to_fen(r.late_fee),
                    "to_owner": r.to_owner,
                    "sent_at": r.sent_at,
                }
                for r in b.reminders
            ],
            "reminders_sent": b.reminders_sent,
            "next_reminder_at": b.next_reminder_at,
            "flagged_at": b.flagged_at,
        }

    def from_document(self, document: Document) -> FeeBill:
        owner = document.get("owner")
        return FeeBill(
            bill_id=uuid.UUID(document["_id"]),
            bill_no=document["bill_no"],
            site_id=document["site_id"],
            contract_no=document["contract_no"],
            building=document["building"],
            room=document["room"],
            month=date.fromisoformat(document["month"]),
            kind=UnitKind(document["kind"]),
            floor_area_m2=Decimal(document["floor_area_m2"]),
            rate=Decimal(document["rate"]),
            days=document["days"],
            lines=tuple(
                FeeLine(FeeItem(line["item"]), from_fen(line["amount_fen"]), line["description"])
                for line in document["lines"]
            ),
            due_on=date.fromisoformat(document["due_on"]),
            payer=Payer(**document["payer"]),
            owner=Payer(**owner) if owner else None,
            time_zone=document["time_zone"],
            issued_at=document["issued_at"],
            issued_by=document["issued_by"],
            payment=payment_of(document.get("payment")),
            late_fee_paid=from_fen(document.get("late_fee_paid_fen", 0)),
            collecting_in=document.get("collecting_in"),
            collecting_amount=from_fen(document["collecting_amount_fen"])
            if document.get("collecting_amount_fen") is not None
            else None,
            rejections=tuple(Rejection(**r) for r in document.get("rejections") or ()),
            reminders=tuple(
                Reminder(
                    number=r["number"],
                    reminder_id=uuid.UUID(r["reminder_id"]),
                    asked_at=r["asked_at"],
                    owed=from_fen(r["owed_fen"]),
                    late_fee=from_fen(r["late_fee_fen"]),
                    to_owner=r["to_owner"],
                    sent_at=r.get("sent_at"),
                )
                for r in document.get("reminders") or ()
            ),
            next_reminder_at=document.get("next_reminder_at"),
            flagged_at=document.get("flagged_at"),
        )

    def to_integration(
        self, aggregate: FeeBill, event: Any, context: EventContext
    ) -> Event[Any] | None:
        return fees_v1.to_integration(aggregate, event, context)

    async def collectable_at(self, site_id: str, batch_id: str) -> list[FeeBill]:
        return await self.find(
            {"site_id": site_id, "paid": False, "collecting_in": {"$in": [None, batch_id]}},
            sort=[("month", 1), ("building", 1), ("room", 1)],
            track=True,
        )

    async def sites(self) -> set[str]:
        """Every site with any record here (for the company's view across sites)."""
        return set(await self._collection.distinct("site_id"))

    async def of_contract_after(self, contract_no: str, month: date) -> list[FeeBill]:
        return await self.find(
            {"contract_no": contract_no, "month": {"$gte": month.isoformat()}},
            sort=[("month", 1)],
        )

    async def of_month(self, site_id: str, month: date) -> list[FeeBill]:
        """The site's bills for the month, by unit (for reading)."""
        return await self.find(
            {"site_id": site_id, "month": month.isoformat()},
            sort=[("building", 1), ("room", 1)],
        )

    async def listing(
        self,
        *,
        sites: frozenset[str] | None,
        page: PageRequest,
        site_id: str | None = None,
        month: date | None = None,
        building: str | None = None,
        room: str | None = None,
        paid: bool | None = None,
        flagged: bool | None = None,
    ) -> Found[FeeBill]:
        query = listing_query(
            sites,
            site_id=site_id,
            month=month.isoformat() if month else None,
            building=building,
            room=room,
            paid=paid,
        )
        if flagged is not None:
            query["flagged_at"] = {"$ne": None} if flagged else None
        return await self.page(
            query, sort=[("month", -1), ("building", 1), ("room", 1), ("_id", 1)], page=page
        )


class MongoDirectory:
    """Intake's units and residents as billing last heard of them: a record replaces the one
    kept only when it is newer (redelivered or reordered events change nothing)."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._units = db[UNITS]
        self._residents = db[RESIDENTS]

    async def keep_unit(self, unit: DirectoryUnit) -> bool:
        return await keep_newer(
            self._units,
            f"{unit.site_id}:{unit.building}:{unit.room}",
            "recorded_at",
            {
                "site_id": unit.site_id,
                "building": unit.building,
                "room": unit.room,
                "floor_area_m2": str(unit.floor_area_m2),
                "owner_id": str(unit.owner_id) if unit.owner_id else None,
                "payer_id": str(unit.payer_id) if unit.payer_id else None,
                "recorded_at": unit.recorded_at,
            },
        )

    async def keep_resident(self, resident: DirectoryResident) -> bool:
        return await keep_newer(
            self._residents,
            str(resident.resident_id),
            "recorded_at",
            {
                "name": resident.name,
                "phone": resident.phone,
                "email": resident.email,
                "recorded_at": resident.recorded_at,
            },
        )

    async def unit(self, site_id: str, building: str, room: str) -> DirectoryUnit | None:
        d = await self._units.find_one({"_id": f"{site_id}:{building}:{room}"})
        if d is None:
            return None
        return DirectoryUnit(
            site_id=d["site_id"],
            building=d["building"],
            room=d["room"],
            floor_area_m2=Decimal(d["floor_area_m2"]),
            owner_id=uuid.UUID(d["owner_id"]) if d.get("owner_id") else None,
            payer_id=uuid.UUID(d["payer_id"]) if d.get("payer_id") else None,
            recorded_at=d["recorded_at"],
        )

    async def resident(self, resident_id: object) -> DirectoryResident | None:
        d = await self._residents.find_one({"_id": str(resident_id)})
        if d is None:
            return None
        return DirectoryResident(
            resident_id=uuid.UUID(d["_id"]),
            name=d["name"],
            phone=d.get("phone"),
            email=d.get("email"),
            recorded_at=d["recorded_at"],
        )
