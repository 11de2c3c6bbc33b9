"""Stage `report`: check every claim, write the tables and fill the report from results.

The report's prose lives in `paper/report.md` (and `paper/report.tex` with the LaTeX option);
every number in it is a `$Name` placeholder (a `\\Name` macro in LaTeX) filled here from the
results files, so no number in the report is ever typed by hand.
"""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path
from string import Template
from typing import Any

from . import pipeline
from .claims import (
    KIND_LABELS,
    ClaimCheck,
    Kind,
    Section,
    by_kind,
    compare,
    format_error,
    format_tolerance,
    load_claims,
    smallest_margin,
    write_reports,
)
from .markdown_blocks import write_block
from .mortality import GROUPS, Law
from .tables import Table

# How group and law names appear inside macro names (LaTeX macro names are letters only).
_GROUP_NAMES = {"control": "Control", "mir137": "Mir"}
_GROUP_LABELS = {"control": "control", "mir137": "miR-137"}


# The two-sided 95% point of the standard normal, for Wald intervals.
_Z95 = 1.959964


def _sig(value: float, digits: int = 4) -> str:
    return f"{value:.{digits}g}"


def _fixed(value: float, decimals: int = 1) -> str:
    return f"{value:.{decimals}f}"


def _passed(checks: list[ClaimCheck], prefix: str = "") -> tuple[str, str]:
    chosen = [check for check in checks if check.claim.claim_id.startswith(prefix)]
    return str(sum(check.passed for check in chosen)), str(len(chosen))


def preferred_law(aic_difference: float) -> str:
    """The law AIC prefers, from AIC(Gompertz) - AIC(Weibull); a tie prefers neither."""
    if aic_difference < 0:
        return "Gompertz"
    return "Weibull" if aic_difference > 0 else "neither"


def overlap_sentence(summaries: dict[str, dict[str, float]], law: Law) -> str:
    """Whether the two lines' bootstrap intervals of the median overlap under one law."""
    control = summaries[f"{law}_median_control"]
    mir = summaries[f"{law}_median_mir137"]
    overlap = (
        control["lower_mean"] <= mir["upper_mean"] and mir["lower_mean"] <= control["upper_mean"]
    )
    return "overlap" if overlap else "do not overlap"


def numbers(
    longley: dict[str, Any],
    mortality: dict[str, Any],
    published: dict[str, Any],
    sections: list[Section],
) -> dict[str, str]:
    """Every number (and every verdict on one) the report quotes, formatted, by macro name."""
    checks = [check for section in sections for check in section.checks]
    longley_checks = [check for check in checks if check.claim.claim_id in longley["claims"]]
    published_checks = [check for check in checks if check.claim.kind is Kind.PUBLISHED]
    closest = smallest_margin(published_checks)
    rossi = published["rossi"]
    fin = rossi["covariates"].index("fin")
    fin_coef, fin_se = rossi["coefficients"][fin], rossi["standard_errors"][fin]
    values = {
        "ConfigName": str(mortality["config"]),
        "ClaimsByKind": by_kind(checks),
        "LongleyPassed": str(sum(check.passed for check in longley_checks)),
        "LongleyClaims": str(len(longley_checks)),
        "LongleyRSquared": _sig(longley["claims"]["r_squared"], 6),
        "LongleyCoefYear": _sig(longley["claims"]["coef_year"], 6),
        "LongleyWorstRelError": f"{max(check.error for check in longley_checks):.1e}",
        "PublishedPassed": str(sum(check.passed for check in published_checks)),
        "PublishedClaims": str(len(published_checks)),
        "RossiPassed": _passed(published_checks, "rossi_")[0],
        "RossiClaims": _passed(published_checks, "rossi_")[1],
        "SpectorPassed": _passed(published_checks, "spector_")[0],
        "SpectorClaims": _passed(published_checks, "spector_")[1],
        "RossiSubjects": str(rossi["subjects"]),
        "SpectorStudents": str(published["spector"]["students"]),
        "PublishedClosest": closest.claim.claim_id,
        "PublishedClosestError": format_error(closest),
        "PublishedClosestTolerance": format_tolerance(closest.claim),
        "RossiCoefFin": f"{fin_coef:.4f}",
        # Never quoted without its interval (the report and the page quote all three).
        "RossiHazardRatioFinPoint": f"{math.exp(fin_coef):.3f}",
        "RossiHazardRatioFinLow": f"{math.exp(fin_coef - _Z95 * fin_se):.3f}",
        "RossiHazardRatioFinHigh": f"{math.exp(fin_coef + _Z95 * fin_se):.3f}",
        "RossiLikelihoodRatio": _fixed(rossi["likelihood_ratio"], 2),
        "RossiCovariates": str(len(rossi["covariates"])),
        "BootstrapSeeds": str(len(mortality["bootstrap"]["seeds"])),
        "BootstrapResamples": str(mortality["bootstrap"]["resamples"]),
        "BootstrapConfidence": _fixed(100 * mortality["bootstrap"]["confidence"], 0),
    }
    claims = mortality["claims"]
    summaries = {row["statistic"]: row for row in mortality["bootstrap"]["summary"]}
    for group, name in _GROUP_NAMES.items():
        values[f"Flies{name}"] = str(mortality["sizes"][group])
        values[f"GompertzB{name}"] = _sig(claims[f"gompertz_b_{group}"], 3)
        values[f"WeibullRho{name}"] = _sig(claims[f"weibull_rho_{group}"], 3)
        values[f"AicDelta{name}"] = _fixed(claims[f"aic_gompertz_minus_weibull_{group}"])
        values[f"AicPreferred{name}"] = preferred_law(claims[f"aic_gompertz_minus_weibull_{group}"])
        for law in Law:
            law_name = law.value.title()
            values[f"{law_name}Median{name}"] = _fixed(claims[f"{law}_median_{group}"])
            summary = summaries[f"{law}_median_{group}"]
            values[f"{law_name}MedianLow{name}"] = _fixed(summary["lower_mean"])
            values[f"{law_name}MedianLowSd{name}"] = _fixed(summary["lower_sd"], 2)
            values[f"{law_name}MedianHigh{name}"] = _fixed(summary["upper_mean"])
            values[f"{law_name}MedianHighSd{name}"] = _fixed(summary["upper_sd"], 2)
    for law in Law:
        law_name = law.value.title()
        values[f"{law_name}Overlap"] = overlap_sentence(summaries, law)
        ratio = claims[f"{law}_median_mir137"] / claims[f"{law}_median_control"]
        values[f"{law_name}MedianRatio"] = f"{ratio:.2f}"
    return values


