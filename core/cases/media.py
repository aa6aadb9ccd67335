"""What an uploaded photo or document is, by its content, and what of it is kept.

A file's name and the type its sender claims say nothing: a PNG renamed `.jpg` is a PNG, a
text file named `photo.jpg` is refused. An image is decoded by Pillow and re-encoded, which
applies its orientation and leaves every EXIF tag behind — the GPS position and the device of
the citizen's phone must not travel with the photo — and a thumbnail is made for lists. A PDF
is recognised by its header and kept as it came. Anything else is refused with a message the
sender can act on (415), as is a file over the size cap (413).
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from hamyar.core.exceptions import MediaTooLarge, UnsupportedMedia
from hamyar.core.i18n import phrase

IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/png", "png"),
}
"""What Pillow may read → what is kept (type, extension): a WebP is kept as PNG."""
PDF_MAGIC = b"%PDF-"
THUMBNAIL_SIZE = (320, 320)
MAX_PIXELS = 40_000_000
"""A photo of more pixels is refused: far beyond any phone's, and a decompression bomb's mark."""
MAX_FILENAME = 120

WRONG_TYPE = (
    "Only photos (JPEG, PNG, WebP) and PDF documents can be attached; this file is neither."
)
TOO_LARGE = "The file is larger than {size} MB; send a smaller photo or document."
EMPTY = "The file is empty."
BROKEN_IMAGE = "This photo could not be read: it is damaged or not a complete image."


@dataclass(frozen=True)
class Prepared:
    """A checked file, ready to store."""

    data: bytes
    content_type: str
    kind: str
    extension: str
    sha256: str
    thumbnail: bytes | None = None
    width: int | None = None
    height: int | None = None


def _refuse(
    msgid: str, error: type[UnsupportedMedia | MediaTooLarge] = UnsupportedMedia, **values: object
) -> None:
    message = phrase(msgid, **values)
    raise error(message, [{"field": "file", "message": message}])


def check_size(size: int, max_bytes: int) -> None:
    """413 for a file over the cap, before anything reads it."""
    if size > max_bytes:
        _refuse(TOO_LARGE, MediaTooLarge, size=max(1, round(max_bytes / (1024 * 1024))))


def prepare(data: bytes, max_bytes: int) -> Prepared:
    """The file as it will be kept, or UnsupportedMedia (415) / MediaTooLarge (413)."""
    check_size(len(data), max_bytes)
    if not data:
        _refuse(EMPTY)
    if data.startswith(PDF_MAGIC):
        return Prepared(data, "application/pdf", "pdf", "pdf", hashlib.sha256(data).hexdigest())
    return _image(data)


def _image(data: bytes) -> Prepared:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            source = Image.open(io.BytesIO(data), formats=list(IMAGE_FORMATS))
            if source.width * source.height > MAX_PIXELS:
                _refuse(BROKEN_IMAGE)
            found = source.format or ""
            source.load()
    except (UnidentifiedImageError, Image.DecompressionBombWarning, Image.DecompressionBombError):
        _refuse(WRONG_TYPE)
        raise AssertionError from None  # unreachable: _refuse raised
    except (OSError, ValueError, SyntaxError):
        _refuse(BROKEN_IMAGE)
        raise AssertionError from None
    content_type, extension = IMAGE_FORMATS[found]
    upright = ImageOps.exif_transpose(source) or source
    clean = _without_metadata(upright, jpeg=extension == "jpg")
    out = io.BytesIO()
    if extension == "jpg":
        clean.save(out, "JPEG", quality=85, optimize=True)
    else:
        clean.save(out, "PNG", optimize=True)
    stored = out.getvalue()
    return Prepared(
        stored,
        content_type,
        "image",
        extension,
        hashlib.sha256(stored).hexdigest(),
        thumbnail=_thumbnail(clean),
        width=clean.width,
        height=clean.height,
    )


def _without_metadata(image: Image.Image, *, jpeg: bool) -> Image.Image:
    """The pixels alone, in a fresh image: no EXIF, XMP, ICC comments or text chunks."""
    mode = "RGB" if jpeg else ("RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB")
    pixels = image.convert(mode)
    clean = Image.new(mode, pixels.size)
    clean.paste(pixels)
    return clean


def _thumbnail(image: Image.Image) -> bytes:
    small = image.copy()
    small.thumbnail(THUMBNAIL_SIZE)
    if small.mode != "RGB":
        backdrop = Image.new("RGB", small.size, (255, 255, 255))
        backdrop.paste(small, mask=small.getchannel("A") if "A" in small.getbands() else None)
        small = backdrop
    out = io.BytesIO()
    small.save(out, "JPEG", quality=80)
    return out.getvalue()


def display_name(filename: str, extension: str) -> str:
    """The sender's name for the file, cut to size and ending in what it really is."""
    stem = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    stem = "".join(ch for ch in stem if ch.isprintable()) or "file"
    if "." in stem:
        stem = stem.rsplit(".", 1)[0] or "file"
    return f"{stem[: MAX_FILENAME - len(extension) - 1]}.{extension}"
