"""Validation of company tax identifiers."""

import re

from django.core.exceptions import ValidationError

_CNPJ_WEIGHTS_1 = (5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)
_CNPJ_WEIGHTS_2 = (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)


def _cnpj_check_digit(digits, weights):
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return "0" if remainder < 2 else str(11 - remainder)


def normalize_cnpj(value: str) -> str:
    """Return the 14 digits of a CNPJ, punctuation removed."""
    return re.sub(r"[.\-/\s]", "", value or "")


def is_valid_cnpj(value: str) -> bool:
    digits = normalize_cnpj(value)
    if not re.fullmatch(r"\d{14}", digits) or len(set(digits)) == 1:
        return False
    first = _cnpj_check_digit(digits[:12], _CNPJ_WEIGHTS_1)
    second = _cnpj_check_digit(digits[:12] + first, _CNPJ_WEIGHTS_2)
    return digits[12:] == first + second


def format_cnpj(value: str) -> str:
    d = normalize_cnpj(value)
    return f"{d[:2]}.{d[2:5]}.{d[5:8]}/{d[8:12]}-{d[12:]}"


def validate_tax_id(country: str, value: str) -> str:
    """Return the normalized tax id, or raise ``ValidationError``."""
    value = (value or "").strip()
    if not value:
        raise ValidationError("A tax id is required.", code="required")
    if country == "BR":
        if not is_valid_cnpj(value):
            raise ValidationError(f"{value!r} is not a valid CNPJ.", code="invalid")
        return normalize_cnpj(value)
    if not re.fullmatch(r"[A-Za-z0-9.\-/ ]{4,32}", value):
        raise ValidationError(f"{value!r} is not a valid tax id.", code="invalid")
    return value.upper()
