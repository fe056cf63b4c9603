"""REC-01: customers' personal information is confidential and never goes to third parties; log
lines, which go to support tools and people, carry none of it."""

from __future__ import annotations

import logging
import uuid

import pytest
import structlog
from hotline_libs.logging import configure_logging
from hotline_libs.personal_data import mask_value, scrub
from pydantic import BaseModel


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("call 13800138000 now", "call 138****8000 now"),
        ("to +8613800138000", "to 138****8000"),
        ("+86 138 0013 8000 rang", "138****8000 rang"),
        ("mail wang.fang@example.com", "mail w***@example.com"),
        ("pay from DE89 3704 0044 0532 0130 00", "pay from DE89 **** 3000"),
        ("abroad +447911123456", "abroad 447****3456"),
    ],
)
def test_rec01_phones_emails_and_bank_accounts_inside_any_text_are_masked(
    text: str, masked: str
) -> None:
    assert scrub(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "SR-DMG-20261123-0001",
        "WO-QJC-20261123-0012 for CH-GXI-20261124-0003",
        str(uuid.UUID("13800138-0001-4000-8000-138001380001")),
        "2026-11-23T08:00:00+08:00",
        "total 120.00 of 3 items, 15 minutes",
        "topic e2e.intake.service-requests partition 2 offset 1380013",
    ],
)
def test_rec01_numbers_staff_quote_stay_readable(text: str) -> None:
    """Request, work-order and charge numbers, ids, times, amounts and offsets are no one's
    personal data; support needs them whole."""
    assert scrub(text) == text


class Resident(BaseModel):
    name: str
    phone: str
    building: str
    room: str


def test_rec01_values_under_personal_keys_are_masked_at_any_depth() -> None:
    event = {
        "request_no": "SR-DMG-20261123-0001",
        "resident": Resident(name="王芳", phone="+8613800138000", building="3", room="1202"),
        "messages": [{"recipient": "wang.fang@example.com", "channel": "email"}],
        "technician_name": "李强",
        "note": "called 13800138000 twice",
    }
    masked = mask_value(event)
    assert masked["request_no"] == "SR-DMG-20261123-0001"
    assert masked["resident"] == {
        "name": "王*",
        "phone": "138****8000",
        "building": "*",
        "room": "1***",
    }
    assert masked["messages"] == [{"recipient": "w***@example.com", "channel": "email"}]
    assert masked["technician_name"] == "李*"
    assert masked["note"] == "called 138****8000 twice"


def test_rec01_no_log_line_of_a_service_carries_a_residents_data(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("test", "INFO")
    log = structlog.get_logger("test")
    log.info("resident told", name="王芳", recipient="+8613800138000", request_no="SR-1")
    logging.getLogger("aiokafka").warning("could not deliver to wang.fang@example.com")
    try:
        raise ValueError("phone 13800138000 is not on the list")
    except ValueError:
        log.exception("handler failed")
    err = capsys.readouterr().err
    for secret in ("王芳", "13800138000", "wang.fang@example.com"):
        assert secret not in err
    assert "SR-1" in err and "138****8000" in err and "w***@example.com" in err
