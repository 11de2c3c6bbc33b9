"""The README's lineage diagram, written into its block by code (see ``markdown_blocks``).

What the README shows is what the code does; a test checks that the lineage block is current.
"""

from __future__ import annotations


def lineage_markdown(mermaid: str) -> str:
    """A Mermaid diagram as a fenced Markdown block."""
    return f"```mermaid\n{mermaid}\n```"
