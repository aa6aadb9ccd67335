"""A large SQL condition that is the same every time it is built from the same inputs, named by
those inputs so that SQLAlchemy does not walk it on every statement.

SQLAlchemy finds a statement's compiled form by a cache key it derives, on every execution, by
walking the whole expression tree. For most statements that walk is cheap; for the permission
conditions (`hamyar.core.auth.permission_map`: a dozen aliased subqueries with lists of roles,
agencies and states) it was a third of a list request's Python, more than compiling it once and
more than the database spends answering. `Fixed` wraps such a condition with the key it was
built from: the statement's cache key holds that key instead of the tree, and compiling the
statement compiles the condition as it is.

The wrapped condition's values (role names, agencies, states, a username) are fixed by its key,
so they are written into the SQL as literals (quoted by the dialect): a statement found in the
compiled cache needs no parameters for them, and its IN lists are not expanded on every
execution. A condition whose values vary for one key must not be wrapped.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from sqlalchemy import Boolean, ColumnElement
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler


class Fixed(ColumnElement[bool]):
    """`condition`, known to SQLAlchemy's compiled cache as `key` (see the module)."""

    inherit_cache = False
    type = Boolean()

    def __init__(self, condition: ColumnElement[bool], key: Hashable) -> None:
        self.condition = condition
        self.fixed_key = key

    def _gen_cache_key(self, anon_map: Any, bindparams: list[Any]) -> tuple[Any, ...]:
        return (self.__class__, self.fixed_key)

    @property
    def _from_objects(self) -> list[Any]:
        return self.condition._from_objects


@compiles(Fixed)
def _compile_fixed(element: Fixed, compiler: SQLCompiler, **kw: Any) -> str:
    # Its values are part of what it is (its key), so they are written into the SQL: the
    # statement needs no parameters for them, and no expanding of its IN lists per execution.
    kw["literal_binds"] = True
    return "(" + compiler.process(element.condition, **kw) + ")"
