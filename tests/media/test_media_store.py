"""The media stores round-trip bytes: a folder, and S3 through boto3 against a real S3 API
server on loopback (moto's standalone server, the local stand-in for object storage)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from hamyar.core.storage.media_store import FileStore, S3Store, open_store


@pytest.fixture
def s3_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def test_s3_store_round_trip_against_a_real_s3_api(s3_endpoint: str) -> None:
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket="hamyar-media")
    store = open_store(f"s3://hamyar-media/prod/photos?endpoint={s3_endpoint}")
    assert isinstance(store, S3Store)
    store.put("case/1/abc.jpg", b"\xff\xd8 photo bytes", "image/jpeg")
    assert store.get("case/1/abc.jpg") == b"\xff\xd8 photo bytes"
    listed = boto3.client("s3", endpoint_url=s3_endpoint).list_objects_v2(Bucket="hamyar-media")
    assert [o["Key"] for o in listed["Contents"]] == ["prod/photos/case/1/abc.jpg"]
    store.delete("case/1/abc.jpg")
    with pytest.raises(KeyError):
        store.get("case/1/abc.jpg")


def test_file_store_round_trip_and_refuses_paths_outside(tmp_path: Path) -> None:
    store = open_store((tmp_path / "media").as_uri())
    assert isinstance(store, FileStore)
    store.put("case/2/x.pdf", b"%PDF-1.4", "application/pdf")
    assert (tmp_path / "media" / "case" / "2" / "x.pdf").read_bytes() == b"%PDF-1.4"
    with pytest.raises(KeyError):
        store.get("case/2/missing.pdf")
    for bad in ("../etc/passwd", "/abs", "case/../../x"):
        with pytest.raises(ValueError):
            store.put(bad, b"x", "text/plain")


def test_an_unknown_media_url_is_refused() -> None:
    with pytest.raises(ValueError, match="HAMYAR_MEDIA_URL"):
        open_store("ftp://somewhere/x")