# A note to whoever edits paper/report.md, not to the report's readers.
_HTML_COMMENT = re.compile(r"<!--.*?-->\n*", re.DOTALL)
# Characters LaTeX reads as commands in running text ("95%" would start a comment).
_LATEX_SPECIAL = re.compile(r"([%&#_$])")


def render_markdown(template: str, values: dict[str, str]) -> str:
    """Fill `$Name` placeholders and drop the source's comments; an unknown placeholder is an
    error, not a blank."""
    return _HTML_COMMENT.sub("", Template(template).substitute(values))


def latex_macros(values: dict[str, str]) -> str:
    """One `\\newcommand` per number, for `\\input` from the LaTeX report."""
    lines = ["% Written by the report stage from the results files: do not edit."]
    lines += [
        r"\newcommand" + "{" + f"\\{name}" + "}{" + _LATEX_SPECIAL.sub(r"\\\1", value) + "}"
        for name, value in values.items()
    ]
    return "\n".join(lines) + "\n"


def claims_table(sections: list[Section]) -> Table:
    rows = tuple(
        (
            check.claim.claim_id,
            KIND_LABELS[check.claim.kind],
            f"{check.claim.value:.10g}",
            f"{check.reproduced:.10g}",
            format_error(check),
            format_tolerance(check.claim),
            check.status.value,
        )
        for section in sections
        for check in section.checks
    )
    header = ("claim", "kind", "reported", "reproduced", "error", "tolerance", "status")
    return Table(header, rows, numeric=frozenset({2, 3, 4, 5}))


def fits_table(mortality: dict[str, Any]) -> Table:
    claims = mortality["claims"]
    rows = []
    for group in GROUPS.values():
        for law in Law:
            first, second = mortality["fits"][f"{law}_{group}"]
            rows.append(
                (
                    _GROUP_LABELS[group],
                    law.value.title(),
                    _sig(first, 5),
                    _sig(second, 5),
                    _fixed(claims[f"{law}_loglik_{group}"], 2),
                    _fixed(claims[f"{law}_median_{group}"], 2),
                )
            )
    header = ("group", "law", "a or lambda", "b or rho", "log-likelihood", "median (days)")
    return Table(header, tuple(rows), numeric=frozenset({2, 3, 4, 5}))


def bootstrap_table(mortality: dict[str, Any]) -> Table:
    settings = mortality["bootstrap"]
    rows = tuple(
        (
            row["statistic"],
            f"{row['lower_mean']:.2f} +- {row['lower_sd']:.2f}",
            f"{row['upper_mean']:.2f} +- {row['upper_sd']:.2f}",
            str(row["seeds"]),
            str(settings["resamples"]),
        )
        for row in settings["summary"]
    )
    level = _fixed(100 * settings["confidence"], 0)
    header = (
        "statistic",
        f"{level}% CI lower (mean +- sd)",
        "upper (mean +- sd)",
        "seeds",
        "resamples",
    )
    return Table(header, rows, numeric=frozenset({1, 2, 3, 4}))


