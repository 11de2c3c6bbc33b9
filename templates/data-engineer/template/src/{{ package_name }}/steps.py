"""The task graph, defined once: each step's name, what it reads and what it writes.

The local runner executes the steps in this order, the Airflow DAG chains its tasks in this
order, and the README's lineage diagram is drawn from it, so the three cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """One task of the pipeline and the datasets it reads and writes (its lineage)."""

    name: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    summary: str


STEPS: tuple[Step, ...] = (
    Step(
        "extract",
        ("raw/orders (JSON lines)", "raw/line_items (CSV)"),
        ("raw records",),
        "read one date's raw partition, line by line",
    ),
    Step(
        "validate",
        ("raw records",),
        ("valid rows", "quarantine"),
        "apply the contracts; bad records go to quarantine with a reason",
    ),
    Step(
        "transform",
        ("valid rows",),
        ("stg_orders", "stg_line_items", "daily_sales", "customer_daily"),
        "run the SQL models on the chosen engine",
    ),
    Step(
        "load",
        ("stg_orders", "stg_line_items", "daily_sales", "customer_daily", "quarantine"),
        ("warehouse",),
        "replace the date in every warehouse table, in one transaction",
    ),
    Step(
        "publish",
        ("warehouse",),
        ("customer_features", "marts/*.parquet"),
        "refresh the coupon features and export the marts as Parquet",
    ),
)


def step_names() -> list[str]:
    """The step names in execution order."""
    return [step.name for step in STEPS]


def mermaid_lineage(steps: tuple[Step, ...] = STEPS) -> str:
    """A Mermaid flowchart: tasks as boxes, datasets as rounded nodes, edges by reads/writes."""
    datasets: dict[str, str] = {}
    for step in steps:
        for dataset in (*step.reads, *step.writes):
            datasets.setdefault(dataset, f"d{len(datasets)}")
    lines = ["flowchart LR"]
    lines += [f'    {node}(["{name}"])' for name, node in datasets.items()]
    lines += [f"    {step.name}[[{step.name}]]" for step in steps]
    for step in steps:
        lines += [f"    {datasets[dataset]} --> {step.name}" for dataset in step.reads]
        lines += [f"    {step.name} --> {datasets[dataset]}" for dataset in step.writes]
    return "\n".join(lines)
