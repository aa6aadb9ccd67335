"""Tracking codes citizens read over the phone: ten digits, random, with a check digit.

Digits because 137 operators and SMS gateways handle them best; random so that one code does
not reveal how many cases exist or let anyone guess a neighbour's; the Luhn check digit catches
a mistyped digit before a lookup does.
"""

from __future__ import annotations

import secrets


def _luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 0:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return str((10 - total % 10) % 10)


def new_tracking_code() -> str:
    body = str(secrets.randbelow(9 * 10**8) + 10**8)
    return body + _luhn_digit(body)


def is_valid_tracking_code(code: str) -> bool:
    return (
        len(code) == 10 and code.isascii() and code.isdigit() and _luhn_digit(code[:-1]) == code[-1]
    )
