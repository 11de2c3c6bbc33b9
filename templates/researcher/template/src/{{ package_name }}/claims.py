"""Reported claims: load them, compare them with reproduced values, and report the outcome.

This module owns the claims file format (`paper/*claims.yaml`), the pass / out-of-tolerance
decision for each claim, and the reported-versus-reproduced report (`REPRODUCTION.md` for
people, `reproduction.csv` for tools), one section per claims file.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

MARKDOWN_NAME = "REPRODUCTION.md"
CSV_NAME = "reproduction.csv"
# The first six columns are the evidence contract's (`kind: claims` in showcase.yml); the
# rest say what each number is and how the error was measured.
CSV_COLUMNS: tuple[str, ...] = (
    "claim",
    "kind",
    "published",
    "reproduced",
    "tolerance",
    "status",
    "tolerance_type",
    "error",
    "quantity",
    "source",
)
_CLAIM_FIELDS: tuple[str, ...] = (
    "id",
    "kind",
    "quantity",
    "source",
    "value",
    "rel_tol",
    "abs_tol",
    "note",
)


class ClaimsFileError(ValueError):
    """The claims file is malformed or names a claim that cannot be reproduced."""


class Kind(StrEnum):
    """Where a reference value comes from: what a passing claim does and does not prove."""

    PUBLISHED = "published"
    """Printed in a publication's table (a paper or a textbook): the reproduction could
    genuinely disagree."""
    CERTIFIED = "certified"
    """Certified by a standards body (NIST's StRD, computed in 500-digit arithmetic)."""
    CROSS_IMPLEMENTATION = "cross-implementation"
    """Computed by an independent library on the same data: checks this code, not a paper."""
    REGRESSION = "regression"
    """Pinned from this repository's own first run: catches a change, proves nothing right."""


KIND_LABELS: dict[Kind, str] = {
    Kind.PUBLISHED: "published",
    Kind.CERTIFIED: "certified",
    Kind.CROSS_IMPLEMENTATION: "cross-implementation",
    Kind.REGRESSION: "regression pin",
}


@dataclass(frozen=True)
class Claim:
    """One reported number, where it was reported, and how closely it must be reproduced."""

    claim_id: str
    quantity: str
    source: str
    value: float
    tolerance: float
    """The largest accepted error: relative, or absolute when `absolute` is set."""
    kind: Kind = Kind.PUBLISHED
    absolute: bool = False
    """True for a value printed to a fixed number of digits: half a unit of the last one."""
    note: str = ""
    """Why the reproduction deviates, or anything a reader must know about this number."""

    @property
    def tolerance_type(self) -> str:
        return "absolute" if self.absolute else "relative"


@dataclass(frozen=True)
class Publication:
    """What is being reproduced: the original work, where the reference values come from (a
    paper, a textbook, a certificate, another implementation), the model, and a short title."""

    citation: str
    reference_values: str
    model: str
    title: str = ""

    @property
    def heading(self) -> str:
        """The report's section heading: the short title, else the citation."""
        return self.title or self.citation


@dataclass(frozen=True)
class ClaimsFile:
    """The parsed contents of a claims file."""

    publication: Publication
    claims: tuple[Claim, ...]


class Status(StrEnum):
    """Outcome of checking one claim."""

    PASS = "pass"
    FAIL = "fail"


@dataclass(frozen=True)
class ClaimCheck:
    """A claim next to its reproduced value."""

    claim: Claim
    reproduced: float
    error: float
    """Relative or absolute, as the claim's tolerance is."""
    status: Status

    @property
    def passed(self) -> bool:
        return self.status is Status.PASS


def _require_text(mapping: Mapping[str, Any], key: str, where: str) -> str:
    value = mapping.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ClaimsFileError(f"{where}: '{key}' must be a non-empty string")
    return value.strip()


def _require_number(mapping: Mapping[str, Any], key: str, where: str) -> float:
    value = mapping.get(key)
    # bool is an int subclass, and YAML 1.1 reads `1e-7` as a *string*: reject both loudly
    # rather than comparing against a value nobody meant.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ClaimsFileError(
            f"{where}: '{key}' must be a number, got {value!r} "
            "(write exponents with a decimal point, e.g. 1.0e-7)"
        )
    number = float(value)
    if not math.isfinite(number):
        raise ClaimsFileError(f"{where}: '{key}' must be finite, got {number}")
    return number


