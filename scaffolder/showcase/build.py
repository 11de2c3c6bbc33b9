"""From a manifest and its evidence to bytes: the README region, the page, its assets, the card.

One story, in the same order on the page and in the README region: the finding (a sentence
of the manifest with its numbers filled from the evidence), the key figure, the headline tiles
(each judged against its target, baseline or the data's ceiling), approach, results,
architecture, the data, limitations, what the author would do next, how to run it, and the
skills with their proof. Nothing here touches the disk but to read evidence; the caller
decides what to write. The same evidence gives the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from scaffolder.errors import ShowcaseError
from scaffolder.records import ProjectAnswers
from scaffolder.showcase import card, diagram, document
from scaffolder.showcase.evidence import (
    Evidence,
    Number,
    Table,
    claim_counts,
    lookup,
)
from scaffolder.showcase.manifest import CLAIM_KINDS, Field, Headline, Item, Manifest, Ref
from scaffolder.showcase.values import FormatError, formatted, label, split_label
from scaffolder.showcase.values import number as as_number

SITE = "site"
MAX_ROWS = 12  # rows shown before the rest fold away
DEFAULT_GITHUB_USER = "your-github-user"
REGION_LINES = 40  # the README region's most lines
NONE = "\u2013"  # an en dash: nothing to set a number against


@dataclass
class Built:
    region: str  # the README region's Markdown (without its checksum line)
    site: dict[str, bytes] = field(default_factory=dict)  # repo-relative path -> bytes
    warnings: list[str] = field(default_factory=list)


def provenance(item: Item, evidence: Evidence, address: str = "") -> str:
    stamp = evidence.stamps.get(item.id)
    where = f"{item.path}, {address}" if address else item.path
    if stamp is None:
        return f"{where} (not stamped: run make evidence)"
    return f"{where}; made by {stamp.command} at commit {stamp.short_commit}"


def _table_rows(item: Item, content: Any) -> tuple[list[str], list[list[str]]] | None:
    """A metrics or table item as a reader's table: labelled columns, formatted cells.

    A metrics item shows only the keys its ``show:`` picks (never a dump of the file); a
    table shows the columns ``show:`` picks, else every column with its name put in words.
    """
    if item.kind == "metrics":
        if not item.show:
            return None
        rows = []
        for spec in item.show:
            value = lookup(content, spec.key, item, f"`show:` of {item.id!r}")
            rows.append([spec.label or label(spec.key), _written(value, spec, item)])
        return ["Measure", "Value"], rows
    table: Table = content
    if item.kind == "claims":
        return _claims_rows(table)
    fields = item.show or tuple(Field(column=c) for c in table.header)
    header, index = [], []
    for spec in fields:
        if spec.column not in table.header:
            raise ShowcaseError(
                f"{item.path} has no column {spec.column!r} (it has "
                f"{', '.join(table.header)}); fix `show:` in showcase.yml or run make evidence"
            )
        words, unit = split_label(spec.column)
        words, unit = spec.label or words, spec.unit or unit
        header.append(f"{words} ({unit})" if unit else words)
        index.append(table.header.index(spec.column))
    rows = [
        [_written(row[i], Field(format=f.format), item) for i, f in zip(index, fields, strict=True)]
        for row in table.rows
    ]
    return header, rows


def _claims_rows(table: Table) -> tuple[list[str], list[list[str]]]:
    """Claims as a reader checks them: the quantity, the value as printed, the reproduction
    to as many digits as the printed value has, the tolerance, the verdict."""
    col = {name: table.header.index(name) for name in table.header}
    named = "quantity" in col
    header = ["Quantity" if named else "Claim", "Kind", "Reported", "Reproduced", "Tolerance"]
    rows = []
    for row in table.rows:
        published, reproduced = row[col["published"]], row[col["reproduced"]]
        digits = len(re.sub(r"[^0-9]", "", published.split("e")[0].lstrip("+-0.")))
        if as_number(reproduced) is not None and as_number(published) is not None and digits:
            reproduced = f"{float(reproduced):.{digits}g}"
        tolerance = formatted(row[col["tolerance"]])
        if "tolerance_type" in col and row[col["tolerance_type"]]:
            tolerance += f" ({row[col['tolerance_type']]})"
        rows.append(
            [
                row[col["quantity" if named else "claim"]],
                row[col["kind"]],
                published,
                reproduced,
                tolerance,
                "within" if row[col["status"]] == "pass" else "outside",
            ]
        )
    return [*header, "Verdict"], rows


def _written(value: Any, spec: Field, item: Item) -> str:
    try:
        return formatted(value, spec.format, spec.unit if item.kind == "metrics" else "")
    except FormatError as exc:
        raise ShowcaseError(
            f"{item.path}: cannot write {value!r} as {spec.format!r} ({exc}); fix showcase.yml"
        ) from None


def claims_summary(table: Table) -> str:
    counts = claim_counts(table)
    by_kind = [
        f"{kind} {counts[f'passed.{kind}']}/{counts[f'total.{kind}']}"
        for kind in CLAIM_KINDS
        if counts[f"total.{kind}"]
    ]
    return (
        f"{counts['passed']} of {counts['total']} claims within tolerance "
        f"({', '.join(by_kind)}); {counts['failed']} outside."
    )


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip()


@dataclass(frozen=True)
class Tile:
    """A headline number with its judgement: what it is set against, and the verdict."""

    number: Number
    against: str  # "target ≤ 20 ms; the data's ceiling: 0.722"
    verdict: str  # "met", "not met", "at the data's ceiling", ...
    good: bool | None  # met (True), not met (False), no judgement (None)
    note: str
    mark: str  # "stale", "dirty" or ""


def judge(headline: Headline, evidence: Evidence, marks: dict[str, str]) -> Tile:
    """The tile of ``headline``: every comparison and verdict computed from the evidence."""
    number = evidence.number(headline)
    against: list[str] = []
    verdicts: list[str] = []
    good: bool | None = None
    value = number.value
    higher = headline.better == "higher"

    def bound(raw: float | Ref) -> tuple[float | None, str]:
        if isinstance(raw, Ref):
            other = evidence.number(raw, headline.label)
            return other.value, other.text
        return raw, formatted(raw, headline.format, headline.unit)

    applies = True
    if headline.judged is not None:
        gate, _ = evidence.raw(headline.judged, f"headline {headline.label!r} `judged:`")
        if not isinstance(gate, bool):
            raise ShowcaseError(
                f"headline {headline.label!r} `judged:` reads {gate!r}, not true or false; "
                "fix showcase.yml"
            )
        applies = gate
    if headline.target is not None:
        target, text = bound(headline.target)
        against.append(f"target {'≥' if higher else '≤'} {text}")
        if not applies:
            verdicts.append("not judged")
        elif value is not None and target is not None:
            good = value >= target if higher else value <= target
            verdicts.append("met" if good else "not met")
    if headline.baseline is not None:
        base, text = bound(headline.baseline)
        against.append(f"{headline.compare or 'baseline'}: {text}")
        if value is not None and base is not None:
            beats = value > base if higher else value < base
            than = headline.compare or "the baseline"
            verdicts.append(f"better than {than}" if beats else f"not better than {than}")
            good = beats if good is None else good and beats
    if headline.ceiling is not None:
        ceiling, text = bound(headline.ceiling)
        against.append(f"the data's ceiling: {text}")
        if value is not None and ceiling is not None:
            reached = value >= ceiling if higher else value <= ceiling
            at = reached or abs(value - ceiling) <= headline.within
            verdicts.append("at the data's ceiling" if at else "below the data's ceiling")
            good = at if good is None else good or at
    item = evidence.manifest.items[headline.evidence]
    if item.kind == "claims" and headline.key.startswith("ratio"):
        counts = claim_counts(evidence.read(item))
        kind = headline.key.partition(".")[2]
        total = counts[f"total.{kind}" if kind else "total"]
        passed = counts[f"passed.{kind}" if kind else "passed"]
        verdicts.append("all within tolerance" if passed == total else f"{total - passed} outside")
        good = passed == total
    return Tile(
        number=number,
        against="; ".join(against),
        verdict=", ".join(verdicts),
        good=good,
        note=headline.note,
        mark=marks.get(headline.evidence, ""),
    )


def filler(manifest: Manifest, evidence: Evidence) -> Callable[[str], str]:
    """Fills a manifest text's {name} placeholders with the numbers `values:` reads, so a
    sentence or caption that states a result is computed, never typed."""
    texts = {
        name: evidence.number(ref, name, f"`values:` {name!r}").text
        for name, ref in manifest.values.items()
    }

    def fill(text: str) -> str:
        return re.sub(r"\{([^{}]*)\}", lambda m: texts[m.group(1)], text)

    return fill


@dataclass(frozen=True)
class Voice:
    """Who made the repository and where it lives, from the project's answers."""

    author: str
    github_user: str
    repo: str
    repo_url: str
    profile_url: str
    site_url: str
    contacts: tuple[tuple[str, str], ...]  # (label, url)

    @property
    def byline(self) -> str:
        where = self.repo_url.removeprefix("https://")
        return " · ".join(p for p in (self.author, where) if p)

    def source(self, path: str) -> str:
        """Where a reader opens a repository file: on GitHub when the repository is known."""
        return f"{self.repo_url}/blob/HEAD/{path}" if self.repo_url else ""


