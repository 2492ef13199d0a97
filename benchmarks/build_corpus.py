"""Build the benchmark corpora reproducibly into `benchmarks/.corpus/`.

- small: the standard library of the running interpreter (its `Lib/`, without site-packages);
- large: the same standard library plus the wheels pinned (version and sha256) in
  `corpus-requirements.txt`, downloaded for one fixed platform and Python tag so that every
  machine gets the same files.

Only `.py .pyi .yml .yaml .env .toml` files are kept. For each corpus the script prints (and writes
to `<corpus>/manifest.json`) the file count, the total size and a content digest: the sha256 over
the sorted relative paths and the sha256 of each file's bytes. Two machines with the same digest
benchmark the same bytes.

Usage: python benchmarks/build_corpus.py [--corpus small|large|all] [--force]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS_ROOT = HERE / ".corpus"
REQUIREMENTS = HERE / "corpus-requirements.txt"
KEPT_SUFFIXES = (".py", ".pyi", ".yml", ".yaml", ".env", ".toml")
WHEEL_TARGET = (
    "--platform", "manylinux_2_17_x86_64", "--python-version", "3.13",
    "--implementation", "cp", "--abi", "cp313",
)  # fmt: skip
STDLIB_SKIPPED_DIRS = frozenset({"site-packages", "dist-packages", "__pycache__", "lib-dynload"})
BENCH_CONFIG = "respect-gitignore = false\nextend-exclude = []\n"
"""The timeoutlint configuration the runner uses: the corpus is inside this repository's
gitignored `.corpus/`, so gitignore must not hide it (ruff gets `--no-respect-gitignore`)."""


@dataclass(frozen=True)
class Manifest:
    name: str
    python: str
    files: int
    bytes: int
    digest: str
    wheels: tuple[str, ...]


def _kept(name: str) -> bool:
    return name.endswith(KEPT_SUFFIXES) or name == ".env"


def _copy_stdlib(target: Path) -> None:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for directory, dirnames, filenames in os.walk(stdlib):
        dirnames[:] = sorted(d for d in dirnames if d not in STDLIB_SKIPPED_DIRS)
        relative = Path(directory).relative_to(stdlib)
        for name in sorted(filenames):
            if not _kept(name):
                continue
            destination = target / relative / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(directory) / name, destination)


def _download_wheels(wheels: Path) -> list[Path]:
    wheels.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
        "--only-binary", ":all:", "--require-hashes", *WHEEL_TARGET,
        "-d", str(wheels), "-r", str(REQUIREMENTS),
    ]  # fmt: skip
    subprocess.run(command, check=True)
    return sorted(wheels.glob("*.whl"))


def _unpack_wheel(wheel: Path, target: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        for member in sorted(archive.infolist(), key=lambda m: m.filename):
            name = member.filename
            if member.is_dir() or not _kept(name.rsplit("/", 1)[-1]):
                continue
            if name.startswith("/") or ".." in name.split("/"):
                continue
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(archive.read(member))


def _digest(tree: Path) -> tuple[int, int, str]:
    digest = hashlib.sha256()
    count = size = 0
    paths = sorted(
        (p for p in tree.rglob("*") if p.is_file() and _kept(p.name)),
        key=lambda p: p.relative_to(tree).as_posix(),
    )
    for path in paths:
        data = path.read_bytes()
        count += 1
        size += len(data)
        digest.update(path.relative_to(tree).as_posix().encode("utf-8"))
        digest.update(b"\0")
        digest.update(hashlib.sha256(data).digest())
    return count, size, digest.hexdigest()


def build(name: str, force: bool) -> Manifest:
    corpus = CORPUS_ROOT / name
    manifest_path = corpus / "manifest.json"
    python = sys.version.split()[0]
    if manifest_path.is_file() and not force:
        manifest = Manifest(**json.loads(manifest_path.read_text(encoding="utf-8")))
        if manifest.python == python:
            return manifest
    if corpus.exists():
        shutil.rmtree(corpus)
    tree = corpus / "tree"
    _copy_stdlib(tree / "stdlib")
    wheel_names: list[str] = []
    if name == "large":
        for wheel in _download_wheels(CORPUS_ROOT / "wheels"):
            _unpack_wheel(wheel, tree / "wheels" / wheel.name.split("-")[0].lower())
            wheel_names.append(wheel.name)
    count, size, digest = _digest(tree)
    manifest = Manifest(name, python, count, size, digest, tuple(wheel_names))
    manifest_path.write_text(json.dumps(asdict(manifest), indent=2) + "\n", encoding="utf-8")
    (corpus / "timeoutlint.toml").write_text(BENCH_CONFIG, encoding="utf-8")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=("small", "large", "all"), default="all")
    parser.add_argument("--force", action="store_true", help="Rebuild even if present.")
    arguments = parser.parse_args()
    names = ("small", "large") if arguments.corpus == "all" else (arguments.corpus,)
    for name in names:
        manifest = build(name, arguments.force)
        print(
            f"{manifest.name}: {manifest.files} files, {manifest.bytes / 1e6:.1f} MB, "
            f"sha256 {manifest.digest} (Python {manifest.python}, {len(manifest.wheels)} wheels)"
        )


if __name__ == "__main__":
    main()