def _parse_claim(entry: object, position: int) -> Claim:
    where = f"claim #{position}"
    if not isinstance(entry, dict):
        raise ClaimsFileError(f"{where}: expected a mapping, got {type(entry).__name__}")
    unknown = sorted(set(entry) - set(_CLAIM_FIELDS))
    if unknown:
        raise ClaimsFileError(f"{where}: unknown field(s) {unknown}")
    claim_id = _require_text(entry, "id", where)
    where = f"claim {claim_id!r}"
    kind_name = _require_text(entry, "kind", where)
    if kind_name not in {kind.value for kind in Kind}:
        raise ClaimsFileError(
            f"{where}: 'kind' must be one of {[kind.value for kind in Kind]}, got {kind_name!r}"
        )
    if ("rel_tol" in entry) == ("abs_tol" in entry):
        raise ClaimsFileError(f"{where}: give exactly one of 'rel_tol' and 'abs_tol'")
    field = "abs_tol" if "abs_tol" in entry else "rel_tol"
    tolerance = _require_number(entry, field, where)
    if tolerance <= 0:
        raise ClaimsFileError(f"{where}: '{field}' must be positive, got {tolerance}")
    return Claim(
        claim_id=claim_id,
        quantity=_require_text(entry, "quantity", where),
        source=_require_text(entry, "source", where),
        value=_require_number(entry, "value", where),
        tolerance=tolerance,
        kind=Kind(kind_name),
        absolute=field == "abs_tol",
        note=_require_text(entry, "note", where) if "note" in entry else "",
    )


def parse_claims(document: object) -> ClaimsFile:
    """Validate an already-parsed YAML document and turn it into a `ClaimsFile`."""
    if not isinstance(document, dict):
        raise ClaimsFileError("the claims file must be a mapping with 'publication' and 'claims'")
    publication_entry = document.get("publication")
    if not isinstance(publication_entry, dict):
        raise ClaimsFileError("'publication' must be a mapping")
    publication = Publication(
        citation=_require_text(publication_entry, "citation", "publication"),
        reference_values=_require_text(publication_entry, "reference_values", "publication"),
        model=_require_text(publication_entry, "model", "publication"),
        title=(
            _require_text(publication_entry, "title", "publication")
            if "title" in publication_entry
            else ""
        ),
    )
    entries = document.get("claims")
    if not isinstance(entries, list) or not entries:
        raise ClaimsFileError("'claims' must be a non-empty list")
    claims = tuple(_parse_claim(entry, position) for position, entry in enumerate(entries, 1))
    seen: set[str] = set()
    for claim in claims:
        if claim.claim_id in seen:
            raise ClaimsFileError(f"duplicate claim id {claim.claim_id!r}")
        seen.add(claim.claim_id)
    return ClaimsFile(publication=publication, claims=claims)


def load_claims(path: Path) -> ClaimsFile:
    """Read and validate a claims file (see `paper/claims.yaml` for the format)."""
    text = path.read_text(encoding="utf-8")
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ClaimsFileError(f"{path}: not valid YAML: {error}") from error
    try:
        return parse_claims(document)
    except ClaimsFileError as error:
        raise ClaimsFileError(f"{path}: {error}") from error


def relative_error(reported: float, reproduced: float) -> float:
    """|reproduced - reported| / |reported|; the absolute error when the reported value is 0."""
    difference = abs(reproduced - reported)
    return difference if reported == 0 else difference / abs(reported)


def check_claim(claim: Claim, reproduced: float) -> ClaimCheck:
    """Compare one claim with its reproduced value."""
    if claim.absolute:
        error = abs(reproduced - claim.value)
    else:
        error = relative_error(claim.value, reproduced)
    # Written as `error <= tol` so that a NaN reproduction can never pass.
    status = Status.PASS if error <= claim.tolerance else Status.FAIL
    return ClaimCheck(claim=claim, reproduced=reproduced, error=error, status=status)


def compare(claims: Sequence[Claim], reproduced: Mapping[str, float]) -> list[ClaimCheck]:
    """Check every claim, in file order; a claim the code does not reproduce is an error."""
    missing = [claim.claim_id for claim in claims if claim.claim_id not in reproduced]
    if missing:
        raise ClaimsFileError(
            f"no reproduced value for claim id(s) {missing}; known ids: {sorted(reproduced)}"
        )
    return [check_claim(claim, reproduced[claim.claim_id]) for claim in claims]


# What CommonMark reads as markup inside a line of text: emphasis (`b1*GNPDEFL + b2*GNP` would
# lose its asterisks to italics), code, links, raw HTML and table cells.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_URL = re.compile(r"https?://[^\s<>()]+[^\s<>().,;:]")


def markdown_text(text: str) -> str:
    """Plain text from a claims file as Markdown that shows it verbatim: every markup character
    escaped, every URL a link."""
    parts = []
    position = 0
    for match in _URL.finditer(text):
        parts.append(_MARKDOWN_SPECIAL.sub(r"\\\1", text[position : match.start()]))
        parts.append(f"<{match.group()}>")
        position = match.end()
    parts.append(_MARKDOWN_SPECIAL.sub(r"\\\1", text[position:]))
    return "".join(parts)


def format_value(value: float) -> str:
    """Fifteen significant digits: the precision NIST certifies to."""
    return f"{value:.15g}"


def format_tolerance(claim: Claim) -> str:
    """`+-0.0005` for an absolute tolerance, `1e-07 rel` for a relative one."""
    if claim.absolute:
        return f"+-{claim.tolerance:g}"
    return f"{claim.tolerance:.0e} rel"


