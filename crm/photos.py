"""Customer photos: what a photo is, where it is stored and how it is handed out (issue 19.6, 19.8).

- A photo is an image Pillow recognises as JPEG, PNG, GIF or WebP; its type is the one Pillow
  detects in the bytes, never the one the uploader's file name or browser claims (a PNG/PDF
  polyglot named poly.pdf is a PNG, and is served as one).
- It is stored under a random name (customers/<year>/<month>/<32 hex>.<ext of the detected
  type>): the uploader's file name is kept nowhere.
- It is served only by the customer's photo view, which applies the customer policy; there is
  no /media/ route in any mode. The response carries the detected type, `nosniff` and an inline
  Content-Disposition with a neutral file name.
"""

import re
import secrets
from pathlib import PurePosixPath

from django.utils import timezone
from PIL import Image, UnidentifiedImageError

# Pillow's format name -> (content type served, file extension stored).
FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
}
EXTENSIONS = {extension for _type, extension in FORMATS.values()}
RANDOM_NAME = re.compile(r"^[0-9a-f]{32}\.[a-z]+$")


def upload_path(instance, filename: str) -> str:
    """A new random name for a photo. Only the extension of `filename` is kept, and only when it
    is one of ours (the form names every upload after the type Pillow detected)."""
    extension = PurePosixPath(filename).suffix.lower().lstrip(".")
    if extension not in EXTENSIONS:
        extension = "img"
    return f"customers/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{extension}"


def has_random_name(name: str) -> bool:
    return bool(RANDOM_NAME.match(PurePosixPath(name).name))


def detect(fileobj) -> tuple[str, str] | None:
    """(content type, extension) of the image in `fileobj` as Pillow reads its header, or None
    when it is not one of the formats we accept. Leaves the file at its start."""
    try:
        fileobj.seek(0)
        with Image.open(fileobj) as image:
            found = FORMATS.get(image.format)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        found = None
    fileobj.seek(0)
    return found
