"""Sorting names in Persian alphabetical order, with no C library.

Python sorts strings by code point, and Unicode put the letters Persian added to the Arabic
alphabet (پ چ ژ گ, and the Persian ک and ی) after all the Arabic ones: "پارک" sorted after
"یاس". `sort_key` ranks letters as a Persian dictionary does:

    ا ب پ ت ث ج چ ح خ د ذ ر ز ژ س ش ص ض ط ظ ع غ ف ق ک گ ل م ن و ه ی

with the spellings `hamyar.core.text.folding.normalize` folds taken as one letter (ي/ى/ئ → ی,
ك → ک, آ/أ/إ → ا, ة/ۀ → ه, ؤ → و) and Persian, Arabic-Indic and ASCII digits alike. A
ZWNJ counts as a space, and a space sorts before every letter ("کتاب خانه" before
"کتابخانه"). Digits come before letters, Persian letters before Latin ones, and anything else
after them in code-point order. Ties (two spellings of one name) are broken by the original text,
so a sort is the same on every run.

PyICU would do the same with a C dependency; names are all we sort, and these rules are enough
for names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from hamyar.core.text.folding import normalize

ALPHABET = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
"""The Persian letters in dictionary order (the folded spellings map onto these)."""

_SPACE, _DIGITS, _PERSIAN, _LATIN, _OTHER = 1, 16, 64, 128, 0x10000
_RANKS: dict[str, int] = {" ": _SPACE}
_RANKS |= {str(d): _DIGITS + d for d in range(10)}
_RANKS |= {letter: _PERSIAN + n for n, letter in enumerate(ALPHABET)}
_RANKS |= {chr(c): _LATIN + c - ord("a") for c in range(ord("a"), ord("z") + 1)}

T = TypeVar("T")


def _rank(character: str) -> int:
    return _RANKS.get(character, _OTHER + ord(character))


def sort_key(text: str | None) -> tuple[tuple[int, ...], str]:
    """The key that orders `text` as a Persian reader expects; None sorts as empty."""
    text = text or ""
    return tuple(_rank(c) for c in normalize(text)), text


def sorted_by_name(items: Iterable[T], name: Callable[[T], str | None]) -> list[T]:
    """`items` in Persian order of `name(item)`: the one call every sorted list of names makes."""
    return sorted(items, key=lambda item: sort_key(name(item)))


__all__ = ["ALPHABET", "sort_key", "sorted_by_name"]
