"""The cash route (现金收费, BIL-11 to BIL-13) and payments recorded by reference (BIL-16).

A number is drawn by storing the receipt that holds it, the site's highest number plus one: two
desks drawing at once clash on the number, and the bus runs the loser again on the next one. So
a number exists only as a receipt, and a retried request finds its receipt instead of drawing a
second (the charge's receipt out with a technician is returned).
"""

from __future__ import annotations

from hotline_libs.errors import NotFound, RuleViolation

from billing.domain.charge import PAID_BY_REFERENCE, Charge, Payment, PaymentMethod
from billing.domain.commands import BookCash, IssueReceipt, RecordPayment, VoidReceipt
from billing.domain.receipt import Receipt, receipt_id
from billing.service_layer.unit_of_work import BillingUnitOfWork


async def visible_charge(
    uow: BillingUnitOfWork, charge_id: object, sites: frozenset[str] | None
) -> Charge:
    """The charge, if it is of a site ``sites`` names (None: any)."""
    charge = await uow.charges.get(charge_id)
    if charge is None or (sites is not None and charge.site_id not in sites):
        raise NotFound(f"no charge {charge_id}")
    return charge


async def _receipt(
    uow: BillingUnitOfWork, site_id: str, number: int, sites: frozenset[str] | None
) -> Receipt:
    receipt = await uow.receipts.get(receipt_id(site_id, number))
    if receipt is None or (sites is not None and site_id not in sites):
        raise NotFound(f"no receipt {number} at site {site_id!r}")
    return receipt


async def issue_receipt(command: IssueReceipt, uow: BillingUnitOfWork) -> Receipt:
    """The next numbered receipt of the site, for the charge's amount and service record serial
    (BIL-09), to the technician who collects; the one already out for the charge if any."""
    charge = await visible_charge(uow, command.charge_id, command.visible_sites)
    amount = charge.must_be_payable()
    out = await uow.receipts.live_for(charge.charge_id)
    if out:
        return out[0]
    technician = command.technician_id or charge.technician_id
    if not technician:
        raise RuleViolation(
            f"say which technician collects the cash of charge {charge.charge_no} "
            "(technician_id): the work order did not name one"
        )
    receipt = Receipt.issue(
        site_id=charge.site_id,
        number=await uow.receipts.last_number(charge.site_id) + 1,
        charge_id=charge.charge_id,
        charge_no=charge.charge_no,
        service_record_no=charge.service_record_no,
        amount=amount,
        payer_name=charge.payer.name,
        building=charge.payer.building,
        room=charge.payer.room,
        issued_to=technician,
        issued_by=command.issued_by,
        now=uow.clock(),
    )
    uow.receipts.add(receipt)
    await uow.commit()
    # Two desks that drew for one charge at the same instant took two numbers: the later one
    # is voided at once (keeping its number) and both get the first.
    out = await uow.receipts.live_for(charge.charge_id)
    first = out[0] if out else receipt
    if first.number < receipt.number:
        receipt.void(
            f"drawn twice at once for {charge.charge_no}; {first.receipt_no} stands",
            command.issued_by,
            uow.clock(),
        )
        await uow.commit()
    return first


async def book_cash(command: BookCash, uow: BillingUnitOfWork) -> Receipt:
    """Finance books the cash handed in on a receipt, with the service record; the charge is
    paid. Booking again (a retry, or after a crash between the two writes) finishes the job."""
    receipt = await _receipt(uow, command.site_id, command.number, command.visible_sites)
    now = uow.clock()
    receipt.book(command.amount, command.booked_by, now)
    charge = await visible_charge(uow, receipt.charge_id, None)
    assert receipt.booked_at is not None
    assert receipt.booked_by is not None
    charge.pay(
        Payment(
            method=PaymentMethod.CASH,
            amount=receipt.amount,
            reference=receipt.receipt_no,
            paid_at=receipt.booked_at,
            booked_at=receipt.booked_at,
            booked_by=receipt.booked_by,
        )
    )
    await uow.commit()
    return receipt


async def void_receipt(command: VoidReceipt, uow: BillingUnitOfWork) -> Receipt:
    """A receipt out with a technician is cancelled and keeps its number; the charge stays owed
    and may be given a new receipt."""
    receipt = await _receipt(uow, command.site_id, command.number, command.visible_sites)
    receipt.void(command.reason, command.voided_by, uow.clock())
    await uow.commit()
    return receipt


async def record_payment(command: RecordPayment, uow: BillingUnitOfWork) -> Charge:
    """A charge paid by bank transfer, WeChat Pay or Alipay, booked with the payment's own
    reference; the same payment recorded again changes nothing."""
    if command.method not in PAID_BY_REFERENCE:
        how = {
            PaymentMethod.CASH: "cash is booked from its numbered receipt "
            "(POST /receipts/{site_id}/{number}/booking)",
            PaymentMethod.BANK_COLLECTION: "bank collection is settled by the bank's return file",
        }
        raise RuleViolation(f"method {command.method.value!r}: {how[command.method]}")
    charge = await visible_charge(uow, command.charge_id, command.visible_sites)
    out = await uow.receipts.live_for(charge.charge_id)
    if out and charge.payment is None:
        raise RuleViolation(
            f"receipt {out[0].receipt_no} is out with {out[0].issued_to} to collect this charge "
            "in cash: void it first"
        )
    now = uow.clock()
    paid_at = command.paid_at or now
    if paid_at > now:
        raise RuleViolation("paid_at is in the future")
    charge.pay(
        Payment(
            method=command.method,
            amount=command.amount,
            reference=command.reference,
            paid_at=paid_at,
            booked_at=now,
            booked_by=command.booked_by,
        )
    )
    await uow.commit()
    return charge
