"""``showcase.yml``: what a repository proves and where the proof lives (docs/showcase.md).

Reading checks everything the other steps rely on, so a broken manifest is one line naming the
file and the fix, before any evidence is read or anything written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from scaffolder.errors import ShowcaseError

MANIFEST = "showcase.yml"
DEFAULT_PROVENANCE = "evidence/provenance.json"
KINDS = ("metrics", "table", "claims", "figure", "diagram", "document", "attachment")
CLAIM_KINDS = ("published", "certified", "cross-implementation", "regression")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_SUFFIXES = {
    "metrics": (".json",),
    "table": (".csv",),
    "claims": (".csv",),
    "figure": (".png", ".svg"),
    "diagram": (".mmd",),
    "document": (".md",),
}


@dataclass(frozen=True)
class Item:
    id: str
    kind: str
    title: str
    path: str
    make: str
    sources: tuple[str, ...]
    caption: str = ""


@dataclass(frozen=True)
class Headline:
    label: str
    evidence: str
    key: str = ""
    row: str = ""
    column: str = ""
    format: str = ""
    unit: str = ""


@dataclass(frozen=True)
class Skill:
    name: str
    how: str
    proof: tuple[str, ...]


@dataclass(frozen=True)
class Manifest:
    root: Path
    problem: str
    provenance: str
    items: dict[str, Item]
    headline: tuple[Headline, ...]
    skills: tuple[Skill, ...]
    architecture: str | None = None
    run: tuple[str, ...] = field(default_factory=tuple)

    @property
    def path(self) -> Path:
        return self.root / MANIFEST


def _fail(where: str, what: str) -> ShowcaseError:
    return ShowcaseError(f"{MANIFEST}: {where} {what}; fix it (the format is in docs/showcase.md)")


def _text(data: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise _fail(where, f"needs `{key}:` as text")
    return value.strip()


def _repo_path(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise _fail(where, "needs a path")
    pure = PurePosixPath(value)
    if pure.is_absolute() or ".." in pure.parts or "\\" in value:
        raise _fail(where, f"names {value!r}, which is not a path inside the repository")
    return pure.as_posix()


def load(root: Path) -> Manifest:
    """Read and check ``root``'s manifest; every flaw is a :class:`ShowcaseError`."""
    path = root / MANIFEST
    if not path.is_file():
        raise ShowcaseError(
            f"no {MANIFEST} in {root}: add one naming the repository's evidence "
            "(templates of scaffolder 0.2.0 and later ship it; run scaffold update)"
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise ShowcaseError(f"{MANIFEST} is not valid YAML{line}; fix it") from exc
    if not isinstance(data, dict):
        raise _fail("the file", "must be a mapping")
    if data.get("schema") != 1:
        raise _fail("the file", "needs `schema: 1`")
    raw_items = data.get("evidence")
    if not isinstance(raw_items, dict) or not raw_items:
        raise _fail("the file", "needs an `evidence:` mapping of id -> item")
    items = {}
    for item_id, raw in raw_items.items():
        where = f"evidence item {item_id!r}"
        if not isinstance(item_id, str) or not _ID.match(item_id):
            raise _fail(where, "needs an id of lowercase letters, digits, '-' and '_'")
        if not isinstance(raw, dict):
            raise _fail(where, "must be a mapping")
        kind = raw.get("kind")
        if kind not in KINDS:
            raise _fail(where, f"has kind {kind!r}; the kinds are {', '.join(KINDS)}")
        item_path = _repo_path(raw.get("path"), where)
        suffixes = _SUFFIXES.get(kind)
        if suffixes and not item_path.lower().endswith(suffixes):
            raise _fail(where, f"is a {kind}, so its file must end in {' or '.join(suffixes)}")
        sources = raw.get("sources")
        if not isinstance(sources, list) or not sources:
            raise _fail(where, "needs `sources:`, the files or folders it is made from")
        make = raw.get("make", "evidence")
        if not isinstance(make, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", make):
            raise _fail(where, "needs `make:` naming one make target")
        caption = _text(raw, "caption", where, required=kind == "figure")
        items[item_id] = Item(
            id=item_id,
            kind=kind,
            title=_text(raw, "title", where),
            path=item_path,
            make=make,
            sources=tuple(_repo_path(s, where) for s in sources),
            caption=caption,
        )
    headline = tuple(_headline(h, i, items) for i, h in enumerate(_list(data, "headline")))
    if not headline:
        raise _fail("the file", "needs at least one `headline:` number")
    skills = tuple(_skill(s, i) for i, s in enumerate(_list(data, "skills")))
    architecture = data.get("architecture")
    if architecture is not None and (
        architecture not in items or items[architecture].kind not in ("figure", "diagram")
    ):
        raise _fail("`architecture:`", "must name an evidence item of kind figure or diagram")
    run = _list(data, "run")
    if not all(isinstance(c, str) for c in run):
        raise _fail("`run:`", "must be a list of commands")
    return Manifest(
        root=root,
        problem=_text(data, "problem", "the file"),
        provenance=_repo_path(data.get("provenance", DEFAULT_PROVENANCE), "`provenance:`"),
        items=items,
        headline=headline,
        skills=skills,
        architecture=architecture,
        run=tuple(run),
    )


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise _fail(f"`{key}:`", "must be a list")
    return value


def _headline(raw: Any, index: int, items: dict[str, Item]) -> Headline:
    where = f"headline {index + 1}"
    if not isinstance(raw, dict):
        raise _fail(where, "must be a mapping")
    evidence = raw.get("evidence")
    if evidence not in items:
        raise _fail(where, f"names evidence {evidence!r}, which is not an evidence item")
    kind = items[evidence].kind
    values = {k: str(raw.get(k, "")) for k in ("key", "row", "column", "format", "unit")}
    if kind in ("metrics", "claims") and not values["key"]:
        raise _fail(where, f"reads a {kind} file, so it needs `key:`")
    if kind == "table" and not (values["row"] and values["column"]):
        raise _fail(where, "reads a table, so it needs `row:` and `column:`")
    if kind not in ("metrics", "claims", "table"):
        raise _fail(where, f"reads a {kind}, which holds no numbers")
    return Headline(label=_text(raw, "label", where), evidence=evidence, **values)


def _skill(raw: Any, index: int) -> Skill:
    where = f"skill {index + 1}"
    if not isinstance(raw, dict):
        raise _fail(where, "must be a mapping")
    proof = raw.get("proof")
    if not isinstance(proof, list) or not proof or not all(isinstance(p, str) for p in proof):
        raise _fail(where, "needs `proof:`, evidence ids or paths that show it")
    return Skill(name=_text(raw, "name", where), how=_text(raw, "how", where), proof=tuple(proof))
