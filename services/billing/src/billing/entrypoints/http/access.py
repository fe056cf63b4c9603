"""Who may call each of billing's routes (the authorization matrix test checks every cell)."""

from __future__ import annotations

from hotline_libs.access import STAFF, Access, allow
from hotline_libs.auth import Role

ACCOUNTS = frozenset(
    {Role.FINANCE, Role.ADMINISTRATOR, Role.SITE_MANAGER, Role.DIRECTOR, Role.ADMIN}
)
"""Who reads charges: finance, and those who answer for a site's accounts."""

ACCESS: Access = {
    # agents quote prices on the call; a site's system may show them to residents
    "get_price_list": allow(STAFF, Role.SITE_SYSTEM),
    "get_price_list_versions": allow(STAFF),
    "set_price_list_item": allow(Role.FINANCE, Role.SITE_MANAGER, Role.ADMIN),
    "schedule_price_list": allow(Role.FINANCE, Role.SITE_MANAGER, Role.ADMIN),
    "list_charges": allow(ACCOUNTS, personal_data=True),
    "get_charge": allow(ACCOUNTS, personal_data=True),
    "price_again": allow(Role.FINANCE, Role.ADMIN),
    "confirm_agreed": allow(Role.FINANCE, Role.ADMIN),
    # finance issues the numbered receipts, books the cash and records other payments
    "issue_receipt": allow(Role.FINANCE, Role.ADMIN),
    "book_cash": allow(Role.FINANCE, Role.ADMIN),
    "void_receipt": allow(Role.FINANCE, Role.ADMIN),
    "record_payment": allow(Role.FINANCE, Role.ADMIN),
    "list_receipts": allow(ACCOUNTS, personal_data=True),
    "get_receipt": allow(ACCOUNTS, personal_data=True),
    "get_cash_day": allow(ACCOUNTS, personal_data=True),
    # bank collection: finance keeps the mandates and batches; the site's manager may record
    # the company's collecting account; those who answer for the accounts read them
    "record_mandate": allow(Role.FINANCE, Role.ADMIN, personal_data=True),
    "list_mandates": allow(ACCOUNTS, personal_data=True),
    "get_mandate": allow(ACCOUNTS, personal_data=True),
    "revoke_mandate": allow(Role.FINANCE, Role.ADMIN, personal_data=True),
    "record_site_creditor": allow(Role.FINANCE, Role.SITE_MANAGER, Role.ADMIN),
    "get_site_creditor": allow(ACCOUNTS),
    "gather_batch": allow(Role.FINANCE, Role.ADMIN),
    "list_batches": allow(ACCOUNTS),
    "get_batch": allow(ACCOUNTS),
    "list_batch_debits": allow(ACCOUNTS, personal_data=True),
    "download_batch_file": allow(Role.FINANCE, Role.ADMIN, personal_data=True),
    "download_domestic_file": allow(Role.FINANCE, Role.ADMIN, personal_data=True),
    "mark_batch_sent": allow(Role.FINANCE, Role.ADMIN),
    "import_bank_answer": allow(Role.FINANCE, Role.ADMIN),
    # management fees: finance keeps the contracts, deposits and bills and takes the fee at
    # the service centre's desk; those who answer for a site's accounts read them
    "record_fee_contract": allow(Role.FINANCE, Role.ADMIN, personal_data=True),
    "list_fee_contracts": allow(ACCOUNTS, personal_data=True),
    "get_fee_contract": allow(ACCOUNTS, personal_data=True),
    "confirm_move_out": allow(Role.FINANCE, Role.SITE_MANAGER, Role.ADMIN, personal_data=True),
    "hold_deposit": allow(Role.FINANCE, Role.ADMIN, personal_data=True),
    "release_deposit": allow(Role.FINANCE, Role.ADMIN, personal_data=True),
    "issue_fee_bills": allow(Role.FINANCE, Role.ADMIN),
    "list_fee_bills": allow(ACCOUNTS, personal_data=True),
    "get_fee_bill": allow(ACCOUNTS, personal_data=True),
    "pay_fee_bill": allow(Role.FINANCE, Role.ADMIN, personal_data=True),
    "get_fee_collection": allow(ACCOUNTS),
    # the month's close: finance hands the day's records to the service centre or the
    # administrator, who summarise the month's; finance issues the report, the manager reviews
    "get_day_records": allow(ACCOUNTS, Role.DUTY_STAFF, personal_data=True),
    "hand_over_records": allow(Role.FINANCE, Role.ADMIN),
    "get_month_close": allow(ACCOUNTS, Role.DUTY_STAFF),
    "summarise_records": allow(Role.ADMINISTRATOR, Role.DUTY_STAFF, Role.SITE_MANAGER, Role.ADMIN),
    "issue_financial_report": allow(Role.FINANCE, Role.ADMIN),
    "review_financial_report": allow(Role.SITE_MANAGER, Role.DIRECTOR, Role.ADMIN),
    "get_financial_report": allow(ACCOUNTS),
    "get_collection_by_site": allow(ACCOUNTS),
    # the income and spending statement: finance prepares and submits it, the site's manager
    # approves it (and it is published to the residents) or sends it back (FEE-07)
    "list_statements": allow(ACCOUNTS),
    "get_statement": allow(ACCOUNTS),
    "prepare_statement": allow(Role.FINANCE, Role.ADMIN),
    "submit_statement": allow(Role.FINANCE, Role.ADMIN),
    "review_statement": allow(Role.SITE_MANAGER, Role.DIRECTOR, Role.ADMIN),
    # the day's served households, which the callback agents call back from too (BIL-15)
    "list_households_served": allow(ACCOUNTS, Role.AGENT, personal_data=True),
}
