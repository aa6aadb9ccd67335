"""An Open311 endpoint over a real database, with a throwaway agency whose services exercise
every attribute type GeoReport v2 has (and a confidential one that must never show)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal
from xml.etree.ElementTree import Element

import pluggy
import pytest
from defusedxml.ElementTree import fromstring
from jsonschema import Draft4Validator
from litestar import Litestar
from litestar.datastructures import State
from litestar.testing import TestClient
from pydantic import BaseModel, Field
from referencing import Registry as SchemaRegistry
from referencing import Resource
from referencing.jsonschema import DRAFT4
from sqlmodel import Session

from hamyar.core.application.context import Application
from hamyar.core.default_plugins.workflows import TASK_WORKFLOW
from hamyar.core.plugin.declarations import AgencySpec, ServiceSpec
from hamyar.core.plugin.hookspecs import hookimpl
from hamyar.core.plugin.manager import Plugins, build_registry
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import County, Neighbourhood, Province
from hamyar.core.storage.registry_mirror import sync_registry
from hamyar.plugins.municipality.open311 import ensure_demo_client, make_router
from hamyar.plugins.municipality.open311.clients import add_client
from tests.conftest import SHARED

SCHEMAS = SHARED / "fixtures" / "open311"
DEMO_KEY = "demo-open311-key"


class Size(StrEnum):
    small = "small"
    large = "large"


class PotholeForm(BaseModel):
    size: Size = Field(title="اندازه")
    depth_cm: int | None = Field(default=None, title="عمق (سانتی‌متر)", ge=0)
    noticed_at: datetime | None = Field(default=None, title="زمان مشاهده")
    hazards: list[Literal["traffic", "children", "night"]] = Field(
        default_factory=list, title="خطرها"
    )
    landmark: str | None = Field(default=None, title="نشانی نزدیک", max_length=100)
    details: str = Field(
        default="",
        title="توضیح بیشتر",
        max_length=2000,
        description="What the crew should know",
        json_schema_extra={"description_fa": "هر چه مأمور باید بداند"},
    )


class CityPlugin:
    """A municipality-like plugin, registered for these tests only."""

    @hookimpl
    def register_agencies(self, register: Any) -> None:
        register(AgencySpec(code="testcity", title_fa="شهرداری آزمون", title_en="Test City"))

    @hookimpl
    def register_services(self, register: Any) -> None:
        common: dict[str, Any] = {"agency": "testcity", "workflow": TASK_WORKFLOW}
        register(
            ServiceSpec(
                code="testcity.pothole",
                title_fa="چاله در آسفالت",
                title_en="Pothole",
                form=PotholeForm,
                sla_days=3,
                keywords=("آسفالت", "خیابان"),
                categories=("roads",),
                description_fa="گزارش چاله و خرابی آسفالت",
                **common,
            )
        )
        register(
            ServiceSpec(
                code="testcity.streetlight",
                title_fa="چراغ خاموش",
                title_en="Street light out",
                sla_hours=48,
                **common,
            )
        )
        register(
            ServiceSpec(
                code="testcity.counselling",
                title_fa="مشاوره",
                title_en="Counselling",
                confidential=True,
                **common,
            )
        )
        register(
            ServiceSpec(
                code="testcity.internal",
                title_fa="داخلی",
                title_en="Internal",
                public=False,
                **common,
            )
        )


@pytest.fixture
def o311_registry(plugin_manager: pluggy.PluginManager) -> Iterator[Registry]:
    plugin_manager.register(CityPlugin(), name="testcity")
    yield build_registry(plugin_manager)
    plugin_manager.unregister(name="testcity")


SQUARE = [[51.40, 35.60], [51.42, 35.60], [51.42, 35.62], [51.40, 35.62], [51.40, 35.60]]


@pytest.fixture
def world(session: Session, o311_registry: Registry) -> dict[str, Any]:
    """Two neighbourhoods (one with a boundary, one with only a centre) and the demo client."""
    sync_registry(session, o311_registry)
    province = Province(code="tehran", name_fa="تهران", name_en="Tehran")
    session.add(province)
    session.flush()
    county = County(code="tehran-c", province_id=province.id, name_fa="تهران", name_en="Tehran")
    session.add(county)
    session.flush()
    polygon = Neighbourhood(
        code="n-square",
        county_id=county.id,
        name_fa="نازی‌آباد",
        name_en="Naziabad",
        district="16",
        boundary=SQUARE,
        search_name="نازی اباد",
    )
    centre = Neighbourhood(
        code="n-centre",
        county_id=county.id,
        name_fa="شهرک غرب",
        name_en="Shahrak-e Gharb",
        district="2",
        lat=35.75,
        lon=51.37,
    )
    session.add_all([polygon, centre])
    ensure_demo_client(session)
    session.commit()
    return {"square": polygon, "centre": centre}


@pytest.fixture
def client(
    engine: Any,
    plugin_manager: pluggy.PluginManager,
    o311_registry: Registry,
    world: dict[str, Any],
) -> Iterator[TestClient]:
    application = Application.build(
        plugins=Plugins(pm=plugin_manager, registry=o311_registry), engine=engine
    )
    app = Litestar(route_handlers=[make_router()], state=State({"app": application}), debug=True)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def make_client(session: Session) -> Any:
    def make(name: str, **options: Any) -> str:
        _client, key = add_client(session, name, **options)
        session.commit()
        return key

    return make


# -- validating what comes back ----------------------------------------------------------------


def _schema_registry() -> SchemaRegistry:
    resources = [
        (
            path.name,
            Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT4),
        )
        for path in SCHEMAS.glob("*.json")
    ]
    return SchemaRegistry().with_resources(resources)


SCHEMA_REGISTRY = _schema_registry()


def validate(document: Any, schema_name: str) -> None:
    """Validate against the GeoReport v2 schema, resolving its relative $refs and formats."""
    schema = json.loads((SCHEMAS / schema_name).read_text())
    validator = Draft4Validator(
        schema, registry=SCHEMA_REGISTRY, format_checker=Draft4Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def xml(body: bytes, root: str) -> Element:
    element = fromstring(body)
    assert element.tag == root
    return element


SERVICE_FIELDS = {
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
}
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
ATTRIBUTE_FIELDS = {
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
}
