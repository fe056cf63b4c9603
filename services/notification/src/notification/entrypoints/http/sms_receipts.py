"""Delivery receipts from the SMS providers: each signs its receipts with its own secret, so the
route needs no staff token (``SIGNED`` in the access table) and refuses anything unsigned,
badly signed or signed too long ago (401)."""

from __future__ import annotations

import enum
import time
import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Request, status
from hotline_libs.errors import RuleViolation
from hotline_libs.service import Bus
from hotline_libs.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature_problem
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from notification.domain.commands import TakeReceipt
from notification.domain.sms_delivery import PRIMARY, SECONDARY
from notification.settings import NotificationSettings

router = APIRouter(tags=["sms receipts"])


class Provider(enum.StrEnum):
    PRIMARY = PRIMARY
    SECONDARY = SECONDARY


class ReceiptIn(BaseModel):
    """What the provider reports of one message it took."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "client_msg_id": "5f0c8a4e-7a53-5d2c-9a57-0a4b7f0e6c11",
                    "provider_message_id": "9b1f6c1e-3d7a-4a55-8f0e-2c6d8e5b4a21",
                    "status": "delivered",
                    "error_code": None,
                    "at": "2026-12-07T19:30:00+00:00",
                }
            ]
        }
    )

    client_msg_id: uuid.UUID | None = Field(
        default=None, description="Our message id, as we sent it (client_msg_id / out_id)"
    )
    provider_message_id: str | None = Field(
        default=None, min_length=1, max_length=100, description="The provider's own message id"
    )
    status: Literal["delivered", "failed"]
    error_code: str | None = Field(default=None, max_length=100, examples=["UNDELIV"])
    at: AwareDatetime = Field(description="When the handset got it, or the provider gave up")


class ReceiptOut(BaseModel):
    outcome: Literal["recorded", "unchanged", "unknown_message"] = Field(
        description="recorded: the message moved to delivered or failed; unchanged: the receipt "
        "was had already, or came after a delivery; unknown_message: no message of ours has "
        "that id (answered 200 all the same, so the provider stops retrying it)"
    )


async def signed_by_provider(
    request: Request,
    provider: Annotated[Provider, Path(description="Which provider reports")],
    signature: Annotated[
        str | None,
        Header(
            alias=SIGNATURE_HEADER,
            description="Hex HMAC-SHA256 of the timestamp, a dot and the raw body",
        ),
    ] = None,
    timestamp: Annotated[
        str | None, Header(alias=TIMESTAMP_HEADER, description="Unix seconds when signed")
    ] = None,
) -> Provider:
    """401 unless the body is signed with the provider's secret within the allowed age."""
    settings: NotificationSettings = request.app.state.settings
    secret = {
        Provider.PRIMARY: settings.sms_receipt_secret_primary,
        Provider.SECONDARY: settings.sms_receipt_secret_secondary,
    }[provider].get_secret_value()
    why = signature_problem(
        secret,
        await request.body(),
        signature,
        timestamp,
        time.time(),
        settings.sms_receipt_max_age_s,
    )
    if why is not None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, why)
    return provider


@router.post(
    "/sms-receipts/{provider}",
    summary="A provider's delivery receipt of an SMS: delivered or failed",
    responses={401: {"description": "Not signed, badly signed, or signed too long ago"}},
)
async def take_sms_receipt(
    provider: Annotated[Provider, Depends(signed_by_provider)],
    receipt: ReceiptIn,
    bus: Bus,
) -> ReceiptOut:
    """Moves the message from sent to delivered or failed, once: a receipt told again changes
    nothing, a failure after a delivery neither, and a receipt that overtakes the send's own
    result is kept (NTF-03). Signed by the provider: ``X-Signature`` is the hex HMAC-SHA256 of
    ``"<X-Signature-Timestamp>." + body`` with the provider's secret."""
    if receipt.client_msg_id is None and receipt.provider_message_id is None:
        raise RuleViolation("client_msg_id or provider_message_id names the message")
    at: datetime = receipt.at
    changed = await bus.handle(
        TakeReceipt(
            provider=provider.value,
            delivered=receipt.status == "delivered",
            at=at,
            message_id=receipt.client_msg_id,
            provider_message_id=receipt.provider_message_id,
            error_code=receipt.error_code,
        )
    )
    if changed is None:
        return ReceiptOut(outcome="unknown_message")
    return ReceiptOut(outcome="recorded" if changed else "unchanged")
