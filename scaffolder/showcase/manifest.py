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
class Field:
    """One value shown to a reader: where it is read (a metrics key, or a table column) and how
    it is written (label, unit, Python format spec or ``yes/no``)."""

    key: str = ""
    column: str = ""
    label: str = ""
    unit: str = ""
    format: str = ""


@dataclass(frozen=True)
class Item:
    id: str
    kind: str
    title: str
    path: str
    make: str
    sources: tuple[str, ...]
    caption: str = ""
    show: tuple[Field, ...] = ()  # metrics: the keys shown; table: the columns shown


@dataclass(frozen=True)
class Ref:
    """A number read from evidence: a metrics or claims key, or a table's row and column."""

    evidence: str
    key: str = ""
    row: str = ""
    column: str = ""
    format: str = ""
    unit: str = ""


@dataclass(frozen=True)
class Headline(Ref):
    """A headline tile: the number it reads (a :class:`Ref`), its label and its judgement."""

    label: str = ""
    # Judgement: a target (met / not met), a baseline (better or not), a ceiling the data
    # allows (at it or below); each a literal number or a Ref into the evidence.
    target: float | Ref | None = None
    baseline: float | Ref | None = None
    ceiling: float | Ref | None = None
    better: str = "higher"  # or "lower"
    within: float = 0.0  # how close to the ceiling counts as at it
    # A boolean in the evidence saying whether the target applies to this measurement (a run
    # smaller than the size the goal names): false gives the verdict "not judged".
    judged: Ref | None = None
    compare: str = ""  # what the baseline is, in words ("approving everyone")
    note: str = ""  # how it was measured ("make bench, median of 5 runs")


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
    finding: str = ""  # one sentence with {name} placeholders filled from `values:`
    values: dict[str, Ref] = field(default_factory=dict)
    approach: str = ""
    data: str = ""
    limitations: tuple[str, ...] = ()
    next: tuple[str, ...] = ()  # the author's "What I would do next", kept across runs

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
        show = tuple(_field(f, where, kind) for f in _list(raw, "show"))
        items[item_id] = Item(
            show=show,
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
    raw_values = data.get("values", {})
    if not isinstance(raw_values, dict):
        raise _fail("`values:`", "must be a mapping of name -> number")
    values = {str(k): _ref(v, f"value {k!r}", items) for k, v in raw_values.items()}
    finding = _text(data, "finding", "the file", required=False)
    texts = [("`finding:`", finding), ("`data:`", str(data.get("data", "")))]
    texts += [("`approach:`", str(data.get("approach", "")))]
    texts += [(f"evidence item {i.id!r}", i.caption) for i in items.values()]
    texts += [(f"headline {h.label!r}", f"{h.label} {h.note}") for h in headline]
    for where, text in texts:
        for name in re.findall(r"\{([^{}]*)\}", text):
            if name not in values:
                raise _fail(where, f"uses {{{name}}}, which `values:` does not define")
    lists = {}
    for key in ("limitations", "next"):
        entries = _list(data, key)
        if not all(isinstance(e, str) and e.strip() for e in entries):
            raise _fail(f"`{key}:`", "must be a list of sentences")
        lists[key] = tuple(" ".join(e.split()) for e in entries)
    return Manifest(
        finding=finding,
        values=values,
        approach=_text(data, "approach", "the file", required=False),
        data=_text(data, "data", "the file", required=False),
        limitations=lists["limitations"],
        next=lists["next"],
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
    better = str(raw.get("better", "higher"))
    if better not in ("higher", "lower"):
        raise _fail(where, "has `better:` other than higher or lower")
    judged = {k: _bound(raw.get(k), f"{where} `{k}:`", items) for k in JUDGEMENTS}
    gate = raw.get("judged")
    judged_by = None if gate is None else _ref(gate, f"{where} `judged:`", items)
    if judged_by is not None and judged["target"] is None:
        raise _fail(where, "has `judged:` without a `target:` for it to apply to")
    try:
        within = float(raw.get("within", 0))
    except (TypeError, ValueError):
        raise _fail(where, "needs `within:` as a number") from None
    return Headline(
        label=_text(raw, "label", where),
        evidence=evidence,
        better=better,
        within=within,
        compare=_text(raw, "compare", where, required=False),
        note=_text(raw, "note", where, required=False),
        target=judged["target"],
        baseline=judged["baseline"],
        ceiling=judged["ceiling"],
        judged=judged_by,
        **values,
    )


JUDGEMENTS = ("target", "baseline", "ceiling")


def _bound(raw: Any, where: str, items: dict[str, Item]) -> float | Ref | None:
    if raw is None:
        return None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return float(raw)
    return _ref(raw, where, items)


def _ref(raw: Any, where: str, items: dict[str, Item]) -> Ref:
    if not isinstance(raw, dict):
        raise _fail(where, "must be a number or a mapping naming `evidence:` and `key:`")
    evidence = raw.get("evidence")
    if evidence not in items:
        raise _fail(where, f"names evidence {evidence!r}, which is not an evidence item")
    values = {k: str(raw.get(k, "")) for k in ("key", "row", "column", "format", "unit")}
    kind = items[evidence].kind
    if kind in ("metrics", "claims") and not values["key"]:
        raise _fail(where, f"reads a {kind} file, so it needs `key:`")
    if kind == "table" and not (values["row"] and values["column"]):
        raise _fail(where, "reads a table, so it needs `row:` and `column:`")
    if kind not in ("metrics", "claims", "table"):
        raise _fail(where, f"reads a {kind}, which holds no numbers")
    return Ref(evidence=evidence, **values)


def _field(raw: Any, where: str, kind: str) -> Field:
    if kind not in ("metrics", "table", "claims"):
        raise _fail(where, f"is a {kind}; only metrics and tables take `show:`")
    if isinstance(raw, str):
        raw = {"key" if kind == "metrics" else "column": raw}
    if not isinstance(raw, dict):
        raise _fail(where, "has a `show:` entry that is neither a name nor a mapping")
    values = {k: str(raw.get(k, "")) for k in ("key", "column", "label", "unit", "format")}
    if not (values["key"] if kind == "metrics" else values["column"]):
        name = "key" if kind == "metrics" else "column"
        raise _fail(where, f"has a `show:` entry without `{name}:`")
    return Field(**values)


def _skill(raw: Any, index: int) -> Skill:
    where = f"skill {index + 1}"
    if not isinstance(raw, dict):
        raise _fail(where, "must be a mapping")
    proof = raw.get("proof")
    if not isinstance(proof, list) or not proof or not all(isinstance(p, str) for p in proof):
        raise _fail(where, "needs `proof:`, evidence ids or paths that show it")
    return Skill(name=_text(raw, "name", where), how=_text(raw, "how", where), proof=tuple(proof))
