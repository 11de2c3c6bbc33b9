"""The README's showcase region: found by parsing Markdown, written with its own checksum.

The region is the lines between ``<!-- showcase:start -->`` and ``<!-- showcase:end -->``, each
an HTML block of its own (a marker inside a code fence, or inline in a paragraph, is text, not
a marker). Its first line records the SHA-256 of the rest, so a hand edit is told apart from
evidence that moved on. The marker lines themselves never change: a template update that edits
the README around them merges without touching the region.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

from scaffolder.errors import ShowcaseError

START = "<!-- showcase:start -->"
END = "<!-- showcase:end -->"
_STAMP = re.compile(
    r"^<!-- Written by `scaffold showcase` from showcase\.yml and the evidence it names; "
    r"edit those, not this region\. sha256:([0-9a-f]{64}) -->$"
)


@dataclass(frozen=True)
class Region:
    """Where the region sits in the file's lines (``start`` and ``end`` are the markers)."""

    lines: list[str]
    start: int
    end: int

    @property
    def body(self) -> list[str]:
        return self.lines[self.start + 1 : self.end]

    def replaced(self, body: list[str]) -> str:
        return "".join(self.lines[: self.start + 1] + body + self.lines[self.end :])

    @property
    def headings_outside(self) -> tuple[str, ...]:
        """The author's own second-level headings (outside the region and any code fence)."""
        found = []
        fenced = False
        for number, line in enumerate(self.lines):
            if line.lstrip().startswith(("```", "~~~")):
                fenced = not fenced
            inside = self.start <= number <= self.end
            if not fenced and not inside and line.startswith("## "):
                found.append(line[3:].strip().strip("#").strip())
        return tuple(found)

    @property
    def edited_by_hand(self) -> bool:
        """True when the region's text is not what its checksum line says was written."""
        body = self.body
        if not body:
            return False  # empty: never written (as the template ships it)
        match = _STAMP.match(body[0].rstrip("\n"))
        if match is None:
            return True
        return match.group(1) != _digest(body[1:])


def find(text: str, name: str = "README.md") -> Region:
    """The showcase region of Markdown ``text``; a :class:`ShowcaseError` if there is none."""
    tokens = MarkdownIt("commonmark").parse(text)
    starts: list[int] = []
    ends: list[int] = []
    for token in tokens:
        if token.type != "html_block" or token.map is None:
            continue
        first = token.map[0]
        for offset, line in enumerate(token.content.splitlines()):
            if line.strip() == START:
                starts.append(first + offset)
            elif line.strip() == END:
                ends.append(first + offset)
    hint = f"put the lines {START} and {END} where the results belong"
    if not starts or not ends:
        raise ShowcaseError(f"{name} has no showcase region; {hint}")
    if len(starts) > 1 or len(ends) > 1 or ends[0] < starts[0]:
        raise ShowcaseError(f"{name} has two showcase regions, or its end comes first; {hint}")
    return Region(lines=_lines(text), start=starts[0], end=ends[0])


def _lines(text: str) -> list[str]:
    """Lines as Markdown counts them (only line feeds end a line), each with its ending."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    return [*lines, parts[-1]] if parts[-1] else lines


def body_lines(markdown: str) -> list[str]:
    """The region's lines for ``markdown``: the checksum line, then the text."""
    text = [line + "\n" for line in markdown.strip("\n").split("\n")]
    stamp = (
        "<!-- Written by `scaffold showcase` from showcase.yml and the evidence it names; "
        f"edit those, not this region. sha256:{_digest(text)} -->\n"
    )
    return [stamp, *text]


def _digest(lines: list[str]) -> str:
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()
