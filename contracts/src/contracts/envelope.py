"""The envelope every event travels in, and the value types events share."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Generic, TypeVar, get_args

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PlainSerializer,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema


def _refuse_float(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError("money must be a decimal string such as '12.50', never a float")
    return value


PERSONAL: dict[str, Any] = {"x-personal": True}
"""``json_schema_extra`` of a field holding a resident's (or a staff member's) personal data:
names, phone numbers, e-mail addresses, addresses, bank accounts, and what a resident dictated.
Confidential (REC-01): masked in logs, never handed to third parties; ``personal_fields`` lists
them."""

Money = Annotated[
    Decimal,
    BeforeValidator(_refuse_float),
    Field(max_digits=14, decimal_places=2, examples=["120.00"]),
    PlainSerializer(lambda amount: f"{amount:.2f}", return_type=str),
]
"""An amount in yuan carried as a decimal string with two places; never a float."""


def _to_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


UtcDateTime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
"""A timezone-aware instant, normalised to UTC."""


class ContractModel(BaseModel):
    """Base of every contract model: frozen, unknown fields ignored for forward compatibility."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class OpenEnum(enum.StrEnum):
    """Base of an open enum: its producer may add values within a published major version.

    A consumer reads a value it does not know as the enum's ``OTHER`` member and goes on (it
    does not dead-letter the event). The JSON Schema lists the values known today under
    ``x-known-values`` and marks the enum ``x-open-enum``; the compatibility checker lets an open
    enum gain values, and refuses new values in a closed one (``contracts.compatibility``).
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, str):
            return cls("other")
        return None

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler.resolve_ref_schema(handler(core_schema))
        schema["x-known-values"] = schema.pop("enum")
        schema["x-open-enum"] = True
        schema["description"] = (
            f"{(cls.__doc__ or '').strip()} Open: values may be added within this version; a "
            "consumer reads a value it does not know as 'other'."
        )
        return schema


class PaymentMethod(OpenEnum):
    """How a resident pays for a paid service (付款方式)."""

    CASH = "cash"
    BANK_COLLECTION = "bank_collection"
    BANK_TRANSFER = "bank_transfer"
    WECHAT_PAY = "wechat_pay"
    ALIPAY = "alipay"
    OTHER = "other"


class Resident(ContractModel):
    """Contact snapshot of the resident a request is about (业户)."""

    name: str = Field(
        description="Resident's name as registered", examples=["王芳"], json_schema_extra=PERSONAL
    )
    phone: str = Field(
        description="Mobile number in E.164 form",
        examples=["+8613800138000"],
        json_schema_extra=PERSONAL,
    )
    email: str | None = Field(
        default=None,
        description="E-mail address, if given",
        examples=["wang.fang@example.com"],
        json_schema_extra=PERSONAL,
    )
    building: str = Field(description="Building (栋)", examples=["3"], json_schema_extra=PERSONAL)
    room: str = Field(description="Room (房号)", examples=["1202"], json_schema_extra=PERSONAL)


P = TypeVar("P", bound=BaseModel)


class EventEnvelope(ContractModel, Generic[P]):
    """Metadata common to every integration event, around a typed payload."""

    event_id: uuid.UUID = Field(description="Unique id; consumers deduplicate on it")
    event_type: str = Field(description="Past-tense event name, e.g. WorkOrderDispatched")
    schema_version: int = Field(ge=1, description="Major version of the payload schema")
    occurred_at: UtcDateTime = Field(description="When the fact happened, UTC")
    producer: str = Field(description="Service that published the event", examples=["dispatch"])
    correlation_id: uuid.UUID = Field(description="Id shared by every event of one request flow")
    causation_id: uuid.UUID | None = Field(
        default=None, description="Id of the event or command that caused this one"
    )
    site_id: str = Field(description="Property site (项目) the event belongs to")
    aggregate_version: int | None = Field(
        default=None,
        ge=1,
        description=(
            "Version of the producer's aggregate (work order, charge ...) once this change was "
            "stored; a consumer may drop an event older than one it has applied"
        ),
    )
    payload: P


class Event(EventEnvelope[P]):
    """Base of one concrete, versioned event; subclasses pin type, version, topic and key."""

    EVENT_TYPE: ClassVar[str]
    VERSION: ClassVar[int]
    TOPIC: ClassVar[str]

    def partition_key(self) -> str:
        """Key that keeps all events of one aggregate on one partition, in order."""
        raise NotImplementedError

    @classmethod
    def build(
        cls,
        *,
        event_id: uuid.UUID,
        payload: Any,
        producer: str,
        site_id: str,
        correlation_id: uuid.UUID,
        causation_id: uuid.UUID | None = None,
        occurred_at: datetime | None = None,
        aggregate_version: int | None = None,
    ) -> Any:
        """Create the event with its type and version filled in from the class."""
        return cls(
            event_id=event_id,
            event_type=cls.EVENT_TYPE,
            schema_version=cls.VERSION,
            occurred_at=occurred_at or datetime.now(UTC),
            producer=producer,
            correlation_id=correlation_id,
            causation_id=causation_id,
            site_id=site_id,
            aggregate_version=aggregate_version,
            payload=payload,
        )


def personal_fields(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Dotted paths of the fields of ``model`` (and of the models it holds) marked ``PERSONAL``:
    ``{"resident.name", "resident.phone", ...}``."""
    found: set[str] = set()
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        extra = info.json_schema_extra
        if isinstance(extra, dict) and extra.get("x-personal") is True:
            found.add(path)
        for inner in _models_in(info.annotation):
            found |= personal_fields(inner, f"{path}.")
    return found


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in get_args(annotation) for model in _models_in(arg)]
