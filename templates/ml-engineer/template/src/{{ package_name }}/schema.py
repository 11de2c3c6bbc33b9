"""The data contract for a loan application, shared by training and the HTTP service.

Everything that reaches the model - a synthetic training row or a JSON body sent for scoring -
is an `Applicant` validated here, so training and serving can never disagree about which fields
exist, their units, or their allowed values. FastAPI uses the same models for its request
schema, its 422 responses (which name the offending field) and the OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Literal, Self, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError

# Loan purposes the lender offers; the one-hot columns of the model follow this order.
Purpose = Literal[
    "debt_consolidation",
    "credit_card",
    "home_improvement",
    "car",
    "medical",
    "small_business",
    "other",
]
PURPOSES: tuple[str, ...] = get_args(Purpose)

# The group attribute of the fairness slice. It is recorded, never used as a model input.
AgeBand = Literal["18-29", "30-44", "45-59", "60+"]
AGE_BANDS: tuple[str, ...] = get_args(AgeBand)

EXAMPLE_APPLICANT: dict[str, JsonValue] = {
    "annual_income": 52_000,
    "debt_to_income": 0.31,
    "credit_history_years": 7.5,
    "loan_amount": 12_000,
    "purpose": "credit_card",
    "employment_years": 4,
    "age_band": "30-44",
    "applicant_id": "A-1029",
}


# The plausibility rule across fields. An income keyed with an extra zero passes every range
# check on its own, but it leaves a signature: the loan asked for becomes a tiny share of the
# stated income while the stated debt-to-income (the lender's own figure, from real payments)
# still says the applicant carries real debt. Such a row is refused by the API (a 422 naming
# the three fields) and dropped from training data, by this one rule.
IMPLAUSIBLE = "implausible_application"
MIN_LOAN_TO_INCOME = 0.03  # a loan under 3% of the stated annual income ...
MIN_DEBT_TO_INCOME_CHECKED = 0.05  # ... by an applicant whose debt payments are 5%+ of income
PLAUSIBILITY_FIELDS: tuple[str, ...] = ("annual_income", "loan_amount", "debt_to_income")


# The rule in words, for the OpenAPI document: a client built from the spec learns it there.
PLAUSIBILITY_RULE = (
    "Cross-field rule: an application whose loan_amount is under"
    f" {MIN_LOAN_TO_INCOME * 100:.0f}% of annual_income while debt_to_income is"
    f" {MIN_DEBT_TO_INCOME_CHECKED:g} or more is refused"
    f" with a 422 of type '{IMPLAUSIBLE}' naming annual_income, loan_amount and debt_to_income"
    " (the signature of an income keyed with an extra zero), although each field is in range."
)


def is_implausible(annual_income: float, loan_amount: float, debt_to_income: float) -> bool:
    """True when income, loan amount and debt-to-income together look like a mistyped income."""
    return (
        loan_amount < MIN_LOAN_TO_INCOME * annual_income
        and debt_to_income >= MIN_DEBT_TO_INCOME_CHECKED
    )


def _implausible(applicant: Applicant) -> ValidationError:
    """One error per field of the rule, so a 422 names all three and says what to check."""
    values = {field: float(getattr(applicant, field)) for field in PLAUSIBILITY_FIELDS}
    message = (
        f"implausible combination: a loan of {values['loan_amount']:g} is under"
        f" {MIN_LOAN_TO_INCOME * 100:.0f}% of the stated annual income {values['annual_income']:g}"
        f" at a debt-to-income of {values['debt_to_income']:g}; check the income for an extra"
        " zero"
    )
    context = {**values, "min_loan_to_income": MIN_LOAN_TO_INCOME}
    errors = [
        InitErrorDetails(
            type=PydanticCustomError(IMPLAUSIBLE, message, context),
            loc=(field,),
            input=values[field],
        )
        for field in PLAUSIBILITY_FIELDS
    ]
    return ValidationError.from_exception_data(type(applicant).__name__, errors)


def _number(low: float, high: float, unit: str, rule: bool = False) -> object:
    """A finite number between low and high inclusive, described in the OpenAPI schema.

    `rule` marks a field of the cross-field plausibility rule, whose description then says so.
    """
    description = f"{unit}; a finite JSON number from {low:g} to {high:g}"
    if rule:
        description += f". {PLAUSIBILITY_RULE}"
    return Field(ge=low, le=high, allow_inf_nan=False, description=description)


APPLICANT_DESCRIPTION = (
    'One loan application, in the units the model is trained on. Types are strict: "52000"'
    " or true is not an income, and an unknown field is refused. Numbers must be finite"
    " (NaN, Infinity or 1e400 is a 422 naming the field). " + PLAUSIBILITY_RULE
)


class Applicant(BaseModel):
    """One loan application, in the units the model is trained on.

    Strict types: `"52000"` or `true` is not an income. Unknown fields are refused, because
    silently dropping one (say, a protected attribute sent by mistake) would hide a bug upstream.
    """

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        frozen=True,
        json_schema_extra={"description": APPLICANT_DESCRIPTION, "examples": [EXAMPLE_APPLICANT]},
    )

    annual_income: Annotated[
        float, _number(1_000, 10_000_000, "currency units per year", rule=True)
    ]
    debt_to_income: Annotated[
        float,
        _number(0, 1, "monthly debt payments / monthly income (a ratio, not a percent)", rule=True),
    ]
    credit_history_years: Annotated[float, _number(0, 80, "years since the first credit line")]
    loan_amount: Annotated[float, _number(100, 1_000_000, "currency units requested", rule=True)]
    purpose: Purpose
    employment_years: Annotated[
        float | None, _number(0, 70, "years with the current employer; null when unknown")
    ] = None
    age_band: AgeBand | None = Field(
        default=None, description="for fairness monitoring only; never a model input"
    )
    applicant_id: str | None = Field(
        default=None, max_length=64, description="caller's reference; echoed, never scored"
    )

    @model_validator(mode="after")
    def _plausible(self) -> Self:
        if is_implausible(self.annual_income, self.loan_amount, self.debt_to_income):
            raise _implausible(self)
        return self


class Prediction(BaseModel):
    """The risk score for one applicant and the decision the stated cost implies."""

    probability_of_default: float = Field(ge=0, le=1)
    decision: Literal["approve", "refer"]
    model_version: str
    applicant_id: str | None = None


MAX_BATCH_ROWS = 10_000


class BatchRequest(BaseModel):
    """Up to 10,000 applicants scored in one request."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "description": "From 1 to 10,000 applicants, each under the Applicant contract (its"
            " cross-field rule included); one refused applicant refuses the whole batch with a"
            " 422 naming its position and field.",
            "examples": [{"applicants": [EXAMPLE_APPLICANT]}],
        },
    )

    applicants: list[Applicant] = Field(min_length=1, max_length=MAX_BATCH_ROWS)


