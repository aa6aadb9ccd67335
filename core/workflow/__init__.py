"""Workflow definitions (DCWorkflow semantics), their guards, XML form and drawings."""

from core.workflow.definition import (
    Guard,
    State,
    Transition,
    Trigger,
    Variable,
    WorkflowDefinition,
    WorkflowError,
    Worklist,
)
from core.workflow.expression import Expression, ExpressionError
from core.workflow.guards import guard_allows, has_permission

__all__ = [
    "Expression",
    "ExpressionError",
    "Guard",
    "State",
    "Transition",
    "Trigger",
    "Variable",
    "WorkflowDefinition",
    "WorkflowError",
    "Worklist",
    "guard_allows",
    "has_permission",
]
