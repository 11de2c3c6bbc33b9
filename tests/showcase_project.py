"""A generated repository whose user wrote their own showcase.yml and evidence, for fast tests.

Real generation (``scaffold new``), then a manifest naming one item of every kind and evidence
files written and stamped exactly as the generated ``<package>.evidence stamp`` does (the
generated module is run, not imitated).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from PIL import Image

from scaffolder.generate import generate
from scaffolder.store import TemplateStore
from tests.history import git

AUC = 0.8125
P99 = 17.25
MANIFEST = """\
schema: 1
problem: >-
  A bank prices loans from the probability of default; this service scores applications.
finding: The model ranks held-out loans at ROC AUC {auc}, the data allowing {ceiling}.
values:
  auc: {evidence: metrics, key: test.roc_auc, format: ".3f"}
  ceiling: {evidence: metrics, key: test.ceiling, format: ".3f"}
  rows: {evidence: metrics, key: rows, format: ","}
data: Synthetic, {rows} loan applications drawn by the project's own generator.
limitations:
  - One bank's rules only.
next:
  - Score a second lender's book with the same contract.
evidence:
  metrics:
    kind: metrics
    title: Held-out metrics
    path: evidence/metrics.json
    make: evidence
    sources: [src/lab/model.py, configs/train.toml]
    show:
      - {key: test.roc_auc, label: ROC AUC (held out), format: ".3f"}
      - {key: test.brier, label: Brier score}
      - {key: test.calibrated, label: Calibrated, format: yes/no}
  latency:
    kind: table
    title: Latency
    path: evidence/latency.csv
    make: evidence
    sources: [src/lab/model.py]
  claims:
    kind: claims
    title: Claims
    path: evidence/claims.csv
    make: evidence
    sources: [configs/train.toml]
  roc:
    kind: figure
    title: ROC curve
    caption: ROC curve of the model on held-out loans
    path: evidence/roc.png
    make: evidence
    sources: [src/lab/model.py]
  lineage:
    kind: diagram
    title: How data flows
    path: evidence/lineage.mmd
    make: evidence
    sources: [src/lab/model.py]
  card:
    kind: document
    title: Model card
    path: evidence/model_card.md
    make: evidence
    sources: [src/lab/model.py]
headline:
  - label: ROC AUC (held out)
    evidence: metrics
    key: test.roc_auc
    format: ".3f"
    ceiling: {evidence: metrics, key: test.ceiling, format: ".3f"}
    within: 0.01
  - label: p99 latency, single
    evidence: latency
    row: single
    column: p99_ms
    unit: ms
    better: lower
    target: {evidence: latency, row: single, column: target_ms, unit: ms}
    note: measured by make evidence on this machine
  - label: claims within tolerance
    evidence: claims
    key: ratio
skills:
  - name: Evaluation without leakage
    how: Held-out loans after the cut-off date.
    proof: [metrics, src/lab/model.py]
architecture: lineage
run:
  - make setup
  - make evidence
"""


def png(color: tuple[int, int, int] = (30, 90, 160)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, format="PNG")
    return out.getvalue()


def write_evidence(project: Path, *, auc: float = AUC, p99: float = P99) -> None:
    evidence = project / "evidence"
    evidence.mkdir(exist_ok=True)
    metrics = {
        "test": {"roc_auc": auc, "brier": 0.1412, "ceiling": 0.8201, "calibrated": True},
        "rows": 1200,
        "by_city": {"Amsterdam": {"margin_high_eur_month": 4242.33}},
        "tiny": 6.179382505569755e-13,
    }
    (evidence / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    (evidence / "latency.csv").write_text(
        f"case,p50_ms,p99_ms,target_ms,met\nsingle,3.1,{p99},20,yes\nbatch,40.2,90.5,200,yes\n"
    )
    (evidence / "claims.csv").write_text(
        "claim,kind,published,reproduced,tolerance,status\n"
        "beta_fin,published,-0.379,-0.3794,0.0005,pass\n"
        "longley_b1,certified,15.0618722713733,15.0618722713734,1e-9,pass\n"
        "auc_pin,regression,0.81,0.79,0.01,fail\n"
    )
    (evidence / "roc.png").write_bytes(png())
    (evidence / "lineage.mmd").write_text("flowchart LR\n  raw --> features --> model\n")
    (evidence / "model_card.md").write_text(
        "# Model card\n\n## Intended use\n\nPricing <b>loans</b>.\n\n![x](../secret.png)\n"
    )


def stamp(project: Path) -> None:
    """Run the generated repository's own stamp module, as ``make evidence`` ends."""
    subprocess.run(
        [sys.executable, "-m", "lab.evidence", "stamp"],
        cwd=project,
        env={"PYTHONPATH": str(project / "src"), "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
    )


def make_project(dest: Path, store: TemplateStore, *, role: str = "ml-engineer") -> Path:
    generate(
        dest,
        role=role,
        data={"project_name": "Über Loan Lab — 2", "package_name": "lab"},
        store=store,
    )
    (dest / "showcase.yml").write_text(MANIFEST)
    (dest / "src" / "lab" / "model.py").write_text("MODEL = 1\n")
    (dest / "configs").mkdir(exist_ok=True)
    (dest / "configs" / "train.toml").write_text("seed = 1\n")
    git(dest, "add", "--all")
    git(dest, "commit", "--quiet", "-m", "Model and manifest")
    write_evidence(dest)
    stamp(dest)  # from a clean tree, as a user makes evidence they mean to publish
    git(dest, "add", "--all")
    git(dest, "commit", "--quiet", "-m", "Evidence")
    return dest
