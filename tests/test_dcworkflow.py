"""Specification of DCWorkflow `definition.xml` import and export (core/workflow/dcworkflow/),
and of the drawings made from a definition (core/workflow/render.py).

The fixtures are Plone's simple_publication_workflow and DCWorkflow's own test fixture; the
definitions below are written in the style of Plone's other workflows (one_state, intranet,
folder, comment_review) so that every construct those use is known to import.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.dom import minidom

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hamyar.core.workflow.dcworkflow import DefinitionXMLError, dump_definition, parse_definition
from hamyar.core.workflow.definition import (
    Guard,
    State,
    Transition,
    Trigger,
    Variable,
    WorkflowDefinition,
    Worklist,
)
from hamyar.core.workflow.expression import Expression
from hamyar.core.workflow.render import render_dot, render_mermaid, render_text

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "dcworkflow"
FIXTURE_FILES = sorted(FIXTURES.glob("*.xml"))

ONE_STATE = """<?xml version="1.0"?>
<dc-workflow xmlns:i18n="http://xml.zope.org/namespaces/i18n" i18n:domain="plone"
    workflow_id="one_state" title="Single State Workflow" state_variable="review_state"
    initial_state="published" i18n:attributes="title; description">
 <permission>Access contents information</permission>
 <permission>View</permission>
 <state state_id="published" title="Published" i18n:attributes="title">
  <description i18n:translate="">
    Visible to everyone,
      editable by the owner.
  </description>
  <permission-map name="Access contents information" acquired="True"/>
  <permission-map name="View" acquired="True">
   <permission-role>Anonymous</permission-role>
  </permission-map>
 </state>
 <variable variable_id="review_history" for_catalog="False" for_status="False"
     update_always="False">
  <description>Provides access to workflow history</description>
  <default>

   <expression>state_change/getHistory</expression>
  </default>
  <guard>
  </guard>
 </variable>
</dc-workflow>
"""

INTRANET = """<?xml version="1.0" encoding="utf-8"?>
<dc-workflow workflow_id="intranet" title="Intranet" description="Members only"
    state_variable="review_state" initial_state="internal" manager_bypass="True">
 <permission>View</permission>
 <group>Intranet_editors</group>
 <state state_id="internal" title="Internal draft">
  <exit-transition transition_id="hide"/>
  <exit-transition transition_id="publish_externally"/>
  <permission-map name="View" acquired="False">
   <permission-role>Member</permission-role>
   <permission-role>Owner</permission-role>
  </permission-map>
  <group-map name="Intranet_editors">
   <group-role>Editor</group-role>
   <group-role>Reader</group-role>
  </group-map>
 </state>
 <state state_id="private" title="Private">
  <exit-transition transition_id="show_internally"/>
  <permission-map name="View" acquired="False">
   <permission-role>Owner</permission-role>
  </permission-map>
 </state>
 <state state_id="external" title="Externally visible">
  <exit-transition transition_id="hide"/>
  <permission-map name="View" acquired="True"/>
 </state>
 <transition transition_id="hide" title="Make private" new_state="private" trigger="USER"
     before_script="" after_script="">
  <action url="%(content_url)s/content_status_modify?workflow_action=hide" category="workflow"
      icon="">Make private</action>
  <guard>
   <guard-permission>Modify portal content</guard-permission>
   <guard-expression>here/isAcquiredPermission</guard-expression>
  </guard>
 </transition>
 <transition transition_id="show_internally" title="Show internally" new_state="internal"
     trigger="USER" before_script="" after_script="">
  <guard>
   <guard-role>Owner</guard-role>
   <guard-group>Intranet_editors</guard-group>
   <guard-expression>python: review_state != 'external'</guard-expression>
  </guard>
 </transition>
 <transition transition_id="publish_externally" title="Publish externally" new_state="external"
     trigger="USER" before_script="" after_script="">
  <guard>
   <guard-permission>Review portal content</guard-permission>
   <guard-expression>python:checkPermission('Publish', here)</guard-expression>
  </guard>
 </transition>
