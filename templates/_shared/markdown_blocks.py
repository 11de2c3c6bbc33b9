"""Generated blocks of Markdown files: the text between two HTML comment markers.

What code measures or derives (a benchmark table, a lineage diagram, a results table) is
written into its own block of the README by that code, never by hand, and every other line of
the file is left alone.
"""

from __future__ import annotations

from pathlib import Path


def markers(name: str) -> tuple[str, str]:
    """The start and end markers of block ``name``."""
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def read_block(text: str, name: str) -> str:
    """The content between the markers of block ``name`` (without the markers)."""
    start, end = markers(name)
    if start not in text or end not in text.split(start, 1)[1]:
        raise ValueError(f"no {start} ... {end} block")
    return text.split(start, 1)[1].split(end, 1)[0].strip("\n")


def write_block(path: Path, name: str, content: str) -> bool:
    """Replace the content of block ``name`` in the file at ``path``; True if the file changed."""
    text = path.read_text(encoding="utf-8")
    try:
        read_block(text, name)
    except ValueError as error:
        raise ValueError(f"{path} has {error}") from None
    start, end = markers(name)
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1]
    updated = f"{head}{start}\n{content}\n{end}{tail}"
    if updated == text:
        return False
    path.write_text(updated, encoding="utf-8")
    return True
