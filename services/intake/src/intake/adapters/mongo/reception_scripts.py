"""The reception script, the company's and sites' own wordings, in intake's own database."""

from __future__ import annotations

from hotline_libs.mongo import Document
from hotline_libs.unit_of_work import AggregateRepository

from intake.domain.reception_script import (
    ReceptionScript,
    ScriptLine,
    ScriptStep,
    ScriptWording,
)

RECEPTION_SCRIPTS = "reception_scripts"


class MongoReceptionScripts(AggregateRepository[ReceptionScript]):
    collection_name = RECEPTION_SCRIPTS

    def identity(self, aggregate: ReceptionScript) -> str:
        return aggregate.site_id

    def to_document(self, aggregate: ReceptionScript) -> Document:
        return {
            "lines": [
                {"step": line.step.value, "says_zh": line.says_zh, "says_en": line.says_en}
                for line in aggregate.wording.lines
            ],
            "courtesy_phrases": list(aggregate.wording.courtesy_phrases),
            "changed_by": aggregate.changed_by,
            "changed_at": aggregate.changed_at,
        }

    def from_document(self, document: Document) -> ReceptionScript:
        return ReceptionScript(
            site_id=document["_id"],
            wording=ScriptWording(
                lines=tuple(
                    ScriptLine(ScriptStep(line["step"]), line["says_zh"], line["says_en"])
                    for line in document["lines"]
                ),
                courtesy_phrases=tuple(document["courtesy_phrases"]),
            ),
            changed_by=document["changed_by"],
            changed_at=document["changed_at"],
        )
