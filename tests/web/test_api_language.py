"""A bad request is answered in the language the request asked for, naming what to mend.

msgspec and Litestar word a malformed parameter or body in English of their own ("Expected
`int` <= 200"); the engine refuses in English ("no case 99999"). With `Accept-Language: fa`
every `detail` and every field's `message` is Persian (the only Latin left is what the request
itself said: the field's API name, quoted in «», the path or id it asked for; and JSON's own
words); without it the API answers in the
English agency systems have always read, with the field and the limit named.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any

import msgspec
import pytest
from litestar import Litestar, get
from litestar.testing import TestClient
from sqlalchemy.engine import Engine

from hamyar.core.web import request_errors
from hamyar.core.web.errors import EXCEPTION_HANDLERS
from hamyar.core.web.limits import Id, Line
from hamyar.core.web.request_errors import field_message
from tests.web.apps import api_as

Client = TestClient[Litestar]

JSON_WORDS = re.compile(r"«[^»]*»|\b(?:JSON|CSRF|true|false|null|title)\b|\d{4}-\d\d-\d\dT[\d:+]+")
"""What may stay Latin on a Persian answer: the field's name as the API spells it, and the
words and examples of JSON itself."""


def _latin_left(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]{2,}", JSON_WORDS.sub("", text))


@pytest.fixture
def api(engine: Engine, redis_url: str) -> Iterator[tuple[Client, dict[str, str]]]:
    with api_as(engine, "library.caseworker") as (client, headers, _app):
        yield client, headers


VISIT = {"service": "library.mobile_visit", "title": "بازدید", "neighbourhood": "karaj-hesarak"}

BAD_REQUESTS: list[tuple[str, str, dict[str, Any], int]] = [
    ("post", "/api/cases", {"json": {"title": "x"}}, 400),
    ("post", "/api/cases", {"json": {**VISIT, "service": 5}}, 400),
    ("post", "/api/cases", {"json": {**VISIT, "title": "x" * 501}}, 400),
    ("post", "/api/cases", {"json": {**VISIT, "bogus": 1}}, 400),
    ("post", "/api/cases", {"json": [1, 2]}, 400),
    (
        "post",
        "/api/cases",
        {"content": b"{bad json", "headers": {"content-type": "application/json"}},
        400,
    ),
    ("post", "/api/cases", {"json": {**VISIT, "channel": "pigeon"}}, 422),
    ("get", "/api/cases?limit=abc", {}, 400),
    ("get", "/api/cases?limit=100000", {}, 400),
    ("get", "/api/cases?overdue=maybe", {}, 400),
    ("get", "/api/cases?cursor=zzz", {}, 422),
    ("get", "/api/cases/99999", {}, 404),
    ("get", "/api/cases/abc", {}, 404),
    ("get", "/api/no-such-route", {}, 404),
    ("delete", "/api/cases", {}, 405),
    ("get", "/api/worklists/nothing-of-yours", {}, 404),
]


def _send(
    client: Client, method: str, url: str, kwargs: dict[str, Any], headers: dict[str, str]
) -> Any:
    sent = {**kwargs, "headers": {**headers, **kwargs.get("headers", {})}}
    return client.request(method.upper(), url, **sent)


@pytest.mark.parametrize(("method", "url", "kwargs", "status"), BAD_REQUESTS)
def test_a_bad_request_is_refused_in_persian_when_asked(
    api: tuple[Client, dict[str, str]], method: str, url: str, kwargs: dict[str, Any], status: int
) -> None:
    client, headers = api
    answer = _send(client, method, url, kwargs, {**headers, "Accept-Language": "fa-IR,fa;q=0.9"})
    assert answer.status_code == status, answer.text
    body = answer.json()
    said = [body["detail"], *(e["message"] for e in body.get("errors", []))]
    for text in said:
        assert re.search("[\u0600-\u06ff]", text), text
        echoed = text.replace(method.upper(), "").replace(url.split("?")[0], "")
        echoed = echoed.replace(url.rsplit("/", 1)[-1], "")  # the id asked for, as it was sent
        assert _latin_left(echoed) == [], text


@pytest.mark.parametrize(("method", "url", "kwargs", "status"), BAD_REQUESTS)
def test_without_accept_language_the_api_answers_in_english(
    api: tuple[Client, dict[str, str]], method: str, url: str, kwargs: dict[str, Any], status: int
) -> None:
    client, headers = api
    answer = _send(client, method, url, kwargs, headers)
    assert answer.status_code == status, answer.text
    body = answer.json()
    for text in [body["detail"], *(e["message"] for e in body.get("errors", []))]:
        assert not re.search("[\u0600-\u06ff]", text), text


def test_the_english_names_the_field_and_the_limit(api: tuple[Client, dict[str, str]]) -> None:
    client, headers = api
    too_many = client.get("/api/cases?limit=100000", headers=headers).json()
    assert too_many["errors"] == [{"field": "limit", "message": 'The most "limit" can be is 200.'}]
    missing = client.post("/api/cases", json={"title": "x"}, headers=headers).json()
    assert missing["errors"] == [{"field": "service", "message": '"service" is required.'}]
    persian = client.get("/api/cases?limit=100000", headers={**headers, "Accept-Language": "fa"})
    assert persian.json()["errors"] == [
        {"field": "limit", "message": "حداکثر برای «limit» ۲۰۰ است."}
    ]
    broken = client.post(
        "/api/cases", content=b"{bad", headers={**headers, "content-type": "application/json"}
    ).json()
    assert broken["detail"].startswith("The request body is not valid JSON (JSON is malformed")


class Probe(msgspec.Struct, forbid_unknown_fields=True):
    """A body with every kind of limit the API's types carry (`hamyar.core.web.limits`)."""

    id: Id
    name: Line
    count: Annotated[int, msgspec.Meta(ge=1, le=15)] = 1
    tags: Annotated[list[str], msgspec.Meta(max_length=2)] = []
    flag: bool | None = None


