"""Workflow definitions (DCWorkflow semantics), their guards, XML form and drawings."""

from hamyar.core.workflow.definition import (
    Guard,
    State,
    Transition,
    Trigger,
    Variable,
    WorkflowDefinition,
    WorkflowError,
    Worklist,
)
from hamyar.core.workflow.expression import Expression, ExpressionError
from hamyar.core.workflow.guards import guard_allows, has_permission

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
