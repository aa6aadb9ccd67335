"""Persian text folding for search keys, uniqueness checks and typed-in identifiers.

The same word reaches Hamyar spelt many ways: with Arabic letters (ي ى ك, as in the
seed texts from Tehran's social services), with or without zero-width non-joiners,
with Persian, Arabic-Indic or ASCII digits. Everything that compares or indexes
Persian text goes through `normalize`, so two spellings of one word give one key.

Folding rules (``normalize``), in order:

1. NFKC, which turns Arabic presentation forms and ligatures into plain letters;
   then ``casefold`` for Latin text.
2. Letter variants. ي ى ئ ې → ی; ك ڪ → ک; ة ۀ ە ہ → ه; أ إ آ ٱ → ا; ؤ → و.
   ئ and ؤ are folded because Persian spelling swaps them freely for ی/و
   (رئیس / رییس both occur in our seeds, پائیز / پاییز, مسؤول / مسئول / مسوول);
   آ and hamza-alefs are folded because people omit the marks when typing
   (seed 003 has both آموزش and اموزش; تأثیر / تاثیر). ة becomes ه, not ت: in
   Persian text ة only appears in Arabic phrases whose Persian spelling ends in ه
   (دائرة المعارف / دایره المعارف). A key is never shown, so over-folding a rare
   minimal pair costs less than missing a citizen's report.
3. Tashkeel, Quranic marks, the superscript alef and tatweel (ـ) are removed.
4. Persian ۰-۹ and Arabic-Indic ٠-٩ digits become ASCII 0-9.
5. Invisible characters. Those that *separate* words — ZWNJ (U+200C) and the
   zero-width space — become a space. Those that only steer shaping or direction
   — ZWJ, LRM/RLM/ALM, bidi embeddings and isolates, word joiner, BOM, soft
   hyphen — are removed. Whitespace runs then collapse to one space.

So "می‌شود" and "می شود" give the same key "می شود"; "میشود" (a ZWNJ lost, as
in most of our seeds) gives "میشود". Dropping every space would merge those too,
but it would also destroy word boundaries. Instead `search_key` stores both the
split words and their joined forms, and `query_terms` always joins, so any of
the three spellings finds the others. `normalize` is idempotent.
"""

from __future__ import annotations

import re
import unicodedata

_DIGITS_FA = "۰۱۲۳۴۵۶۷۸۹"
_DIGITS_AR = "٠١٢٣٤٥٦٧٨٩"
_DIGITS_ASCII = "0123456789"

_LETTERS = {
    "ي": "ی", "ى": "ی", "ئ": "ی", "ې": "ی",
    "ك": "ک", "ڪ": "ک",
    "ة": "ه", "ۀ": "ه", "ە": "ه", "ہ": "ه",
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ؤ": "و",
}  # fmt: skip
_MARKS = [
    *range(0x064B, 0x0660),  # tashkeel, incl. hamza above/below and madda above
    0x0640,  # tatweel
    0x0670,  # superscript alef
    *range(0x06D6, 0x06DD),
    *range(0x06DF, 0x06E5),
    0x06E7,
    0x06E8,
    *range(0x06EA, 0x06EE),
]
_SEPARATORS = [0x200B, 0x200C]  # zero-width space, ZWNJ
_INVISIBLE = [0x00AD, 0x061C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF]
_INVISIBLE += [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]

_FOLD = str.maketrans(
    {
        **_LETTERS,
        **{fa: a for fa, a in zip(_DIGITS_FA, _DIGITS_ASCII, strict=True)},
        **{ar: a for ar, a in zip(_DIGITS_AR, _DIGITS_ASCII, strict=True)},
        **{chr(c): None for c in _MARKS + _INVISIBLE},
        **{chr(c): " " for c in _SEPARATORS},
    }
)
_TO_ASCII_DIGITS = str.maketrans(_DIGITS_FA + _DIGITS_AR, _DIGITS_ASCII * 2)
_TO_PERSIAN_DIGITS = str.maketrans(_DIGITS_ASCII + _DIGITS_AR, _DIGITS_FA * 2)

_WHITESPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W_]+")

PREFIXES = frozenset({"می", "نمی", "بی", "نا", "هم"})
"""Words that Persian writes joined to the *next* word, with or without a ZWNJ."""

SUFFIXES = frozenset(
    {"ها", "های", "هایی", "ی", "ای", "ام", "ات", "اش", "ایم", "اید", "اند", "تر", "ترین"}
    | {"گر", "گری", "ساز", "سازی", "رسان", "رسانی", "خانه"}
)
"""Words joined to the *previous* word. The second line holds compound halves
common in our agencies' texts (تسهیل گری / تسهیلگری, خدمت رسانی, کتاب خانه).
Changing either set changes stored search keys: re-index after editing."""

_MAX_JOIN = 3  # words; "بی سرپرست ها" is the longest run worth joining


def normalize(text: str) -> str:
    """Fold `text` to its search key as described in the module docstring.

    The final NFC pass recomposes Latin letters whose accent was separated from them
    by a removed invisible character, which keeps the function idempotent.
    """
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)
    folded = unicodedata.normalize("NFC", folded)
    return _WHITESPACE.sub(" ", folded).strip()


def _words(text: str) -> list[str]:
    return _WORD.findall(normalize(text))


def _indexable(word: str) -> bool:
    """One-letter words (و, ی, stray initials) are noise; numbers never are (منطقه ۵)."""
    return len(word) > 1 or word.isdecimal()


def tokens(text: str) -> list[str]:
    """The normalised words of `text` in order, for full-text indexing.

    Words are runs of letters and digits, so punctuation (، ؛ / - .) splits them
    and "۱۴۰۲/۰۷/۰۳" gives ["1402", "07", "03"]. One-letter words are dropped,
    numbers of any length are kept.
    """
    return [word for word in _words(text) if _indexable(word)]


def _joinable(left: str, right: str) -> bool:
    return left in PREFIXES or right in SUFFIXES


def _run_end(words: list[str], start: int) -> int:
    """End of the longest run from `start` (at most `_MAX_JOIN` words) joined by affixes."""
    end = start + 1
    while end < len(words) and end - start < _MAX_JOIN and _joinable(words[end - 1], words[end]):
        end += 1
    return end


def _joined_variants(words: list[str]) -> list[str]:
    """Every run of 2-3 adjacent words whose boundaries are all affix boundaries, joined."""
    return [
        "".join(words[start:end])
        for start in range(len(words))
        for end in range(start + 2, _run_end(words, start) + 1)
    ]


def search_key(*parts: str | None) -> str:
    """The text stored in a case's ``search_text`` column.

    The non-empty `parts` are joined and tokenised; then every affix run is
    appended joined ("می شود" adds "میشود", "بی سرپرست ها" adds "بیسرپرست",
    "سرپرستها" and "بیسرپرستها"). The key is plain space-separated terms, so any
    whitespace tokenizer indexes exactly these terms:

    - in Python: ``matches(query, key)``;
    - SQLite FTS5 (``tokenize='unicode61 remove_diacritics 0'``): MATCH the terms
      of `query_terms`, each double-quoted, separated by spaces (implicit AND);
    - PostgreSQL: ``string_to_array(search_text, ' ') @> :terms`` with a GIN index
      on that expression, or ``to_tsvector('simple', search_text)``.
    """
    words = _words(" ".join(part for part in parts if part))
    indexed = [word for word in words if _indexable(word)]
    seen = set(indexed)
    for variant in _joined_variants(words):
        if variant not in seen:
            seen.add(variant)
            indexed.append(variant)
    return " ".join(indexed)


