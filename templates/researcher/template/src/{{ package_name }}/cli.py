"""The ``python -m`` command line: one subcommand per pipeline stage, plus the checks.

Exit status: 0 on success; 1 when a claim is out of tolerance or an output is stale; 2 when an
input (claims file, configuration, results file) is missing or unusable.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from pathlib import Path

from . import export, pipeline
from .claims import CSV_NAME, KIND_LABELS, Kind, Status
from .config import load_config
from .report import run_report, update_readme

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
DEFAULT_CONFIG = Path("configs/smoke.yaml")
README = Path("README.md")
_PACKAGE = __name__.rpartition(".")[0]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"python -m {_PACKAGE}",
        description="Reproduce the published numbers, draw the figures, check every claim.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, text: str, *, config: bool = False) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text, description=text)
        sub.add_argument("--out", type=Path, required=True, help="the run's output directory")
        if config:
            sub.add_argument(
                "--config",
                type=Path,
                default=DEFAULT_CONFIG,
                help=f"configuration file (default: {DEFAULT_CONFIG})",
            )
        return sub

    command("longley", "stage: fit the Longley regression, write longley.json")
    command("mortality", "stage: fit both mortality laws and bootstrap", config=True)
    command("published", "stage: fit the Cox and logit models of the published tables")
    command("figures", "stage: draw every figure from the results files")
    command("report", "stage: check the claims, write tables, REPRODUCTION.md and the report")
    command("all", "every stage in order, in one process", config=True)
    command("verify", "exit 1 if the last report has a claim out of tolerance")
    command("readme", "rewrite the README's claims table and results from the last report")
    command("evidence", "copy the last report's evidence files into evidence/ (showcase.yml)")
    command("freshness", "exit 1 if an output is missing or older than its inputs", config=True)
    return parser


def verify(out_dir: Path) -> int:
    """Read the claim statuses of the last report; print a summary, fail on any deviation."""
    with (out_dir / CSV_NAME).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    failed = [row["claim"] for row in rows if row["status"] != Status.PASS.value]
    counts = []
    for kind in Kind:
        of_kind = [row for row in rows if row["kind"] == kind.value]
        if of_kind:
            passed = sum(row["status"] == Status.PASS.value for row in of_kind)
            counts.append(f"{passed}/{len(of_kind)} {KIND_LABELS[kind]}")
    print(f"Claims reproduced within tolerance: {', '.join(counts)}.")
    if failed:
        print(f"Out of tolerance: {', '.join(failed)}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    out_dir: Path = args.out
    written: Sequence[Path]
    if args.command == "longley":
        written = [pipeline.run_longley(out_dir)]
    elif args.command == "mortality":
        written = [pipeline.run_mortality(load_config(args.config), out_dir)]
    elif args.command == "published":
        written = [pipeline.run_published(out_dir)]
    elif args.command == "figures":
        written = pipeline.run_figures(out_dir)
    elif args.command == "report":
        written = run_report(out_dir)
    elif args.command == "all":
        pipeline.run_longley(out_dir)
        pipeline.run_mortality(load_config(args.config), out_dir)
        pipeline.run_published(out_dir)
        pipeline.run_figures(out_dir)
        run_report(out_dir)
        return verify(out_dir)
    elif args.command == "verify":
        return verify(out_dir)
    elif args.command == "readme":
        changed = update_readme(README, out_dir)
        print(
            f"{README}: {'claims table and results updated' if changed else 'already up to date'}"
        )
        return EXIT_OK
    elif args.command == "evidence":
        written = export.export(out_dir, export.EVIDENCE_DIR)
    else:
        stale = pipeline.stale_outputs(args.config, out_dir)
        for problem in stale:
            print(problem, file=sys.stderr)
        print("stale" if stale else "fresh")
        return EXIT_FAILED if stale else EXIT_OK
    for path in written:
        print(f"wrote {path}", file=sys.stderr)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    # ClaimsFileError, ConfigError and json.JSONDecodeError are ValueErrors; a KeyError is a
    # results file from another version that lacks a field.
    except (OSError, ValueError, KeyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
