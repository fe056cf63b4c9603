"""Billing's use cases, one handler per command, all registered in ``HANDLERS``."""

from __future__ import annotations

from typing import Any

from hotline_libs.aggregate import is_due
from hotline_libs.ids import derive_id, next_serial_number
from hotline_libs.working_calendars import (
    KeepCalendarYear,
    KeepSitePlace,
    keep_calendar_year,
    keep_site_place,
)

from billing.domain.charge import Charge
from billing.domain.commands import (
    BookCash,
    ChargeWorkOrder,
    ConfirmAgreedPrices,
    ConfirmMoveOut,
    FeeBillDeadlineReached,
    GatherBatch,
    HandOverRecords,
    HoldDeposit,
    ImportBankAnswer,
    IssueFeeBills,
    IssueFinancialReport,
    IssueReceipt,
    KeepResident,
    KeepUnit,
    MarkBatchSent,
    MonthCloseDeadlineReached,
    NoteReminderSent,
    PayFeeBill,
    PrepareStatement,
    PriceCharge,
    PriceListDeadlineReached,
    RecordFeeContract,
    RecordMandate,
    RecordPayment,
    RecordSiteCreditor,
    ReleaseDeposit,
    ReviewFinancialReport,
    ReviewStatement,
    RevokeMandate,
    SchedulePriceList,
    SetPriceListItem,
    SubmitStatement,
    SummariseRecords,
    VoidReceipt,
)
from billing.domain.price_list import PriceList
from billing.service_layer import fees, month_close, statements
from billing.service_layer.collection import (
    gather_batch,
    import_bank_answer,
    mark_batch_sent,
    record_mandate,
    record_site_creditor,
    revoke_mandate,
)
from billing.service_layer.receipts import (
    book_cash,
    issue_receipt,
    record_payment,
    visible_charge,
    void_receipt,
)
from billing.service_layer.unit_of_work import BillingUnitOfWork


async def charge_work_order(command: ChargeWorkOrder, uow: BillingUnitOfWork) -> Charge | None:
    """Charge a signed work order's paid items; None when it delivered none (routine work).

    One charge per work order (its id is derived from the work order id). It is raised at once
    when the site's price list prices it; otherwise it waits for finance in ``needs_pricing``.
    """
    if not command.delivered:
        return None
    charge_id = derive_id("charge", command.work_order_id)
    existing = await uow.charges.get(charge_id)
    if existing is not None:
        return existing
    now = uow.clock()
    charge = Charge(
        charge_id=charge_id,
        charge_no=await next_serial_number(uow.serials, "CH", command.site_id.upper(), now),
        work_order_id=command.work_order_id,
        work_order_no=command.work_order_no,
        request_id=command.request_id,
        request_no=command.request_no,
        site_id=command.site_id,
        payer=command.payer,
        delivered=command.delivered,
        payment_method=command.payment_method,
        created_at=now,
        service_record_no=command.service_record_no,
        technician_id=command.technician_id,
    )
    price_list = await uow.price_lists.get(command.site_id)
    signed_at = command.completed_at or now
    charge.price(price_list.in_effect(signed_at) if price_list else None, now)
    uow.charges.add(charge)
    await uow.commit()
    return charge


async def _price_list_of(uow: BillingUnitOfWork, site_id: str) -> PriceList:
    price_list = await uow.price_lists.get(site_id)
    if price_list is None:
        price_list = PriceList(site_id=site_id)
        uow.price_lists.add(price_list)
    return price_list


async def _price_waiting(uow: BillingUnitOfWork, price_list: PriceList) -> None:
    """Price the site's waiting charges at the list in effect now: finance corrected it for
    them."""
    now = uow.clock()
    for charge in await uow.charges.waiting_at(price_list.site_id):
        charge.price(price_list.in_effect(now), now)
        await uow.commit()


async def set_price_list_item(command: SetPriceListItem, uow: BillingUnitOfWork) -> PriceList:
    """Add or correct an item of a site's price list (a new version in effect at once), then
    price the site's waiting charges."""
    price_list = await _price_list_of(uow, command.site_id)
    price_list.set_item(command.item, command.recorded_by, uow.clock())
    await uow.commit()
    await _price_waiting(uow, price_list)
    return price_list


