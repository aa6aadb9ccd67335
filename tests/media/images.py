"""Files a phone or a careless sender would send: a JPEG carrying its GPS position and device,
a PNG, a text file pretending to be a photo."""

from __future__ import annotations

import io

from PIL import ExifTags, Image

GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (35.0, 41.0, 7.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (51.0, 25.0, 3.0),
}


def jpeg_with_gps(width: int = 64, height: int = 48) -> bytes:
    """A JPEG as a phone writes it: its maker, model and position in EXIF, and an orientation
    tag saying the picture must be turned (so re-encoding must apply it)."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Model X"
    exif[ExifTags.Base.Orientation] = 6
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png(width: int = 40, height: int = 30) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 120, 200)).save(out, "PNG")
    return out.getvalue()


def exif_of(data: bytes) -> dict[int, object]:
    """Every EXIF tag of an image, the GPS ones included."""
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    tags: dict[int, object] = dict(exif)
    tags.update({0x8825_0000 + k: v for k, v in exif.get_ifd(ExifTags.IFD.GPSInfo).items()})
    return tags


def has_location_or_device(data: bytes) -> bool:
    tags = exif_of(data)
    return any(
        key in tags for key in (ExifTags.Base.Make, ExifTags.Base.Model, ExifTags.Base.GPSInfo)
    ) or any(key >= 0x8825_0000 for key in tags)


TEXT = b"this is a letter, not a photo\n"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
