"""Generated sections of the README: a block between two HTML comment markers is replaced.

The lineage diagram and the benchmark table are written by code, never by hand, so what the
README shows is what the code does; a test checks that the lineage block is current.
"""

from __future__ import annotations

from pathlib import Path


def markers(name: str) -> tuple[str, str]:
    """The start and end markers of block ``name``."""
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def read_block(text: str, name: str) -> str:
    """The content between the markers of block ``name`` (without the markers)."""
    start, end = markers(name)
    if start not in text or end not in text:
        raise ValueError(f"the README has no {start} ... {end} block")
    return text.split(start, 1)[1].split(end, 1)[0].strip("\n")


def write_block(path: Path, name: str, content: str) -> None:
    """Replace the content of block ``name`` in the file at ``path``."""
    text = path.read_text(encoding="utf-8")
    read_block(text, name)  # fails clearly when the markers are missing
    start, end = markers(name)
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1]
    path.write_text(f"{head}{start}\n{content}\n{end}{tail}", encoding="utf-8")


def lineage_markdown(mermaid: str) -> str:
    """A Mermaid diagram as a fenced Markdown block."""
    return f"```mermaid\n{mermaid}\n```"
