"""One table, three formats: CSV for tools, Markdown for the README, LaTeX for the paper."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# LaTeX's special characters, each with its escaped form (the backslash first, on its own).
_LATEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
FORMATS = ("csv", "md", "tex")


def latex_escape(text: str) -> str:
    """Text as LaTeX typesets it literally."""
    return "".join(_LATEX_ESCAPES.get(character, character) for character in text)


@dataclass(frozen=True)
class Table:
    """A header and rows of already-formatted cells; `numeric` columns are right-aligned."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.header):
                raise ValueError(f"row {row} has {len(row)} cells, expected {len(self.header)}")

    def to_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.header)
        writer.writerows(self.rows)
        return buffer.getvalue()

    def to_markdown(self) -> str:
        def line(cells: Sequence[str]) -> str:
            # A literal pipe would split the cell.
            return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

        rule = ["---:" if index in self.numeric else "---" for index in range(len(self.header))]
        return "\n".join([line(self.header), line(rule), *map(line, self.rows)]) + "\n"

    def to_latex(self) -> str:
        spec = "".join("r" if index in self.numeric else "l" for index in range(len(self.header)))

        def line(cells: Sequence[str]) -> str:
            return " & ".join(latex_escape(cell) for cell in cells) + r" \\"

        body = [line(row) for row in self.rows]
        return (
            "\n".join(
                [
                    r"\begin{tabular}" + "{" + spec + "}",
                    r"\hline",
                    line(self.header),
                    r"\hline",
                    *body,
                    r"\hline",
                    r"\end{tabular}",
                ]
            )
            + "\n"
        )

    def write(self, directory: Path, stem: str) -> list[Path]:
        """Write `stem.csv`, `stem.md` and `stem.tex` into `directory`; return the paths."""
        directory.mkdir(parents=True, exist_ok=True)
        texts = {"csv": self.to_csv(), "md": self.to_markdown(), "tex": self.to_latex()}
        paths = []
        for extension in FORMATS:
            path = directory / f"{stem}.{extension}"
            path.write_text(texts[extension], encoding="utf-8")
            paths.append(path)
        return paths