class BatchPrediction(BaseModel):
    """Scores in request order, with the model version once for the whole batch."""

    model_version: str
    probability_of_default: list[float]
    decision: list[Literal["approve", "refer"]]


class ContractError(ValueError):
    """Rows broke the applicant contract; the message lists each bad row, field and reason."""

    def __init__(self, problems: list[str], total: int) -> None:
        shown = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"{total} contract violation(s) in the data:\n{shown}")
        self.problems = problems
        self.total = total


_ROWS = TypeAdapter(list[Applicant])


def validate_records(
    records: Iterable[Mapping[str, object]], max_shown: int = 10
) -> list[Applicant]:
    """Validate raw rows against the contract, or raise ContractError naming row and field."""
    rows = list(records)
    try:
        return _ROWS.validate_python(rows)
    except ValidationError as error:
        raise _contract_error(error.errors(), max_shown) from None


def _contract_error(issues: list[ErrorDetails], max_shown: int) -> ContractError:
    problems = []
    for issue in issues:
        row, *where = issue["loc"]
        field = ".".join(str(part) for part in where) or "(row)"
        problems.append(f"row {row}, field '{field}': {issue['msg']}")
    return ContractError(problems[:max_shown], total=len(problems))


@dataclass(frozen=True)
class CleanedRows:
    """Training rows that meet the contract, and the rows the plausibility rule set aside."""

    applicants: list[Applicant]
    kept: list[int]  # index in the raw rows of each applicant kept
    implausible: list[int]  # index in the raw rows of each row dropped as implausible


def clean_records(records: Iterable[Mapping[str, object]], max_shown: int = 10) -> CleanedRows:
    """Validate training rows; drop the ones only the plausibility rule refuses.

    A row that breaks a field's own rule (type, range, unknown field) still stops training
    with a ContractError: that is a broken extract, not a typing slip to clean away.
    """
    rows = list(records)
    implausible: set[int] = set()
    try:
        _ROWS.validate_python(rows)
    except ValidationError as error:
        broken = [issue for issue in error.errors() if issue["type"] != IMPLAUSIBLE]
        if broken:
            raise _contract_error(broken, max_shown) from None
        implausible = {int(issue["loc"][0]) for issue in error.errors()}
    kept = [index for index in range(len(rows)) if index not in implausible]
    return CleanedRows(
        applicants=_ROWS.validate_python([rows[index] for index in kept]),
        kept=kept,
        implausible=sorted(implausible),
    )
