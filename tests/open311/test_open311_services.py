"""GET discovery, services and services/{code}, in JSON and XML, as GeoReport v2 names them."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from tests.open311.conftest import ATTRIBUTE_FIELDS, SERVICE_FIELDS, validate, xml

V2 = "/open311/v2"


def test_discovery_points_clients_at_this_endpoint_in_both_formats(client: TestClient) -> None:
    body = client.get(f"{V2}/discovery.json").json()
    endpoint = body["endpoints"][0]
    assert endpoint["url"].endswith("/open311/v2")
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    root = xml(client.get(f"{V2}/discovery.xml").content, "discovery")
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]
    assert root.findtext("endpoints/endpoint/url", "").endswith("/open311/v2")


def test_services_lists_public_services_and_never_confidential_ones(client: TestClient) -> None:
    response = client.get(f"{V2}/services.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    services = response.json()
    validate(services, "services.json")
    codes = {s["service_code"] for s in services}
    assert {"testcity.pothole", "testcity.streetlight"} <= codes
    assert "testcity.counselling" not in codes and "testcity.internal" not in codes
    pothole = next(s for s in services if s["service_code"] == "testcity.pothole")
    assert pothole == {
        "service_code": "testcity.pothole",
        "service_name": "چاله در آسفالت",
        "description": "گزارش چاله و خرابی آسفالت",
        "metadata": True,
        "type": "realtime",
        "keywords": "آسفالت, خیابان",
        "group": "شهرداری آزمون",
    }
    light = next(s for s in services if s["service_code"] == "testcity.streetlight")
    assert light["metadata"] is False


def test_services_xml_uses_the_specification_element_names(client: TestClient) -> None:
    response = client.get(f"{V2}/services.xml")
    assert response.headers["content-type"].startswith("text/xml")
    root = xml(response.content, "services")
    services = root.findall("service")
    assert services and all({child.tag for child in s} == SERVICE_FIELDS for s in services)
    pothole = next(s for s in services if s.findtext("service_code") == "testcity.pothole")
    assert pothole.findtext("metadata") == "true" and pothole.findtext("type") == "realtime"
    assert "testcity.counselling" not in response.text


def test_locale_en_gives_english_names(client: TestClient) -> None:
    services = client.get(f"{V2}/services.json", params={"locale": "en"}).json()
    names = {s["service_code"]: s["service_name"] for s in services}
    assert names["testcity.pothole"] == "Pothole"


def test_service_definition_maps_every_form_field_to_an_attribute(client: TestClient) -> None:
    definition = client.get(f"{V2}/services/testcity.pothole.json").json()
    validate(definition, "service-definition.json")
    attributes = {a["code"]: a for a in definition["attributes"]}
    assert [a["code"] for a in definition["attributes"]] == [
        "size",
        "depth_cm",
        "noticed_at",
        "hazards",
        "landmark",
        "details",
    ]
    assert [a["order"] for a in definition["attributes"]] == [1, 2, 3, 4, 5, 6]
    assert {code: a["datatype"] for code, a in attributes.items()} == {
        "size": "singlevaluelist",
        "depth_cm": "number",
        "noticed_at": "datetime",
        "hazards": "multivaluelist",
        "landmark": "string",
        "details": "text",
    }
    assert {code for code, a in attributes.items() if a["required"]} == {"size"}
    assert attributes["size"]["values"] == [
        {"key": "small", "name": "small"},
        {"key": "large", "name": "large"},
    ]
    assert [v["key"] for v in attributes["hazards"]["values"]] == ["traffic", "children", "night"]
    assert attributes["size"]["description"] == "اندازه"
    assert attributes["details"]["datatype_description"] == "هر چه مأمور باید بداند"
    assert all(a["variable"] is True for a in definition["attributes"])


def test_service_definition_xml(client: TestClient) -> None:
    root = xml(client.get(f"{V2}/services/testcity.pothole.xml").content, "service_definition")
    assert root.findtext("service_code") == "testcity.pothole"
    attributes = root.findall("attributes/attribute")
    assert len(attributes) == 6
    assert all({c.tag for c in a} <= ATTRIBUTE_FIELDS for a in attributes)
    hazards = next(a for a in attributes if a.findtext("code") == "hazards")
    assert hazards.findtext("datatype") == "multivaluelist"
    assert hazards.findtext("required") == "false"
    assert [v.findtext("key") for v in hazards.findall("values/value")] == [
        "traffic",
        "children",
        "night",
    ]


def test_a_service_without_a_form_has_no_attributes(client: TestClient) -> None:
    definition = client.get(f"{V2}/services/testcity.streetlight.json").json()
    validate(definition, "service-definition.json")
    assert definition == {"service_code": "testcity.streetlight", "attributes": []}


@pytest.mark.parametrize("code", ["nope.nothing", "testcity.counselling", "testcity.internal"])
def test_unknown_or_hidden_service_is_404_in_the_spec_error_format(
    client: TestClient, code: str
) -> None:
    response = client.get(f"{V2}/services/{code}.json")
    assert response.status_code == 404
    [error] = response.json()
    assert error["code"] == 404 and code in error["description"]
    response = client.get(f"{V2}/services/{code}.xml")
    assert response.status_code == 404
    root = xml(response.content, "errors")
    assert [e.findtext("code") for e in root.findall("error")] == ["404"]
    assert {c.tag for c in root.find("error")} == {"code", "description"}


@pytest.mark.parametrize("path", ["services.html", "services", "nothing.json", "services/.json"])
def test_unknown_resources_and_formats_are_404(client: TestClient, path: str) -> None:
    response = client.get(f"{V2}/{path}")
    assert response.status_code == 404
    assert response.json()[0]["code"] == 404


def test_jurisdiction_id_is_accepted_when_ours_and_404_otherwise(client: TestClient) -> None:
    ok = client.get(f"{V2}/services.json", params={"jurisdiction_id": "hamyar"})
    assert ok.status_code == 200
    other = client.get(f"{V2}/services.xml", params={"jurisdiction_id": "sf.gov"})
    assert other.status_code == 404
    assert "sf.gov" in xml(other.content, "errors").findtext("error/description", "")