def voice(answers: ProjectAnswers, root: Path) -> Voice:
    data = answers.answers
    author = str(data.get("author_name") or "")
    author = "" if author == "Your Name" else author
    user = str(data.get("github_user") or "")
    user = "" if user == DEFAULT_GITHUB_USER else user
    repo = str(data.get("dist_name") or _dist_name(answers) or root.name)
    repo_url = f"https://github.com/{user}/{repo}" if user else ""
    site_url = str(data.get("site_url") or "")
    if not site_url and user:
        site_url = f"https://{user.lower()}.github.io/{repo}/"
    if site_url and not site_url.endswith("/"):
        site_url += "/"
    contacts = []
    if linkedin := str(data.get("linkedin") or ""):
        contacts.append(("LinkedIn", f"https://www.linkedin.com/in/{linkedin}"))
    if website := str(data.get("website") or ""):
        contacts.append(("Website", website))
    return Voice(
        author=author,
        github_user=user,
        repo=repo,
        repo_url=repo_url,
        profile_url=f"https://github.com/{user}" if user else "",
        site_url=site_url,
        contacts=tuple(contacts),
    )


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return "#" + text.replace(" ", "-")


def build(
    manifest: Manifest,
    evidence: Evidence,
    answers: ProjectAnswers,
    *,
    marks: dict[str, str] | None = None,
    readme_headings: tuple[str, ...] = (),
) -> Built:
    """``marks``: evidence id -> "stale" or "dirty", shown wherever that evidence shows.
    ``readme_headings``: the author's own README headings, linked rather than repeated."""
    marks = marks or {}
    items = list(manifest.items.values())
    contents = {item.id: evidence.read(item) for item in items}
    fill = filler(manifest, evidence)
    tiles = [judge(h, evidence, marks) for h in manifest.headline]
    tiles = [
        replace(t, number=replace(t.number, label=fill(t.number.label)), note=fill(t.note))
        for t in tiles
    ]
    sentence = fill(manifest.finding)
    title = str(answers.answers.get("project_name") or manifest.root.name)
    description = str(answers.answers.get("description") or "")
    who = voice(answers, manifest.root)
    warnings: list[str] = []
    skills = []
    for skill in manifest.skills:
        missing = [
            p for p in skill.proof if p not in manifest.items and not (manifest.root / p).exists()
        ]
        if missing:
            warnings.append(
                f"showcase.yml: skill {skill.name!r} cites {missing[0]}, which does not exist; "
                "fix its proof or remove the skill"
            )
            continue
        proof = [manifest.items[p].path if p in manifest.items else p for p in skill.proof]
        skills.append(
            {
                "name": skill.name,
                "how": skill.how,
                "proof": [{"path": p, "href": who.source(p)} for p in proof],
            }
        )
    notes = mark_notes(manifest, marks)
    site: dict[str, bytes] = {}

    # Results: tables for people, then figures (architecture apart).
    tables = []
    for item in items:
        if item.kind not in ("metrics", "table", "claims"):
            continue
        shown = _table_rows(item, contents[item.id])
        if shown is None:
            continue
        header, rows = shown
        tables.append(
            {
                "title": item.title,
                "summary": claims_summary(contents[item.id]) if item.kind == "claims" else "",
                "header": header,
                "rows": rows,
                "provenance": "From " + provenance(item, evidence),
                "mark": marks.get(item.id, ""),
            }
        )
    figures = [i for i in items if i.kind == "figure" and i.id != manifest.architecture]
    for item in items:
        if item.kind in ("figure", "attachment"):
            site[f"{SITE}/{item.path}"] = evidence.path(item).read_bytes()

    architecture = manifest.items.get(manifest.architecture or "")
    arch_context = None
    if architecture is not None:
        arch_context = {"title": architecture.title, "caption": fill(architecture.caption)}
        if architecture.kind == "diagram":
            svg = diagram.svg(str(contents[architecture.id]), architecture.title)
            name = f"{SITE}/{PurePosixPath(architecture.path).with_suffix('.svg')}"
            site[name] = svg.encode("utf-8")
            arch_context["src"] = name.removeprefix(f"{SITE}/")
        else:
            arch_context["src"] = architecture.path

    documents = []
    for item in items:
        if item.kind != "document":
            continue
        rendered = document.render(str(contents[item.id]), evidence.path(item), manifest.root)
        for source, target in rendered.images.items():
            site[f"{SITE}/{target}"] = source.read_bytes()
        documents.append(
            {
                "title": item.title,
                "html": rendered.html,
                "provenance": provenance(item, evidence),
                "long": rendered.long,
            }
        )

    card_title = card.card_title(title, str(answers.answers.get("package_name") or "project"))
    if card_title.warning:
        warnings.append(card_title.warning)
    png, _ = card.render_card(
        card_title, answers.role, [(t.number.text, t.number.label) for t in tiles[:3]], who.byline
    )
    site[f"{SITE}/card.png"] = png

    commits = {s.short_commit for s in evidence.stamps.values() if s.commit}
    page = (
        _environment()
        .get_template("page.html.jinja")
        .render(
            title=title,
            role=answers.role,
            description=description or sentence,
            finding=sentence,
            notes=notes,
            voice=who,
            card_url=f"{who.site_url}card.png" if who.site_url else "card.png",
            problem=manifest.problem,
            approach=fill(manifest.approach),
            tiles=[_tile_context(t, evidence) for t in tiles],
            tables=tables,
            figures=[
                {
                    "src": item.path,
                    "title": item.title,
                    "caption": fill(item.caption),
                    "provenance": provenance(item, evidence),
                }
                for item in figures
            ],
            architecture=arch_context,
            data=fill(manifest.data),
            limitations=manifest.limitations,
            next=manifest.next,
            documents=documents,
            attachments=[
                {"title": item.title, "src": item.path}
                for item in items
                if item.kind == "attachment"
            ],
            run="\n".join(manifest.run) or "make setup\nmake evidence",
            skills=skills,
            max_rows=MAX_ROWS,
            commit=", ".join(sorted(commits)),
        )
    )
    site[f"{SITE}/index.html"] = page.encode("utf-8")
    region = _region(fill(manifest.data), tiles, sentence, notes, who, skills, readme_headings)
    return Built(region=region, site=site, warnings=warnings)


