"""The plugin contract stays documented and tested: Datasette's two meta-tests."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from hamyar.core.plugin import hookspecs

ROOT = Path(__file__).resolve().parents[1]
HOOKS = sorted(
    name
    for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
    if hasattr(fn, "hamyar_spec")
)


def test_there_are_hooks() -> None:
    assert "register_services" in HOOKS and "transition_applied" in HOOKS


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented_with_its_signature(hook: str) -> None:
    params = ", ".join(inspect.signature(getattr(hookspecs, hook)).parameters)
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    assert f"### {hook}({params})" in docs


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_test(hook: str) -> None:
    tests = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("test_*.py"))
    assert re.search(rf"def test_hook_{hook}\b", tests), f"no test_hook_{hook} in tests/"
