"""A large SQL condition that is the same every time it is built from the same inputs, named by
those inputs so that SQLAlchemy does not walk it on every statement.

SQLAlchemy finds a statement's compiled form by a cache key it derives, on every execution, by
walking the whole expression tree. For most statements that walk is cheap; for the permission
conditions (`hamyar.core.auth.permission_map`: a dozen aliased subqueries with lists of roles,
agencies and states) it was a third of a list request's Python, more than compiling it once and
more than the database spends answering. `Fixed` wraps such a condition with the key it was
built from: the statement's cache key holds that key instead of the tree, and compiling the
statement compiles the condition as it is.

The wrapped condition's values (role names, agencies, states) are fixed by its key, so they are
written into the SQL as literals (quoted by the dialect): a statement found in the compiled
cache needs no parameters for them, and its IN lists are not expanded on every execution. A
value that varies for one key — the caller's username, so that every caseworker of an agency
shares one compiled statement instead of filling the cache with one each — is a `Param`: bound
on each execution like any parameter.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from sqlalchemy import BindParameter, Boolean, ColumnElement, String, bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler


class Fixed(ColumnElement[bool]):
    """`condition`, known to SQLAlchemy's compiled cache as `key` (see the module), with the
    `bound` values it holds (`Param`) bound on each execution instead of written in."""

    inherit_cache = False
    type = Boolean()

    def __init__(
        self,
        condition: ColumnElement[bool],
        key: Hashable,
        bound: tuple[BindParameter[Any], ...] = (),
    ) -> None:
        self.condition = condition
        self.fixed_key = key
        self.bound = bound

    def _gen_cache_key(self, anon_map: Any, bindparams: list[Any]) -> tuple[Any, ...]:
        bindparams.extend(self.bound)  # their values vary for one key: bound, not written in
        return (self.__class__, self.fixed_key)

    @property
    def _from_objects(self) -> list[Any]:
        return self.condition._from_objects


BOUND_INSIDE = "hamyar_bound_inside"
"""Compiler flag: the literals are the `Fixed` condition's own, its `Param`s stay bound."""


class Param(ColumnElement[Any]):
    """A value inside a `Fixed` condition that is not part of its key (a username: one
    compiled statement serves every user of the same roles): bound on each execution. The
    `Fixed` condition must list its bind in `bound`."""

    inherit_cache = False

    def __init__(self, bind: BindParameter[Any]) -> None:
        self.bind = bind
        self.type = bind.type

    @property
    def _from_objects(self) -> list[Any]:
        return []


def param(name: str, value: str) -> tuple[Param, BindParameter[Any]]:
    """A `Param` for `value`, and the bind a `Fixed` condition lists in `bound`."""
    bind = bindparam(name, value, type_=String(), unique=True)
    return Param(bind), bind


@compiles(Param)
def _compile_param(element: Param, compiler: SQLCompiler, **kw: Any) -> str:
    if kw.get(BOUND_INSIDE):  # written in only when the whole statement is (an EXPLAIN)
        kw = {k: v for k, v in kw.items() if k not in ("literal_binds", BOUND_INSIDE)}
    return compiler.process(element.bind, **kw)


@compiles(Fixed)
def _compile_fixed(element: Fixed, compiler: SQLCompiler, **kw: Any) -> str:
    # Its values are part of what it is (its key), so they are written into the SQL: the
    # statement needs no parameters for them, and no expanding of its IN lists per execution.
    if not kw.get("literal_binds"):
        kw = {**kw, "literal_binds": True, BOUND_INSIDE: True}
    return "(" + compiler.process(element.condition, **kw) + ")"
