"""A domestic bank's return file (回盘文件) to a batch collection file, read as its spec
(``domestic_spec``) lays it out into the same ``BankAnswer`` as the ISO 20022 answers.

The file comes from outside: it is refused above the size limit, each line is decoded in the
spec's encoding (bytes it cannot read name their line), and every problem of every line is
collected, then refused together naming lines: a record of the wrong number of fields or bytes,
an unknown marker or status code, a rejection without a reason code, an amount that is not one,
a missing or misplaced header or trailer, and the header's and trailer's count and totals
against the detail lines. The header's batch id is the collection file it answers.
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal

from billing.adapters.bank_files.domestic_spec import Column, DomesticSpec, Record
from billing.adapters.bank_files.returns import (
    MAX_BYTES,
    AnswerLine,
    AnswerRefused,
    BankAnswer,
    Outcome,
)

ERRORS_SHOWN = 200
"""Problems a refused return file names one by one (the count says how many more)."""
YUAN = re.compile(r"\d{1,15}(\.\d{1,2})?")
FEN = re.compile(r"\d{1,17}")
COUNT = re.compile(r"\d{1,9}")


class _Problems:
    """Every problem of a return file, the first ``ERRORS_SHOWN`` by name."""

    def __init__(self) -> None:
        self.shown: list[str] = []
        self.count = 0

    def add(self, problem: str) -> None:
        self.count += 1
        if len(self.shown) < ERRORS_SHOWN:
            self.shown.append(problem)

    def refuse(self) -> None:
        if self.count:
            more = self.count - len(self.shown)
            raise AnswerRefused(self.shown + ([f"and {more:,} more"] if more else []))


class _Reader:
    """One return file's lines as records of the spec: each line's kind and its values."""

    def __init__(self, spec: DomesticSpec, problems: _Problems) -> None:
        self.spec, self.problems = spec, problems
        layout = spec.return_file
        self.kinds: dict[str, tuple[str, Record[str]]] = {
            record.marker: (kind, record) for kind, record in layout.records()
        }

    def record(self, number: int, raw: bytes) -> tuple[str, dict[str, str]] | None:
        """The line's kind (header, detail, trailer) and its values by source; ``None`` after
        naming its problem."""
        if self.spec.separator is None:
            return self._fixed(number, raw)
        try:
            text = raw.decode(self.spec.encoding)
        except UnicodeDecodeError as unreadable:
            self.problems.add(
                f"line {number}: byte {unreadable.start + 1} cannot be read as {self.spec.encoding}"
            )
            return None
        fields = text.split(self.spec.separator)
        if self.spec.trailing_separator:
            if fields[-1].strip():
                self.problems.add(
                    f"line {number}: does not end with the separator {self.spec.separator!r}"
                )
                return None
            fields.pop()
        found = self.kinds.get(fields[0].strip())
        if found is None:
            self._unknown(number, fields[0])
            return None
        kind, record = found
        if len(fields) != len(record.columns) + 1:
            self.problems.add(
                f"line {number}: {len(fields)} fields where a {kind} line has "
                f"{len(record.columns) + 1}"
            )
            return None
        return kind, {
            column.source: value.strip()
            for column, value in zip(record.columns, fields[1:], strict=True)
            if column.source is not None
        }

    def _fixed(self, number: int, raw: bytes) -> tuple[str, dict[str, str]] | None:
        encoding = self.spec.encoding
        for marker, (kind, record) in self.kinds.items():
            start = len(marker.encode(encoding))
            if raw[:start] != marker.encode(encoding):
                continue
            size = start + sum(column.width or 0 for column in record.columns)
            if len(raw) != size:
                self.problems.add(f"line {number}: {len(raw)} bytes where a {kind} line has {size}")
                return None
            values: dict[str, str] = {}
            for column in record.columns:
                end = start + (column.width or 0)
                piece, start = raw[start:end], end
                if column.source is None:
                    continue
                try:
                    text = piece.decode(encoding)
                except UnicodeDecodeError:
                    self.problems.add(
                        f"line {number}: {column.name} (bytes {end - len(piece) + 1} to {end}) "
                        f"cannot be read as {encoding}"
                    )
                    return None
                stripped = (
                    text.rstrip(column.pad) if column.align == "left" else text.lstrip(column.pad)
                )
                if not stripped and column.pad == "0":
                    stripped = "0"
                values[column.source] = stripped.strip()
            return kind, values
        self._unknown(number, raw[:10].decode(encoding, "replace"))
        return None

    def _unknown(self, number: int, start: str) -> None:
        kinds = ", ".join(f"{kind} ({marker})" for marker, (kind, _) in self.kinds.items())
        self.problems.add(f"line {number}: starts with {start!r}, not a record of {kinds}")


def _amount(text: str, column: Column[str]) -> Decimal | None:
    if column.amount == "fen":
        return Decimal(text) / 100 if FEN.fullmatch(text) else None
    return Decimal(text) if YUAN.fullmatch(text) else None


def _column(record: Record[str], source: str) -> Column[str]:
    return next(column for column in record.columns if column.source == source)


class _Sums:
    """What the detail lines add up to, by what a header or trailer may state."""

    def __init__(self) -> None:
        self.counts = {"count": 0, "settled_count": 0, "rejected_count": 0}
        self.totals = {
            "total": Decimal(0),
            "settled_total": Decimal(0),
            "rejected_total": Decimal(0),
        }
        self.lines_read = self.amounts_read = self.statuses_read = True
        """Sums are compared only over lines that could be read: a line that could not is
        named, and a sum missing it would only say so again."""

    def add(self, outcome: Outcome | None, amount: Decimal | None) -> None:
        self.counts["count"] += 1
        self.statuses_read &= outcome is not None
        self.amounts_read &= amount is not None
        self.totals["total"] += amount or 0
        if outcome is not None:
            self.counts[f"{outcome.value}_count"] += 1
            self.totals[f"{outcome.value}_total"] += amount or 0

    def check(
        self,
        number: int,
        kind: str,
        record: Record[str],
        values: dict[str, str],
        problems: _Problems,
    ) -> None:
        """The header's or trailer's count and totals against the detail lines; a sum is not
        compared when a line's amount or status could not be read (that line is named)."""
        for source, text in values.items():
            if source == "batch_id":
                continue
            column = _column(record, source)
            name = f"line {number} ({kind}): {column.name} ({source})"
            lines = "detail lines" if source in ("count", "total") else f"{source[:-6]} lines"
            stated: Decimal | int | None
            if source.endswith("count"):
                stated = int(text) if COUNT.fullmatch(text) else None
                found: Decimal | int = self.counts[source]
                trusted = source == "count" or self.statuses_read
                unread, shown, found_shown = "a number", f"{stated}", f"{found} {lines}"
            else:
                stated = _amount(text, column)
                found = self.totals[source]
                trusted = self.amounts_read and (source == "total" or self.statuses_read)
                unread = f"an amount in {column.amount}"
                shown, found_shown = f"{stated or 0:.2f}", f"{lines} adding up to {found:.2f}"
            if stated is None:
                problems.add(f"{name} {text!r} is not {unread}")
            elif trusted and self.lines_read and stated != found:
                problems.add(f"{name} says {shown}; the file has {found_shown}")