def _tile_context(tile: Tile, evidence: Evidence) -> dict[str, Any]:
    return {
        "text": tile.number.text,
        "label": tile.number.label,
        "against": tile.against,
        "verdict": tile.verdict,
        "good": tile.good,
        "note": tile.note,
        "mark": tile.mark,
        "provenance": provenance(tile.number.item, evidence, tile.number.address),
    }


def _region(
    data: str,
    tiles: list[Tile],
    sentence: str,
    notes: list[str],
    who: Voice,
    skills: list[dict[str, Any]],
    readme_headings: tuple[str, ...],
) -> str:
    """The README region: the same story, short (at most REGION_LINES lines), no heading the
    author's README already has, and links to the author's own blocks instead of repeats."""
    md: list[str] = [f"> **{n}**" for n in notes]
    if notes:
        md.append("")
    if who.repo_url:
        ci = f"{who.repo_url}/actions/workflows/ci.yml"
        md += [f"[![CI]({ci}/badge.svg)]({ci})", ""]
    if sentence:
        md += [f"**{_cell(sentence)}**", ""]
    md += [
        "| Result | Value | Against | Verdict | From |",
        "| --- | --- | --- | --- | --- |",
    ]
    for tile in tiles:
        item = tile.number.item
        mark = f" ({tile.mark})" if tile.mark else ""
        md.append(
            f"| {_cell(tile.number.label)} | **{_cell(tile.number.text)}**{mark} | "
            f"{_cell(tile.against) or NONE} | {_cell(tile.verdict) or NONE} | "
            f"[`{PurePosixPath(item.path).name}`]({item.path}) |"
        )
    md.append("")
    if data:
        md += [f"**The data.** {_cell(data)}", ""]
    page = who.site_url or f"{SITE}/index.html"
    md.append(
        f"The whole story (approach, results, architecture, limitations, what I would do next) "
        f"is on the [showcase page]({page}) ([`{SITE}/index.html`]({SITE}/index.html) here)."
    )
    own = [h for h in readme_headings if h.lower() not in ("skills demonstrated",)]
    if own:
        links = " · ".join(f"[{h}]({anchor(h)})" for h in own[:8])
        md += ["", f"In this README: {links}."]
    if skills:
        md += ["", "### Skills demonstrated", ""]
        for skill in skills[: REGION_LINES - len(md) - 2]:
            proof = ", ".join(f"[`{p['path']}`]({p['path']})" for p in skill["proof"])
            md.append(f"- **{skill['name']}**: {proof}")
    return "\n".join(md)


def mark_notes(manifest: Manifest, marks: dict[str, str]) -> list[str]:
    """One visible line per kind of mark: which evidence is stale, which is uncommitted."""
    notes = []
    for kind, what in (
        (
            "stale",
            "Stale: {} changed or went out of date after make evidence made it; "
            "published anyway with --allow-stale.",
        ),
        ("dirty", "Made from uncommitted changes: {} (no commit holds the code that made it)."),
    ):
        paths = [manifest.items[i].path for i, k in marks.items() if k == kind]
        if paths:
            notes.append(what.format(", ".join(paths)))
    return notes


def _dist_name(answers: ProjectAnswers) -> str:
    from scaffolder.naming import dist_name

    return dist_name(str(answers.answers.get("package_name", "")))


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(Path(__file__).resolve().parent),
        autoescape=select_autoescape(["html", "jinja"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
