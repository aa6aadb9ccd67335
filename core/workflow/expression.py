"""A small, safe expression language for guards and worklists.

Guards come from plugins and from imported XML written by people we do not know, so they are
never handed to Python's `eval`. We parse with `ast` and walk a short whitelist of nodes: names
and dotted names, literals, comparisons, membership, and/or/not. Anything else is refused at
parse time with a message naming the construct.

Plone writes guard expressions as TALES (`python:…`, `here/…`). `python:` text that happens to
fall inside our subset is accepted; the rest becomes an *unsupported* expression that always
refuses, so an imported workflow is never more permissive than its author meant.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


class ExpressionError(ValueError):
    """The text is not an expression this language supports."""


_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}

MAX_LENGTH = 2000
"""Guards are short; a longer text is refused before Python's parser sees it."""


def _check(node: ast.AST) -> None:
    """Reject every node outside the whitelist, before anything is evaluated."""
    if isinstance(node, ast.Expression):
        _check(node.body)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            _check(value)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.Not, ast.USub)):
            raise ExpressionError(f"operator {type(node.op).__name__} is not supported")
        _check(node.operand)
    elif isinstance(node, ast.Compare):
        for op in node.ops:
            if type(op) not in _COMPARE:
                raise ExpressionError(f"comparison {type(op).__name__} is not supported")
        _check(node.left)
        for comparator in node.comparators:
            _check(comparator)
    elif isinstance(node, ast.Attribute):
        if node.attr.startswith("_"):
            raise ExpressionError(f"private name {node.attr!r} is not allowed")
        _check(node.value)
        if not isinstance(node.value, (ast.Name, ast.Attribute)):
            raise ExpressionError("attributes may only follow names")
    elif isinstance(node, ast.Name):
        if node.id.startswith("_"):
            raise ExpressionError(f"private name {node.id!r} is not allowed")
    elif isinstance(node, ast.Constant):
        if not isinstance(node.value, (str, int, float, bool, type(None))):
            raise ExpressionError(f"constant {node.value!r} is not supported")
    elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        for element in node.elts:
            _check(element)
    else:
        raise ExpressionError(f"{type(node).__name__} is not supported in a guard expression")


def _lookup(container: Any, name: str) -> Any:
    if isinstance(container, Mapping):
        return container.get(name)
    return None


def _evaluate(node: ast.AST, names: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, names)
    if isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.And):
            result: Any = True
            for value in node.values:
                result = _evaluate(value, names)
                if not result:
                    return result
            return result
        result = False
        for value in node.values:
            result = _evaluate(value, names)
            if result:
                return result
        return result
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, names)
        return (not operand) if isinstance(node.op, ast.Not) else -operand
    if isinstance(node, ast.Compare):
        left = _evaluate(node.left, names)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = _evaluate(comparator, names)
            try:
                if not _COMPARE[type(op)](left, right):
                    return False
            except TypeError:
                return False  # comparing a missing value with a number is simply false
            left = right
        return True
    if isinstance(node, ast.Attribute):
        return _lookup(_evaluate(node.value, names), node.attr)
    if isinstance(node, ast.Name):
        if node.id in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[node.id]
        return names.get(node.id)
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.List | ast.Tuple):
        return tuple(_evaluate(e, names) for e in node.elts)
    if isinstance(node, ast.Set):
        return frozenset(_evaluate(e, names) for e in node.elts)
    raise ExpressionError(f"{type(node).__name__} is not supported")  # unreachable after _check


@dataclass(frozen=True)
class Expression:
    """A guard expression, kept with its original text so exports reproduce it verbatim."""

    text: str
    supported: bool = True
    error: str = ""
    _tree: ast.Expression | None = field(default=None, compare=False, repr=False)

    @classmethod
    def parse(cls, text: str) -> Expression:
        """Parse strictly: raise ExpressionError for anything outside the language."""
        source = text.strip()
        if source.startswith("python:"):
            source = source[len("python:") :].strip()
        if not source:
            raise ExpressionError("empty expression")
        if len(source) > MAX_LENGTH:
            raise ExpressionError(f"expression is longer than {MAX_LENGTH} characters")
        try:
            tree = ast.parse(source, mode="eval")
            _check(tree)
        except SyntaxError as exc:
            raise ExpressionError(f"cannot parse {text!r}: {exc.msg}") from None
        except (RecursionError, MemoryError):
            # Hostile input (thousands of nested `not`s) must not take an import down.
            raise ExpressionError("expression is nested too deeply") from None
        return cls(text=text, _tree=tree)

    @classmethod
    def lenient(cls, text: str) -> Expression:
        """Parse, or keep the text as an unsupported expression that always refuses."""
        try:
            return cls.parse(text)
        except ExpressionError as exc:
            return cls(text=text, supported=False, error=str(exc))

    def evaluate(self, names: Mapping[str, Any]) -> bool:
        """True when the expression holds; an unsupported expression never holds."""
        if not self.supported or self._tree is None:
            return False
        try:
            return bool(_evaluate(self._tree, names))
        except (TypeError, RecursionError):
            # `-name` on a string, an unhashable value in a set literal: a guard that cannot
            # be evaluated refuses, rather than failing the request that asked.
            return False
