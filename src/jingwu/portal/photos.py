"""Photos from the public (Pillow): checked, shrunk, and stripped of EXIF (the camera's
location) unless the citizen asks to keep it."""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

from jingwu.errors import Invalid

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # one photo as sent by the phone
MAX_SIDE = 2048
MAX_PIXELS = 40_000_000


def clean(data: bytes, *, keep_location: bool) -> bytes:
    """A JPEG or PNG ready to seal: at most 2048 px a side, no EXIF unless kept."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise Invalid("A photo may be at most 10 MB.", fields={"photos": "At most 10 MB."})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ("JPEG", "PNG"):
                raise Invalid("Photos must be JPEG or PNG.", fields={"photos": "JPEG or PNG."})
            if probe.width * probe.height > MAX_PIXELS:
                raise Invalid("The photo is too large.", fields={"photos": "Too many pixels."})
            fmt = probe.format
            probe.load()
            image = probe.copy()
            exif = probe.getexif()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise Invalid("Photos must be JPEG or PNG.", fields={"photos": "JPEG or PNG."}) from None
    if keep_location and len(data) <= 3 * 1024 * 1024 and max(image.size) <= MAX_SIDE:
        return data
    image = ImageOps.exif_transpose(image) if not keep_location else image
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    if fmt == "PNG":
        image.save(out, format="PNG", optimize=True)
    else:
        extra = {"exif": exif.tobytes()} if keep_location and exif else {}
        image.convert("RGB").save(out, format="JPEG", quality=85, **extra)
    return out.getvalue()
