"""The naming rule: any human title -> a valid, non-keyword package and distribution name."""

from __future__ import annotations

import keyword
import re
import sys
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from scaffolder.errors import InvalidNameError
from scaffolder.naming import (
    MAX_PACKAGE_NAME,
    ROLE_MODULES,
    data_seed,
    dist_name,
    email_error,
    github_user_error,
    is_valid_dist_name,
    linkedin_error,
    package_name,
    package_name_error,
    project_name_error,
    url_error,
)


@given(st.text(max_size=80))
@example("Über Loan Risk 2")
@example("class")
@example("2048")
@example("Łódź ß 数据分析 🚀")
@example("a" * 200)
def test_a_derivable_title_always_gives_a_valid_package_and_distribution_name(title: str) -> None:
    if project_name_error(title):
        with pytest.raises(InvalidNameError):
            package_name(title)
        return
    package = package_name(title)
    assert package.isidentifier()
    assert package.isascii()
    assert not keyword.iskeyword(package)
    assert len(package) <= MAX_PACKAGE_NAME
    assert package_name_error(package) == ""
    assert is_valid_dist_name(dist_name(package))


@given(st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=40))
def test_any_title_with_a_letter_or_digit_is_accepted(title: str) -> None:
    assert project_name_error(title) == "" or "no package name" in project_name_error(title)


@pytest.mark.parametrize(
    ("title", "package", "dist"),
    [
        ("Über Loan Risk 2", "uber_loan_risk_2", "uber-loan-risk-2"),
        ("  Loan   Risk!! ", "loan_risk", "loan-risk"),
        ("class", "class_project", "class-project"),
        ("dbt", "dbt_project", "dbt-project"),  # would shadow the dbt the project imports
        ("Email", "email_project", "email-project"),  # the standard library's email
        ("2048 Game", "project_2048_game", "project-2048-game"),
        ("Łódź straße", "lodz_strasse", "lodz-strasse"),
        ("Café ☕", "cafe", "cafe"),
        (
            "A Very Long Project Title About Loan Default Risk",
            "a_very_long_project_title_about",
            "a-very-long-project-title-about",
        ),
    ],
)
def test_examples(title: str, package: str, dist: str) -> None:
    assert package_name(title) == package
    assert dist_name(package) == dist


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("", "the project name is empty; give a title such as 'Loan Risk'"),
        ("   ", "the project name is empty; give a title such as 'Loan Risk'"),
        (
            "!!!",
            "no package name can be derived from the project name '!!!'; "
            "use letters or digits, or pass --data package_name=NAME",
        ),
        (
            "../evil",
            "the project name '../evil' contains '..' or a path separator; "
            "give a plain title such as 'Loan Risk'",
        ),
        (
            "a/b",
            "the project name 'a/b' contains '..' or a path separator; "
            "give a plain title such as 'Loan Risk'",
        ),
        (
            "a\\b",
            "the project name 'a\\\\b' contains '..' or a path separator; "
            "give a plain title such as 'Loan Risk'",
        ),
        (
            "Loan\nRisk",
            "the project name 'Loan\\nRisk' holds a control character (\\n); "
            "give one line of plain text",
        ),
        (
            "Loan\tRisk",
            "the project name 'Loan\\tRisk' holds a control character (\\t); "
            "give one line of plain text",
        ),
        (
            "Loan\u2028Risk",
            "the project name 'Loan\\u2028Risk' holds a control character (\\u2028); "
            "give one line of plain text",
        ),
        (
            "Loan \u202eksiR",
            "the project name 'Loan \\u202eksiR' holds a control character (\\u202e); "
            "give one line of plain text",
        ),
        (
            "Loan\udcffRisk",
            "the project name 'Loan\\udcffRisk' holds a control character (\\udcff); "
            "give one line of plain text",
        ),
    ],
)
def test_refused_titles(title: str, message: str) -> None:
    assert project_name_error(title) == message


@given(st.text(max_size=20), st.characters(categories=["Cc", "Zl", "Zp"]), st.text(max_size=20))
def test_a_title_holding_a_control_character_is_refused(
    before: str, control: str, after: str
) -> None:
    title = f"Loan {before}{control}{after} Risk"
    assert "control character" in project_name_error(title)
    with pytest.raises(InvalidNameError):
        package_name(title)


def test_an_emoji_joined_by_a_zero_width_joiner_is_text() -> None:
    assert project_name_error("\U0001f469\u200d\U0001f52c Lab") == ""


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("class", "is a Python keyword"),
        ("None", "is a Python keyword"),
        ("1abc", "is not a valid Python identifier"),
        ("Loan", "is not a valid Python identifier"),
        ("loan-risk", "is not a valid Python identifier"),
        ("über", "is not a valid Python identifier"),
        ("_private", "is not a valid Python identifier"),
        ("a" * (MAX_PACKAGE_NAME + 1), f"is longer than {MAX_PACKAGE_NAME} characters"),
        ("airflow", "would shadow the library airflow, which the project imports"),
        ("pandas", "choose another, such as pandas_project"),
        ("json", "would shadow the standard library's json"),
    ],
)
def test_refused_package_names(name: str, reason: str) -> None:
    assert reason in package_name_error(name)
    assert package_name_error("loan_risk") == ""


def test_email_and_github_user_rules() -> None:
    assert email_error("ada@example.com") == ""
    assert email_error("ada") == "'ada' is not an email address such as you@example.com"
    assert github_user_error("ada-l") == ""
    assert github_user_error("-ada") != ""
    assert github_user_error("a--b") != ""


def test_contact_answers_are_empty_or_well_formed() -> None:
    assert url_error("") == ""
    assert url_error("https://ada.dev/work?x=1") == ""
    assert url_error("http://ada.dev") != ""
    assert url_error("https://ada dev") != ""
    assert url_error("javascript:alert(1)") != ""
    assert linkedin_error("") == ""
    assert linkedin_error("ada-lovelace") == ""
    assert linkedin_error("linkedin.com/in/ada") != ""


def test_data_seed_is_stable_and_differs_between_titles() -> None:
    assert data_seed("Loan Risk") == data_seed(" Loan Risk ")
    assert data_seed("Loan Risk") != data_seed("Loan Risk 2")
    seeds = {data_seed(f"project {i}") for i in range(200)}
    assert len(seeds) == 200
    assert all(1 <= seed <= 999_999 for seed in seeds)


def test_role_modules_hold_every_library_the_templates_import() -> None:
    """A package named after one of them would shadow it: the list must not fall behind."""
    templates = Path(__file__).resolve().parents[2] / "templates"
    statement = re.compile(
        r"^\s*(?:from\s+([A-Za-z_]\w*)[\w.]*\s+import\b|import\s+([A-Za-z_]\w*))", re.M
    )
    imported = set()
    for path in templates.rglob("*"):
        if path.is_file() and ".py" in path.name:
            for found in statement.finditer(path.read_text(encoding="utf-8")):
                imported.add(found.group(1) or found.group(2))
    libraries = {name for name in imported if name not in sys.stdlib_module_names}
    assert {"dbt", "airflow", "pyspark", "duckdb"} <= libraries  # the scan sees conditional files
    assert libraries - ROLE_MODULES == set()
