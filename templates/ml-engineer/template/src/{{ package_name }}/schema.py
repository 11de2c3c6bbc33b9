"""The data contract for one loan applicant, shared by training and scoring.

Everything that enters the model - a synthetic training row or a JSON body sent for scoring -
becomes an `Applicant` through this module, so training and serving can never disagree about
which fields exist, what units they are in, or which values are allowed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields

# Loan purposes the lender offers. The order is part of the contract: the model's one-hot
# columns follow it, so append new purposes at the end rather than reordering.
PURPOSES: tuple[str, ...] = (
    "debt_consolidation",
    "credit_card",
    "home_improvement",
    "car",
    "medical",
    "small_business",
    "other",
)

# Inclusive plausibility bounds per numeric field: (lowest, highest, unit for messages).
# They reject data errors (a negative income, a DTI typed as a percentage), not credit policy.
NUMERIC_BOUNDS: dict[str, tuple[float, float, str]] = {
    "annual_income": (1_000.0, 10_000_000.0, "currency units per year"),
    "debt_to_income": (0.0, 1.0, "ratio of monthly debt payments to monthly income"),
    "credit_history_years": (0.0, 80.0, "years"),
    "loan_amount": (100.0, 1_000_000.0, "currency units"),
    "employment_years": (0.0, 70.0, "years"),
}


class ApplicantValidationError(ValueError):
    """A record broke the applicant contract; `field` names the culprit, `reason` says why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"field '{field}': {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Applicant:
    """One loan application, in the units the model was trained on.

    Constructing an instance validates it, so an invalid `Applicant` cannot exist.
    """

    annual_income: float
    debt_to_income: float
    credit_history_years: float
    loan_amount: float
    purpose: str
    employment_years: float

    def __post_init__(self) -> None:
        for name, (lowest, highest, unit) in NUMERIC_BOUNDS.items():
            value = getattr(self, name)
            if not math.isfinite(value):
                raise ApplicantValidationError(name, f"must be a finite number, got {value!r}")
            if not lowest <= value <= highest:
                raise ApplicantValidationError(
                    name, f"must be between {lowest:g} and {highest:g} ({unit}), got {value!r}"
                )
        if self.purpose not in PURPOSES:
            raise ApplicantValidationError(
                "purpose", f"must be one of {', '.join(PURPOSES)}; got {self.purpose!r}"
            )

    def to_dict(self) -> dict[str, float | str]:
        """The applicant as a JSON-ready mapping (the inverse of `validate_applicant`)."""
        return asdict(self)


FIELD_NAMES: tuple[str, ...] = tuple(field.name for field in fields(Applicant))


def validate_applicant(record: Mapping[str, object]) -> Applicant:
    """Check an untrusted record (e.g. parsed JSON) against the contract and build an Applicant.

    Raises ApplicantValidationError naming the first offending field: a missing or unknown
    field, a wrong type, or a value outside its allowed range.
    """
    unknown = sorted(set(record) - set(FIELD_NAMES))
    if unknown:
        raise ApplicantValidationError(unknown[0], "is not part of the applicant contract")
    for name in FIELD_NAMES:
        if name not in record:
            raise ApplicantValidationError(name, "is required but missing")

    numbers: dict[str, float] = {}
    for name in NUMERIC_BOUNDS:
        value = record[name]
        # bool is a subclass of int in Python, but `true` is never a valid income or ratio.
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ApplicantValidationError(
                name, f"must be a number, got {type(value).__name__} {value!r}"
            )
        numbers[name] = float(value)

    purpose = record["purpose"]
    if not isinstance(purpose, str):
        raise ApplicantValidationError(
            "purpose", f"must be a string, got {type(purpose).__name__} {purpose!r}"
        )

    return Applicant(
        annual_income=numbers["annual_income"],
        debt_to_income=numbers["debt_to_income"],
        credit_history_years=numbers["credit_history_years"],
        loan_amount=numbers["loan_amount"],
        purpose=purpose,
        employment_years=numbers["employment_years"],
    )
