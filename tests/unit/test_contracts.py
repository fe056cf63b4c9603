"""The event contracts: envelope, money, parsing, and the committed JSON Schemas."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from contracts.billing.v1 import ChargeLine
from contracts.compatibility import breaking_changes
from contracts.intake.v1 import RequestedItem
from contracts.sites.v1 import SiteRequestSubmitted
from pydantic import ValidationError

from contracts import UnknownEventError, parse_event, topics
from contracts.schemas import SCHEMA_DIR, current_schemas
from tests import builders


def test_money_travels_as_a_decimal_string_and_floats_are_refused() -> None:
    line = ChargeLine(
        item_code="RP-TAP",
        item_name="更换水龙头",
        unit="次",
        unit_price="80.5",
        quantity=2,
        amount="161.00",
    )
    assert json.loads(line.model_dump_json())["unit_price"] == "80.50"
    assert line.unit_price == Decimal("80.50")
    with pytest.raises(ValidationError, match="never a float"):
        ChargeLine(
            item_code="X", item_name="x", unit="次", unit_price=80.5, quantity=1, amount="80.50"
        )


def test_an_event_survives_the_round_trip_through_bytes() -> None:
    event = builders.request_accepted()
    parsed = parse_event(event.model_dump_json().encode())
    assert parsed == event
    assert parsed.partition_key() == str(event.payload.request_id)


def test_a_site_submission_survives_the_round_trip_keyed_by_the_sites_own_reference() -> None:
    event = builders.site_request_submitted(
        requested_items=[RequestedItem(item_code="RP-TAP", quantity=2)],
        appointment_at="2026-11-24T09:00:00+08:00",
    )
    parsed = parse_event(event.model_dump_json().encode())
    assert parsed == event
    assert isinstance(parsed, SiteRequestSubmitted)
    assert parsed.TOPIC == topics.SITE_REQUESTS
    assert parsed.partition_key() == "DMG-DESK-000123"
    assert parsed.payload.appointment_at is not None
    assert parsed.payload.appointment_at.isoformat() == "2026-11-24T01:00:00+00:00"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"source_ref": ""}, r"payload\.source_ref: String should have at least 1 character"),
        ({"source_ref": "x" * 101}, r"payload\.source_ref: String should have at most 100"),
        ({"kind": "haircut"}, r"payload\.kind: Input should be"),
        ({"registered_at": "2026-11-23T10:00:00"}, r"payload\.registered_at: .*timezone"),
    ],
)
def test_a_site_submission_that_breaks_the_contract_is_refused_naming_the_field(
    change: dict[str, object], reason: str
) -> None:
    data = json.loads(builders.site_request_submitted().model_dump_json())
    data["payload"].update(change)
    with pytest.raises(UnknownEventError, match=reason):
        parse_event(json.dumps(data))


def test_the_site_feed_has_a_stream_and_a_dead_letter_topic() -> None:
    assert topics.SITE_REQUESTS == "sites.service-requests"
    assert topics.SITE_REQUESTS in topics.STREAMS


def test_times_are_normalised_to_utc() -> None:
    event = builders.request_accepted()
    data = json.loads(event.model_dump_json())
    data["occurred_at"] = "2026-11-23T10:00:00+08:00"
    assert parse_event(json.dumps(data)).occurred_at.isoformat() == "2026-11-23T02:00:00+00:00"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"\xff\xfe not json", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"event_type": "ServiceRequestAccepted"}', "no event_type string or schema_version"),
        (b'{"event_type": "RoomPainted", "schema_version": 1}', "unknown event 'RoomPainted'"),
        (b'{"event_type": "ServiceRequestAccepted", "schema_version": 9}', "version 9"),
    ],
)
def test_malformed_or_unknown_messages_are_refused_with_the_reason(
    body: bytes, reason: str
) -> None:
    with pytest.raises(UnknownEventError, match=reason):
        parse_event(body)


def test_an_invalid_payload_names_the_field() -> None:
    data = json.loads(builders.request_accepted().model_dump_json())
    del data["payload"]["resident"]["phone"]
    with pytest.raises(UnknownEventError, match=r"payload\.resident\.phone: Field required"):
        parse_event(json.dumps(data))


def test_committed_schemas_match_the_code() -> None:
    """Run `make schemas` after an additive change; a breaking one needs a new version."""
    for name, schema in current_schemas().items():
        committed_path = SCHEMA_DIR / name
        assert committed_path.exists(), f"{name} is not committed: run `make schemas`"
        committed = json.loads(committed_path.read_text())
        problems = breaking_changes(committed, schema)
        assert not problems, f"{name} changed incompatibly; publish a v2 instead: {problems}"
        assert committed == json.loads(json.dumps(schema)), f"{name} is stale: run `make schemas`"


def _schema(properties: dict[str, object], required: list[str]) -> dict[str, object]:
    return {"type": "object", "properties": properties, "required": required}


def test_compatibility_check_allows_an_optional_field() -> None:
    old = _schema({"a": {"type": "string"}}, ["a"])
    new = _schema({"a": {"type": "string"}, "b": {"type": "integer"}}, ["a"])
    assert breaking_changes(old, new) == []


@pytest.mark.parametrize(
    ("new", "problem"),
    [
        (_schema({}, []), "removed field a"),
        (_schema({"a": {"type": "integer"}}, ["a"]), "changed field a"),
        (
            _schema({"a": {"type": "string"}, "b": {"type": "string"}}, ["a", "b"]),
            "new required field b",
        ),
    ],
)
def test_compatibility_check_flags_breaking_changes(new: dict[str, object], problem: str) -> None:
    old = _schema({"a": {"type": "string"}}, ["a"])
    assert any(problem in found for found in breaking_changes(old, new))
