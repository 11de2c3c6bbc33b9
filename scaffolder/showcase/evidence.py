"""Reading the evidence a manifest names: values, where each came from, and whether it is fresh.

The freshness rule is the generated repository's own ``<package>.evidence`` module, loaded from
the bundled templates (same walk of ``sources``, same hashes), so ``make evidence`` and
``scaffold showcase --check`` can never disagree about what is stale.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import io
import json
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from scaffolder.errors import ShowcaseError, ShowcaseStaleError
from scaffolder.showcase.manifest import CLAIM_KINDS, Headline, Item, Manifest, Ref
from scaffolder.showcase.values import FormatError, formatted
from scaffolder.showcase.values import number as as_number
from scaffolder.store import TemplateStore

CLAIM_COLUMNS = ("claim", "kind", "published", "reproduced", "tolerance", "status")
_PNG = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Stamp:
    """What ``make evidence`` recorded about one item."""

    sha256: str
    command: str
    commit: str | None
    made_at: str
    sources: dict[str, str]

    @property
    def short_commit(self) -> str:
        return self.commit[:7] if self.commit else "no commit"


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Number:
    """One headline number, formatted, with where it came from."""

    label: str
    text: str
    item: Item
    address: str  # the key or the cell it was read from
    stamp: Stamp | None
    value: float | None = None  # the number itself, to judge against a target


def _stamp_module() -> ModuleType:
    """The generated repositories' own ``evidence`` module, from the bundled templates.

    One source of truth for which files a source folder holds and how they are hashed: the
    module ``make evidence`` runs to stamp is the very one used here to check the stamp.
    """
    path = TemplateStore.installed().templates_dir / "_shared" / "evidence.py"
    spec = importlib.util.spec_from_file_location("scaffolder_stamp_rule", path)
    if spec is None or spec.loader is None:
        raise ShowcaseError(f"{path} is missing; reinstall scaffolder")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_STAMP = _stamp_module()


def sha256(path: Path) -> str:
    return str(_STAMP.sha256(path))


def source_files(root: Path, paths: tuple[str, ...]) -> list[Path]:
    """Every file under ``paths`` (folders walked, caches and hidden entries skipped)."""
    try:
        return list(_STAMP.source_files(root, list(paths)))
    except FileNotFoundError as exc:
        raise ShowcaseError(f"{exc}; fix the item's `sources:`") from None


class Evidence:
    """The evidence of one repository, read once."""

    def __init__(self, manifest: Manifest) -> None:
        self.manifest = manifest
        self.root = manifest.root
        self.stamps = self._read_stamps()
        self._cache: dict[str, Any] = {}

    def _read_stamps(self) -> dict[str, Stamp]:
        path = self.root / self.manifest.provenance
        if not path.is_file():
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return {
                item_id: Stamp(
                    sha256=str(raw["sha256"]),
                    command=str(raw["command"]),
                    commit=raw.get("commit"),
                    made_at=str(raw.get("made_at", "")),
                    sources={str(k): str(v) for k, v in raw["sources"].items()},
                )
                for item_id, raw in data["items"].items()
            }
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ShowcaseError(
                f"{self.manifest.provenance} is not a provenance record; "
                "run make evidence to write it again"
            ) from exc

    def path(self, item: Item) -> Path:
        return self.root / item.path

    def read(self, item: Item) -> Any:
        """The item's content by kind: a mapping, a Table, text, or the file's bytes."""
        if item.id in self._cache:
            return self._cache[item.id]
        path = self.path(item)
        if not path.is_file():
            raise ShowcaseStaleError(
                f"{item.path} is missing (evidence {item.id!r}); run make {item.make}"
            )
        raw = path.read_bytes()
        value: Any
        try:
            if item.kind == "metrics":
                value = _json_object(raw)
            elif item.kind in ("table", "claims"):
                value = _table(raw.decode("utf-8"))
                if item.kind == "claims":
                    _check_claims(value)
            elif item.kind == "figure":
                value = _image(raw, path)
            elif item.kind in ("diagram", "document"):
                value = raw.decode("utf-8")
            else:
                value = raw
        except (ValueError, UnicodeDecodeError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ShowcaseStaleError(
                f"{item.path} is malformed ({item.kind}: {reason}); run make {item.make}"
            ) from exc
        self._cache[item.id] = value
        return value

    def raw(self, ref: Ref, what: str) -> tuple[Any, str]:
        """The value ``ref`` points at, and its address (the key or the cell) for provenance."""
        item = self.manifest.items[ref.evidence]
        content = self.read(item)
        if item.kind == "metrics":
            return lookup(content, ref.key, item, what), ref.key
        if item.kind == "claims":
            value = claim_counts(content).get(ref.key)
            if value is None:
                raise ShowcaseError(
                    f"{what} asks claims for {ref.key!r}; use ratio, passed, failed, total, "
                    "or ratio.<kind>, passed.<kind>, total.<kind>"
                )
            return value, ref.key
        value = cell(content, ref.row, ref.column, item.path)
        return value, f"row {ref.row}, column {ref.column}"

    def number(self, headline: Headline | Ref, label: str = "", what: str = "") -> Number:
        ref = headline
        label = headline.label if isinstance(headline, Headline) else label
        item = self.manifest.items[ref.evidence]
        value, address = self.raw(ref, what or f"headline {label!r}")
        return Number(
            label=label,
            text=_format(value, ref, label, item),
            item=item,
            address=address,
            stamp=self.stamps.get(item.id),
            value=as_number(value),
        )

    def problems(self) -> list[Problem]:
        """What is wrong with the evidence, each problem once (items sharing a cause grouped)."""
        unreadable: list[Problem] = []
        groups: dict[tuple[str, str], list[Item]] = {}
        if not (self.root / self.manifest.provenance).is_file():
            unreadable_ids = []
            for item in self.manifest.items.values():
                try:
                    self.read(item)
                except ShowcaseError as exc:
                    unreadable.append(Problem(exc.message, UNREADABLE, (item.id,)))
                    unreadable_ids.append(item.id)
            ids = tuple(i for i in self.manifest.items if i not in unreadable_ids)
            missing = Problem(
                f"{self.manifest.provenance} is missing, so no evidence is stamped; "
                "run make evidence",
                STALE,
                ids,
            )
            return [*unreadable, missing] if ids else unreadable
        for item in self.manifest.items.values():
            try:
                self.read(item)
            except ShowcaseError as exc:
                unreadable.append(Problem(exc.message, UNREADABLE, (item.id,)))
                continue
            stamp = self.stamps.get(item.id)
            if stamp is None:
                groups.setdefault(("unstamped", ""), []).append(item)
                continue
            if stamp.sha256 != sha256(self.path(item)):
                groups.setdefault(("edited", item.id), []).append(item)
                continue
            try:
                changed = self._changed_source(item, stamp)
            except ShowcaseError as exc:
                groups.setdefault(("sources", exc.message), []).append(item)
                continue
            if changed:
                groups.setdefault(("stale", changed), []).append(item)
            elif stamp.commit and not _in_history(self.root, stamp.commit):
                groups.setdefault(("commit", stamp.short_commit), []).append(item)
            elif dirty := self._dirty_source(stamp):
                groups.setdefault(("dirty", dirty), []).append(item)
        found = list(unreadable)
        for (reason, cause), items in groups.items():
            files = _files(items)
            run = _make(items)
            ids = tuple(item.id for item in items)
            one = len(items) == 1
            if reason == "unstamped":
                text = (
                    f"{files} {'has' if one else 'have'} no provenance in "
                    f"{self.manifest.provenance}; run {run}"
                )
            elif reason == "edited":
                text = f"{files} changed after make evidence made it (edited by hand?); run {run}"
            elif reason == "stale":
                text = (
                    f"{files} {'is' if one else 'are'} stale: {cause} changed since "
                    f"{'it was' if one else 'they were'} made; run {run}"
                )
            elif reason == "sources":
                text = cause
            elif reason == "commit":
                text = (
                    f"{files} {'was' if one else 'were'} made at commit {cause}, which is not "
                    f"in this branch's history; run {run}"
                )
            else:
                text = (
                    f"{files} {'was' if one else 'were'} made from uncommitted changes "
                    f"({cause}); commit them, then run {run}"
                )
                found.append(Problem(text, DIRTY, ids))
                continue
            found.append(Problem(text, STALE, ids))
        return found

    def _changed_source(self, item: Item, stamp: Stamp) -> str | None:
        now = {
            p.relative_to(self.root).as_posix(): sha256(p)
            for p in source_files(self.root, item.sources)
        }
        changed = sorted(set(now.items()) ^ set(stamp.sources.items()))
        return changed[0][0] if changed else None

    def _dirty_source(self, stamp: Stamp) -> str | None:
        """The first source whose stamped content is not what the stamp's commit holds."""
        if stamp.commit is None:
            return "made before the first commit"
        committed = _committed_hashes(self.root, stamp.commit, tuple(sorted(stamp.sources)))
        for name, digest in sorted(stamp.sources.items()):
            if committed.get(name) != digest:
                return name
        return None


