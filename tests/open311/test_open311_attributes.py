"""Service forms as Open311 attributes, submitted attributes back as form data, and the
offerings a multi-category service becomes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from hamyar.core.default_plugins.workflows import TASK_WORKFLOW
from hamyar.core.plugin.declarations import ServiceSpec
from hamyar.core.plugin.registry import Registry
from hamyar.plugins.municipality.open311.attributes import form_data, service_attributes
from hamyar.plugins.municipality.open311.catalogue import find_offering, offerings
from tests.open311.conftest import PotholeForm


def spec_with(form: type[BaseModel] | None, **extra: object) -> ServiceSpec:
    return ServiceSpec(
        code="x.y",
        agency="x",
        title_fa="ی",
        title_en="y",
        workflow=TASK_WORKFLOW,
        form=form,
        **extra,
    )  # type: ignore[arg-type]


class Labelled(BaseModel):
    kind: Literal["a", "b"] = Field(
        title="نوع", json_schema_extra={"x-enum-names": {"a": "الف", "b": "ب"}, "title_en": "Kind"}
    )
    urgent: bool = Field(default=False, title="فوری")
    notes: str | None = Field(default=None, title="یادداشت", max_length=1000)


def test_labels_booleans_optional_text_and_english_titles() -> None:
    fa = {a["code"]: a for a in service_attributes(spec_with(Labelled))}
    assert fa["kind"]["values"] == [{"key": "a", "name": "الف"}, {"key": "b", "name": "ب"}]
    assert fa["kind"]["description"] == "نوع" and fa["kind"]["required"] is True
    assert fa["urgent"]["datatype"] == "singlevaluelist"
    assert fa["urgent"]["values"] == [
        {"key": "true", "name": "بله"},
        {"key": "false", "name": "خیر"},
    ]
    assert fa["notes"]["datatype"] == "text" and fa["notes"]["required"] is False
    en = {a["code"]: a for a in service_attributes(spec_with(Labelled), "en")}
    assert en["kind"]["description"] == "Kind"
    details = {a["code"]: a for a in service_attributes(spec_with(PotholeForm), "en")}["details"]
    assert details["datatype_description"] == "What the crew should know"
    assert en["urgent"]["values"][0]["name"] == "yes"


def test_form_data_keeps_lists_for_multi_value_fields_and_reports_strangers() -> None:
    data, problems = form_data(
        spec_with(PotholeForm),
        {"size": ["large"], "hazards": ["traffic", "night"], "depth_cm": [""], "colour": ["red"]},
    )
    assert data == {"size": "large", "hazards": ["traffic", "night"]}
    assert len(problems) == 1 and "attribute[colour]" in problems[0]
    data, _ = form_data(spec_with(PotholeForm), {"hazards": ["children"], "size": ["a", "b"]})
    assert data == {"hazards": ["children"], "size": "b"}  # a plain field keeps its last value


def test_address_string_fills_a_form_address_field_unless_given() -> None:
    class WithAddress(BaseModel):
        address: str = Field(min_length=3)

    assert form_data(spec_with(WithAddress), {}, "کوچه ۳")[0] == {"address": "کوچه ۳"}
    assert form_data(spec_with(WithAddress), {"address": ["پلاک ۷"]}, "کوچه ۳")[0] == {
        "address": "پلاک ۷"
    }
    assert form_data(spec_with(PotholeForm), {}, "کوچه ۳")[0] == {}  # no such field


def test_a_multi_category_service_is_offered_once_per_category(o311_registry: Registry) -> None:
    codes = {o.code for o in offerings(o311_registry)}
    assert "municipality.report.roads_potholes" in codes
    assert "municipality.report" not in codes  # the category is what routing needs
    assert "testcity.pothole" in codes  # one category: offered under its own code
    offering = find_offering(o311_registry, "municipality.report.street_lighting")
    assert offering is not None and offering.category == "street_lighting"
    assert find_offering(o311_registry, "municipality.report") is None
    assert find_offering(o311_registry, "municipality.report.nonsense") is None
    assert find_offering(o311_registry, "testcity.pothole.roads") is None
    assert all(not o.spec.confidential and o.spec.public for o in offerings(o311_registry))
