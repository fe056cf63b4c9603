"""Installs once into the cache what is not Python: Kafka jars with Maven, FerretDB with Go, the
console's htmx from the npm registry; and, for the browser tests, Debian's Chromium."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from hotline_infra.paths import INFRA, cache_dir

KAFKA_VERSION = "4.4.0"
FERRETDB_MODULE = "github.com/FerretDB/FerretDB"
FERRETDB_VERSION = "v1.24.2"
HTMX_VERSION = "2.0.4"
HTMX_INTEGRITY = "sha512-HLxMCdfXDOJirs3vBZl/ZLoY+c7PfM4Ahr2Ad4YXh6d22T5ltbTXFFkpx9Tgb2vvmWFMbIc3LqN2ToNkZJvyYQ=="
"""The registry's integrity of the htmx.org tarball: what we fetch is what was published."""
CHROMIUM = Path(os.environ.get("HOTLINE_CHROMIUM", "/usr/bin/chromium"))

# Fixes for lookups by _id and for atomic single-document updates; why, in the file itself.
FERRETDB_PATCH = INFRA / "ferretdb" / "fixes.patch"


class InstallError(RuntimeError):
    """An install step failed; the message says which and what it printed."""


def _run(command: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    if shutil.which(command[0]) is None:
        raise InstallError(
            f"{command[0]!r} is not on PATH; it is needed to install the infrastructure"
        )
    result = subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise InstallError(
            f"{' '.join(command)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result.stdout


def kafka_libs() -> Path:
    """Folder of the broker's jars, resolved from Maven Central on first use."""
    target = cache_dir() / f"kafka-{KAFKA_VERSION}" / "libs"
    marker = target.parent / "complete"
    if marker.exists():
        return target
    print(
        f"installing Apache Kafka {KAFKA_VERSION} jars with Maven into {target} ...",
        file=sys.stderr,
    )
    if target.exists():
        shutil.rmtree(target)
    _run(
        [
            "mvn",
            "-q",
            "-B",
            "-f",
            str(INFRA / "kafka" / "pom.xml"),
            f"-Dkafka.version={KAFKA_VERSION}",
            "dependency:copy-dependencies",
            f"-DoutputDirectory={target}",
            "-DincludeScope=runtime",
        ]
    )
    if not any(target.glob(f"kafka_2.13-{KAFKA_VERSION}.jar")):
        raise InstallError(f"Maven finished but kafka_2.13-{KAFKA_VERSION}.jar is not in {target}")
    marker.touch()
    return target


def ferretdb_binary() -> Path:
    """The FerretDB binary, built from its Go module on first use.

    ``go install`` builds a binary that refuses to start: the module as published lacks the
    generated ``build/version/version.txt``. So the module source is downloaded through the Go
    module proxy, that one file is written as FerretDB's docs say, the fixes in
    ``infra/ferretdb/fixes.patch`` are applied, and ``go build`` is run on it.
    """
    build = hashlib.sha256(FERRETDB_PATCH.read_bytes()).hexdigest()[:8]
    home = cache_dir() / f"ferretdb-{FERRETDB_VERSION}-{build}"
    binary = home / "ferretdb"
    if binary.exists():
        return binary
    print(f"building FerretDB {FERRETDB_VERSION} with Go into {binary} ...", file=sys.stderr)
    env = {"GOTOOLCHAIN": "local", "GOFLAGS": "-mod=mod"}
    info = json.loads(
        _run(["go", "mod", "download", "-json", f"{FERRETDB_MODULE}@{FERRETDB_VERSION}"], env=env)
    )
    source = home / "src"
    if source.exists():
        shutil.rmtree(source)
    shutil.copytree(info["Dir"], source)
    for path in source.rglob("*"):
        path.chmod(path.stat().st_mode | 0o200)
    (source / "build" / "version" / "version.txt").write_text(f"{FERRETDB_VERSION}\n")
    _run(["git", "apply", "--whitespace=nowarn", str(FERRETDB_PATCH)], cwd=source)
    partial = home / "ferretdb.partial"
    _run(["go", "build", "-o", str(partial), "./cmd/ferretdb"], cwd=source, env=env)
    partial.rename(binary)
    shutil.rmtree(source)
    return binary


def htmx_assets() -> Path:
    """The folder holding ``htmx.min.js`` for the console, fetched once from the npm registry and
    checked against the integrity the registry publishes (no copy of it in the repository)."""
    import base64
    import io
    import tarfile
    import urllib.request

    home = cache_dir() / f"htmx-{HTMX_VERSION}"
    script = home / "htmx.min.js"
    if script.exists():
        return home
    url = f"https://registry.npmjs.org/htmx.org/-/htmx.org-{HTMX_VERSION}.tgz"
    with urllib.request.urlopen(url, timeout=60) as response:
        tarball = response.read()
    algorithm, _, expected = HTMX_INTEGRITY.partition("-")
    if base64.b64encode(hashlib.new(algorithm, tarball).digest()).decode() != expected:
        raise InstallError(f"{url} does not match its published integrity {HTMX_INTEGRITY}")
    with tarfile.open(fileobj=io.BytesIO(tarball)) as archive:
        member = archive.extractfile("package/dist/htmx.min.js")
        if member is None:
            raise InstallError(f"{url} has no dist/htmx.min.js")
        home.mkdir(parents=True, exist_ok=True)
        partial = home / "htmx.min.js.partial"
        partial.write_bytes(member.read())
        partial.rename(script)
    return home


def chromium() -> Path | None:
    """Debian's Chromium for the browser tests: installed with apt-get when missing and this is
    a Debian machine we may install on (as CI's is); None, with a warning, elsewhere."""
    if CHROMIUM.exists():
        return CHROMIUM
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        print(
            f"warning: no Chromium at {CHROMIUM}: the browser tests need Debian's `chromium` "
            "(apt-get install chromium chromium-driver) or HOTLINE_CHROMIUM=<path>",
            file=sys.stderr,
        )
        return None
    env = {"DEBIAN_FRONTEND": "noninteractive"}
    _run(["apt-get", "update", "-qq"], env=env)
    # and a CJK font, so the console's Chinese shows in screenshots rather than empty boxes
    _run(
        ["apt-get", "install", "-y", "-qq", "chromium", "chromium-driver", "fonts-wqy-zenhei"],
        env=env,
    )
    return CHROMIUM


def install_all() -> None:
    """Install everything ``make run`` and ``make test`` need that is not Python."""
    print(f"kafka: {kafka_libs()}")
    print(f"ferretdb: {ferretdb_binary()}")
    print(f"htmx: {htmx_assets()}")
    print(f"chromium: {chromium() or 'missing (browser tests will fail)'}")