async def schedule_price_list(command: SchedulePriceList, uow: BillingUnitOfWork) -> PriceList:
    """A new version of the whole list from a moment on; in effect now, it prices the waiting
    charges at once, else when its deadline comes."""
    price_list = await _price_list_of(uow, command.site_id)
    price_list.schedule(
        {item.item_code: item for item in command.items},
        command.effective_from,
        command.approval_ref,
        command.recorded_by,
        uow.clock(),
    )
    await uow.commit()
    await _price_waiting(uow, price_list)
    return price_list


async def price_list_deadline_reached(
    command: PriceListDeadlineReached, uow: BillingUnitOfWork
) -> None:
    """A scheduled version took effect: announce it (once) and price the waiting charges."""
    price_list = await uow.price_lists.get(command.site_id)
    now = uow.clock()
    if price_list is None or not is_due(price_list, command.deadline, now):
        return
    price_list.deadline_reached(command.deadline, now)
    await uow.commit()
    await _price_waiting(uow, price_list)


async def price_charge(command: PriceCharge, uow: BillingUnitOfWork) -> Charge:
    """Try a waiting charge again against the site's current price list."""
    charge = await visible_charge(uow, command.charge_id, command.visible_sites)
    price_list = await uow.price_lists.get(charge.site_id)
    now = uow.clock()
    charge.price(price_list.in_effect(now) if price_list else None, now)
    await uow.commit()
    return charge


async def confirm_agreed_prices(command: ConfirmAgreedPrices, uow: BillingUnitOfWork) -> Charge:
    """Finance confirms the amounts agreed with the resident before the work; the charge is raised."""
    charge = await visible_charge(uow, command.charge_id, command.visible_sites)
    price_list = await uow.price_lists.get(charge.site_id)
    now = uow.clock()
    charge.confirm_agreed(
        list(command.agreed),
        command.payment_method,
        command.note,
        price_list.in_effect(now) if price_list else None,
        now,
    )
    await uow.commit()
    return charge


HANDLERS: dict[type[Any], Any] = {
    ChargeWorkOrder: charge_work_order,
    SetPriceListItem: set_price_list_item,
    SchedulePriceList: schedule_price_list,
    PriceListDeadlineReached: price_list_deadline_reached,
    PriceCharge: price_charge,
    ConfirmAgreedPrices: confirm_agreed_prices,
    IssueReceipt: issue_receipt,
    BookCash: book_cash,
    VoidReceipt: void_receipt,
    RecordPayment: record_payment,
    RecordMandate: record_mandate,
    RevokeMandate: revoke_mandate,
    RecordSiteCreditor: record_site_creditor,
    GatherBatch: gather_batch,
    MarkBatchSent: mark_batch_sent,
    ImportBankAnswer: import_bank_answer,
    KeepSitePlace: keep_site_place,
    KeepCalendarYear: keep_calendar_year,
    KeepUnit: fees.keep_unit,
    KeepResident: fees.keep_resident,
    RecordFeeContract: fees.record_fee_contract,
    ConfirmMoveOut: fees.confirm_move_out,
    HoldDeposit: fees.hold_deposit,
    ReleaseDeposit: fees.release_deposit,
    IssueFeeBills: fees.issue_fee_bills,
    PayFeeBill: fees.pay_fee_bill,
    FeeBillDeadlineReached: fees.fee_bill_deadline_reached,
    NoteReminderSent: fees.note_reminder_sent,
    HandOverRecords: month_close.hand_over_records,
    SummariseRecords: month_close.summarise_records,
    IssueFinancialReport: month_close.issue_financial_report,
    ReviewFinancialReport: month_close.review_financial_report,
    MonthCloseDeadlineReached: month_close.month_close_deadline_reached,
    PrepareStatement: statements.prepare_statement,
    SubmitStatement: statements.submit_statement,
    ReviewStatement: statements.review_statement,
}
"""Every command billing handles, and its handler."""
