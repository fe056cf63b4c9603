"""Row 4 of ``make bench``: billing's pain.008 writer on 1,000,000 debits (seconds and peak
memory), and side by side on the same 100,000 debits against the ``sepaxml`` library's.

Each measurement runs in a process of its own (``python -m hotline_bench.bank_file WRITER N``),
so its peak resident memory is the writer's alone; the debits come from a generator, as they
come from a store cursor in billing, and the file goes to a temporary directory. The targets
(issue #11): 1,000,000 debits in at most 30 s and 300 MB; at least 3× faster than ``sepaxml``
with at most a fifth of its peak memory.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from billing.adapters.bank_files.collection_file import (
    Account,
    CollectionFile,
    Creditor,
    Debit,
)
from billing.adapters.bank_files.pain008 import write_pain008

MILLION, COMPARED = 1_000_000, 100_000
CREDITOR = Creditor(
    name="Hotline Property Services Co Ltd",
    account=Account("DE89370400440532013000", "COBADEFFXXX"),
    scheme_id="DE98ZZZ09999999999",
)
COLLECTION_DAY = date(2026, 12, 4)
SIGNED = date(2025, 3, 1)


def amount(n: int) -> Decimal:
    """Plausible monthly fees and service charges: 35.00 to 534.99 yuan."""
    return Decimal(3500 + (n * 7919) % 50_000) / 100


def debits(count: int) -> Iterator[Debit]:
    for n in range(1, count + 1):
        yield Debit(
            end_to_end_id=f"FEE-DMG-202612-{n:08d}",
            amount=amount(n),
            mandate_id=f"MD-DMG-{n:08d}",
            mandate_signed_on=SIGNED,
            debtor_name=f"Resident {n}",
            debtor_account=Account("DE02120300000000202051", "BYLADEM1001"),
            remittance=f"Management fee 2026-12 unit {n}",
        )


def ours(count: int, folder: Path) -> None:
    total = sum((amount(n) for n in range(1, count + 1)), Decimal(0))
    header = CollectionFile(
        message_id="BENCH-202612",
        created_at=datetime.now(UTC),
        collection_date=COLLECTION_DAY,
        creditor=CREDITOR,
        number_of_debits=count,
        control_sum=total,
        currency="EUR",  # sepaxml writes EUR only: the same file for both writers
    )
    write_pain008(folder / "ours.xml", header, debits(count))


def theirs(count: int, folder: Path) -> None:
    from sepaxml import SepaDD  # the library compared against, in the bench only

    sepa = SepaDD(
        {
            "name": CREDITOR.name,
            "IBAN": CREDITOR.account.number,
            "BIC": CREDITOR.account.bank,
            "batch": True,
            "creditor_id": CREDITOR.scheme_id,
            "currency": "EUR",
        },
        schema="pain.008.001.08",
        clean=True,
    )
    for debit in debits(count):
        sepa.add_payment(
            {
                "name": debit.debtor_name,
                "IBAN": debit.debtor_account.number,
                "BIC": debit.debtor_account.bank,
                "amount": int(debit.amount * 100),
                "type": "RCUR",
                "collection_date": COLLECTION_DAY,
                "mandate_id": debit.mandate_id,
                "mandate_date": debit.mandate_signed_on,
                "description": debit.remittance,
                "endtoend_id": debit.end_to_end_id,
            }
        )
    (folder / "theirs.xml").write_bytes(sepa.export(validate=False))


def measure(writer: str, count: int) -> dict[str, Any]:
    """One writer on ``count`` debits in a fresh process: seconds and peak memory."""
    done = subprocess.run(
        [sys.executable, "-m", "hotline_bench.bank_file", writer, str(count)],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    if done.returncode != 0:
        return {"writer": writer, "debits": count, "error": done.stderr.strip()[-500:]}
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def bank_file_row() -> dict[str, Any]:
    million = measure("ours", MILLION)
    ours_100k = measure("ours", COMPARED)
    theirs_100k = measure("sepaxml", COMPARED)
    row: dict[str, Any] = {"million": million, "ours_100k": ours_100k, "sepaxml_100k": theirs_100k}
    if all("error" not in r for r in (million, ours_100k, theirs_100k)):
        row["speedup"] = theirs_100k["seconds"] / ours_100k["seconds"]
        row["memory_ratio"] = ours_100k["peak_mb"] / theirs_100k["peak_mb"]
        row["targets_met"] = (
            million["seconds"] <= 30
            and million["peak_mb"] <= 300
            and row["speedup"] >= 3
            and row["memory_ratio"] <= 0.2
        )
    return row


def peak_resident_kb() -> int:
    """This process's own peak resident memory, KiB: the kernel's high-water mark of its memory
    (``VmHWM``, which starts anew at exec), not ``ru_maxrss``, which Linux carries over from the
    process that started it (the bench itself, a hundred megabytes)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    writer, count = sys.argv[1], int(sys.argv[2])
    with tempfile.TemporaryDirectory(prefix="hotline-bank-file-") as folder:
        started = time.perf_counter()
        (ours if writer == "ours" else theirs)(count, Path(folder))
        seconds = time.perf_counter() - started
        size = sum(p.stat().st_size for p in Path(folder).iterdir())
    peak_kb = peak_resident_kb()
    print(
        json.dumps(
            {
                "writer": writer,
                "debits": count,
                "seconds": round(seconds, 2),
                "peak_mb": round(peak_kb / 1024, 1),
                "file_mb": round(size / 2**20, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
