# The one front door. `make run` starts everything; `make test` proves it works.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(PYTHON) -m uv
RUN := $(UV) run --frozen
SERVICES := intake dispatch billing callback notification

.PHONY: help run test test-unit test-integration test-e2e test-browser bench chaos install install-python \
        install-infra lint format typecheck asyncapi schemas token infra-up infra-down clean dlq

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | sort

run: install  ## start Kafka, the store, the sinks and all five services with demo data; Ctrl-C stops all
	$(RUN) python -m hotline_infra run

test: install  ## unit, integration and end-to-end tests on a real Kafka and store (free ports)
	$(RUN) pytest

test-unit: install-python  ## only the tests that need no infrastructure
	$(RUN) pytest tests/unit

test-integration: install  ## only the tests on real Kafka and store
	$(RUN) pytest tests/integration

test-e2e: install  ## only the tests that run the five services as processes
	$(RUN) pytest tests/e2e

test-browser: install  ## only the console's tests in headless Chromium
	$(RUN) pytest tests/browser

bench: install  ## measure the platform against this machine's limits (QUICK=1: small sizes); writes bench/results/
	$(RUN) python -m hotline_bench $(if $(QUICK),--quick)

chaos: install  ## 2,000 requests while services, Kafka and the store crash (SEED=n); non-zero on loss or doubling
	$(RUN) python -m hotline_bench.chaos $(if $(SEED),--seed $(SEED)) $(if $(REQUESTS),--requests $(REQUESTS))

install: install-python install-infra  ## everything the platform needs (once; later runs take seconds)

install-python:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	@$(UV) sync --frozen --quiet

install-infra: install-python
	@$(RUN) python -m hotline_infra install

lint: install-python  ## ruff, and import-linter for the direction of dependencies
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) lint-imports --no-cache

format: install-python  ## apply ruff's formatting and safe fixes
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

typecheck: install-python  ## mypy, strict, with the pydantic plugin
	$(RUN) mypy

asyncapi: install-python  ## write each service's AsyncAPI document to docs/asyncapi/
	$(RUN) python -m hotline_infra.docs docs/asyncapi

schemas: install-python  ## regenerate contracts/schemas after an additive contract change
	$(RUN) python -m contracts.schemas

token: install-python  ## print a development bearer token: make token ROLE=technician SITES=dmg AS=dmg-t01 NAME=李强 (a technician signs in as their technician id)
	@$(RUN) python -m hotline_libs.auth --role $(or $(ROLE),agent) --sites '$(or $(SITES),*)' $(if $(NAME),--name '$(NAME)') $(if $(AS),--subject '$(AS)')

infra-up: install  ## start only Kafka, the store and the sinks, in the background
	$(RUN) python -m hotline_infra up

infra-down: install-python  ## stop what infra-up started
	$(RUN) python -m hotline_infra down

clean:  ## remove the run folder (data of `make run`) and caches; the download cache stays
	rm -rf .hotline .pytest_cache .mypy_cache .ruff_cache

dlq: install-python  ## dead letters and parked outbox entries: list, show, replay (ARGS="replay --all")
	$(RUN) python -m hotline_libs.dead_letters $(or $(ARGS),list)
