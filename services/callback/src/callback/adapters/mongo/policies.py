"""Sites' callback policies and the months' samples in the callback service's own database."""

from __future__ import annotations

import uuid
from datetime import date

from hotline_libs.mongo import Document
from hotline_libs.unit_of_work import AggregateRepository

from callback.domain.policy import CallbackPolicy, PolicyVersion, Rule, Trigger
from callback.domain.sample import CallbackSample, Draw

POLICIES = "callback_policies"
SAMPLES = "callback_samples"


def draw_document(d: Draw) -> Document:
    return {
        "case_id": str(d.case_id),
        "position": d.position,
        "draw": d.draw,
        "share": d.share,
        "drawn": d.drawn,
        "by_lot": d.by_lot,
    }


def draw_from(d: Document) -> Draw:
    return Draw(
        case_id=uuid.UUID(d["case_id"]),
        position=d["position"],
        draw=d["draw"],
        share=d["share"],
        drawn=d["drawn"],
        by_lot=d["by_lot"],
    )


class MongoPolicies(AggregateRepository[CallbackPolicy]):
    collection_name = POLICIES

    def identity(self, aggregate: CallbackPolicy) -> str:
        return aggregate.site_id

    def to_document(self, aggregate: CallbackPolicy) -> Document:
        return {
            "versions": [
                {
                    "version": v.version,
                    "effective_from": v.effective_from.isoformat(),
                    "rules": {
                        t.value: {"share": r.share, "within_working_days": r.within_working_days}
                        for t, r in v.rules.items()
                    },
                    "month_done_before_day": v.month_done_before_day,
                    "rectification_limit": v.rectification_limit,
                    "set_by": v.set_by,
                    "set_at": v.set_at,
                    "note": v.note,
                }
                for v in aggregate.versions
            ]
        }

    def from_document(self, document: Document) -> CallbackPolicy:
        return CallbackPolicy(
            site_id=document["_id"],
            versions=[
                PolicyVersion(
                    version=v["version"],
                    effective_from=date.fromisoformat(v["effective_from"]),
                    rules={
                        Trigger(t): Rule(r["share"], r["within_working_days"])
                        for t, r in v["rules"].items()
                    },
                    month_done_before_day=v["month_done_before_day"],
                    rectification_limit=v["rectification_limit"],
                    set_by=v.get("set_by"),
                    set_at=v.get("set_at"),
                    note=v.get("note"),
                )
                for v in document["versions"]
            ],
        )


class MongoSamples(AggregateRepository[CallbackSample]):
    collection_name = SAMPLES

    def identity(self, aggregate: CallbackSample) -> str:
        return f"{aggregate.site_id}:{aggregate.month}:{aggregate.trigger}"

    def to_document(self, aggregate: CallbackSample) -> Document:
        return {
            "site_id": aggregate.site_id,
            "month": aggregate.month,
            "trigger": aggregate.trigger,
            "seed": aggregate.seed,
            "draws": [draw_document(d) for d in aggregate.draws],
        }

    def from_document(self, document: Document) -> CallbackSample:
        return CallbackSample(
            site_id=document["site_id"],
            month=document["month"],
            trigger=document["trigger"],
            seed=document["seed"],
            draws=[draw_from(d) for d in document["draws"]],
        )

    async def of_month(self, site_id: str, month: str) -> list[CallbackSample]:
        """The site's samples of ``month`` (for reading), by trigger."""
        return await self.find({"site_id": site_id, "month": month}, sort=[("trigger", 1)])
