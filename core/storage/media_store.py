"""Where the bytes of photos and documents live: a small interface, two stores behind it.

The embedded default keeps them in a `media` folder beside the SQLite file (`FileStore`);
production points `HAMYAR_MEDIA_URL` at S3-compatible object storage (`S3Store`, through boto3,
so no request signing is written here). Keys are made by the engine (`case/<id>/<token>.jpg`),
never from what a sender named the file, so a key is always a safe relative path.
"""

from __future__ import annotations

import os
import re
import tempfile
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

if TYPE_CHECKING:
    from types_boto3_s3 import S3Client

SAFE_KEY = re.compile(r"^[a-z0-9][a-z0-9/_.-]{0,200}$")


class MediaStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store `data` under `key`, replacing what was there."""

    def get(self, key: str) -> bytes:
        """The bytes under `key`; KeyError when there are none."""

    def delete(self, key: str) -> None:
        """Forget `key` (nothing happens when it is not there)."""


def _checked(key: str) -> str:
    if not SAFE_KEY.match(key) or ".." in key:
        raise ValueError(f"not a media key: {key!r}")
    return key


class FileStore:
    """A folder on the local disk; each write lands whole (a temporary file, then a rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / _checked(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise KeyError(key) from None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class S3Store:
    """A bucket (and a key prefix in it) of any S3-compatible object storage."""

    def __init__(self, bucket: str, prefix: str = "", client: S3Client | None = None) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        if client is None:
            import boto3

            client = boto3.client("s3")
        self.client = client

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{_checked(key)}" if self.prefix else _checked(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=self._key(key), Body=data, ContentType=content_type
        )

    def get(self, key: str) -> bytes:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except self.client.exceptions.NoSuchKey:
            raise KeyError(key) from None
        return answer["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))


def s3_client(endpoint: str | None = None, region: str | None = None) -> S3Client:
    """A boto3 S3 client; credentials come from boto3's usual places (AWS_ACCESS_KEY_ID…)."""
    import boto3
    from botocore.config import Config

    options: dict[str, Any] = {
        "config": Config(
            s3={"addressing_style": "path"},  # MinIO, Ceph and most self-hosted stores
            connect_timeout=5,
            read_timeout=30,
            retries={"max_attempts": 3},
        )
    }
    if endpoint:
        options["endpoint_url"] = endpoint
    if region:
        options["region_name"] = region
    return boto3.client("s3", **options)


@cache
def open_store(url: str) -> MediaStore:
    """The store a `HAMYAR_MEDIA_URL` names: `file:///folder` or
    `s3://bucket/prefix?endpoint=http://host:9000&region=ir-thr-1`."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        return FileStore(Path(unquote(parts.path)))
    if parts.scheme == "s3" and parts.netloc:
        query = parse_qs(parts.query)
        endpoint = query.get("endpoint", [None])[0]
        region = query.get("region", [None])[0]
        return S3Store(parts.netloc, unquote(parts.path), s3_client(endpoint, region))
    raise ValueError(
        f"HAMYAR_MEDIA_URL must be file:///folder or s3://bucket/prefix?endpoint=…, not {url!r}"
    )
