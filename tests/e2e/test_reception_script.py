"""The reception script on the real stack (KB-17, KB-20): agents read the manual's until the
leader in charge words the site's own; a wording missing a step is refused, naming it."""

from __future__ import annotations

from typing import Any

import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role

from tests.support import auth, changing, client

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]

STEPS = ("greet", "ask", "solve", "pass_on", "close")


async def test_kb20_the_site_managers_wording_is_what_the_sites_agents_read(
    platform: Stack,
) -> None:
    path = "/reception-scripts/gxi"
    async with client(platform, "intake") as intake:
        before = await intake.get(path, headers=auth(Role.DUTY_STAFF, ["gxi"]))
        assert before.status_code == 200, before.text
        assert [line["step"] for line in before.json()["lines"]] == list(STEPS)
        assert before.json()["source"] in ("manual", "company", "site")

        wording: dict[str, Any] = {
            "lines": [
                {"step": step, "says_zh": f"高新国际 {step}", "says_en": f"Gaoxin {step}"}
                for step in STEPS
            ],
            "courtesy_phrases": ["您好", "请", "谢谢", "对不起", "再见"],
        }
        manager = auth(Role.SITE_MANAGER, ["gxi"])["Authorization"]
        worded = await intake.put(
            path, json=wording, headers=changing(Role.SITE_MANAGER, Authorization=manager)
        )
        assert worded.status_code in (200, 201), worded.text
        read = await intake.get(path, headers=auth(Role.AGENT))
        assert read.json()["source"] == "site"
        assert read.json()["lines"][-1]["says_zh"] == "高新国际 close"

        elsewhere = await intake.put(
            "/reception-scripts/dmg",
            json=wording,
            headers=changing(Role.SITE_MANAGER, Authorization=manager),
        )
        assert elsewhere.status_code == 403

        skipped = await intake.put(
            path,
            json={
                **wording,
                "lines": [wording["lines"][0], *wording["lines"][2:], wording["lines"][1]],
            },
            headers=changing(Role.DIRECTOR),
        )
        assert skipped.status_code == 422 and skipped.json()["errors"][0]["field"] == "lines"
