"""The social-preview card (1280x640 PNG) and the README's badges, drawn without a browser.

Both use the bundled DejaVu Sans (Pillow's default font has no "Ü" or "—"). Text is measured
before it is drawn: a title shrinks, then wraps onto two lines, then is cut with an ellipsis,
so nothing ever runs out of its box; a character the font lacks is refused by name.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFont

from scaffolder.errors import ShowcaseError

FONTS = Path(__file__).resolve().parent.parent / "fonts"
REGULAR = FONTS / "DejaVuSans.ttf"
BOLD = FONTS / "DejaVuSans-Bold.ttf"
WIDTH, HEIGHT = 1280, 640
MARGIN = 80
INK, PAPER, ACCENT, MUTED = "#f5f7fa", "#14213d", "#fca311", "#c9d1dc"


@dataclass(frozen=True)
class Box:
    """Where a piece of text was drawn (for tests: it must lie inside the card)."""

    text: str
    left: int
    top: int
    right: int
    bottom: int


@cache
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def missing_glyphs(text: str, path: Path = BOLD) -> list[str]:
    """Characters of ``text`` (other than whitespace) the font cannot draw."""
    cmap = _cmap(path)
    return sorted({c for c in text if not c.isspace() and ord(c) not in cmap})


Font = ImageFont.FreeTypeFont
Draw = ImageDraw.ImageDraw


@cache
def _font(path: Path, size: int) -> Font:
    return ImageFont.truetype(str(path), size)


def _fit_title(draw: Draw, text: str, width: int) -> tuple[list[str], int]:
    """The largest size (72 down to 44) at which ``text`` fits ``width`` on at most two lines."""
    for size in range(72, 43, -4):
        font = _font(BOLD, size)
        lines = _wrap(draw, text, font, width)
        if len(lines) <= 2:
            return lines, size
    font = _font(BOLD, 44)
    lines = _wrap(draw, text, font, width)
    return [lines[0], _ellipsize(draw, " ".join(lines[1:]), font, width)], 44


def _wrap(draw: Draw, text: str, font: Font, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if draw.textlength(trial, font=font) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    # A single word wider than the box is cut, never allowed to overflow.
    return [_ellipsize(draw, line, font, width) for line in lines]


def _ellipsize(draw: Draw, text: str, font: Font, width: int) -> str:
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def render_card(
    title: str, role: str, numbers: Sequence[tuple[str, str]]
) -> tuple[bytes, list[Box]]:
    """The card as PNG bytes, and the box of every text drawn. ``numbers``: (value, label)."""
    lacking = missing_glyphs(title)
    if lacking:
        raise ShowcaseError(
            f"the title has characters the card's font (DejaVu Sans) cannot draw: "
            f"{' '.join(lacking)}; change project_name with scaffold update --data project_name=..."
        )
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    boxes: list[Box] = []
    inner = WIDTH - 2 * MARGIN

    def text(xy: tuple[int, int], value: str, font: Font, fill: str) -> None:
        draw.text(xy, value, font=font, fill=fill)
        left, top, right, bottom = draw.textbbox(xy, value, font=font)
        boxes.append(Box(value, int(left), int(top), int(right), int(bottom)))

    draw.rectangle((0, 0, WIDTH, 12), fill=ACCENT)
    role_font = _font(BOLD, 30)
    text((MARGIN, 64), _ellipsize(draw, role.upper(), role_font, inner), role_font, ACCENT)
    lines, size = _fit_title(draw, title, inner)
    y = 120
    for line in lines:
        text((MARGIN, y), line, _font(BOLD, size), INK)
        y += int(size * 1.2)

    shown = list(numbers)[:3]
    if shown:
        column = inner // len(shown)
        value_font, label_font = _font(BOLD, 56), _font(REGULAR, 26)
        for i, (value, label) in enumerate(shown):
            x = MARGIN + i * column
            text((x, 400), _ellipsize(draw, value, value_font, column - 24), value_font, INK)
            lines = _wrap(draw, label, label_font, column - 24)
            if len(lines) > 2:
                lines = [lines[0], _ellipsize(draw, " ".join(lines[1:]), label_font, column - 24)]
            for row, line in enumerate(lines):
                text((x, 480 + 34 * row), line, label_font, MUTED)
    footer = _font(REGULAR, 22)
    text((MARGIN, HEIGHT - 60), "made with scaffold showcase", footer, MUTED)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue(), boxes


def badge(label: str, value: str, color: str = "#2b6cb0") -> str:
    """A flat SVG badge, sized from the font's real advance widths (no web service)."""
    font = _font(REGULAR, 11)
    left = int(font.getlength(label)) + 12
    right = int(font.getlength(value)) + 12
    width = left + right
    label_x, value_x = left / 2, left + right / 2
    title = escape(f"{label}: {value}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" '
        f'aria-label="{title}"><title>{title}</title>'
        f'<rect width="{left}" height="20" fill="#444d56"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{color}"/>'
        '<g fill="#fff" text-anchor="middle" font-family="DejaVu Sans,Verdana,sans-serif" '
        'font-size="11">'
        f'<text x="{label_x}" y="14">{escape(label)}</text>'
        f'<text x="{value_x}" y="14">{escape(value)}</text></g></svg>\n'
    )
