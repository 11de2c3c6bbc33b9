"""The pipeline's stages, their inputs and outputs, and the check that outputs are fresh.

Each stage reads files and writes files, so make (or DVC) can skip a stage whose inputs did
not change. `stages()` is the single description of that graph in Python; the freshness
check uses it to refuse an output older than any of its inputs.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from . import figures, longley, mortality, published
from .claims import CSV_NAME, MARKDOWN_NAME, load_claims
from .config import Config

SOURCE_DIR = Path(__file__).resolve().parent
PAPER_DIR = Path("paper")
CLAIMS_FILES = ("claims.yaml", "mortality_claims.yaml", "published_claims.yaml")
PUBLISHED_CLAIMS = "published_claims.yaml"
LONGLEY_RESULTS = "longley.json"
MORTALITY_RESULTS = "mortality.json"
PUBLISHED_RESULTS = "published.json"
FIGURES_DIR = "figures"
FIGURE_STEMS = ("mortality_survival", "longley_fit", "rossi_coefficients")
TABLES_DIR = "tables"
TABLE_STEMS = ("claims", "mortality_fits", "bootstrap")
REPORT_TEMPLATE = "report.md"
LATEX_TEMPLATE = "report.tex"
NUMBERS_TEX = "numbers.tex"
NUMBERS_JSON = "numbers.json"


@dataclass(frozen=True)
class Stage:
    """One step of the pipeline: it must be re-run when any dependency is newer than an output."""

    name: str
    deps: tuple[Path, ...]
    outs: tuple[Path, ...]


def _sources(*modules: str) -> tuple[Path, ...]:
    return tuple(SOURCE_DIR / f"{module}.py" for module in modules)


def _lock() -> tuple[Path, ...]:
    # Library versions move reproduced numbers, so the lock file is an input where it exists.
    lock = Path("uv.lock")
    return (lock,) if lock.exists() else ()


def stages(config_path: Path, out_dir: Path, paper_dir: Path = PAPER_DIR) -> tuple[Stage, ...]:
    """The pipeline graph for one configuration."""
    longley_json = out_dir / LONGLEY_RESULTS
    mortality_json = out_dir / MORTALITY_RESULTS
    published_json = out_dir / PUBLISHED_RESULTS
    figure_files = tuple(
        out_dir / FIGURES_DIR / f"{stem}.{extension}"
        for stem in FIGURE_STEMS
        for extension in figures.FORMATS
    )
    latex = paper_dir / LATEX_TEMPLATE
    latex_outs = (out_dir / NUMBERS_TEX, out_dir / LATEX_TEMPLATE) if latex.exists() else ()
    report_outs = (
        out_dir / MARKDOWN_NAME,
        out_dir / CSV_NAME,
        out_dir / REPORT_TEMPLATE,
        out_dir / NUMBERS_JSON,
        *(
            out_dir / TABLES_DIR / f"{stem}.{ext}"
            for stem in TABLE_STEMS
            for ext in ("csv", "md", "tex")
        ),
        *latex_outs,
    )
    return (
        Stage("longley", (*_sources("longley", "pipeline"), *_lock()), (longley_json,)),
        Stage(
            "mortality",
            (*_sources("mortality", "config", "pipeline"), config_path, *_lock()),
            (mortality_json,),
        ),
        Stage(
            "published",
            (*_sources("published", "mortality", "pipeline"), *_lock()),
            (published_json,),
        ),
        Stage(
            "figures",
            (
                *_sources("figures", "pipeline"),
                paper_dir / PUBLISHED_CLAIMS,
                longley_json,
                mortality_json,
                published_json,
            ),
            figure_files,
        ),
        Stage(
            "report",
            (
                *_sources("report", "claims", "tables", "pipeline"),
                *(paper_dir / name for name in CLAIMS_FILES),
                paper_dir / REPORT_TEMPLATE,
                *((latex,) if latex.exists() else ()),
                longley_json,
                mortality_json,
                published_json,
            ),
            report_outs,
        ),
    )


def stale_outputs(config_path: Path, out_dir: Path, paper_dir: Path = PAPER_DIR) -> list[str]:
    """Every output that is missing or older than one of its stage's inputs, as messages."""
    problems = []
    for stage in stages(config_path, out_dir, paper_dir):
        newest = max(stage.deps, key=lambda dep: dep.stat().st_mtime)
        for out in stage.outs:
            if not out.exists():
                problems.append(f"{stage.name}: {out} is missing")
            elif out.stat().st_mtime < newest.stat().st_mtime:
                problems.append(f"{stage.name}: {out} is older than its input {newest}")
    return problems


