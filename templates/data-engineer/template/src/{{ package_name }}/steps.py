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


def _ranks(steps: tuple[Step, ...]) -> dict[str, int]:
    """Each node's column: one more than the highest column of anything it depends on."""
    rank: dict[str, int] = {}
    for step in steps:  # steps are in execution order, so every input is ranked already
        for dataset in step.reads:
            rank.setdefault(dataset, 0)
        rank[step.name] = 1 + max(rank[dataset] for dataset in step.reads)
        for dataset in step.writes:
            rank[dataset] = max(rank.get(dataset, 0), rank[step.name] + 1)
    return rank


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def svg_lineage(steps: tuple[Step, ...] = STEPS) -> str:
    """The lineage graph of ``mermaid_lineage`` drawn as a standalone SVG, left to right.

    Tasks are boxes with double sides, datasets rounded nodes, in columns by dependency; the
    output depends only on ``steps``, so the same graph gives the same bytes.
    """
    rank = _ranks(steps)
    tasks = {step.name for step in steps}
    columns: dict[int, list[str]] = {}
    for node, column in rank.items():
        columns.setdefault(column, []).append(node)
    char_width, height, gap_x, gap_y, margin = 7, 34, 36, 18, 16
    widths = {
        column: max(len(node) for node in nodes) * char_width + 24
        for column, nodes in columns.items()
    }
    tallest = max(len(nodes) for nodes in columns.values())
    total_height = 2 * margin + tallest * height + (tallest - 1) * gap_y
    boxes: dict[str, tuple[int, int, int]] = {}  # node -> left, top, width
    left = margin
    for column in sorted(columns):
        nodes = columns[column]
        used = len(nodes) * height + (len(nodes) - 1) * gap_y
        top = (total_height - used) // 2
        for index, node in enumerate(nodes):
            boxes[node] = (left, top + index * (height + gap_y), widths[column])
        left += widths[column] + gap_x
    total_width = left - gap_x + margin
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_width}" height="{total_height}"'
        f' viewBox="0 0 {total_width} {total_height}" role="img"'
        ' aria-label="Lineage: the pipeline tasks and the datasets they read and write">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5"'
        ' markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>',
        f'<rect width="{total_width}" height="{total_height}" fill="#ffffff"/>',
    ]
    for step in steps:
        edges = [(dataset, step.name) for dataset in step.reads]
        edges += [(step.name, dataset) for dataset in step.writes]
        for source, target in edges:
            x1 = boxes[source][0] + boxes[source][2]
            y1 = boxes[source][1] + height // 2
            x2, y2 = boxes[target][0], boxes[target][1] + height // 2
            middle = (x1 + x2) // 2
            parts.append(
                f'<path d="M {x1} {y1} C {middle} {y1}, {middle} {y2}, {x2} {y2}"'
                ' fill="none" stroke="#555" stroke-width="1.2" marker-end="url(#arrow)"/>'
            )
    for node, (x, y, width) in boxes.items():
        if node in tasks:
            parts.append(
                f'<rect x="{x}" y="{y}" width="{width}" height="{height}"'
                ' fill="#dbe8f7" stroke="#1f4e79" stroke-width="1.5"/>'
            )
            for side in (x + 6, x + width - 6):
                parts.append(
                    f'<line x1="{side}" y1="{y}" x2="{side}" y2="{y + height}"'
                    ' stroke="#1f4e79" stroke-width="1.5"/>'
                )
        else:
            parts.append(
                f'<rect x="{x}" y="{y}" width="{width}" height="{height}" rx="{height // 2}"'
                ' fill="#fdf3dc" stroke="#8a6d1f" stroke-width="1.2"/>'
            )
        parts.append(
            f'<text x="{x + width // 2}" y="{y + height // 2 + 4}" text-anchor="middle"'
            ' font-family="DejaVu Sans, Verdana, sans-serif" font-size="12"'
            f' fill="#111111">{_escape(node)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
