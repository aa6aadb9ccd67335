"""The API documentation page and the favicon come from the package: nothing from another host.

An office on a closed network (or a laptop on a train) opened `/schema` and saw a blank page,
because Litestar's docs page loads Redoc and Google's fonts from CDNs; and every page asked
for a `/favicon.ico` that was not there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine

from hamyar.core.web.app import create_app

_REFERENCE = re.compile(r"""(?:src|href)\s*=\s*['"]([^'"]+)['"]""")


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:  # type: ignore[type-arg]
    with TestClient(create_app(engine=engine)) as client:
        yield client


@pytest.mark.parametrize("path", ["/schema", "/schema/redoc"])
def test_the_api_docs_page_loads_only_what_the_app_serves(client: TestClient, path: str) -> None:  # type: ignore[type-arg]
    page = client.get(path)
    assert page.status_code == 200 and "Redoc.init(" in page.text
    references = _REFERENCE.findall(page.text)
    assert any(r.endswith(".standalone.js") for r in references), references
    for reference in references:
        parts = urlsplit(reference)
        assert not parts.scheme and not parts.netloc, f"{path} loads {reference} from elsewhere"
        asset = client.get(reference)
        assert asset.status_code == 200, reference
        assert len(asset.content) > 100, reference
    assert "googleapis" not in page.text and "cdn." not in page.text


def test_the_favicon_is_served_and_every_page_names_it(client: TestClient) -> None:  # type: ignore[type-arg]
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg")
    assert icon.text.lstrip().startswith("<svg")
    login = client.get("/login")
    assert '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">' in login.text
    assert "/static/favicon.svg" in client.get("/schema").text