</dc-workflow>
"""

FOLDER = """<?xml version="1.0"?>
<dc-workflow workflow_id="folder_workflow" title="Folder Workflow" description=""
    state_variable="review_state" initial_state="visible">
 <permission>List folder contents</permission>
 <state state_id="private" title="Private">
  <exit-transition transition_id="show"/>
  <permission-map name="List folder contents" acquired="False">
   <permission-role>Manager</permission-role><permission-role>Owner</permission-role>
  </permission-map>
 </state>
 <state state_id="visible" title="Public draft">
  <exit-transition transition_id="hide"/>
  <exit-transition transition_id="touch"/>
  <permission-map name="List folder contents" acquired="True"/>
 </state>
 <transition transition_id="hide" new_state="private" trigger="USER"
     before_script="" after_script="" title="Make private">
  <guard><guard-role>Owner</guard-role></guard>
 </transition>
 <transition transition_id="show" new_state="visible" trigger="USER"
     before_script="" after_script="" title="Make public">
  <guard><guard-role>Owner</guard-role></guard>
 </transition>
 <transition transition_id="touch" new_state="" trigger="USER"
     before_script="" after_script="" title="Touch">
  <action url="" category="folder">Touch</action>
  <guard/>
 </transition>
</dc-workflow>
"""

COMMENT_REVIEW = """<?xml version="1.0"?>
<dc-workflow workflow_id="comment_review" title="Comment Review" description="Comments"
    state_variable="review_state" initial_state="pending">
 <instance-creation-conditions>
  <guard><guard-role>Member</guard-role></guard>
 </instance-creation-conditions>
 <permission>Reply to item</permission>
 <state state_id="pending" title="Pending">
  <exit-transition transition_id="auto_publish"/>
  <exit-transition transition_id="publish"/>
  <exit-transition transition_id="mark_as_spam"/>
  <permission-map name="Reply to item" acquired="False"></permission-map>
  <assignment name="is_public" type="bool">False</assignment>
  <assignment name="rank" type="int">2</assignment>
  <assignment name="score" type="float">0.5</assignment>
  <assignment name="reviewer" type="none"></assignment>
  <assignment name="label" type="string">در انتظار</assignment>
  <assignment name="since" type="datetime">2024-03-20T10:00:00+03:30</assignment>
 </state>
 <state state_id="published" title="Published">
  <exit-transition transition_id="mark_as_spam"/>
  <permission-map name="Reply to item" acquired="True"/>
  <assignment name="is_public" type="bool">True</assignment>
 </state>
 <state state_id="spam" title="Spam">
  <exit-transition transition_id="publish"/>
 </state>
 <transition transition_id="auto_publish" title="Publish trusted comments"
     new_state="published" trigger="AUTOMATIC" before_script="" after_script="">
  <guard><guard-expression>author.trusted == True</guard-expression></guard>
 </transition>
 <transition transition_id="publish" title="Approve" new_state="published"
     trigger="WORKFLOW_METHOD" before_script="" after_script="notify_author">
  <description>Approving makes the comment visible.</description>
  <guard><guard-permission>Review comments</guard-permission></guard>
  <assignment name="reviewer">user/getId</assignment>
 </transition>
 <transition transition_id="mark_as_spam" title="Spam" new_state="spam" trigger="USER"
     before_script="" after_script="">
  <guard><guard-permission>Review comments</guard-permission></guard>
 </transition>
 <worklist worklist_id="comment_queue" title="Comments to review">
  <description>Moderation tasks</description>
  <action url="%(portal_url)s/@@moderate-comments" category="global" icon="">Moderate</action>
  <guard><guard-permission>Review comments</guard-permission></guard>
  <match name="review_state" values="pending; spam"/>
  <match name="portal_type" values="Discussion Item"/>
 </worklist>
 <variable variable_id="actor" for_catalog="False" for_status="True" update_always="True">
  <description>Who moved it</description>
  <default><value type="string">nobody</value><expression>user/getId</expression></default>
  <guard><guard-role>Reviewer</guard-role></guard>
 </variable>
 <script script_id="notify_author" type="Script (Python)"
     filename="workflows/comment_review/scripts/notify_author.py" module="" function=""/>
 <script script_id="unused_helper" type="External Method" filename="" module="m" function="f"/>
