"""``python -m hotline_infra COMMAND``: install, start and stop the platform on this machine.

Commands:
  install   download Kafka's jars and build FerretDB into the cache (once)
  run       start the infrastructure and all five services with demo data; Ctrl-C stops all
  up        start only the infrastructure, in the background (``down`` stops it)
  down      stop what ``up`` started
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

from hotline_infra.install import install_all
from hotline_infra.paths import run_dir
from hotline_infra.stack import SERVICES, Ports, Stack

COLOURS = {"intake": 36, "dispatch": 33, "billing": 35, "callback": 32, "notification": 34}


def _follow(stack: Stack, stop: threading.Event) -> None:
    """Print what the services log from now on, each line tagged with its service."""
    offsets = {name: _size(stack.logs / f"{name}.log") for name in SERVICES}
    while not stop.is_set():
        for name in SERVICES:
            path = stack.logs / f"{name}.log"
            if not path.exists():
                continue
            with path.open("rb") as log:
                log.seek(offsets[name])
                chunk = log.read()
                offsets[name] += len(chunk)
            for line in chunk.decode(errors="replace").splitlines():
                tag = (
                    f"\033[{COLOURS[name]}m{name:>12}\033[0m"
                    if sys.stdout.isatty()
                    else f"{name:>12}"
                )
                print(f"{tag} | {line}", flush=True)
        stop.wait(0.3)


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _banner(stack: Stack) -> str:
    lines = [
        "",
        "hotline platform is up",
        "",
        f"  console        {stack.console_url}/  (sign in: choose a role)",
        "",
    ]
    for name in SERVICES:
        url = stack.service_url(name)
        lines.append(f"  {name:<13} {url}   API docs: {url}/docs")
    lines += [
        "",
        f"  Kafka          {stack.kafka_bootstrap}",
        f"  store          {stack.mongo_url}  (FerretDB, MongoDB wire protocol)",
        f"  SMS sink       {stack.sms_url}/  (page), messages in {stack.sms_dir / 'messages.jsonl'}",
        f"  mail sink      smtp://127.0.0.1:{stack.ports.smtp}, mail as .eml files in {stack.mail_dir}",
        f"  logs           {stack.logs}",
        "",
        "  token:  TOKEN=$(make -s token)",
        "  try:    see README.md, 'Register a request'",
        "",
        "Ctrl-C stops everything.",
        "",
    ]
    return "\n".join(lines)


def run() -> None:
    install_all()
    stack = Stack(run_dir(), Ports.defaults())
    stopping = threading.Event()

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    # a shell without job control starts background jobs with SIGINT ignored; Ctrl-C must stop us
    signal.signal(signal.SIGINT, signal.default_int_handler)
    follower = threading.Thread(target=_follow, args=(stack, stopping), daemon=True)
    try:
        stack.start_infra()
        follower.start()
        stack.start_services()
        stack.start_console()
        print(_banner(stack), flush=True)
        while True:
            for name, process in list(stack.services.items()):
                if not process.running:
                    print(f"{name} exited; restarting it", flush=True)
                    if name == "console":
                        stack.start_console(wait=False)
                    else:
                        stack.start_service(name, wait=False)
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nstopping ...", flush=True)
    finally:
        # Ctrl-C reaches make, uv and us at once, and uv forwards it again: stop only once
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stopping.set()
        stack.stop()
        print("stopped.", flush=True)


def _pid_file() -> Path:
    return run_dir() / "infra.pids.json"


def up() -> None:
    install_all()
    stack = Stack(run_dir(), Ports.defaults())
    stack.start_infra()
    pids = {name: p.process.pid for name, p in stack.infra.items() if p.process is not None}
    _pid_file().write_text(json.dumps(pids))
    print(
        f"infrastructure up: Kafka {stack.kafka_bootstrap}, store {stack.mongo_url}, "
        f"SMS sink {stack.sms_url}, SMTP 127.0.0.1:{stack.ports.smtp}; `make infra-down` stops it"
    )


def down() -> None:
    path = _pid_file()
    if not path.exists():
        print("nothing to stop: no infrastructure started with `make infra-up`")
        return
    for name, pid in reversed(list(json.loads(path.read_text()).items())):
        try:
            os.killpg(pid, signal.SIGTERM)
            print(f"stopping {name} (pid {pid})")
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 20
    for pid in json.loads(path.read_text()).values():
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.2)
    path.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m hotline_infra",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("command", choices=["install", "run", "up", "down"])
    command = parser.parse_args().command
    {"install": install_all, "run": run, "up": up, "down": down}[command]()


if __name__ == "__main__":
    main()
