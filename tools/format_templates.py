"""Re-format a role's Python templates so ruff leaves them alone for every package-name length.

ruff wraps lines by length, and the package name's length varies (1 to 32 characters), so a
template's Python must already be in the shape ruff gives it with the *longest* name: imports
of the package exploded one name per line with a trailing comma (which ruff then keeps for
short names too). This renders the role with a 32-character name, runs ruff, and writes the
result back into the ``.py.jinja`` files. A file with Jinja logic of its own (``{% if %}``) is
never overwritten, because the render holds only the branches the defaults took: ruff's changes
to it are printed as a diff to apply by hand. The render-matrix tests check the outcome.

    uv run python tools/format_templates.py ml-engineer
"""

from __future__ import annotations

import difflib
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from scaffolder.generate import generate
from scaffolder.store import TemplateStore

LONG = "zeta_loan_risk_scoring_long_name"
JINJA_LOGIC = re.compile(r"\{\{|\{%|\{#")
PLACEHOLDER = "{{ package_name }}"


def main(role: str) -> None:
    store = TemplateStore.installed()
    template = store.templates_dir / role / "template"
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        generate(project, role=role, data={"package_name": LONG}, git=False, store=store)
        for args in (["check", "--fix", "--select", "I,RUF022", "--quiet"], ["format", "--quiet"]):
            subprocess.run([sys.executable, "-m", "ruff", *args, "."], cwd=project, check=False)
        for source in template.rglob("*.py.jinja"):
            rel = source.relative_to(template).as_posix().removesuffix(".jinja")
            rendered = project / rel.replace(PLACEHOLDER, LONG)
            shown = source.relative_to(store.templates_dir)
            if not rendered.is_file():  # a conditional file the default answers leave out
                print(f"not rendered with the defaults, check by hand: {shown}")
                continue
            text = rendered.read_text(encoding="utf-8").replace(LONG, PLACEHOLDER)
            original = source.read_text(encoding="utf-8")
            if text == original:
                continue
            if JINJA_LOGIC.search(original.replace(PLACEHOLDER, "")):
                # Writing the render back would drop the branches the defaults did not take.
                print(f"has Jinja logic, apply ruff's changes by hand: {shown}")
                sys.stdout.writelines(
                    difflib.unified_diff(
                        original.splitlines(keepends=True),
                        text.splitlines(keepends=True),
                        str(shown),
                        "ruff",
                        n=1,
                    )
                )
                continue
            source.write_text(text, encoding="utf-8")
            print(f"reformatted {shown}")


if __name__ == "__main__":
    main(sys.argv[1])
