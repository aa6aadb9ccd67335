"""Specification of the guard expression language (core/workflow/expression.py).

Guards come from plugins and from XML written by strangers, so the language is deliberately
small: names and dotted names into dictionaries, literals, comparisons, membership, and/or/not.
Everything else is refused when the text is parsed, never at the moment a caseworker clicks.
"""

from __future__ import annotations

from typing import Any

import pytest

from hamyar.core.workflow.expression import MAX_LENGTH, Expression, ExpressionError

CASE = {
    "case": {"category": "lighting", "priority": 3, "region": {"code": "R12"}, "tags": ["urgent"]},
    "agency": "municipality",
    "consent": True,
}


def holds(text: str, names: dict[str, Any] | None = None) -> bool:
    return Expression.parse(text).evaluate(CASE if names is None else names)


class TestComparisons:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("case.priority == 3", True),
            ("case.priority != 3", False),
            ("case.priority > 2", True),
            ("case.priority >= 4", False),
            ("case.priority < 4", True),
            ("case.priority <= 2", False),
            ("1 < case.priority < 5", True),
            ("1 < case.priority < 2", False),
            ("agency == 'municipality'", True),
            ("case.missing is None", True),
            ("case.category is not None", True),
            ("-1 < case.priority", True),
        ],
    )
    def test_compare(self, text: str, expected: bool) -> None:
        assert holds(text) is expected

    def test_a_missing_value_compared_with_a_number_is_false_not_an_error(self) -> None:
        assert holds("case.unknown > 3") is False

    def test_persian_string_literals_compare_as_text(self) -> None:
        assert holds("title == 'روشنایی معابر'", {"title": "روشنایی معابر"}) is True


class TestMembership:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("case.category in ('lighting', 'water')", True),
            ("case.category in ['water', 'roads']", False),
            ("case.category not in {'water', 'roads'}", True),
            ("'urgent' in case.tags", True),
            ("'R12' in case.region.code", True),
        ],
    )
    def test_in(self, text: str, expected: bool) -> None:
        assert holds(text) is expected

    def test_membership_in_a_missing_value_is_false(self) -> None:
        assert holds("'x' in case.nothing") is False
        assert holds("'x' not in case.nothing") is False


class TestNames:
    def test_dotted_names_walk_into_dictionaries(self) -> None:
        assert holds("case.region.code == 'R12'") is True

    def test_unknown_names_are_none(self) -> None:
        assert holds("nobody is None") is True
        assert holds("case.region.nowhere.deeper is None") is True

    def test_attributes_of_objects_are_not_reached(self) -> None:
        class Thing:
            secret = "yes"

        assert holds("thing.secret == 'yes'", {"thing": Thing()}) is False

    def test_a_bare_name_is_truthy_or_not(self) -> None:
        assert holds("consent") is True
        assert holds("consent", {"consent": False}) is False


class TestBooleanLogic:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("consent and case.priority == 3", True),
            ("consent and case.priority == 4", False),
            ("case.priority == 4 or agency == 'municipality'", True),
            ("not consent", False),
            ("not (case.priority == 4)", True),
            ("consent and not case.closed", True),
            ("(case.priority == 4 or consent) and agency == 'health'", False),
        ],
    )
    def test_and_or_not(self, text: str, expected: bool) -> None:
        assert holds(text) is expected

    def test_python_prefix_of_tales_is_accepted_for_our_subset(self) -> None:
        assert holds("python: case.priority == 3") is True


class TestRefusals:
    @pytest.mark.parametrize(
        "text",
        [
            "len(case)",
            "case.get('category')",
            "__import__('os').system('true')",
            "import os",
            "case.__class__",
            "case.__class__.__bases__",
            "_private",
            "lambda: True",
            "case['category']",
            "case.tags[0]",
            "[x for x in case.tags]",
            "{'a': 1}",
            "1 + 1",
            "2 ** 100000",
            "'%s' % agency",
            "f'{agency}'",
            "(x := 1)",
            "case if consent else agency",
            "~case.priority",
            "b'bytes' == case",
            "",
            "   ",
            "python:",
            "case.priority ==",
        ],
    )
    def test_parse_refuses(self, text: str) -> None:
        with pytest.raises(ExpressionError):
            Expression.parse(text)

    def test_the_refusal_names_the_construct(self) -> None:
        with pytest.raises(ExpressionError, match="Call"):
            Expression.parse("len(case)")
        with pytest.raises(ExpressionError, match="__class__"):
            Expression.parse("case.__class__")

    def test_hostile_nesting_and_length_are_refused_not_crashed_on(self) -> None:
        with pytest.raises(ExpressionError):
            Expression.parse("not " * 100_000 + "x")
        with pytest.raises(ExpressionError):
            Expression.parse("-" * (MAX_LENGTH - 1) + "x")


class TestLenient:
    @pytest.mark.parametrize(
        "text",
        [
            "here/isAcquiredPermission",
            "python: object.expiration() <= object.ZopeTime()",
            "string:${object_url}/close",
            "python: here.portal_workflow.getInfoFor(here, 'review_state') == 'published'",
        ],
    )
    def test_unsupported_text_becomes_an_expression_that_always_refuses(self, text: str) -> None:
        expression = Expression.lenient(text)
        assert expression.supported is False
        assert expression.error
        assert expression.text == text
        assert expression.evaluate({"here": {"isAcquiredPermission": True}}) is False

    def test_supported_text_parses_as_usual(self) -> None:
        expression = Expression.lenient("consent")
        assert expression.supported is True
        assert expression.evaluate(CASE) is True

    def test_the_original_text_is_kept_for_export(self) -> None:
        assert Expression.parse("python: consent").text == "python: consent"

    def test_equal_texts_give_equal_expressions(self) -> None:
        assert Expression.parse("consent") == Expression.parse("consent")
        assert Expression.lenient("here/x") == Expression.lenient("here/x")


class TestEvaluationNeverRaises:
    @pytest.mark.parametrize(
        ("text", "names"),
        [
            ("-agency", {"agency": "municipality"}),
            ("{case} == {case}", {"case": {"unhashable": True}}),
            ("-case.nothing > 1", {"case": {}}),
        ],
    )
    def test_a_guard_that_cannot_be_evaluated_refuses(
        self, text: str, names: dict[str, Any]
    ) -> None:
        assert Expression.parse(text).evaluate(names) is False