def query_terms(query: str) -> list[str]:
    """The terms a search for `query` requires, all of which must be in the key.

    Affix runs are joined greedily ("می‌شود", "می شود" and "میشود" all give
    ["میشود"]); `search_key` stores every such run joined, whatever its spacing
    in the text, so the term is found either way. Duplicates are dropped.
    """
    words = _words(query)
    terms: list[str] = []
    start = 0
    while start < len(words):
        end = _run_end(words, start)
        term = "".join(words[start:end])
        if _indexable(term) and term not in terms:
            terms.append(term)
        start = end
    return terms


def matches(query: str, key: str, *, prefix: bool = False) -> bool:
    """Whether a `search_key` result contains every term of `query`.

    ``prefix=True`` lets a term match the start of a key term, as FTS5 ``"term"*``
    and PostgreSQL ``term:*`` do; it is what a search box usually wants ("کتاب"
    finds "کتابخانه"). A query without terms matches everything, like no filter.
    """
    key_terms = set(key.split())
    if prefix:
        return all(any(k.startswith(t) for k in key_terms) for t in query_terms(query))
    return all(term in key_terms for term in query_terms(query))


def uniqueness_key(text: str) -> str:
    """A key under which short names that differ only in spacing collide.

    "شهرک گلستان", "شهرک‌گلستان", "شهرکگلستان" and "شهرك گلستان" share a key, so a
    neighbourhood or agency cannot be registered twice under spellings a reader
    cannot tell apart. Meant for names, not for running text.
    """
    return "".join(_words(text))


def to_ascii_digits(value: str | int) -> str:
    """`value` with Persian and Arabic-Indic digits replaced by ASCII ones."""
    return str(value).translate(_TO_ASCII_DIGITS)


def to_persian_digits(value: str | int) -> str:
    """`value` with ASCII and Arabic-Indic digits replaced by Persian ones, for display."""
    return str(value).translate(_TO_PERSIAN_DIGITS)


def _digits_only(value: str, separators: str) -> str:
    """Fold digits and drop the separators people type between digit groups.

    Matching is then done with explicit ``[0-9]``: Python's ``int()`` and ``\\d``
    accept digits of every script, which would let "९९" or "١٢" through unchecked.
    """
    return re.sub(f"[\\s{re.escape(separators)}]", "", to_ascii_digits(value))


def normalize_national_code(value: str) -> str:
    """The 10 ASCII digits of an Iranian national (melli) code, or ValueError.

    Accepts Persian or Arabic-Indic digits and the dashes printed on the card
    ("۰۰۱-۲۳۴۵۶۷-۸"). The last digit is a check digit over the first nine
    (weights 10..2, mod 11); codes of one repeated digit pass that checksum but
    are never issued, so they are refused too.
    """
    code = _digits_only(value, "-") if isinstance(value, str) else ""
    if not re.fullmatch(r"[0-9]{10}", code) or len(set(code)) == 1:
        raise ValueError(f"not a national code: {value!r}; expected 10 digits, e.g. 0012345679")
    remainder = sum(int(code[i]) * (10 - i) for i in range(9)) % 11
    expected = remainder if remainder < 2 else 11 - remainder
    if int(code[9]) != expected:
        raise ValueError(f"not a national code: {value!r}; its check digit is wrong")
    return code


def is_valid_national_code(value: str) -> bool:
    """Whether `value` is a well-formed national code (see `normalize_national_code`)."""
    try:
        normalize_national_code(value)
    except ValueError:
        return False
    return True


_MOBILE = re.compile(r"(?:\+98|0098|98|0)?(9[0-9]{9})")


def normalize_mobile(value: str) -> str:
    """An Iranian mobile number in the national form "09121234567", or ValueError.

    Accepts 0912..., 912..., +98912..., 0098912..., 98912..., with Persian or
    Arabic-Indic digits and spaces, dashes, dots or brackets between groups.
    """
    match = _MOBILE.fullmatch(_digits_only(value, "-.()")) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"not an Iranian mobile number: {value!r}; expected e.g. 09121234567")
    return "0" + match.group(1)