</dc-workflow>
"""

EXTRA = {
    "one_state": ONE_STATE,
    "intranet": INTRANET,
    "folder": FOLDER,
    "comment_review": COMMENT_REVIEW,
}
ALL_XML = [
    *(pytest.param(p.read_bytes(), id=p.stem) for p in FIXTURE_FILES),
    *(pytest.param(xml, id=name) for name, xml in EXTRA.items()),
]


def without_warnings(definition: WorkflowDefinition) -> WorkflowDefinition:
    """Warnings about `<script>` elements are not reproduced, since scripts are not exported."""
    return replace(definition, warnings=())


def _flag(value: str | None) -> bool:
    return (value or "").lower() in ("true", "yes", "1")


def _texts(node: ET.Element, tag: str) -> list[str]:
    return [(child.text or "").strip() for child in node.findall(tag)]


def _guard_facts(node: ET.Element) -> tuple[Any, ...]:
    guard = node.find("guard")
    if guard is None:
        return ((), (), (), "")
    parts = [_texts(guard, t) for t in ("guard-permission", "guard-role", "guard-group")]
    return (*parts, (guard.findtext("guard-expression") or "").strip())


def _assignments(node: ET.Element) -> dict[str | None, str]:
    return {a.get("name"): (a.text or "").strip() for a in node.findall("assignment")}


def _state_facts(node: ET.Element) -> dict[str, Any]:
    return {
        "title": node.get("title", ""),
        "exits": [x.get("transition_id") for x in node.findall("exit-transition")],
        "permissions": {
            p.get("name"): (_texts(p, "permission-role"), _flag(p.get("acquired")))
            for p in node.findall("permission-map")
        },
        "groups": {g.get("name"): _texts(g, "group-role") for g in node.findall("group-map")},
        "assignments": _assignments(node),
    }


def _transition_facts(node: ET.Element) -> dict[str, Any]:
    return {
        "title": node.get("title", ""),
        "new_state": node.get("new_state", ""),
        "trigger": node.get("trigger", "USER").replace("WORKFLOW_METHOD", "USER"),
        "guard": _guard_facts(node),
        "assignments": _assignments(node),
    }


def _worklist_facts(node: ET.Element) -> dict[str, Any]:
    matches = node.findall("match")
    return {
        "matches": {m.get("name"): re.split(r";[ ]*", m.get("values", "")) for m in matches},
        "guard": _guard_facts(node),
    }


def _variable_facts(node: ET.Element) -> dict[str, Any]:
    return {
        "flags": [_flag(node.get(f)) for f in ("for_catalog", "for_status", "update_always")],
        "value": (node.findtext("default/value") or "").strip(),
        "expression": (node.findtext("default/expression") or "").strip(),
        "guard": _guard_facts(node),
    }


def xml_facts(xml: str | bytes) -> dict[str, Any]:
    """What a definition.xml says, read with plain ElementTree, independently of the importer.

    DCWorkflow's WORKFLOW_METHOD trigger is expected to come back as USER.
    """
    root = ET.fromstring(xml)
    return {
        "root": [root.get(k) for k in ("workflow_id", "title", "initial_state")],
        "manager_bypass": _flag(root.get("manager_bypass")),
        "permissions": _texts(root, "permission"),
        "groups": _texts(root, "group"),
        "states": {n.get("state_id"): _state_facts(n) for n in root.findall("state")},
        "transitions": {
            n.get("transition_id"): _transition_facts(n) for n in root.findall("transition")
        },
        "worklists": {n.get("worklist_id"): _worklist_facts(n) for n in root.findall("worklist")},
        "variables": {n.get("variable_id"): _variable_facts(n) for n in root.findall("variable")},
    }


class TestImport:
    def test_simple_publication_workflow(self) -> None:
        d = parse_definition((FIXTURES / "simple_publication_workflow.xml").read_bytes())
        assert (d.id, d.title, d.initial_state) == (
            "simple_publication_workflow",
            "Simple Publication Workflow",
            "private",
        )
        assert list(d.states) == ["pending", "private", "published"]
        assert d.states["pending"].transitions == ("publish", "reject", "retract")
        assert d.states["published"].transitions == ("retract", "reject")
        assert d.states["pending"].description == (
            "Waiting to be reviewed, not editable by the owner."
        )
        assert d.states["published"].permission_roles["View"] == ("Anonymous",)
        assert d.states["published"].acquired_permissions == frozenset()
        publish = d.transitions["publish"]
        assert (publish.new_state, publish.trigger) == ("published", Trigger.USER)
        assert publish.guard == Guard(permissions=("Review portal content",))
        assert (publish.actbox_name, publish.actbox_category) == ("Publish", "workflow")
        assert publish.handler is None
        assert d.worklists["reviewer_queue"].matches == {"review_state": ("pending",)}
        assert d.variables["review_history"].guard.permissions == (
            "Request review",
            "Review portal content",
        )
        assert d.variables["action"].default_expr == "transition/getId|nothing"
        assert d.variables["action"].for_status and not d.variables["action"].for_catalog
        assert d.warnings == ()

    def test_dcworkflow_test_fixture(self) -> None:
        d = parse_definition((FIXTURES / "dcworkflow_test_fixture_normal.xml").read_bytes())
        assert d.state_variable == "state"
        assert d.groups == ("Content_owners", "Content_assassins")
        closed, opened = d.states["closed"], d.states["opened"]
        assert closed.permission_roles == {"Modify content": ()}
        assert opened.acquired_permissions == frozenset({"Modify content"})
        assert opened.group_roles == {"Content_owners": ("Owner",)}
        assert closed.variables == {"is_closed": True, "is_opened": False}
        assert d.transitions["kill"].guard.groups == ("Content_assassins",)
        assert d.transitions["close"].guard.roles == ("Owner", "Manager")
        assert d.transitions["close"].after_script == "after_close"
        assert d.transitions["kill"].variables == {"killed_by": "string:${user/getId}"}
        assert d.transitions["expire"].trigger == Trigger.AUTOMATIC
        assert d.worklists["alive_list"].matches == {"state": ("open", "closed")}
        killed_by = d.variables["killed_by"]
        assert (killed_by.default_value, killed_by.type) == ("n/a", "string")
        assert killed_by.guard.roles == ("Hangman", "Sherrif")

    def test_an_unsupported_guard_expression_refuses_and_is_reported(self) -> None:
        d = parse_definition((FIXTURES / "dcworkflow_test_fixture_normal.xml").read_bytes())
        expression = d.transitions["expire"].guard.expression
        assert expression is not None and not expression.supported
        assert not expression.evaluate({"object": {}})
        [warning] = [w for w in d.warnings if "guard expression" in w]
        assert "'expire'" in warning
        assert "object.expiration() <= object.ZopeTime()" in warning

    def test_tales_path_guards_import_as_refusing_guards_with_a_warning(self) -> None:
        d = parse_definition(INTRANET)
        assert d.manager_bypass is True
        hide = d.transitions["hide"].guard
        assert hide.permissions == ("Modify portal content",)
        assert hide.expression == Expression.lenient("here/isAcquiredPermission")
        assert any("'hide'" in w and "here/isAcquiredPermission" in w for w in d.warnings)
        assert any("'publish_externally'" in w and "checkPermission" in w for w in d.warnings)
        show = d.transitions["show_internally"].guard
        assert show.expression is not None and show.expression.supported
        assert show.expression.evaluate({"review_state": "private"})
        assert not any("show_internally" in w for w in d.warnings)
        assert d.states["internal"].group_roles == {"Intranet_editors": ("Editor", "Reader")}

    def test_one_state_workflow(self) -> None:
        d = parse_definition(ONE_STATE)
        published = d.states["published"]
        assert d.transitions == {} and published.transitions == ()
        assert published.description == "Visible to everyone,\neditable by the owner."
        assert published.acquired_permissions == {"Access contents information", "View"}
        assert published.permission_roles["Access contents information"] == ()
        assert d.variables["review_history"].guard == Guard()

    def test_an_empty_new_state_means_stay(self) -> None:
        d = parse_definition(FOLDER)
        touch = d.transitions["touch"]
        assert touch.new_state == ""
        assert d.target(touch, "visible") == "visible"
        assert touch.actbox_category == "folder"
        assert d.transitions["hide"].action_url == ""

    def test_comment_review_constructs(self) -> None:
        d = parse_definition(COMMENT_REVIEW)
        assert d.transitions["auto_publish"].trigger == Trigger.AUTOMATIC
        assert d.exits("pending", Trigger.AUTOMATIC) == [d.transitions["auto_publish"]]
        assert d.transitions["publish"].trigger == Trigger.USER
        assert d.worklists["comment_queue"].matches == {
            "review_state": ("pending", "spam"),
            "portal_type": ("Discussion Item",),
        }
        assert d.states["pending"].variables == {
            "is_public": False,
            "rank": 2,
            "score": 0.5,
            "reviewer": None,
            "label": "در انتظار",
            "since": datetime.fromisoformat("2024-03-20T10:00:00+03:30"),
        }
        actor = d.variables["actor"]
        assert (actor.default_value, actor.default_expr) == ("nobody", "user/getId")

    def test_what_cannot_be_carried_over_is_reported(self) -> None:
        warnings = "\n".join(parse_definition(COMMENT_REVIEW).warnings)
        assert "WORKFLOW_METHOD" in warnings and "'publish'" in warnings
        assert "instance-creation-conditions" in warnings
        assert "'notify_author'" in warnings
        assert "'unused_helper'" in warnings

    def test_a_misspelt_element_is_reported(self) -> None:
        d = parse_definition(
            FOLDER.replace('<exit-transition transition_id="show"/>', "<exit-transtion/>")
        )
        assert d.states["private"].transitions == ()
        assert any("<exit-transtion>" in w for w in d.warnings)

    def test_str_and_bytes_both_import(self) -> None:
        assert parse_definition(FOLDER) == parse_definition(FOLDER.encode())


@pytest.mark.parametrize("xml", ALL_XML)
class TestRoundTrip:
    def test_import_export_import_gives_an_equal_definition(self, xml: str | bytes) -> None:
        first = parse_definition(xml)
        second = parse_definition(dump_definition(first))
        assert without_warnings(second) == without_warnings(first)
        assert [w for w in second.warnings if "guard expression" in w] == [
            w for w in first.warnings if "guard expression" in w
        ]

    def test_the_export_says_what_the_original_said(self, xml: str | bytes) -> None:
        assert xml_facts(dump_definition(parse_definition(xml))) == xml_facts(xml)

    def test_the_export_is_plain_dcworkflow_xml(self, xml: str | bytes) -> None:
        exported = dump_definition(parse_definition(xml))
        assert exported.startswith('<?xml version="1.0" encoding="utf-8"?>\n<dc-workflow ')
        assert "hamyar" not in exported
        dom = minidom.parseString(exported.encode())  # the way DCWorkflow reads it
        [root] = dom.getElementsByTagName("dc-workflow")
        assert len(root.getElementsByTagName("state")) == len(parse_definition(xml).states)

    def test_every_state_and_transition_is_drawn(self, xml: str | bytes) -> None:
        d = parse_definition(xml)
        text, mermaid, dot = render_text(d), render_mermaid(d), render_dot(d)
        for state in d.states.values():
            assert state.id in text
            assert f'"{state.title or state.id}"' in mermaid
            assert f'label="{state.title or state.id}"' in dot
        for transition in d.transitions.values():
            assert transition.id in text
        for state in d.states.values():
            for transition in d.exits(state.id):
                assert f": {transition.title or transition.id}" in mermaid
                assert f'label="{transition.title or transition.id}' in dot


PERSIAN = WorkflowDefinition.build(
    "hamyar.referral",
    title="ارجاع بین‌دستگاهی",
    title_en="Referral",
    states=[
        State(
            id="offered",
            title="پیشنهاد شده",
            title_en="Offered",
            transitions=("accept", "reject", "remind", "expire"),
            permission_roles={"hamyar: View case": ("coordinator", "caseworker")},
            acquired_permissions=frozenset({"hamyar: View case"}),
            group_roles={"welfare": ("caseworker",)},
            variables={"open": True},
        ),
        State(id="accepted", title='پذیرفته شد "نهایی" <OK> & ;:#%', terminal=True),
        State(id="rejected", title="ردّ شد", terminal=True),
    ],
    transitions=[
        Transition(
            id="accept",
            title="پذیرش",
            new_state="accepted",
            guard=Guard(roles=("caseworker",), expression=Expression.parse("case.consent")),
            handler="welfare.open_file",
        ),
        Transition(
            id="reject",
            title="رد با ذکر دلیل",
            new_state="rejected",
            guard=Guard(permissions=("hamyar: View case",), groups=("welfare",)),
            requires_comment=True,
            title_en="Reject",
        ),
        Transition(id="remind", title="یادآوری", handler="core.remind"),
        Transition(
            id="expire",
            title="انقضا",
            new_state="rejected",
            trigger=Trigger.AUTOMATIC,
            guard=Guard(expression=Expression.parse("task.overdue_days > 5")),
        ),
    ],
    initial_state="offered",
    worklists=[
        Worklist(
            id="offers",
            title="ارجاع‌های در انتظار",
            matches={"review_state": ("offered", "accepted")},
            guard=Guard(roles=("caseworker", "supervisor")),
        )
    ],
    variables=[Variable(id="comment", description="توضیح", default_value="", for_status=True)],
    manager_bypass=True,
)


class TestHamyarExtensions:
    def test_a_hamyar_definition_round_trips_exactly(self) -> None:
        assert parse_definition(dump_definition(PERSIAN)) == PERSIAN

    def test_handlers_travel_in_the_hamyar_namespace(self) -> None:
        exported = dump_definition(PERSIAN)
        assert 'xmlns:hamyar="urn:hamyar:workflow"' in exported
        assert 'hamyar:handler="welfare.open_file"' in exported
        dom = minidom.parseString(exported.encode())
        transitions = dom.getElementsByTagName("transition")
        [accept] = [t for t in transitions if t.getAttribute("transition_id") == "accept"]
        assert accept.getAttribute("new_state") == "accepted"

    def test_plone_xml_without_extensions_imports_with_defaults(self) -> None:
        d = parse_definition(FOLDER)
        assert all(t.handler is None and not t.requires_comment for t in d.transitions.values())
        assert not any(s.terminal for s in d.states.values())

    def test_persian_text_survives_the_xml(self) -> None:
        again = parse_definition(dump_definition(PERSIAN))
        assert again.states["accepted"].title == 'پذیرفته شد "نهایی" <OK> & ;:#%'
        assert again.title == "ارجاع بین‌دستگاهی"  # with its zero-width non-joiner


class TestBadXML:
    @pytest.mark.parametrize(
        ("xml", "says"),
        [
            ("", "well-formed"),
            ("this is not xml", "well-formed"),
            ("<dc-workflow workflow_id='x'", "well-formed"),
            ("<workflow/>", "dc-workflow"),
            (
                '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                '<!ENTITY lol2 "&lol;&lol;&lol;">]>\n<dc-workflow>&lol2;</dc-workflow>',
                "unsafe",
            ),
            (
                '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><dc-workflow>&x;</dc-workflow>',
                "unsafe",
            ),
            ('<dc-workflow initial_state="a"/>', "workflow_id"),
            ('<dc-workflow workflow_id="w"/>', "initial_state"),
            ('<dc-workflow workflow_id="w" initial_state="a"/>', "no states"),
            (FOLDER.replace('initial_state="visible"', 'initial_state="gone"'), "'gone'"),
            (FOLDER.replace('new_state="private"', 'new_state="secret"'), "'secret'"),
            (FOLDER.replace('transition_id="touch"/>', 'transition_id="poke"/>'), "'poke'"),
            (FOLDER.replace('state_id="private"', 'state_id="visible"'), "twice"),
            (FOLDER.replace('"touch" new_state=""', '"hide" new_state=""'), "twice"),
            (FOLDER.replace('trigger="USER"', 'trigger="SOMETIMES"', 1), "SOMETIMES"),
            (COMMENT_REVIEW.replace('type="int">2<', 'type="int">two<'), "'two'"),
            (COMMENT_REVIEW.replace(' values="pending; spam"', ""), "values"),
            (FOLDER.replace('<permission-map name="List folder contents" acquired="True"/>',
                            "<permission-map/>"), "name"),
        ],
    )  # fmt: skip
    def test_raises_one_clear_error_on_one_line(self, xml: str, says: str) -> None:
        with pytest.raises(DefinitionXMLError) as caught:
            parse_definition(xml)
        message = str(caught.value)
        assert says in message
        assert "\n" not in message and message.strip() == message
        assert isinstance(caught.value, ValueError)

    def test_a_missing_state_in_a_multiline_id_is_still_one_line(self) -> None:
        xml = FOLDER.replace('new_state="private"', 'new_state="a&#10;b"')
        with pytest.raises(DefinitionXMLError) as caught:
            parse_definition(xml)
        assert "\n" not in str(caught.value)


class TestDrawings:
    def test_mermaid_identifiers_are_safe_and_labels_are_escaped(self) -> None:
        mermaid = render_mermaid(PERSIAN)
        assert mermaid.startswith("stateDiagram-v2\n")
        ids = re.findall(r" as (\S+)$", mermaid, flags=re.MULTILINE)
        assert len(ids) == 3 and all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", i) for i in ids)
        assert '"پیشنهاد شده"' in mermaid
        assert "[*] --> s0_offered" in mermaid
        assert "s1_accepted --> [*]" in mermaid
        [accepted] = [line for line in mermaid.splitlines() if line.endswith("as s1_accepted")]
        label = accepted.split('"', 1)[1].rsplit('"', 1)[0]
        assert not set(re.sub(r"#\d+;", "", label)) & set('"<>&;:%#')
        assert "#34;" in label and "#60;" in label

    def test_a_transition_that_stays_is_a_loop(self) -> None:
        assert "s0_offered --> s0_offered : یادآوری" in render_mermaid(PERSIAN)
        assert 's0_offered -> s0_offered [label="یادآوری"' in render_dot(PERSIAN)

    def test_persian_state_ids_still_give_safe_identifiers(self) -> None:
        d = WorkflowDefinition.build(
            "fa", states=[State(id="باز", title="باز")], transitions=[], initial_state="باز"
        )
        assert 'state "باز" as s0\n' in render_mermaid(d)
        assert 's0 [label="باز", tooltip="باز"]' in render_dot(d)

    def test_dot_escapes_quotes_and_marks_automatic_and_terminal(self) -> None:
        dot = render_dot(PERSIAN)
        assert dot.startswith('digraph "hamyar.referral" {')
        assert 'label="پذیرفته شد \\"نهایی\\" <OK> & ;:#%"' in dot
        assert "peripheries=2" in dot
        assert re.search(r'label="انقضا \(auto\)".*style=dashed', dot)

    def test_text_shows_trigger_guard_target_handler_and_worklists(self) -> None:
        text = render_text(PERSIAN)
        assert 'accept "پذیرش" -> accepted [USER; guard: role caseworker and expression' in text
        assert "handler: welfare.open_file" in text
        assert 'remind "یادآوری" -> (stays)' in text
        assert "comment required" in text
        assert 'expire "انقضا" -> rejected [AUTOMATIC' in text
        assert 'offers "ارجاع‌های در انتظار": review_state in offered|accepted' in text
        assert "(initial)" in text and "(terminal)" in text

    def test_text_lists_warnings_and_unsupported_guards(self) -> None:
        text = render_text(parse_definition(INTRANET))
        assert "(unsupported: refuses everyone)" in text
        assert "Warnings:" in text


# --- any definition Hamyar can hold survives the XML ------------------------------------------
# Text is drawn as DCWorkflow's reader leaves it (no whitespace at line ends, no `;` in match
# values); anything else is read back the way Plone would read it, which is the point.

_WORD = st.text(
    st.characters(
        codec="utf-8",
        exclude_categories=("Cs", "Cc", "Cn", "Zs", "Zl", "Zp"),
        exclude_characters=";",
    ),
    min_size=1,
    max_size=6,
)
_PHRASE = st.lists(_WORD, min_size=1, max_size=3).map(" ".join)
_TEXT = st.one_of(st.just(""), _PHRASE)
_NAMES = st.lists(_PHRASE, max_size=3, unique=True).map(tuple)
_EXPRESSIONS = st.sampled_from(
    ["case.priority > 2", "python: agency == 'بهزیستی'", "here/isAcquiredPermission", "x()"]
)
_GUARDS = st.builds(
    Guard,
    permissions=_NAMES,
    roles=_NAMES,
    groups=_NAMES,
    expression=st.one_of(st.none(), _EXPRESSIONS.map(Expression.lenient)),
)
_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), _PHRASE,
    st.datetimes(),
)  # fmt: skip


@st.composite
def definitions(draw: st.DrawFn) -> WorkflowDefinition:
    state_ids = draw(st.lists(_PHRASE, min_size=1, max_size=4, unique=True))
    transition_ids = draw(st.lists(_PHRASE, max_size=4, unique=True))
    transitions = [
        Transition(
            id=tid,
            title=draw(_TEXT),
            description=draw(_TEXT),
            new_state=draw(st.sampled_from(["", *state_ids])),
            trigger=draw(st.sampled_from(Trigger)),
            guard=draw(_GUARDS),
            handler=draw(st.one_of(st.none(), _WORD)),
            actbox_category=draw(st.sampled_from(["workflow", "", "global"])),
            variables=draw(st.dictionaries(_WORD, _PHRASE, max_size=2)),
            requires_comment=draw(st.booleans()),
        )
        for tid in transition_ids
    ]
    exits = st.lists(st.sampled_from(transition_ids)) if transition_ids else st.just([])
    states = []
    for sid in state_ids:
        permissions = draw(st.dictionaries(_PHRASE, _NAMES, max_size=3))
        acquired = st.sets(st.sampled_from(list(permissions))) if permissions else st.just(set())
        states.append(
            State(
                id=sid,
                title=draw(_TEXT),
                transitions=tuple(draw(exits)),
                permission_roles=permissions,
                acquired_permissions=frozenset(draw(acquired)),
                group_roles=draw(st.dictionaries(_WORD, _NAMES, max_size=2)),
                variables=draw(st.dictionaries(_WORD, _VALUES, max_size=3)),
                terminal=draw(st.booleans()),
                title_en=draw(_TEXT),
            )
        )
    worklists = [
        Worklist(
            id=wid,
            matches=draw(st.dictionaries(_WORD, _NAMES.filter(bool), max_size=2)),
            guard=draw(_GUARDS),
            title=draw(_TEXT),
        )
        for wid in draw(st.lists(_WORD, max_size=2, unique=True))
    ]
    variables = [
        Variable(
            id=vid,
            default_value=draw(_TEXT),
            default_expr=draw(_TEXT),
            type=draw(st.sampled_from(["", "string"])),
            for_catalog=draw(st.booleans()),
            guard=draw(_GUARDS),
        )
        for vid in draw(st.lists(_WORD, max_size=2, unique=True))
    ]
    return WorkflowDefinition.build(
        draw(_PHRASE),
        title=draw(_TEXT),
        description=draw(_TEXT),
        states=states,
        transitions=transitions,
        initial_state=draw(st.sampled_from(state_ids)),
        worklists=worklists,
        variables=variables,
        permissions=draw(_NAMES),
        groups=draw(_NAMES),
        manager_bypass=draw(st.booleans()),
    )


@settings(deadline=None, max_examples=150)
@given(definitions())
def test_any_definition_survives_export_and_import(definition: WorkflowDefinition) -> None:
    again = parse_definition(dump_definition(definition))
    assert without_warnings(again) == definition
