"""DCWorkflow's GenericSetup `definition.xml`, read into and written from WorkflowDefinition.

Plone sites hold years of workflows in this form. `reader` turns a file into a definition the
way DCWorkflow itself reads it, warning about what Hamyar cannot carry over and refusing what it
cannot use (DefinitionXMLError); `writer` writes a definition back as a file Plone reads too.
Hamyar's own fields travel as attributes in its `namespace`, which Plone ignores.
"""

from hamyar.core.workflow.dcworkflow.namespace import HAMYAR_NS
from hamyar.core.workflow.dcworkflow.reader import DefinitionXMLError, parse_definition
from hamyar.core.workflow.dcworkflow.writer import dump_definition

__all__ = ["HAMYAR_NS", "DefinitionXMLError", "dump_definition", "parse_definition"]
