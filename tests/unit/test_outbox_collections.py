"""Every store that raises integration events has its collection watched by its service's
outbox relay: an event recorded in a collection the relay does not read is never published
(the staff and catalogue events were lost that way until this test)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest
from hotline_libs.unit_of_work import AggregateRepository

SERVICES = ["intake", "dispatch", "billing", "callback", "notification"]


def _repositories(service: str) -> Iterator[type[Any]]:
    package = importlib.import_module(f"{service}.adapters.mongo")
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    seen: list[type[Any]] = [AggregateRepository]
    while seen:
        sub: type[Any]
        for sub in seen.pop().__subclasses__():
            seen.append(sub)
            if sub.__module__.startswith(f"{service}."):
                yield sub


@pytest.mark.parametrize("service", SERVICES)
def test_every_collection_that_raises_events_is_relayed(service: str) -> None:
    bootstrap = importlib.import_module(f"{service}.bootstrap").bootstrap
    relayed = set(bootstrap()._collections)
    publishing = {
        repository.collection_name
        for repository in _repositories(service)
        if "to_integration" in vars(repository)
    }
    assert publishing, f"{service} has no store that publishes"
    assert publishing <= relayed, f"{service} never relays {sorted(publishing - relayed)}"
