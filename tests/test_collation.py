"""Names sort as a Persian reader expects: پ چ ژ گ in their places, ی/ي and ک/ك as one letter."""

from __future__ import annotations

from hamyar import persian_sort_key
from hamyar.core.text.collation import sort_key, sorted_by_name


def test_the_persian_letters_sort_in_their_alphabet_places() -> None:
    names = ["یاسمن", "گلستان", "کوثر", "ژاله", "چمران", "پونک", "بهار", "آزادی", "ونک", "زعفرانیه"]
    assert sorted(names, key=sort_key) == [
        "آزادی", "بهار", "پونک", "چمران", "زعفرانیه", "ژاله", "کوثر", "گلستان", "ونک", "یاسمن",
    ]  # fmt: skip
    assert sorted(names) != sorted(names, key=sort_key)  # code-point order is what was wrong


def test_arabic_spellings_fold_onto_the_persian_letters() -> None:
    # Arabic kaf and yeh sort where the Persian ones do, not after every Persian letter
    assert sorted(["كرج", "گرمسار", "باغ"], key=sort_key) == ["باغ", "كرج", "گرمسار"]
    assert sorted(["علي", "عليرضا", "عباس"], key=sort_key) == ["عباس", "علي", "عليرضا"]
    assert sort_key("كوي")[0] == sort_key("کوی")[0]


def test_spaces_digits_latin_and_ties() -> None:
    # a space (or a ZWNJ) ends a word: the two-word spelling sorts before the joined one
    assert sorted(["کتابخانه", "کتاب خانه"], key=sort_key) == ["کتاب خانه", "کتابخانه"]
    assert sort_key("کتاب\u200cخانه")[0] == sort_key("کتاب خانه")[0]
    # Persian, Arabic-Indic and ASCII digits are one digit; digits before letters, Persian
    # before Latin
    assert sort_key("منطقه ۵")[0] == sort_key("منطقه 5")[0] == sort_key("منطقه ٥")[0]
    assert sorted(["b", "ب", "1"], key=sort_key) == ["1", "ب", "b"]
    # two spellings of one name keep one order, whatever order they came in
    assert sorted(["كرج", "کرج"], key=sort_key) == sorted(["کرج", "كرج"], key=sort_key)
    assert sort_key(None) == sort_key("")


def test_sorted_by_name_and_the_public_key() -> None:
    rows = [{"n": "گیلان"}, {"n": "تهران"}, {"n": "البرز"}]
    assert [r["n"] for r in sorted_by_name(rows, lambda r: r["n"])] == ["البرز", "تهران", "گیلان"]
    assert persian_sort_key is sort_key
