"""Names: from a human project title to a Python package name and a distribution name,
plus the other identifiers people type into the questions (email, GitHub user).

This module is the single source of truth for the naming rule. The templates use it through
:class:`NamingExtension` (Jinja filters), the command line uses it to refuse bad input before
anything is written, and the property tests check it.
"""

from __future__ import annotations

import hashlib
import keyword
import re
import sys
import unicodedata

from scaffolder.errors import InvalidNameError

# Generated code is formatted for package names up to this length (ruff's 100-column lines must
# not re-wrap), so a longer explicit name is refused and a longer derived one is shortened.
MAX_PACKAGE_NAME = 32
_PACKAGE_RE = re.compile(r"[a-z][a-z0-9_]*")
_DIST_RE = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_URL_RE = re.compile(r"https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:/[^\s<>\"']*)?")
_LINKEDIN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{1,99}")
_GITHUB_USER_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?")
# Not text on one line: control characters (line breaks, tabs, escapes), line and paragraph
# separators, surrogates (undecodable bytes), and the bidirectional overrides that make text
# display otherwise than it reads. A joiner inside an emoji is fine.
_NOT_ONE_LINE = {"Cc", "Cs", "Zl", "Zp"}
# Top-level modules a generated project imports or installs (a test keeps this in step with
# templates/): a package of the same name would shadow one of them, as would one named after a
# standard-library module.
ROLE_MODULES = frozenset(
    {
        "airflow", "conftest", "coverage", "dbt", "duckdb", "dvc", "fastapi", "hatchling",
        "httpx", "hypothesis", "jsonschema", "lifelines", "matplotlib", "mlflow", "mypy",
        "numpy", "pandas", "playwright", "pre_commit", "prometheus_client", "pyarrow",
        "pydantic", "pydantic_core", "pyspark", "pytest", "ruff", "schemathesis", "scipy",
        "sklearn", "skops", "starlette", "statsmodels", "streamlit", "threadpoolctl", "uvicorn",
        "yaml",
    }
)  # fmt: skip
_BIDI_CONTROLS = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def text_error(label: str, value: str) -> str:
    """Return why ``value`` cannot be one line of text (a title, a name), or ``""``."""
    for ch in value:
        if unicodedata.category(ch) in _NOT_ONE_LINE or ch in _BIDI_CONTROLS:
            return (
                f"the {label} {value!r} holds a control character ({ascii(ch)[1:-1]}); "
                "give one line of plain text"
            )
    return ""


def project_name_error(name: str) -> str:
    """Return why ``name`` cannot be a project name, or ``""`` when it can."""
    if not name.strip():
        return "the project name is empty; give a title such as 'Loan Risk'"
    if error := text_error("project name", name):
        return error
    if ".." in name or "/" in name or "\\" in name:
        return (
            f"the project name {name!r} contains '..' or a path separator; "
            "give a plain title such as 'Loan Risk'"
        )
    if not _slug(name):
        return (
            f"no package name can be derived from the project name {name!r}; "
            "use letters or digits, or pass --data package_name=NAME"
        )
    return ""


def package_name_error(name: str) -> str:
    """Return why ``name`` cannot be a package name, or ``""`` when it can."""
    if keyword.iskeyword(name):
        return f"the package name {name!r} is a Python keyword; choose another name"
    if not _PACKAGE_RE.fullmatch(name):
        return (
            f"the package name {name!r} is not a valid Python identifier of lowercase ASCII "
            "letters, digits and underscores starting with a letter"
        )
    if len(name) > MAX_PACKAGE_NAME:
        return (
            f"the package name {name!r} is longer than {MAX_PACKAGE_NAME} characters; "
            "choose a shorter one"
        )
    if shadowed := _shadowed(name):
        return (
            f"the package name {name!r} would shadow {shadowed}, which the project imports; "
            f"choose another, such as {name}_project"
        )
    return ""


def _shadowed(name: str) -> str:
    """What a package named ``name`` would hide from the project's imports, or ``""``."""
    if name in sys.stdlib_module_names:
        return f"the standard library's {name}"
    if name in ROLE_MODULES:
        return f"the library {name}"
    return ""


def package_name(project_name: str) -> str:
    """An importable package name from a human title: "Über Loan Risk 2" -> uber_loan_risk_2."""
    error = project_name_error(project_name)
    if error:
        raise InvalidNameError(error)
    slug = _slug(project_name).replace("-", "_")
    if slug[0].isdigit():
        slug = f"project_{slug}"
    if keyword.iskeyword(slug) or _shadowed(slug):
        slug = f"{slug}_project"
    if len(slug) > MAX_PACKAGE_NAME:
        # Cut at the last word boundary that fits, so the name still reads as the title.
        cut = slug[: MAX_PACKAGE_NAME + 1].rfind("_")
        slug = slug[:cut] if cut > 0 else slug[:MAX_PACKAGE_NAME]
        slug = slug.rstrip("_")
    return slug


def dist_name(package: str) -> str:
    """The distribution (PyPI) name for a package name: underscores become hyphens."""
    error = package_name_error(package)
    if error:
        raise InvalidNameError(error)
    return package.replace("_", "-").strip("-")


def is_valid_dist_name(name: str) -> bool:
    """True for a normalized (PEP 503) distribution name."""
    return _DIST_RE.fullmatch(name) is not None


def email_error(value: str) -> str:
    """Return why ``value`` is not an email address, or ``""``."""
    if _EMAIL_RE.fullmatch(value):
        return ""
    return f"{value!r} is not an email address such as you@example.com"


def github_user_error(value: str) -> str:
    """Return why ``value`` is not a GitHub user or organisation name, or ``""``."""
    if _GITHUB_USER_RE.fullmatch(value) and "--" not in value:
        return ""
    return f"{value!r} is not a GitHub user name (letters, digits and single inner hyphens)"


def data_seed(project_name: str) -> int:
    """A seed for a project's synthetic data, derived from its title: two projects differ.

    Stable across machines and Python runs (sha256, not ``hash``), between 1 and 999,999.
    """
    digest = hashlib.sha256(project_name.strip().encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % 999_999 + 1


def url_error(value: str) -> str:
    """Return why ``value`` is neither empty nor an https address, or ``""``."""
    if not value or (_URL_RE.fullmatch(value) and not text_error("address", value)):
        return ""
    return f"{value!r} is not an https address such as https://example.com/ada"


def linkedin_error(value: str) -> str:
    """Return why ``value`` is neither empty nor a LinkedIn profile name, or ``""``."""
    if not value or _LINKEDIN_RE.fullmatch(value):
        return ""
    return (
        f"{value!r} is not a LinkedIn profile name: give the NAME of linkedin.com/in/NAME "
        "(letters, digits and hyphens)"
    )


def _slug(title: str) -> str:
    """Lowercase ASCII words joined by hyphens; symbols dropped, letters transliterated."""
    from anyascii import anyascii  # deferred: only rendering needs it, not --help

    letters = "".join(ch for ch in title if not unicodedata.category(ch).startswith("S"))
    return _NOT_ALNUM.sub("-", anyascii(letters).lower()).strip("-")