def read_domestic_answer(data: bytes, spec: DomesticSpec) -> BankAnswer:
    """The lines of the bank's return file laid out by ``spec``; ``AnswerRefused`` naming
    every problem by its line."""
    if len(data) > MAX_BYTES:
        raise AnswerRefused([f"the file is {len(data):,} bytes: more than {MAX_BYTES:,}"])
    layout = spec.return_file
    problems = _Problems()
    reader = _Reader(spec, problems)
    sums = _Sums()
    header: tuple[int, dict[str, str]] | None = None
    trailer: tuple[int, dict[str, str]] | None = None
    lines: list[AnswerLine] = []
    seen_lines = 0
    for number, raw in enumerate(data.splitlines(), start=1):
        if not raw.strip():
            continue
        seen_lines += 1
        if trailer is not None:
            problems.add(f"line {number}: after the trailer (line {trailer[0]})")
        found = reader.record(number, raw)
        if found is None:
            sums.lines_read = False
            continue
        kind, values = found
        if kind == "header":
            if seen_lines != 1:
                problems.add(f"line {number}: a header where only the first line may be one")
            header = (number, values)
        elif kind == "trailer":
            trailer = (number, values)
        else:
            line = _answer_line(number, values, spec, problems, sums)
            if line is not None:
                lines.append(line)
    for kind, record, place in (
        ("header", layout.header, header),
        ("trailer", layout.trailer, trailer),
    ):
        if place is None:
            problems.add(f"the file has no {kind} line (marker {record.marker!r})")
        else:
            sums.check(place[0], kind, record, place[1], problems)
    if header is not None and sums.lines_read and sums.counts["count"] == 0:
        problems.add("the file answers no debit: nothing to apply")
    problems.refuse()
    return BankAnswer(
        kind=spec.answer_kind,
        digest=hashlib.sha256(data).hexdigest(),
        message_id=None,
        original_message_id=(header[1].get("batch_id") or None) if header else None,
        lines=tuple(lines),
        positions="line",
    )


def _answer_line(
    number: int, values: dict[str, str], spec: DomesticSpec, problems: _Problems, sums: _Sums
) -> AnswerLine | None:
    layout = spec.return_file
    e2e = values["end_to_end_id"]
    where = f"line {number}" + (f" ({e2e})" if e2e else "")
    amount: Decimal | None = None
    if "amount" in values:
        column = _column(layout.detail, "amount")
        amount = _amount(values["amount"], column)
        if amount is None or amount <= 0:
            problems.add(
                f"{where}: amount {values['amount']!r} is not an amount in {column.amount} above zero"
            )
            amount = None
    status = values["status"]
    outcome = (
        Outcome.SETTLED
        if status in layout.settled
        else Outcome.REJECTED
        if status in layout.rejected
        else None
    )
    sums.add(outcome, amount)
    if not e2e:
        problems.add(f"{where}: no {_column(layout.detail, 'end_to_end_id').name} (end_to_end_id)")
    if outcome is None:
        problems.add(
            f"{where}: status {status!r} is not one of the bank's codes (settled: "
            f"{', '.join(layout.settled)}; rejected: {', '.join(layout.rejected)})"
        )
        return None
    reason_code = reason = None
    if outcome is Outcome.REJECTED:
        code = values["reason_code"]
        if not code:
            problems.add(f"{where}: rejected without a reason code")
            return None
        reason_code, reason = layout.reasons.get(code, code), values.get("reason") or None
    return AnswerLine(number, e2e, outcome, amount, reason_code, reason) if e2e else None
