"""Drives load through the running platform and counts its effects where they land.

``make bench`` (``python -m hotline_bench``) measures throughput and latency against this
machine's own limits; ``make chaos`` (``python -m hotline_bench.chaos``) proves nothing is lost
or doubled while processes crash. The end-to-end tests use the same flow driver.
"""

import signal
import sys


def stop_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C, so the stack's child processes (each in a session of its
    own, out of reach of the terminal's signals) are stopped by the caller's ``finally``."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
