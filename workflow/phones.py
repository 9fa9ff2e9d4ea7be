"""Phone numbers to E.164: given as E.164, or as national numbers of the school's country."""

from __future__ import annotations

import re

# Country calling codes, and whether national numbers start with a trunk "0" that is dropped.
COUNTRIES: dict[str, tuple[str, bool]] = {
    "US": ("1", False),
    "CA": ("1", False),
    "GB": ("44", True),
    "IE": ("353", True),
    "FR": ("33", True),
    "DE": ("49", True),
    "ES": ("34", False),
    "PT": ("351", False),
    "IT": ("39", False),
    "NL": ("31", True),
    "AU": ("61", True),
    "NZ": ("64", True),
    "MX": ("52", False),
    "BR": ("55", True),
}


def normalise_phone(raw: str, country: str = "US") -> str:
    """'+1 (555) 555-0123', '(555) 555-0123' (US), '07700 900123' (GB) -> E.164; ValueError if not."""
    text = raw.strip()
    digits = re.sub(r"\D", "", text)
    if text.startswith("+") or text.startswith("00"):
        number = digits[2:] if text.startswith("00") else digits
        if not 8 <= len(number) <= 15 or number.startswith("0"):
            raise ValueError(f"{raw!r} is not a valid international number")
        return "+" + number
    code, trunk = COUNTRIES.get(country.upper(), (None, False))
    if code is None:
        raise ValueError(f"{raw!r}: write it in international form (+...) for country {country}")
    if code == "1":
        if len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]
        if len(digits) != 10 or digits[0] in "01":
            raise ValueError(f"{raw!r} is not a 10-digit North American number")
        return "+1" + digits
    if trunk and digits.startswith("0"):
        digits = digits[1:]
    if not 6 <= len(digits) <= 12:
        raise ValueError(f"{raw!r} is not a valid {country} number")
    return f"+{code}{digits}"