def results_block(values: dict[str, str]) -> str:
    """The README's results paragraph: every number and every verdict from the last run."""
    return "\n".join(
        [
            f"Configuration `{values['ConfigName']}`, claims reproduced within tolerance by kind "
            f"of reference value: {values['ClaimsByKind']}.",
            "",
            f"- Textbook tables: {values['RossiPassed']}/{values['RossiClaims']} values of "
            f"Fox's Cox model of the Rossi data ({values['RossiSubjects']} prisoners) and "
            f"{values['SpectorPassed']}/{values['SpectorClaims']} of Greene's logit of the "
            f"Spector and Mazzeo data (tolerance: half a unit of the last printed digit); the "
            f"closest is `{values['PublishedClosest']}` (error "
            f"{values['PublishedClosestError']}, tolerance "
            f"{values['PublishedClosestTolerance']}). Financial aid's hazard ratio of "
            f"re-arrest: {values['RossiHazardRatioFinPoint']} (95% CI"
            f" {values['RossiHazardRatioFinLow']} to {values['RossiHazardRatioFinHigh']}).",
            f"- Longley against NIST: {values['LongleyPassed']}/{values['LongleyClaims']} "
            f"certified values; the largest relative error is {values['LongleyWorstRelError']}.",
            f"- Mortality laws: AIC(Gompertz) - AIC(Weibull) is {values['AicDeltaControl']} for "
            f"the control line (AIC prefers {values['AicPreferredControl']}) and "
            f"{values['AicDeltaMir']} for the miR-137 line (AIC prefers "
            f"{values['AicPreferredMir']}). The {values['BootstrapConfidence']}% bootstrap "
            f"intervals of the two lines' Gompertz medians {values['GompertzOverlap']} "
            f"(control {values['GompertzMedianLowControl']} to "
            f"{values['GompertzMedianHighControl']} days, miR-137 "
            f"{values['GompertzMedianLowMir']} to {values['GompertzMedianHighMir']}; "
            f"{values['BootstrapSeeds']} seeds x {values['BootstrapResamples']} resamples).",
        ]
    )


def update_readme(readme: Path, out_dir: Path) -> bool:
    """Rewrite the README's claims table and results blocks from a run; True if it changed."""
    table = (out_dir / pipeline.TABLES_DIR / "claims.md").read_text(encoding="utf-8")
    values = pipeline.read_json(out_dir / pipeline.NUMBERS_JSON)
    changed = write_block(readme, "claims", table.rstrip())
    return write_block(readme, "results", results_block(values)) or changed


def check_sections(reproduced: dict[str, float], paper_dir: Path) -> list[Section]:
    """Every claims file checked against the reproduced values, in file order."""
    sections = []
    for path in pipeline.claims_paths(paper_dir):
        claims_file = load_claims(path)
        checks = tuple(compare(claims_file.claims, reproduced))
        sections.append(Section(claims_file.publication, checks))
    return sections


def run_report(out_dir: Path, paper_dir: Path = pipeline.PAPER_DIR) -> list[Path]:
    """Write REPRODUCTION.md, reproduction.csv, the tables and the filled report."""
    longley = pipeline.read_json(out_dir / pipeline.LONGLEY_RESULTS)
    mortality = pipeline.read_json(out_dir / pipeline.MORTALITY_RESULTS)
    published = pipeline.read_json(out_dir / pipeline.PUBLISHED_RESULTS)
    reproduced = {**longley["claims"], **mortality["claims"], **published["claims"]}
    sections = check_sections(reproduced, paper_dir)
    written = list(write_reports(sections, out_dir))
    tables_dir = out_dir / pipeline.TABLES_DIR
    for stem, table in zip(
        pipeline.TABLE_STEMS,
        (claims_table(sections), fits_table(mortality), bootstrap_table(mortality)),
        strict=True,
    ):
        written += table.write(tables_dir, stem)
    values = numbers(longley, mortality, published, sections)
    written.append(pipeline.write_numbers(out_dir, values))
    template = (paper_dir / pipeline.REPORT_TEMPLATE).read_text(encoding="utf-8")
    report = out_dir / pipeline.REPORT_TEMPLATE
    report.write_text(render_markdown(template, values), encoding="utf-8")
    written.append(report)
    latex = paper_dir / pipeline.LATEX_TEMPLATE
    if latex.exists():
        macros = out_dir / pipeline.NUMBERS_TEX
        macros.write_text(latex_macros(values), encoding="utf-8")
        # Beside numbers.tex, tables/ and figures/, so it compiles where it lands.
        written += [macros, Path(shutil.copyfile(latex, out_dir / pipeline.LATEX_TEMPLATE))]
    return written