def format_error(check: ClaimCheck) -> str:
    return f"{check.error:.1e}" + ("" if check.claim.absolute else " rel")


def counts_by_kind(checks: Sequence[ClaimCheck]) -> dict[Kind, tuple[int, int]]:
    """Kind -> (passed, total), in the order of `Kind`, for the kinds present."""
    counts = {}
    for kind in Kind:
        of_kind = [check for check in checks if check.claim.kind is kind]
        if of_kind:
            counts[kind] = (sum(check.passed for check in of_kind), len(of_kind))
    return counts


def by_kind(checks: Sequence[ClaimCheck]) -> str:
    """`22/22 published, 19/19 certified, ...`: a count never mixes kinds of evidence."""
    return ", ".join(
        f"{passed}/{total} {KIND_LABELS[kind]}"
        for kind, (passed, total) in counts_by_kind(checks).items()
    )


def summary_line(checks: Sequence[ClaimCheck]) -> str:
    return f"Claims reproduced within tolerance: {by_kind(checks)}."


def _deviations_section(checks: Sequence[ClaimCheck]) -> list[str]:
    failures = [check for check in checks if not check.passed]
    if failures:
        lines = [f"{len(failures)} claim(s) out of tolerance:", ""]
        lines.extend(
            f"- `{check.claim.claim_id}` ({KIND_LABELS[check.claim.kind]}; "
            f"{markdown_text(check.claim.source)}): reported {format_value(check.claim.value)}, "
            f"reproduced {format_value(check.reproduced)}, error {format_error(check)} exceeds "
            f"the tolerance {format_tolerance(check.claim)}."
            for check in failures
        )
        return lines
    # Even with no failure, say how close the worst claim came: a shrinking margin is the
    # early warning that a dependency upgrade is eroding precision.
    worst = smallest_margin(checks)
    return [
        "None: every claim is within its tolerance. "
        f"Smallest margin: `{worst.claim.claim_id}`, error {format_error(worst)} "
        f"against a tolerance of {format_tolerance(worst.claim)}.",
    ]


def smallest_margin(checks: Sequence[ClaimCheck]) -> ClaimCheck:
    """The claim whose error is the largest fraction of its tolerance."""
    return max(checks, key=lambda check: check.error / check.claim.tolerance)


@dataclass(frozen=True)
class Section:
    """One claims file's publication and the checks of its claims."""

    publication: Publication
    checks: tuple[ClaimCheck, ...]


def _notes(checks: Sequence[ClaimCheck]) -> list[str]:
    noted = [check for check in checks if check.claim.note]
    if not noted:
        return []
    return [
        "",
        "Notes:",
        "",
        *(f"- `{c.claim.claim_id}`: {markdown_text(c.claim.note)}" for c in noted),
    ]


def markdown_report(sections: Sequence[Section]) -> str:
    """`REPRODUCTION.md`, short enough to read on one page: per claims file, what is reproduced
    against which reference, the counts, every deviation and every note. Each claim's numbers
    and source are in the CSV beside it, never repeated here."""
    every_check = [check for section in sections for check in section.checks]
    lines = [
        "# Reproduction report",
        "",
        summary_line(every_check),
        f"Each claim's reported and reproduced value, error, tolerance and source: `{CSV_NAME}`",
        "(`claims.csv` in `evidence/`).",
    ]
    for section in sections:
        publication, checks = section.publication, section.checks
        lines += [
            "",
            f"## {markdown_text(publication.heading)}",
            "",
            f"- Cited: {markdown_text(publication.citation)}",
            f"- Reference values: {markdown_text(publication.reference_values)}",
            f"- Model: {markdown_text(publication.model)}",
            f"- {summary_line(checks)}",
            "",
            "### Deviations",
            "",
            *_deviations_section(checks),
            *_notes(checks),
        ]
    return "\n".join(lines) + "\n"


def csv_report(checks: Sequence[ClaimCheck]) -> str:
    """The same comparison as CSV, with full-precision (round-trip) numbers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for check in checks:
        claim = check.claim
        writer.writerow(
            (
                claim.claim_id,
                claim.kind.value,
                repr(claim.value),
                repr(check.reproduced),
                repr(claim.tolerance),
                check.status.value,
                claim.tolerance_type,
                repr(check.error),
                claim.quantity,
                claim.source,
            )
        )
    return buffer.getvalue()


def write_reports(sections: Sequence[Section], out_dir: Path) -> tuple[Path, Path]:
    """Write `REPRODUCTION.md` and `reproduction.csv` into `out_dir`; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    markdown_path = out_dir / MARKDOWN_NAME
    csv_path = out_dir / CSV_NAME
    markdown_path.write_text(markdown_report(sections), encoding="utf-8")
    every_check = [check for section in sections for check in section.checks]
    csv_path.write_text(csv_report(every_check), encoding="utf-8")
    return markdown_path, csv_path
