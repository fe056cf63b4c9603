"""Template versions, one document per message type, channel and language with all its
versions, in notification's own database; the approved text of each kept beside them
(``current``, only while one is approved) so that sending reads those few fields alone."""

from __future__ import annotations

import time
from typing import ClassVar

from hotline_libs.mongo import Document
from hotline_libs.unit_of_work import AggregateRepository

from notification.domain.template_versions import (
    TemplateBook,
    TemplateHistory,
    TemplateKey,
    TemplateVersion,
    VersionState,
)
from notification.domain.templates import Channel, Language, TemplateText

TEMPLATES = "templates"
BOOK_KEPT_S = 5.0
"""How long a process keeps the approved texts it read before reading them again. Measured on
the test stack's FerretDB (its SQLite handler, a loaded 2-core host): the query for them takes
10-15 ms at the median where a read by id takes 1-2 ms, on the path of every event that tells a
resident; kept 5 s it costs one read per 5 s instead. An approval or a rejection in this process
forgets them at once; another replica sends the text approved before for at most 5 s more."""


def _version(v: TemplateVersion) -> Document:
    return {
        "number": v.number,
        "subject": v.text.subject,
        "body": v.text.body,
        "state": v.state.value,
        "written_by": v.written_by,
        "written_at": v.written_at,
        "decided_by": v.decided_by,
        "decided_at": v.decided_at,
        "reason": v.reason,
        "retired_at": v.retired_at,
    }


def _from_version(d: Document) -> TemplateVersion:
    return TemplateVersion(
        number=d["number"],
        text=TemplateText(d["subject"], d["body"]),
        state=VersionState(d["state"]),
        written_by=d["written_by"],
        written_at=d["written_at"],
        decided_by=d.get("decided_by"),
        decided_at=d.get("decided_at"),
        reason=d.get("reason"),
        retired_at=d.get("retired_at"),
    )


def _key(d: Document) -> TemplateKey:
    return TemplateKey(d["message_type"], Channel(d["channel"]), Language(d["language"]))


class MongoTemplates(AggregateRepository[TemplateHistory]):
    """No events: a template's versions are notification's own (nothing is published)."""

    collection_name = TEMPLATES
    markers = frozenset({"current"})
    _books: ClassVar[dict[str, tuple[float, TemplateBook]]] = {}
    """The approved texts each database had when last read (monotonic time, book)."""

    def identity(self, aggregate: TemplateHistory) -> str:
        return str(aggregate.key)

    def to_document(self, aggregate: TemplateHistory) -> Document:
        k = aggregate.key
        current = aggregate.current
        return {
            "message_type": k.message_type,
            "channel": k.channel.value,
            "language": k.language.value,
            "versions": [_version(v) for v in aggregate.versions],
            "current": None
            if current is None
            else {
                "number": current.number,
                "subject": current.text.subject,
                "body": current.text.body,
            },
        }

    def from_document(self, document: Document) -> TemplateHistory:
        return TemplateHistory(
            key=_key(document), versions=[_from_version(v) for v in document["versions"]]
        )

    async def all(self) -> list[TemplateHistory]:
        """Every template that has a version, for reading."""
        return await self.find({}, sort=[("_id", 1)])

    async def book(self) -> TemplateBook:
        """The approved texts: one read of the few documents having one, their ``current``
        alone, kept ``BOOK_KEPT_S`` in this process."""
        where = self._collection.database.name
        kept = self._books.get(where)
        if kept is not None and time.monotonic() - kept[0] < BOOK_KEPT_S:
            return kept[1]
        book = await self._read_book()
        self._books[where] = (time.monotonic(), book)
        return book

    def changed(self) -> None:
        """A version was approved or rejected: the next ``book`` reads the store again."""
        self._books.pop(self._collection.database.name, None)

    async def _read_book(self) -> TemplateBook:
        approved = {}
        projection = {"message_type": 1, "channel": 1, "language": 1, "current": 1}
        async for d in self._collection.find({"current": {"$exists": True}}, projection):
            c = d["current"]
            approved[_key(d)] = (c["number"], TemplateText(c["subject"], c["body"]))
        return TemplateBook(approved)
