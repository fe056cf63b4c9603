"""Residents' preferences, one document per address and channel, in notification's database."""

from __future__ import annotations

from collections.abc import Collection

from hotline_libs.mongo import Document
from hotline_libs.unit_of_work import AggregateRepository

from notification.domain.preferences import ContactPreference, OptedOutVia, preference_id
from notification.domain.templates import Channel

PREFERENCES = "contact_preferences"


class MongoPreferences(AggregateRepository[ContactPreference]):
    collection_name = PREFERENCES

    def identity(self, aggregate: ContactPreference) -> str:
        return aggregate.preference_id

    def to_document(self, aggregate: ContactPreference) -> Document:
        p = aggregate
        return {
            "channel": p.channel.value,
            "address": p.address,
            "opted_out": p.opted_out,
            "opted_out_via": p.opted_out_via.value if p.opted_out_via else None,
            "opted_out_by": p.opted_out_by,
            "blocked": p.blocked,
            "block_reason": p.block_reason,
            "blocked_by": p.blocked_by,
            "changed_at": p.changed_at,
            "language": p.language,
            "language_recorded_at": p.language_recorded_at,
        }

    def from_document(self, document: Document) -> ContactPreference:
        via = document.get("opted_out_via")
        return ContactPreference(
            channel=Channel(document["channel"]),
            address=document["address"],
            opted_out=document["opted_out"],
            opted_out_via=OptedOutVia(via) if via else None,
            opted_out_by=document.get("opted_out_by"),
            blocked=document["blocked"],
            block_reason=document.get("block_reason"),
            blocked_by=document.get("blocked_by"),
            changed_at=document.get("changed_at"),
            language=document.get("language"),
            language_recorded_at=document.get("language_recorded_at"),
        )

    async def of_addresses(
        self, addresses: Collection[tuple[Channel, str]]
    ) -> dict[str, ContactPreference]:
        """The preferences kept for ``addresses``, by ``preference_id``: one read for all."""
        ids = sorted({preference_id(channel, address) for channel, address in addresses})
        if not ids:
            return {}
        found = await self.find({"_id": {"$in": ids}})
        return {p.preference_id: p for p in found}

    async def refusing(self) -> dict[str, ContactPreference]:
        """Every address opted out or blocked, by ``preference_id``: what a broadcast to a
        whole site screens its readers against, in one read (few, against a site's readers)."""
        found = await self.find({"$or": [{"opted_out": True}, {"blocked": True}]})
        return {p.preference_id: p for p in found}
