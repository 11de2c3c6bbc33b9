"""Mermaid flowcharts drawn as SVG, offline and without a browser.

The subset the generated repositories write: ``flowchart``/``graph`` with a direction, nodes
``id``, ``id[text]``, ``id("text")``, ``id(["text"])``, ``id[("text")]``, ``id[["text"]]``,
``id{text}``, and edges ``a --> b``, ``a --- b``, ``a -.-> b``, ``a ==> b``, ``a -->|text| b``,
chained (``a --> b --> c``). Nodes are placed in layers by longest path (barycentre order
within a layer), left to right or top to bottom, whichever fits the page's column; text is
14 px and measured with the bundled font, so the drawing is never scaled below legibility:
the page shows it at its own size and scrolls it on a narrow screen.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from scaffolder.errors import ShowcaseError
from scaffolder.showcase.card import REGULAR, _font

FONT_PX = 14
LINE = 18
PAD_X, PAD_Y = 12, 8
GAP_LAYER, GAP_NODE = 56, 18
FIT = 940  # the page's column at 1280 px, in CSS px
_OPEN = r"\[\[|\[\(|\(\[|\(\(|\[|\(|\{"
_CLOSE = {"[[": "]]", "[(": ")]", "([": "])", "((": "))", "[": "]", "(": ")", "{": "}"}
_NODE = re.compile(rf"^\s*([A-Za-z0-9_]+)\s*(?:({_OPEN})(.*))?$", re.DOTALL)
_ARROW = re.compile(r"\s*(?:-->|---|-\.->|==>|-\.-)\s*(?:\|([^|]*)\|\s*)?")


@dataclass
class Node:
    id: str
    text: str
    shape: str = "["
    layer: int = 0
    order: float = 0.0
    lines: list[str] = field(default_factory=list)
    w: int = 0
    h: int = 0
    x: int = 0
    y: int = 0


def parse(source: str) -> tuple[str, dict[str, Node], list[tuple[str, str, str]]]:
    lines = [line.strip() for line in source.splitlines()]
    lines = [line for line in lines if line and not line.startswith("%%")]
    if not lines or not re.match(r"^(flowchart|graph)\b", lines[0]):
        raise ShowcaseError("a diagram must be a Mermaid flowchart (its first line: flowchart LR)")
    parts = lines[0].split()
    direction = parts[1].upper() if len(parts) > 1 else "TB"
    nodes: dict[str, Node] = {}
    edges: list[tuple[str, str, str]] = []
    for line in lines[1:]:
        if line.split()[0] in ("subgraph", "end", "classDef", "class", "style", "linkStyle"):
            continue
        pieces = _ARROW.split(line.rstrip(";"))
        # split() interleaves the edge labels: node, label, node, label, node ...
        names = pieces[0::2]
        labels = pieces[1::2]
        ids = [_node(piece, nodes) for piece in names]
        for i, label in enumerate(labels):
            edges.append((ids[i], ids[i + 1], (label or "").strip()))
    return direction, nodes, edges


def _node(piece: str, nodes: dict[str, Node]) -> str:
    match = _NODE.match(piece)
    if match is None:
        raise ShowcaseError(f"the diagram has a node this drawing cannot read: {piece.strip()!r}")
    node_id, shape, rest = match.group(1), match.group(2), match.group(3)
    if shape:
        close = _CLOSE[shape]
        text = rest.strip()
        text = text[: -len(close)] if text.endswith(close) else text
        text = text.strip().strip('"')
        nodes[node_id] = Node(node_id, text or node_id, shape)
    elif node_id not in nodes:
        nodes[node_id] = Node(node_id, node_id)
    return node_id


def _layers(nodes: dict[str, Node], edges: list[tuple[str, str, str]]) -> list[list[Node]]:
    for _ in range(len(nodes)):  # longest path from a source (cycles stop at len(nodes))
        changed = False
        for a, b, _label in edges:
            if a != b and nodes[b].layer < nodes[a].layer + 1 and nodes[a].layer < len(nodes):
                nodes[b].layer = nodes[a].layer + 1
                changed = True
        if not changed:
            break
    layers: list[list[Node]] = [[] for _ in range(max(n.layer for n in nodes.values()) + 1)]
    for index, node in enumerate(nodes.values()):
        node.order = index
        layers[node.layer].append(node)
    for layer in layers[1:]:  # barycentre of the parents' order, to cut crossings
        for node in layer:
            parents = [nodes[a].order for a, b, _ in edges if b == node.id and a != b]
            node.order = sum(parents) / len(parents) if parents else node.order
        layer.sort(key=lambda n: n.order)
        for index, node in enumerate(layer):
            node.order = index
    return [layer for layer in layers if layer]


def _measure(node: Node, width_chars: int) -> None:
    font = _font(REGULAR, FONT_PX)
    node.lines = textwrap.wrap(node.text, width_chars, break_on_hyphens=False) or [node.text]
    node.w = int(max(font.getlength(line) for line in node.lines)) + 2 * PAD_X
    node.h = len(node.lines) * LINE + 2 * PAD_Y


def _place(layers: list[list[Node]], across: bool) -> tuple[int, int]:
    """Positions for each node; ``across``: layers are columns (left to right)."""
    main = 0
    extent = 0
    for layer in layers:
        thick = max((n.w if across else n.h) for n in layer)
        cross = 0
        for node in layer:
            if across:
                node.x, node.y = main, cross
                cross += node.h + GAP_NODE
            else:
                node.x, node.y = cross, main
                cross += node.w + GAP_NODE
        extent = max(extent, cross - GAP_NODE)
        main += thick + GAP_LAYER
    for layer in layers:  # centre each layer across the widest one
        span = sum((n.h if across else n.w) + GAP_NODE for n in layer) - GAP_NODE
        shift = (extent - span) // 2
        for node in layer:
            if across:
                node.y += shift
            else:
                node.x += shift
    main -= GAP_LAYER
    return (main, extent) if across else (extent, main)


def svg(source: str, title: str) -> str:
    """The flowchart ``source`` as a standalone SVG (its width and height in CSS px)."""
    direction, nodes, edges = parse(source)
    if not nodes:
        raise ShowcaseError("the diagram has no nodes")
    layers = _layers(nodes, edges)
    prefer_across = direction in ("LR", "RL")
    for across, chars in ((prefer_across, 26), (prefer_across, 18), (not prefer_across, 22)):
        for node in nodes.values():
            _measure(node, chars)
        width, height = _place(layers, across)
        if width <= FIT:
            break
    margin = 8
    width, height = width + 2 * margin, height + 2 * margin
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#4a5568"/></marker></defs>',
        f'<g font-family="DejaVu Sans, Verdana, sans-serif" font-size="{FONT_PX}">',
    ]
    for a, b, label in edges:
        start, end = nodes[a], nodes[b]
        x1, y1, x2, y2 = _ends(start, end, across, margin)
        out.append(
            f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#4a5568" '
            'stroke-width="1.4" marker-end="url(#arrow)"/>'
        )
        if label:
            out.append(
                f'<text x="{(x1 + x2) // 2}" y="{(y1 + y2) // 2 - 4}" text-anchor="middle" '
                f'fill="#1a202c">{escape(label)}</text>'
            )
    for node in nodes.values():
        x, y = node.x + margin, node.y + margin
        radius = {"(": 10, "([": node.h // 2, "[(": 6, "((": node.h // 2}.get(node.shape, 3)
        fill = "#e8f0fa" if node.shape in ("[", "[[", "{") else "#fdf3e1"
        out.append(
            f'<rect x="{x}" y="{y}" width="{node.w}" height="{node.h}" rx="{radius}" '
            f'fill="{fill}" stroke="#1c4e80" stroke-width="1.2"/>'
        )
        for i, line in enumerate(node.lines):
            out.append(
                f'<text x="{x + node.w // 2}" y="{y + PAD_Y + LINE * i + FONT_PX}" '
                f'text-anchor="middle" fill="#1a202c">{escape(line)}</text>'
            )
    out += ["</g>", "</svg>"]
    return "\n".join(out) + "\n"


def _ends(a: Node, b: Node, across: bool, margin: int) -> tuple[int, int, int, int]:
    if across:
        forward = b.x >= a.x
        x1 = a.x + (a.w if forward else 0)
        x2 = b.x + (0 if forward else b.w)
        return x1 + margin, a.y + a.h // 2 + margin, x2 + margin, b.y + b.h // 2 + margin
    forward = b.y >= a.y
    y1 = a.y + (a.h if forward else 0)
    y2 = b.y + (0 if forward else b.h)
    return a.x + a.w // 2 + margin, y1 + margin, b.x + b.w // 2 + margin, y2 + margin
