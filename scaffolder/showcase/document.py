"""A repository's Markdown document (model card, report) as HTML inside the showcase page.

markdown-it-py (CommonMark and tables) with raw HTML off, so nothing the document holds runs
on the page. Before parsing, HTML comments are dropped and a ``*`` between two letters or
digits (``b1*GNPDEFL``, a product in a formula) is kept literal rather than opening emphasis;
``$...$`` formulas are kept whole; a bare URL becomes a link. Images the document shows are
copied into ``site/`` and shown; images outside the repository are left as their alt text.
Every table scrolls in a box of its own; headings move under the page's own; a long document
folds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from markupsafe import Markup

LONG = 2500  # characters of Markdown past which a document folds
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.DOTALL | re.MULTILINE)
_INTRAWORD_STAR = re.compile(r"(?<=[A-Za-z0-9])\*(?=[A-Za-z0-9])")
_BARE_URL = re.compile(r"(?<![<(\[\"'`])\bhttps?://[^\s<>()`]+[^\s<>()`.,;:]")
_MATH = re.compile(r"(?<![\\$])\$(?!\s)([^$\n]+?)(?<!\s)\$(?!\d)")


@dataclass(frozen=True)
class Rendered:
    html: Markup
    images: dict[Path, str] = field(default_factory=dict)  # source file -> path inside site/
    long: bool = False


def _protect(text: str) -> str:
    """Comments dropped; formulas and in-word asterisks kept literal (outside code fences)."""
    parts, at = [], 0
    for fence in _FENCE.finditer(text):
        parts.append(_protect_prose(text[at : fence.start()]))
        parts.append(fence.group(0))
        at = fence.end()
    parts.append(_protect_prose(text[at:]))
    return "".join(parts)


def _protect_prose(text: str) -> str:
    text = _COMMENT.sub("", text)
    text = _MATH.sub(lambda m: "`" + m.group(1).replace("`", "'") + "`", text)
    text = _BARE_URL.sub(lambda m: f"<{m.group(0)}>", text)  # an autolink, not raw HTML
    return _INTRAWORD_STAR.sub(r"\\*", text)


def render(text: str, path: Path, root: Path) -> Rendered:
    """``text`` (the document at ``path`` in the repository ``root``) as page HTML."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = md.parse(_protect(text))
    images: dict[Path, str] = {}
    base = path.parent
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + 2)}"
        for child in token.children or []:
            if child.type == "image":
                src = str(child.attrs.get("src", ""))
                target = _inside(root, base, src)
                if target is None:
                    child.type, child.tag = "text", ""
                    child.content = child.content or src
                    child.children = None
                    continue
                relative = target.relative_to(root.resolve()).as_posix()
                images[target] = relative
                child.attrs["src"] = relative
            elif child.type == "link_open":
                href = str(child.attrs.get("href", ""))
                if not href.startswith(("https://", "http://", "#", "mailto:")):
                    child.attrs["href"] = "#"  # a file of the repository: not in site/
                    child.attrs["data-file"] = href
    html = md.renderer.render(tokens, md.options, {})
    html = re.sub(r'<a href="#" data-file="[^"]*">(.*?)</a>', r"\1", html, flags=re.DOTALL)
    html = html.replace(
        "<table>", '<div class="table-wrap" tabindex="0" role="region" aria-label="table"><table>'
    ).replace("</table>", "</table></div>")
    # html is off, so any HTML the document itself holds was escaped by the renderer
    return Rendered(html=Markup(html), images=images, long=len(text) > LONG)


def _inside(root: Path, base: Path, src: str) -> Path | None:
    """The image file ``src`` names, if it is a PNG, JPEG, GIF or SVG inside ``root``."""
    if not src or re.match(r"^[a-z]+:", src) or src.startswith("/"):
        return None
    target = (base / src).resolve()
    try:
        target.relative_to(root.resolve())
    except ValueError:
        return None
    if target.suffix.lower() not in (".png", ".jpg", ".jpeg", ".gif", ".svg"):
        return None
    return target if target.is_file() else None
