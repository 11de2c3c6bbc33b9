"""The social-preview card (1280x640 PNG) and the README's badges, drawn without a browser.

Both use the bundled DejaVu Sans (Pillow's default font has no "Ü" or "—"). Text is measured
before it is drawn: a title shrinks, then wraps onto two lines, then is cut with an ellipsis,
so nothing ever runs out of its box. A title with characters the bundled font lacks (CJK,
emoji) is drawn in a system font that has them (found through fontconfig), else replaced by
the package name, with a warning: the card never stops a showcase.
"""

from __future__ import annotations

import io
import shutil
import subprocess
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

    with TTFont(path, lazy=True, fontNumber=0) as font:
        return frozenset(font.getBestCmap())


def missing_glyphs(text: str, path: Path = BOLD) -> list[str]:
    """Characters of ``text`` (other than whitespace) the font cannot draw."""
    cmap = _cmap(path)
    return sorted({c for c in text if not c.isspace() and ord(c) not in cmap})


@dataclass(frozen=True)
class Title:
    """The title as the card draws it, the font it is drawn in, and what to tell the user."""

    text: str
    font: Path = BOLD
    warning: str = ""


def card_title(title: str, fallback: str) -> Title:
    """``title`` in the bundled font, else in a system font that has every character of it
    (fontconfig's ``fc-match``), else ``fallback`` (the package name) in the bundled font."""
    lacking = missing_glyphs(title)
    if not lacking:
        return Title(title)
    system = system_font(title)
    if system is not None:
        return Title(
            title,
            system,
            f"the card draws the title in {system.name} (the bundled DejaVu Sans lacks "
            f"{' '.join(lacking)})",
        )
    return Title(
        fallback,
        BOLD,
        f"the card shows {fallback!r} instead of the title: no font here draws "
        f"{' '.join(lacking)} (install one, e.g. fonts-noto-cjk, and run scaffold showcase "
        "again); the page and README show the title itself",
    )


def system_font(text: str) -> Path | None:
    """A font file fontconfig finds that draws every character of ``text``, or None."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    chars = " ".join(f"{ord(c):x}" for c in sorted(set(text)) if not c.isspace())
    try:
        result = subprocess.run(
            [fc_match, "--format=%{file}", f"sans-serif:weight=bold:charset={chars}"],
            capture_output=True,
            text=True,
            check=False,
            timeout=20,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    path = Path(result.stdout.strip())
    if result.returncode != 0 or not path.is_file():
        return None
    try:
        if missing_glyphs(text, path):
            return None
        _font(path, 72)
    except Exception:  # any font Pillow or fontTools cannot read is no font
        return None
    return path


Font = ImageFont.FreeTypeFont
Draw = ImageDraw.ImageDraw


@cache
def _font(path: Path, size: int) -> Font:
    return ImageFont.truetype(str(path), size)


def _fit_title(draw: Draw, text: str, width: int, path: Path) -> tuple[list[str], int]:
    """The largest size (72 down to 44) at which ``text`` fits ``width`` on at most two lines."""
    for size in range(72, 43, -4):
        font = _font(path, size)
        lines = _wrap(draw, text, font, width)
        if len(lines) <= 2:
            return lines, size
    font = _font(path, 44)
    lines = _wrap(draw, text, font, width)
    return [lines[0], _ellipsize(draw, " ".join(lines[1:]), font, width)], 44


def _wrap(draw: Draw, text: str, font: Font, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    words = text.split()
    if len(words) == 1 and draw.textlength(text, font=font) > width:
        words = list(text)  # a script written without spaces (CJK) wraps between characters
        joined = ""
        for char in words:
            if draw.textlength(joined + char, font=font) > width and joined:
                lines.append(joined)
                joined = ""
            joined += char
        return [*lines, joined] if joined else lines
    for word in words:
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
    title: str | Title,
    role: str,
    numbers: Sequence[tuple[str, str]],
    byline: str = "",
) -> tuple[bytes, list[Box]]:
    """The card as PNG bytes, and the box of every text drawn. ``numbers``: (value, label);
    ``byline``: who made it (the author and their repository), drawn at the foot."""
    if isinstance(title, str):
        title = card_title(title, "project")
    if missing_glyphs(title.text, title.font):
        raise ShowcaseError(f"the card's font cannot draw {title.text!r}")
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
    lines, size = _fit_title(draw, title.text, inner, title.font)
    y = 120
    for line in lines:
        text((MARGIN, y), line, _font(title.font, size), INK)
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
    if byline:
        footer = _font(REGULAR, 24)
        text((MARGIN, HEIGHT - 60), _ellipsize(draw, byline, footer, inner), footer, MUTED)
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