def _msgspec_says(body: bytes) -> str:
    try:
        msgspec.json.decode(body, type=Probe)
    except msgspec.ValidationError as exc:
        return str(exc).split(" - at ")[0]
    raise AssertionError("decoded")


@pytest.mark.parametrize(
    ("body", "english", "persian"),
    [
        (b'{"name": "a"}', '"id" is required.', "«id» را وارد کنید."),
        (
            b'{"id": 1, "name": "a", "x": 1}',
            '"x" is not a field of this request.',
            "«x» از خانه‌های این درخواست نیست.",
        ),
        (
            b'{"id": "1", "name": "a"}',
            'Write "field" as a whole number, such as 12.',
            "«field» را با یک عدد صحیح بنویسید، مانند ۱۲.",
        ),
        (b'{"id": 0, "name": "a"}', 'The least "field" can be is 1.', "حداقل برای «field» ۱ است."),
        (
            b'{"id": 2147483648, "name": "a"}',
            '"field": the number is out of range',
            "«field»: عدد خارج از محدوده است",
        ),
        (
            b'{"id": 1, "name": "a", "count": 16}',
            'The most "field" can be is 15.',
            "حداکثر برای «field» ۱۵ است.",
        ),
        (
            b'{"id": 1, "name": "' + b"a" * 501 + b'"}',
            '"field" can hold at most 500 characters.',
            "«field» حداکثر ۵۰۰ نویسه می‌پذیرد.",
        ),
        (
            b'{"id": 1, "name": "a\\u0000"}',
            '"field": the text holds a control character (such as NUL) that cannot be stored; '
            "remove it",
            "«field»: متن نویسه‌ای کنترلی (مانند NUL) دارد که ذخیره‌شدنی نیست؛ آن را حذف کنید",
        ),
        (
            b'{"id": 1, "name": "a", "tags": ["a", "b", "c"]}',
            '"field" can hold at most 2 items.',
            "«field» حداکثر ۲ مورد می‌پذیرد.",
        ),
        (
            b'{"id": 1, "name": "a", "tags": "a"}',
            '"field" must be a list, such as ["…"].',
            '«field» باید فهرست باشد، مانند ["…"].',
        ),
        (
            b'{"id": 1, "name": "a", "flag": "yes"}',
            'Write "field" as true or false.',
            "«field» را true یا false بنویسید.",
        ),
    ],
)
def test_each_of_msgspecs_messages_is_worded_in_both_languages(
    body: bytes, english: str, persian: str
) -> None:
    """Against msgspec's real messages, so a release that rewords them fails here first."""
    worded = field_message(_msgspec_says(body), "field")
    assert worded.in_locale("en").endswith(english)
    assert worded.in_locale("fa") == persian


def test_a_missing_required_query_parameter_is_named() -> None:
    @get("/find", sync_to_thread=False)
    def find(q: Line) -> str:
        return q

    with TestClient(Litestar([find], exception_handlers=EXCEPTION_HANDLERS)) as client:
        persian = client.get("/find", headers={"Accept-Language": "fa"}).json()
        english = client.get("/find").json()
    assert persian == {
        "status_code": 400,
        "detail": "«q» را وارد کنید.",
        "errors": [{"field": "q", "message": "«q» را وارد کنید."}],
    }
    assert english["errors"] == [{"field": "q", "message": '"q" is required.'}]
    assert request_errors.missing_parameter("nothing like it") is None


def test_every_sentence_for_a_bad_request_has_its_persian() -> None:
    from hamyar.core.i18n.fa import MESSAGES

    sentences = [
        value
        for name, value in vars(request_errors).items()
        if name.isupper() and isinstance(value, str) and ("{field}" in value or "{reason}" in value)
    ]
    assert len(sentences) >= 10
    assert [s for s in sentences if s not in MESSAGES] == []
