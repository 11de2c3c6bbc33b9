"""Stamp the evidence that ``showcase.yml`` lists with where it came from.

``make evidence`` regenerates every file the manifest names and then runs
``python -m <package>.evidence stamp``: for each item this records the file's SHA-256, the
SHA-256 of every source file that makes it, the ``make`` target that made it (``--by``;
``make bench`` remakes some items at full size, ``make evidence`` at a quick size), the commit
it was made at and when, in the manifest's provenance file (``evidence/provenance.json``).
``scaffold showcase`` reads that record to show where each number came from, and
``scaffold showcase --check`` uses it to say which evidence is missing, edited or stale.

``python -m <package>.evidence check`` gives the same verdict without scaffolder installed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

MANIFEST = "showcase.yml"
DEFAULT_PROVENANCE = "evidence/provenance.json"


def load_manifest(root: Path) -> dict[str, Any]:
    """The manifest at ``root``, as a mapping (its full schema is scaffolder's to check)."""
    data = yaml.safe_load((root / MANIFEST).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("evidence"), dict):
        raise ValueError(f"{MANIFEST} needs an `evidence:` mapping of id -> item")
    return data


def source_files(root: Path, paths: list[str]) -> list[Path]:
    """Every file under ``paths``: folders walked, caches and hidden entries skipped."""
    found: set[Path] = set()
    for name in paths:
        path = root / name
        if path.is_file():
            found.add(path)
        elif path.is_dir():
            for child in path.rglob("*"):
                parts = child.relative_to(root).parts
                hidden = any(p.startswith(".") or p == "__pycache__" for p in parts)
                if child.is_file() and not hidden and child.suffix not in {".pyc", ".pyo"}:
                    found.add(child)
        else:
            raise FileNotFoundError(f"{MANIFEST} names source {name!r}, which does not exist")
    return sorted(found)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _commit(root: Path) -> str | None:
    result = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", "HEAD"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() or None


def stamp(root: Path, only: list[str] | None = None, by: str = "evidence") -> dict[str, Any]:
    """Record the provenance of every evidence item (or of ``only``), made by ``make {by}``;
    returns the record."""
    manifest = load_manifest(root)
    record_path = root / manifest.get("provenance", DEFAULT_PROVENANCE)
    record: dict[str, Any] = {"items": {}, "schema": 1}
    if record_path.is_file():
        record = json.loads(record_path.read_text(encoding="utf-8"))
    made_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    commit = _commit(root)
    items: dict[str, Any] = manifest["evidence"]
    for item_id in only or list(items):
        if item_id not in items:
            raise KeyError(f"{MANIFEST} has no evidence item {item_id!r}")
        item = items[item_id]
        path = root / item["path"]
        if not path.is_file():
            raise FileNotFoundError(f"{item['path']} was not made (evidence item {item_id!r})")
        sources = {
            p.relative_to(root).as_posix(): sha256(p)
            for p in source_files(root, list(item.get("sources", [])))
        }
        record["items"][item_id] = {
            "path": item["path"],
            "sha256": sha256(path),
            "command": f"make {by}",
            "commit": commit,
            "made_at": made_at,
            "sources": sources,
        }
    record["items"] = {k: v for k, v in sorted(record["items"].items()) if k in items}
    record_path.parent.mkdir(parents=True, exist_ok=True)
    record_path.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return record


def problems(root: Path) -> list[str]:
    """One line per evidence item that is missing, unstamped, edited or stale."""
    manifest = load_manifest(root)
    record_path = root / manifest.get("provenance", DEFAULT_PROVENANCE)
    stamps: dict[str, Any] = {}
    if record_path.is_file():
        stamps = json.loads(record_path.read_text(encoding="utf-8")).get("items", {})
    found = []
    for item_id, item in manifest["evidence"].items():
        path = root / item["path"]
        made = stamps.get(item_id)
        if not path.is_file():
            found.append(f"{item['path']}: missing; run make evidence")
        elif made is None:
            found.append(f"{item['path']}: not stamped; run make evidence")
        elif made["sha256"] != sha256(path):
            found.append(f"{item['path']}: changed after it was made; run make evidence")
        else:
            now = {
                p.relative_to(root).as_posix(): sha256(p)
                for p in source_files(root, list(item.get("sources", [])))
            }
            changed = sorted(set(now.items()) ^ set(made["sources"].items()))
            if changed:
                found.append(f"{item['path']}: older than {changed[0][0]}; run make evidence")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="evidence", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    stamp_cmd = commands.add_parser("stamp", help="record where each evidence file came from")
    stamp_cmd.add_argument("items", nargs="*", help="evidence ids (default: all)")
    stamp_cmd.add_argument("--by", default="evidence", help="the make target that made them")
    commands.add_parser("check", help="list evidence that is missing, edited or stale")
    args = parser.parse_args(argv)
    root = Path.cwd()
    try:
        if args.command == "stamp":
            record = stamp(root, args.items or None, by=args.by)
            print(f"stamped {len(record['items'])} evidence items", file=sys.stderr)
            return 0
        found = problems(root)
    except (OSError, KeyError, ValueError) as error:
        print(f"evidence: {error}".replace("evidence: [Errno 2] ", "evidence: "), file=sys.stderr)
        return 1
    for line in found:
        print(line, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
