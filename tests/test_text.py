"""Specification of Persian text folding: search keys, query terms and typed identifiers."""

from __future__ import annotations

from itertools import product
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from hamyar.core.text.folding import (
    is_valid_national_code,
    matches,
    normalize,
    normalize_mobile,
    normalize_national_code,
    query_terms,
    search_key,
    to_ascii_digits,
    to_persian_digits,
    tokens,
    uniqueness_key,
)

SEEDS = Path(__file__).parents[2] / "shared" / "seeds"
ZWNJ = "\u200c"


def seed(number: str) -> str:
    found = sorted(SEEDS.glob(f"{number}_*.txt"))
    assert found, f"seed {number} not found in {SEEDS}; clone ../shared beside the repo"
    return found[0].read_text(encoding="utf-8")


# --- normalize: letters ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variant", "persian"),
    [
        ("اجتماعى", "اجتماعی"),  # alef maksura as final yeh
        ("خدمات اجتماعي", "خدمات اجتماعی"),  # Arabic yeh
        ("مشاركت", "مشارکت"),  # Arabic kaf
        ("رئیس", "رییس"),  # both spellings occur in our seeds
        ("پائیز", "پاییز"),
        ("مؤسسه", "موسسه"),
        ("تأثیر", "تاثیر"),
        ("إسلامی", "اسلامی"),
        ("آموزش", "اموزش"),  # seed 003 has both
        ("خانۀ سالمندان", "خانه سالمندان"),
        ("دائرة المعارف", "دایره المعارف"),  # ة folds to ه, not ت
    ],
)
def test_letter_variants_share_a_key(variant: str, persian: str) -> None:
    assert normalize(variant) == normalize(persian)


def test_arabic_presentation_forms_fold_to_plain_letters() -> None:
    assert normalize("ﻛﺘﺎﺏ") == "کتاب"


def test_tashkeel_and_tatweel_are_removed() -> None:
    assert normalize("مُحَمَّد") == "محمد"
    assert normalize("کتـــاب") == "کتاب"


def test_latin_text_is_casefolded() -> None:
    assert normalize("Hamyar OPEN311") == "hamyar open311"


def test_persian_and_arabic_indic_digits_become_ascii() -> None:
    assert normalize("منطقه ۱۷ و ١٧") == "منطقه 17 و 17"


# --- normalize: zero-width characters and spacing ----------------------------------------


def test_zwnj_is_a_word_boundary() -> None:
    assert normalize(f"می{ZWNJ}شود") == normalize("می شود") == "می شود"


def test_text_that_lost_its_zwnj_keeps_one_word() -> None:
    assert normalize("میشود") == "میشود"


def test_shaping_and_direction_marks_are_removed() -> None:
    zwj, rlm, lrm, bom = "\u200d", "\u200f", "\u200e", "\ufeff"
    assert normalize(f"{bom}{rlm}کت{zwj}اب{lrm}") == "کتاب"


def test_whitespace_collapses_and_ends_are_stripped() -> None:
    assert normalize(f"  سلام\t\n\u00a0 {ZWNJ} دنیا ") == "سلام دنیا"


@given(st.text())
@example("e\u200d\u0301")  # removing the ZWJ lets the accent compose on a second pass
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


PERSIAN_ALPHABET = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيىكةۀأإآؤئ ءَُِّـ۰۱۲۳۴۵۶۷۸٠١٢ \u200c\u200d\u200f"


