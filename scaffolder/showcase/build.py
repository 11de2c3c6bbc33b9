"""From a manifest and its evidence to bytes: the README region, the page, its assets, the card.

Nothing here touches the disk but to read evidence; the caller decides what to write.
Everything is deterministic: the same evidence gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from scaffolder.answers import ProjectAnswers
from scaffolder.showcase import card
from scaffolder.showcase.evidence import Evidence, Number, Table, claim_counts
from scaffolder.showcase.manifest import CLAIM_KINDS, Item, Manifest

SITE = "site"
MAX_ROWS = 12  # in the README; the page shows every row
DEFAULT_GITHUB_USER = "your-github-user"


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


def _rows(item: Item, content: Any) -> tuple[list[str], list[list[str]]]:
    if isinstance(content, Table):
        return content.header, content.rows
    flat: list[list[str]] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        else:
            flat.append([prefix, _scalar(value)])

    walk("", content)
    return ["key", "value"], flat


def _scalar(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_scalar(v) for v in value)
    return str(value)


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


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = [
        "| " + " | ".join(_cell(h) for h in header) + " |",
        "| " + " | ".join("---" for _ in header) + " |",
    ]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows[:MAX_ROWS]]
    if len(rows) > MAX_ROWS:
        lines.append(f"\n({len(rows) - MAX_ROWS} more rows in the file and on the page.)")
    return lines


def _link(path: str) -> str:
    return f"[`{path}`]({path})"


def build(
    manifest: Manifest,
    evidence: Evidence,
    answers: ProjectAnswers,
    *,
    marks: dict[str, str] | None = None,
) -> Built:
    """``marks``: evidence id -> "stale" or "dirty", shown wherever that evidence shows."""
    items = list(manifest.items.values())
    marks = marks or {}
    contents = {item.id: evidence.read(item) for item in items}
    numbers = [evidence.number(h) for h in manifest.headline]
    title = str(answers.answers.get("project_name") or manifest.root.name)
    description = str(answers.answers.get("description") or "")
    github_user = str(answers.answers.get("github_user") or "")
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
        else:
            skills.append(skill)

    site: dict[str, bytes] = {}
    badges = []
    for index, number in enumerate(numbers, start=1):
        name = f"{SITE}/badges/headline-{index}.svg"
        site[name] = card.badge(number.label, number.text).encode("utf-8")
        badges.append(f"![{number.label}: {number.text}]({name})")
    if github_user and github_user != DEFAULT_GITHUB_USER:
        dist = _dist_name(answers)
        ci = f"https://github.com/{github_user}/{dist}/actions/workflows/ci.yml"
        badges.insert(0, f"[![CI]({ci}/badge.svg)]({ci})")

    notes = mark_notes(manifest, marks)
    md: list[str] = ["## Results", "", *[f"> **{n}**" for n in notes], "", " ".join(badges), ""]
    md += ["| result | value | source |", "| --- | --- | --- |"]
    md += [
        f"| {_cell(n.label)} | **{_cell(n.text)}** | {_cell(_number_source(n, evidence))} |"
        for n in numbers
    ]
    tables = []
    for item in items:
        if item.kind not in ("metrics", "table", "claims"):
            continue
        header, rows = _rows(item, contents[item.id])
        summary = claims_summary(contents[item.id]) if item.kind == "claims" else ""
        md += ["", f"### {item.title}", ""]
        if summary:
            md += [summary, ""]
        md += _md_table(header, rows)
        md += ["", f"<sub>From {_source_md(item, evidence)}.</sub>"]
        tables.append(
            {
                "title": item.title,
                "summary": summary,
                "header": header,
                "rows": rows,
                "provenance": "From " + provenance(item, evidence),
            }
        )
    figures = [i for i in items if i.kind == "figure" and i.id != manifest.architecture]
    if figures:
        md += ["", "### Figures"]
        for item in figures:
            md += ["", f"![{_cell(item.caption)}]({item.path})", ""]
            md += [f"*{item.title}.* {item.caption} <sub>({_source_md(item, evidence)})</sub>"]
    architecture = manifest.items.get(manifest.architecture or "")
    if architecture is not None:
        md += ["", "### Architecture", ""]
        if architecture.kind == "diagram":
            md += ["```mermaid", str(contents[architecture.id]).strip("\n"), "```"]
        else:
            md += [f"![{_cell(architecture.caption)}]({architecture.path})"]
        md += ["", f"<sub>{architecture.title}: {_source_md(architecture, evidence)}.</sub>"]
    documents = [i for i in items if i.kind in ("document", "attachment")]
    if documents:
        md += ["", "### Documents", ""]
        md += [f"- [{item.title}]({item.path})" for item in documents]
    if skills:
        md += ["", "### Skills demonstrated", ""]
        for skill in skills:
            proof = ", ".join(
                _link(manifest.items[p].path if p in manifest.items else p) for p in skill.proof
            )
            md.append(f"- **{skill.name}**: {skill.how} (see {proof})")
    md += [
        "",
        f"The showcase page is [`{SITE}/index.html`]({SITE}/index.html) (published by the Pages "
        f"workflow); the social-preview card is [`{SITE}/card.png`]({SITE}/card.png).",
    ]

    # The page and what it shows, all inside site/.
    for item in items:
        if item.kind in ("figure", "attachment"):
            site[f"{SITE}/{item.path}"] = evidence.path(item).read_bytes()
    card_title = card.card_title(title, str(answers.answers.get("package_name") or "project"))
    if card_title.warning:
        warnings.append(card_title.warning)
    png, _ = card.render_card(card_title, answers.role, [(n.text, n.label) for n in numbers[:3]])
    site[f"{SITE}/card.png"] = png
    arch_context = None
    if architecture is not None:
        arch_context = {
            "title": architecture.title,
            "caption": architecture.caption or architecture.title,
            "src": architecture.path if architecture.kind == "figure" else "",
            "text": str(contents[architecture.id]) if architecture.kind == "diagram" else "",
        }
        if architecture.kind == "figure":
            site[f"{SITE}/{architecture.path}"] = evidence.path(architecture).read_bytes()
    commits = {s.short_commit for s in evidence.stamps.values() if s.commit}
    page = (
        _environment()
        .get_template("page.html.jinja")
        .render(
            title=title,
            notes=notes,
            role=answers.role,
            description=description,
            problem=manifest.problem,
            numbers=[
                {"text": n.text, "label": n.label, "provenance": _number_source(n, evidence)}
                for n in numbers
            ],
            tables=tables,
            figures=[
                {
                    "src": item.path,
                    "title": item.title,
                    "caption": item.caption,
                    "provenance": provenance(item, evidence),
                }
                for item in figures
            ],
            architecture=arch_context,
            documents=[
                {
                    "title": item.title,
                    "html": _document_html(str(contents[item.id])),
                    "provenance": provenance(item, evidence),
                }
                for item in items
                if item.kind == "document"
            ],
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
    return Built(region="\n".join(md), site=site, warnings=warnings)


def mark_notes(manifest: Manifest, marks: dict[str, str]) -> list[str]:
    """One visible line per kind of mark: which evidence is stale, which is uncommitted."""
    notes = []
    for kind, what in (
        (
            "stale",
            "Stale: {} changed or went out of date after make evidence made {}; "
            "published anyway with --allow-stale.",
        ),
        ("dirty", "Made from uncommitted changes: {} ({} no commit holds the code that made it)."),
    ):
        paths = [manifest.items[i].path for i, k in marks.items() if k == kind]
        if paths:
            notes.append(what.format(", ".join(paths), "them" if kind == "stale" else "so"))
    return notes


def _number_source(number: Number, evidence: Evidence) -> str:
    return provenance(number.item, evidence, number.address)


def _source_md(item: Item, evidence: Evidence) -> str:
    stamp = evidence.stamps.get(item.id)
    if stamp is None:
        return f"{_link(item.path)}, not stamped"
    return f"{_link(item.path)}, made by `{stamp.command}` at commit `{stamp.short_commit}`"


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


def _document_html(text: str) -> Markup:
    """Markdown as HTML for the page: raw HTML escaped, headings moved under the page's h2,
    images and relative links reduced to their text (they point outside site/)."""
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = md.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + 2)}"
        if token.children:
            kept: list[Token] = []
            dropped_links = 0
            for child in token.children:
                href = str(child.attrs.get("href", ""))
                if child.type == "image":
                    kept.append(Token("text", "", 0, content=child.content))
                elif child.type == "link_open" and not href.startswith(("https://", "#")):
                    dropped_links += 1
                elif child.type == "link_close" and dropped_links:
                    dropped_links -= 1
                else:
                    kept.append(child)
            token.children = kept
    return Markup(md.renderer.render(tokens, md.options, {}))  # raw HTML is escaped: html is off
