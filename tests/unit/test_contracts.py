"""The event contracts: envelope, money, parsing, and the committed JSON Schemas."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import typing
from decimal import Decimal
from typing import Any

import pytest
from contracts.billing.v1 import ChargeLine, ChargeRaised
from contracts.compatibility import breaking_changes
from contracts.envelope import PaymentMethod
from contracts.examples import canonical_examples
from contracts.intake.v1 import Channel, RequestedItem, ServiceRequestAccepted
from contracts.sites.v1 import SiteRequestSubmitted
from hotline_infra.paths import REPO
from pydantic import BaseModel, ValidationError

from contracts import UnknownEventError, parse_event, registered_events, topics
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


def _published_versions(name: str) -> list[tuple[str, dict[str, object]]]:
    """Every version of a schema file ever committed (git history), oldest first: what some
    consumer may have been written against. Without git history, the committed file alone."""
    path = f"contracts/schemas/{name}"
    try:
        log = subprocess.run(
            ["git", "log", "--format=%H", "--reverse", "--", path],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        log = []
    versions = []
    for commit in log:
        shown = subprocess.run(
            ["git", "show", f"{commit}:{path}"], cwd=REPO, capture_output=True, text=True
        )
        if shown.returncode == 0:
            versions.append((commit[:8], json.loads(shown.stdout)))
    committed = SCHEMA_DIR / name
    if committed.exists():
        versions.append(("working tree", json.loads(committed.read_text())))
    return versions


def test_committed_schemas_match_the_code() -> None:
    """Run `make schemas` after an additive change; a breaking one needs a new version."""
    for name, schema in current_schemas().items():
        committed_path = SCHEMA_DIR / name
        assert committed_path.exists(), f"{name} is not committed: run `make schemas`"
        committed = json.loads(committed_path.read_text())
        assert committed == json.loads(json.dumps(schema)), f"{name} is stale: run `make schemas`"


def test_every_published_version_of_a_schema_is_still_honoured() -> None:
    """An incompatible edit fails even when the committed file was regenerated with it: each
    version of the schema ever committed is checked against the one before it, and the code
    against the last. Step by step, so an enum declared open in one version may gain values in
    a later one (``contracts.compatibility``: once every consumer reads it open)."""
    for name, schema in current_schemas().items():
        versions = [*_published_versions(name), ("the code", json.loads(json.dumps(schema)))]
        for (_, before), (commit, after) in itertools.pairwise(versions):
            problems = breaking_changes(before, after)
            assert not problems, (
                f"{name} at {commit} breaks the version before; publish a v2: {problems}"
            )


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


def _enum(values: list[str], open_: bool = False) -> dict[str, object]:
    if open_:
        return {"type": "string", "x-known-values": values, "x-open-enum": True}
    return {"type": "string", "enum": values}


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (_enum(["cash"]), _enum(["cash", "wechat"]), "added enum values ['wechat'] to the closed"),
        (_enum(["cash", "bank"]), _enum(["cash"]), "removed enum values ['bank']"),
        (_enum(["cash"], True), _enum(["cash"]), "closed the open"),
        (
            _enum(["cash"]),
            _enum(["cash", "other", "wechat"], True),
            "added enum values ['wechat'] to the closed",
        ),
    ],
)
def test_compatibility_check_covers_enums(
    old: dict[str, object], new: dict[str, object], problem: str
) -> None:
    assert any(problem in found for found in breaking_changes(old, new))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (_enum(["cash"], True), _enum(["cash", "wechat"], True)),  # an open enum grows
        (_enum(["cash"]), _enum(["cash", "other"], True)),  # opened, with its fallback value
        (_enum(["cash"]), _enum(["cash"])),
    ],
)
def test_compatibility_check_lets_an_open_enum_grow(
    old: dict[str, object], new: dict[str, object]
) -> None:
    assert breaking_changes(old, new) == []


def test_a_value_added_to_a_closed_enum_of_a_published_event_is_caught() -> None:
    """RequestKind (the seven boards, TAX-01) is closed: a new board needs a v2."""
    published = ServiceRequestAccepted.model_json_schema(mode="serialization")
    grown = json.loads(json.dumps(published))
    grown["$defs"]["RequestKind"]["enum"].append("pest_control")
    assert any("RequestKind" in p for p in breaking_changes(published, grown))


def test_an_unknown_value_of_an_open_enum_is_read_as_other_and_the_event_is_kept() -> None:
    example = canonical_examples()[ChargeRaised]
    data = json.loads(example.model_dump_json())
    data["payload"]["payment_method"] = "credit_card"  # a method billing's producer may add later
    parsed = parse_event(json.dumps(data))
    assert isinstance(parsed, ChargeRaised)
    assert parsed.payload.payment_method is PaymentMethod.OTHER
    accepted = json.loads(canonical_examples()[ServiceRequestAccepted].model_dump_json())
    accepted["payload"]["channel"] = "fax"  # a channel intake may add later
    assert parse_event(json.dumps(accepted)).payload.channel is Channel.OTHER


def test_every_published_event_has_a_canonical_example_that_survives_the_round_trip() -> None:
    examples = canonical_examples()
    assert set(examples) == set(registered_events())
    for model, example in examples.items():
        assert parse_event(example.model_dump_json().encode()) == example, model.EVENT_TYPE


SERIAL = re.compile(r"^(SR|WO|CH)-[A-Z]+-\d{8}-\d{4}$")


def test_examples_quote_numbers_in_the_real_formats() -> None:
    """Examples show what staff quote: SR-DMG-20261123-0001, not made-up ids."""
    for model, example in canonical_examples().items():
        payload = example.payload.model_dump()
        for field in ("request_no", "work_order_no", "charge_no"):
            if field in payload:
                assert SERIAL.match(payload[field]), (model.EVENT_TYPE, payload[field])
    for name, schema in current_schemas().items():
        for path, examples in _examples_of(schema):
            for value in examples:
                if isinstance(value, str) and value[:3] in ("SR-", "WO-", "CH-"):
                    assert SERIAL.match(value), (name, path, value)


def _examples_of(schema: object, path: str = "") -> typing.Iterator[tuple[str, list[object]]]:
    if isinstance(schema, dict):
        if isinstance(schema.get("examples"), list):
            yield path, schema["examples"]
        for key, value in schema.items():
            yield from _examples_of(value, f"{path}.{key}")
    elif isinstance(schema, list):
        for value in schema:
            yield from _examples_of(value, path)


def _payload_models(model: type[BaseModel]) -> typing.Iterator[type[BaseModel]]:
    yield model
    for field in model.model_fields.values():
        for inner in _classes(field.annotation):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                yield from _payload_models(inner)


def _classes(annotation: object) -> typing.Iterator[object]:
    yield annotation
    for argument in typing.get_args(annotation):
        yield from _classes(argument)


def test_every_payload_field_has_a_description_for_the_asyncapi_documents() -> None:
    missing = []
    for event in registered_events():
        payload = event.model_fields["payload"].annotation
        assert isinstance(payload, type) and issubclass(payload, BaseModel)
        for model in _payload_models(payload):
            missing += [
                f"{event.EVENT_TYPE}: {model.__name__}.{name}"
                for name, field in model.model_fields.items()
                if not field.description
            ]
    assert not missing, f"fields without a description: {sorted(set(missing))}"


PERSONAL_NAMES = ("name", "phone", "email", "building", "room", "recipient", "iban", "account")


def test_every_field_holding_personal_data_is_marked_so_logs_mask_it() -> None:
    """REC-01: a resident's personal information is confidential. Every contract field named like
    personal data carries ``x-personal`` (a new one without it fails here), and the marks add
    nothing a consumer must read: a schema with them honours its earlier versions."""
    from contracts.envelope import personal_fields
    from contracts.registry import registered_events

    for event in registered_events():
        marked = personal_fields(event)
        named = {
            path
            for path in _all_fields(event)
            if path.rsplit(".", 1)[-1] in PERSONAL_NAMES
            and not path.endswith(("_name", "item_name"))
        }
        assert named <= marked, f"{event.__name__}: unmarked personal fields {named - marked}"
    marks = set().union(*(personal_fields(e) for e in registered_events()))
    assert {"payload.resident.phone", "payload.technician.phone", "payload.recipient"} <= marks


def _all_fields(model: type[Any], prefix: str = "") -> set[str]:
    from pydantic import BaseModel

    found: set[str] = set()
    for name, info in model.model_fields.items():
        found.add(f"{prefix}{name}")
        for arg in (info.annotation, *typing.get_args(info.annotation)):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                found |= _all_fields(arg, f"{prefix}{name}.")
    return found
