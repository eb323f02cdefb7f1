"""Pydantic's validation errors as translatable sentences, chosen by error type.

Pydantic words its messages in English for programmers ("Input should be a valid
integer, unable to parse string as an integer"). Each error ``type`` maps here to an
English message id of ours whose ``{placeholders}`` come from the error's ``ctx``; the
catalogues translate it. Types not listed fall back to a general sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from jingwu.errors import DomainError, Gettext, translate

GENERAL = "This value is not valid."

MESSAGES: Mapping[str, str] = {
    "missing": "This field is required.",
    "missing_argument": "This field is required.",
    "extra_forbidden": "This field is not expected here.",
    "string_type": "Enter text.",
    "string_too_short": "Enter at least {min_length} characters.",
    "string_too_long": "Enter at most {max_length} characters.",
    "string_pattern_mismatch": "The format is not valid.",
    "string_unicode": "Enter text.",
    "int_type": "Enter a whole number.",
    "int_parsing": "Enter a whole number.",
    "int_parsing_size": "The number is too large.",
    "int_from_float": "Enter a whole number.",
    "float_type": "Enter a number.",
    "float_parsing": "Enter a number.",
    "finite_number": "Enter a finite number.",
    "decimal_parsing": "Enter a number.",
    "decimal_type": "Enter a number.",
    "greater_than": "Enter a number greater than {gt}.",
    "greater_than_equal": "Enter a number of at least {ge}.",
    "less_than": "Enter a number less than {lt}.",
    "less_than_equal": "Enter a number of at most {le}.",
    "multiple_of": "Enter a multiple of {multiple_of}.",
    "bool_type": "Choose yes or no.",
    "bool_parsing": "Choose yes or no.",
    "literal_error": "Choose one of: {expected}.",
    "enum": "Choose one of: {expected}.",
    "too_short": "Give at least {min_length} items.",
    "too_long": "Give at most {max_length} items.",
    "list_type": "Give a list.",
    "tuple_type": "Give a list.",
    "set_type": "Give a list.",
    "dict_type": "Give an object.",
    "model_type": "Give an object.",
    "model_attributes_type": "Give an object.",
    "json_invalid": "The body is not valid JSON.",
    "json_type": "The body is not valid JSON.",
    "date_type": "Enter a date.",
    "date_parsing": "Enter a date like 2026-12-01.",
    "date_from_datetime_parsing": "Enter a date like 2026-12-01.",
    "date_from_datetime_inexact": "Enter a date without a time.",
    "datetime_type": "Enter a date and time.",
    "datetime_parsing": "Enter a date and time like 2026-12-01T08:00:00+08:00.",
    "datetime_from_date_parsing": "Enter a date and time like 2026-12-01T08:00:00+08:00.",
    "datetime_object_invalid": "Enter a date and time like 2026-12-01T08:00:00+08:00.",
    "timezone_aware": "Give the time with its UTC offset, like +08:00.",
    "time_type": "Enter a time.",
    "time_parsing": "Enter a time like 08:30.",
    "url_type": "Enter a web address.",
    "url_parsing": "Enter a web address.",
    "url_scheme": "Enter a web address.",
    "uuid_parsing": "The identifier is not valid.",
    "uuid_type": "The identifier is not valid.",
    "bytes_too_long": "The data is too long.",
    "value_error": GENERAL,
    "assertion_error": GENERAL,
}


def problem(error: Mapping[str, Any], gettext: Gettext, language: str) -> str:
    """One validation error of pydantic, as a sentence in the language of ``gettext``."""
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    if kind in ("value_error", "assertion_error"):
        cause = ctx.get("error")
        if isinstance(cause, DomainError):
            return cause.translated(gettext)
        if cause is not None:
            # Our validators raise message ids; an untranslated one is not shown in Chinese.
            text = str(cause)
            shown = gettext(text)
            if shown != text or language == "en":
                return shown
        return gettext(GENERAL)
    template = MESSAGES.get(kind)
    if template is None:
        return str(error.get("msg", GENERAL)) if language == "en" else gettext(GENERAL)
    return translate(template, ctx, gettext)


def field_problems(
    errors: Iterable[Mapping[str, Any]], gettext: Gettext, language: str
) -> dict[str, str]:
    """The first problem of each field (``loc`` joined by dots), translated."""
    out: dict[str, str] = {}
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "form")]
        out.setdefault(".".join(loc) or "request", problem(err, gettext, language))
    return out