def _write_json(path: Path, document: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Sorted keys and a trailing newline: an unchanged result is an unchanged file.
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def write_numbers(out_dir: Path, values: dict[str, str]) -> Path:
    """Every number the report quotes, as the report prints it (`numbers.json`)."""
    return _write_json(out_dir / NUMBERS_JSON, dict(values))


def read_json(path: Path) -> dict[str, Any]:
    document = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise ValueError(f"{path}: expected a JSON object")
    return document


def run_longley(out_dir: Path) -> Path:
    """Stage `longley`: the certified regression, its claim values and its fitted series."""
    data = longley.load_longley()
    return _write_json(
        out_dir / LONGLEY_RESULTS,
        {
            "claims": longley.reproduce(data),
            "years": data.predictors[:, -1].tolist(),
            "observed": data.response.tolist(),
            "fitted": longley.fitted_values(data),
        },
    )


def run_mortality(config: Config, out_dir: Path) -> Path:
    """Stage `mortality`: both laws fitted per group, and the bootstrap over every seed."""
    groups = mortality.load_lifespans()
    fits = mortality.fit_all(groups)
    settings = config.bootstrap
    per_seed = [
        mortality.bootstrap(
            groups, seed=seed, resamples=settings.resamples, confidence=settings.confidence
        )
        for seed in settings.seeds
    ]
    return _write_json(
        out_dir / MORTALITY_RESULTS,
        {
            "config": config.name,
            "claims": mortality.reproduce(groups),
            "fits": {
                f"{law}_{group}": list(law_fit.params) for (group, law), law_fit in fits.items()
            },
            "sizes": {group: int(data.days.size) for group, data in groups.items()},
            "bootstrap": {
                "seeds": list(settings.seeds),
                "resamples": settings.resamples,
                "confidence": settings.confidence,
                "summary": [asdict(summary) for summary in mortality.summarise(per_seed)],
            },
        },
    )


def run_published(out_dir: Path) -> Path:
    """Stage `published`: the Cox model of the Rossi data and the logit of Spector's data."""
    cox = published.fit_cox(published.load_rossi())
    logit = published.fit_spector()
    return _write_json(
        out_dir / PUBLISHED_RESULTS,
        {
            "claims": published.reproduce(cox, logit),
            "rossi": {
                "covariates": list(published.ROSSI_COVARIATES),
                "coefficients": list(cox.coefficients),
                "standard_errors": list(cox.standard_errors),
                "log_likelihood": cox.log_likelihood,
                "likelihood_ratio": cox.likelihood_ratio,
                "iterations": cox.iterations,
                "subjects": published.ROSSI_SIZE,
            },
            "spector": {
                "terms": list(published.SPECTOR_TERMS),
                "coefficients": list(logit.coefficients),
                "standard_errors": list(logit.standard_errors),
                "students": published.SPECTOR_SIZE,
            },
        },
    )


def mortality_fits(results: dict[str, Any]) -> dict[tuple[str, mortality.Law], mortality.Fit]:
    """The fits stored in `mortality.json`, rebuilt for plotting."""
    fits = {}
    claims = results["claims"]
    for group in mortality.GROUPS.values():
        for law in mortality.Law:
            first, second = results["fits"][f"{law}_{group}"]
            fits[(group, law)] = mortality.Fit(
                law=law, params=(first, second), log_likelihood=claims[f"{law}_loglik_{group}"]
            )
    return fits


def run_figures(out_dir: Path, paper_dir: Path = PAPER_DIR) -> list[Path]:
    """Stage `figures`: every figure from the results files (and the raw lifespans)."""
    series = read_json(out_dir / LONGLEY_RESULTS)
    fits = mortality_fits(read_json(out_dir / MORTALITY_RESULTS))
    rossi = read_json(out_dir / PUBLISHED_RESULTS)["rossi"]
    printed = {
        claim.claim_id: claim.value for claim in load_claims(paper_dir / PUBLISHED_CLAIMS).claims
    }
    target = out_dir / FIGURES_DIR
    return [
        *figures.save(
            figures.mortality_figure(mortality.load_lifespans(), fits), target, FIGURE_STEMS[0]
        ),
        *figures.save(
            figures.longley_figure(series["years"], series["observed"], series["fitted"]),
            target,
            FIGURE_STEMS[1],
        ),
        *figures.save(
            figures.coefficients_figure(
                rossi["covariates"],
                rossi["coefficients"],
                rossi["standard_errors"],
                [printed[f"rossi_coef_{name}"] for name in rossi["covariates"]],
            ),
            target,
            FIGURE_STEMS[2],
        ),
    ]


def claims_paths(paper_dir: Path = PAPER_DIR) -> list[Path]:
    return [paper_dir / name for name in CLAIMS_FILES]