@given(st.text(alphabet=PERSIAN_ALPHABET))
def test_normalize_is_idempotent_on_persian_text(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


# --- tokens ------------------------------------------------------------------------------


def test_tokens_split_on_punctuation_and_keep_numbers() -> None:
    assert tokens("تاریخ: ۱۴۰۲/۰۷/۰۳، منطقه ۵") == ["تاریخ", "1402", "07", "03", "منطقه", "5"]


def test_tokens_drop_one_letter_words() -> None:
    assert tokens("کودکان و نوجوانان") == ["کودکان", "نوجوانان"]


# --- search keys from the Arabic-letter seed ---------------------------------------------


@pytest.fixture(scope="module")
def arabic_seed() -> str:
    text = seed("003")
    assert {"ي", "ك", "ى"} <= set(text), "seed 003 should be written with Arabic letters"
    return text


@pytest.fixture(scope="module")
def arabic_seed_key(arabic_seed: str) -> str:
    return search_key("نشست هم اندیشی", arabic_seed)


@pytest.mark.parametrize(
    "query",
    [
        "سازمان خدمات اجتماعی",  # seed: سازمان خدمات اجتماعى
        "اجتماعی",
        "مشارکت",  # seed: مشاركت
        "مسئولیت",  # seed: مسئوليت
        "کودکان کار",  # seed: كودكان كار
        "۱۷ منطقه",  # seed: ١٧ منطقه
        "3000 کودک",  # seed: ٣٠٠٠ كودك
        f"احساس تعلق ایجاد می{ZWNJ}شود",  # seed: ايجاد مي شود
        "ایجاد میشود",
        f"بی{ZWNJ}وقفه",  # seed: بى وقفه
        "بیوقفه",
        "هم‌اندیشی",  # seed: هم انديشى
        "آموزش",  # seed has both آموزش and اموزش
        "کارآفرینی زنان",
    ],
)
def test_arabic_letter_seed_is_found_with_persian_typing(arabic_seed_key: str, query: str) -> None:
    assert matches(query, arabic_seed_key)


@pytest.mark.parametrize("query", ["شهرداری اصفهان", "سازمان بهزیستی", "کتابخانه سیار"])
def test_words_absent_from_the_seed_are_not_found(arabic_seed_key: str, query: str) -> None:
    assert not matches(query, arabic_seed_key)


def test_a_search_term_must_be_a_whole_word_unless_prefix_is_asked(arabic_seed_key: str) -> None:
    assert not matches("اجتماع", arabic_seed_key)
    assert matches("اجتماع", arabic_seed_key, prefix=True)


# --- spacing variants --------------------------------------------------------------------

SPELLINGS = {
    "میشود": [f"می{ZWNJ}شود", "می شود", "میشود"],
    "تسهیلگری": [f"تسهیل{ZWNJ}گری", "تسهیل گری", "تسهیلگری"],  # seed 001 has both
    "خدماترسانی": [f"خدمات{ZWNJ}رسانی", "خدمات رسانی", "خدماترسانی"],  # seed 002
    "کتابهای": [f"کتاب{ZWNJ}های", "کتاب های", "کتابهای"],
    "بیسرپرستها": [f"بی{ZWNJ}سرپرست{ZWNJ}ها", "بی سرپرست ها", "بیسرپرستها"],
}


@pytest.mark.parametrize(
    ("text", "query"),
    [pair for spellings in SPELLINGS.values() for pair in product(spellings, repeat=2)],
)
def test_any_spacing_of_a_word_finds_any_other(text: str, query: str) -> None:
    assert matches(query, search_key("گزارش:", text, "پیگیری شد"))


@pytest.mark.parametrize(("joined", "spellings"), SPELLINGS.items())
def test_query_terms_join_affixes(joined: str, spellings: list[str]) -> None:
    for spelling in spellings:
        assert query_terms(spelling) == [joined]


def test_search_key_keeps_split_words_and_adds_joined_runs() -> None:
    assert search_key("بی سرپرست ها").split() == [
        *("بی", "سرپرست", "ها"),
        *("بیسرپرست", "بیسرپرستها", "سرپرستها"),
    ]


def test_search_key_skips_missing_parts() -> None:
    assert search_key(None, "خدمات", "", "شهری") == "خدمات شهری"


def test_query_terms_are_deduplicated_and_ignore_one_letter_words() -> None:
    assert query_terms("کودکان و کودکان") == ["کودکان"]


def test_a_query_without_terms_matches_everything() -> None:
    assert matches(" ، ", search_key("خدمات"))


AFFIXES = ["می", "نمی", "بی", "هم", "ها", "های", "ی", "ای", "تر", "گری"]
WORDS = st.sampled_from([*AFFIXES, "کار", "شود", "سرپرست", "و", "7"])


@given(st.lists(st.tuples(WORDS, st.sampled_from([" ", ZWNJ, "، "])), max_size=8))
def test_any_text_matches_itself_as_a_query(parts: list[tuple[str, str]]) -> None:
    text = "".join(word + separator for word, separator in parts)
    assert matches(text, search_key(text))


# --- uniqueness --------------------------------------------------------------------------


def test_names_that_differ_only_in_spacing_or_letters_share_a_uniqueness_key() -> None:
    spellings = ["شهرک گلستان", f"شهرک{ZWNJ}گلستان", "شهرکگلستان", "شهرك  گلستان", "شهرک-گلستان"]
    assert len({uniqueness_key(name) for name in spellings}) == 1
    assert uniqueness_key("شهرک گلستان") != uniqueness_key("شهرک گلشن")


# --- digits ------------------------------------------------------------------------------


def test_digits_convert_both_ways_for_str_and_int() -> None:
    assert to_ascii_digits("۱۴۰۲/٠٧/03") == "1402/07/03"
    assert to_persian_digits("1402/٠٧/03") == "۱۴۰۲/۰۷/۰۳"
    assert to_persian_digits(137) == "۱۳۷"
    assert to_ascii_digits(-5) == "-5"


# --- national code -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["0499370899", "0012345679", "۰۴۹۹۳۷۰۸۹۹", "٠٤٩٩٣٧٠٨٩٩", "049-937089-9", " 0499370899 "]
)
def test_valid_national_codes(code: str) -> None:
    assert is_valid_national_code(code)
    assert normalize_national_code(code) == to_ascii_digits(code).strip().replace("-", "")


