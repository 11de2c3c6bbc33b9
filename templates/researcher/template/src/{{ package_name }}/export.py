"""The evidence that `showcase.yml` names: files of the last run, copied into `evidence/`.

`outputs/` is regenerated and ignored by git; `evidence/` is committed, so a reader (and
`scaffold showcase`) sees the numbers of the run that `make evidence` made. Each file is a
byte-for-byte copy of the run's own output: evidence is never rewritten on the way.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from . import pipeline
from .claims import CSV_NAME, MARKDOWN_NAME

EVIDENCE_DIR = Path("evidence")
# Evidence file name -> where the run writes it, relative to its output directory.
FILES: dict[str, Path] = {
    "claims.csv": Path(CSV_NAME),
    "numbers.json": Path(pipeline.NUMBERS_JSON),
    "bootstrap.csv": Path(pipeline.TABLES_DIR, "bootstrap.csv"),
    "REPRODUCTION.md": Path(MARKDOWN_NAME),
    "report.md": Path(pipeline.REPORT_TEMPLATE),
    **{f"{stem}.png": Path(pipeline.FIGURES_DIR, f"{stem}.png") for stem in pipeline.FIGURE_STEMS},
}


DIAGRAM = "pipeline.mmd"


def _node(path: Path, out_dir: Path) -> str:
    if path.is_relative_to(pipeline.SOURCE_DIR):
        return f"{path.name}"
    return path.relative_to(out_dir).as_posix() if path.is_relative_to(out_dir) else path.as_posix()


def pipeline_diagram(stages: Sequence[pipeline.Stage], out_dir: Path) -> str:
    """The stage graph as a Mermaid flowchart: inputs -> stage -> outputs (per stage)."""
    names: dict[str, str] = {}

    def node(label: str) -> str:
        if label not in names:
            names[label] = f"n{len(names)}"
        return names[label]

    lines = ["flowchart LR"]
    made = {out for stage in stages for out in stage.outs}
    for stage in stages:
        stage_id = f"stage_{stage.name}"
        lines.append(f'  {stage_id}[["{stage.name}"]]')
        for dep in stage.deps:
            # Source modules are shown for a stage's own module only, to keep the graph legible.
            if dep.suffix == ".py" and dep.stem not in {stage.name, "published"}:
                continue
            label = _node(dep, out_dir)
            shape = f'("{label}")' if dep in made else f'["{label}"]'
            lines.append(f"  {node(label)}{shape} --> {stage_id}")
        shown = [out for out in stage.outs if out.suffix in {".json", ".md", ".csv", ".png"}]
        for out in shown[:4]:
            label = _node(out, out_dir)
            lines.append(f'  {stage_id} --> {node(label)}("{label}")')
    return "\n".join(lines) + "\n"


def export(
    out_dir: Path, target: Path = EVIDENCE_DIR, config: Path = Path("configs/smoke.yaml")
) -> list[Path]:
    """Copy every evidence file from the run in `out_dir` into `target`; all or nothing."""
    missing = [str(out_dir / made) for made in FILES.values() if not (out_dir / made).is_file()]
    if missing:
        raise FileNotFoundError(f"run the pipeline first; missing: {', '.join(missing)}")
    target.mkdir(parents=True, exist_ok=True)
    written = [Path(shutil.copyfile(out_dir / made, target / name)) for name, made in FILES.items()]
    diagram = target / DIAGRAM
    diagram.write_text(pipeline_diagram(pipeline.stages(config, out_dir), out_dir), "utf-8")
    return [*written, diagram]