UNREADABLE, STALE, DIRTY = "unreadable", "stale", "dirty"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the evidence: what to say, how bad, and the items it touches.

    ``unreadable`` (missing or malformed) stops every run; ``stale`` (unstamped, edited,
    older than its sources, made on another branch) stops a run unless ``--allow-stale``;
    ``dirty`` (made from uncommitted changes) is published with a mark. ``--check`` fails
    on all three.
    """

    text: str
    kind: str
    ids: tuple[str, ...]


def _files(items: list[Item]) -> str:
    paths = [item.path for item in items]
    return paths[0] if len(paths) == 1 else ", ".join(paths[:-1]) + " and " + paths[-1]


def _make(items: list[Item]) -> str:
    targets = list(dict.fromkeys(item.make for item in items))
    return " and ".join(f"make {t}" for t in targets)


_COMMITTED: dict[tuple[Path, str, tuple[str, ...]], dict[str, str]] = {}


def _committed_hashes(root: Path, commit: str, names: tuple[str, ...]) -> dict[str, str]:
    """SHA-256 of each of ``names`` as ``commit`` holds it (absent names are left out)."""
    key = (root, commit, names)
    if key in _COMMITTED:
        return _COMMITTED[key]
    request = "".join(f"{commit}:{name}\n" for name in names).encode("utf-8")
    result = subprocess.run(
        ["git", "cat-file", "--batch"],
        cwd=root,
        input=request,
        capture_output=True,
        check=False,
    )
    found: dict[str, str] = {}
    data, at = result.stdout, 0
    for name in names:
        end = data.find(b"\n", at)
        if end < 0:
            break
        header = data[at:end].split()
        at = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            found[name] = hashlib.sha256(data[at : at + size]).hexdigest()
            at += size + 1
        elif len(header) == 3:  # a tree or another object: skip its body
            at += int(header[2]) + 1
    _COMMITTED[key] = found
    return found


def _json_object(raw: bytes) -> dict[str, Any]:
    value = json.loads(raw.decode("utf-8"))
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")  # noqa: TRY004  # reported as malformed
    return value


def _image(raw: bytes, path: Path) -> bytes:
    is_svg = path.suffix.lower() == ".svg" and b"<svg" in raw.lstrip()[:512].lower()
    if not (raw.startswith(_PNG) or is_svg):
        raise ValueError("not a PNG or SVG image")
    return raw


def _table(text: str) -> Table:
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not rows[0] or not all(h.strip() for h in rows[0]):
        raise ValueError("no header row")
    header = [h.strip() for h in rows[0]]
    body = [r for r in rows[1:] if r]
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise ValueError(f"line {number} has {len(row)} cells, the header {len(header)}")
    return Table(header=header, rows=body)


def _check_claims(table: Table) -> None:
    missing = [c for c in CLAIM_COLUMNS if c not in table.header]
    if missing:
        raise ValueError(f"missing column {', '.join(missing)}")
    kind, status = table.header.index("kind"), table.header.index("status")
    for row in table.rows:
        if row[kind] not in CLAIM_KINDS:
            raise ValueError(f"claim kind {row[kind]!r} is not one of {', '.join(CLAIM_KINDS)}")
        if row[status] not in ("pass", "fail"):
            raise ValueError(f"claim status {row[status]!r} is not pass or fail")


def claim_counts(table: Table) -> dict[str, Any]:
    """passed, failed, total, ratio ("2/3"), and each per claim kind (``passed.<kind>``)."""
    kind, status = table.header.index("kind"), table.header.index("status")
    counts: dict[str, Any] = {"passed": 0, "failed": 0, "total": 0}
    for name in CLAIM_KINDS:
        counts[f"passed.{name}"] = counts[f"total.{name}"] = 0
    for row in table.rows:
        ok = row[status] == "pass"
        counts["total"] += 1
        counts["passed" if ok else "failed"] += 1
        counts[f"total.{row[kind]}"] += 1
        counts[f"passed.{row[kind]}"] += ok
    counts["ratio"] = f"{counts['passed']}/{counts['total']}"
    for name in CLAIM_KINDS:
        counts[f"ratio.{name}"] = f"{counts[f'passed.{name}']}/{counts[f'total.{name}']}"
    return counts


def cell(table: Table, row: str, column: str, where: str) -> str:
    if column not in table.header:
        raise ShowcaseError(
            f"{where} has no column {column!r} (it has {', '.join(table.header)}); "
            "fix showcase.yml or run make evidence"
        )
    for values in table.rows:
        if values[0] == row:
            return values[table.header.index(column)]
    raise ShowcaseError(f"{where} has no row {row!r}; fix showcase.yml or run make evidence")


def lookup(content: Any, key: str, item: Item, what: str) -> Any:
    """The value at dotted ``key`` of a metrics mapping."""
    value: Any = content
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            raise ShowcaseStaleError(
                f"{item.path} has no key {key!r} ({what}); run make {item.make} or fix showcase.yml"
            )
        value = value[part]
    return value


def _format(value: Any, ref: Ref, label: str, item: Item) -> str:
    if value is None or isinstance(value, (dict, list)):
        raise ShowcaseError(
            f"{item.path}: {label!r} reads {value!r}, which is not a number or text; "
            "fix showcase.yml"
        )
    try:
        return formatted(value, ref.format, ref.unit)
    except FormatError as exc:
        raise ShowcaseError(
            f"{item.path}: {label!r} cannot format {value!r} as {ref.format!r}; fix showcase.yml"
        ) from exc


@cache
def _in_history(root: Path, commit: str) -> bool:
    result = subprocess.run(
        ["git", "merge-base", "--is-ancestor", commit, "HEAD"],
        cwd=root,
        capture_output=True,
        check=False,
    )
    return result.returncode == 0