@pytest.mark.parametrize(
    "code",
    [
        "0499370898",  # wrong check digit
        "۰۴۹۹۳۷۰۸۹۸",
        "1111111111",  # passes the checksum, never issued
        "0000000000",
        "049937089",  # 9 digits
        "04993708990",  # 11 digits
        "049937089a",
        "०४९९३७०८९९",  # Devanagari digits: int() accepts them, we do not
        "",
    ],
)
def test_invalid_national_codes(code: str) -> None:
    assert not is_valid_national_code(code)
    with pytest.raises(ValueError, match="not a national code"):
        normalize_national_code(code)


def test_python_alone_would_be_fooled_by_foreign_digits() -> None:
    assert int("०४९९३७०८९९") == 499370899  # why the validators match [0-9] explicitly


def test_a_non_string_national_code_is_invalid() -> None:
    assert not is_valid_national_code(499370899)  # type: ignore[arg-type]


# --- mobile numbers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "09121234567",
        "9121234567",
        "+989121234567",
        "989121234567",
        "00989121234567",
        "۰۹۱۲۱۲۳۴۵۶۷",
        "+۹۸ ۹۱۲ ۱۲۳ ۴۵۶۷",
        "٠٩١٢١٢٣٤٥٦٧",
        "(0912) 123-4567",
        "0912.123.4567",
    ],
)
def test_mobile_numbers_normalise_to_the_national_form(number: str) -> None:
    assert normalize_mobile(number) == "09121234567"


@pytest.mark.parametrize(
    "number",
    [
        "",
        "02112345678",  # a Tehran landline
        "0912123456",  # a digit short
        "091212345678",  # a digit long
        "+19121234567",
        "۰۹۱۲۱۲۳۴۵۶",
        "०९१२१२३४५६७",  # Devanagari digits
        "0912abc4567",
    ],
)
def test_other_numbers_are_refused_with_an_example(number: str) -> None:
    expected = r"not an Iranian mobile number: .*expected e\.g\. 09121234567"
    with pytest.raises(ValueError, match=expected):
        normalize_mobile(number)
