"""What an uploaded file is, decided from its bytes, never from its name or the browser's claim.

The rule (docs/attachments.md says the same to people):
- Images: JPEG, PNG, GIF, WebP as Pillow reads them (crm.photos.detect, the customer photo's own
  check). An image whose pixel count is over Pillow's decompression-bomb limit
  (PIL.Image.MAX_IMAGE_PIXELS) is refused. Previewed.
- PDF: a file that starts with "%PDF-". Previewed (served in a sandbox).
- Word, Excel, PowerPoint files of today's format (.docx, .xlsx, .pptx, a zip holding
  [Content_Types].xml): stored WITHOUT preview, handed out for download only. One that carries
  macros (a vbaProject.bin part, or a macro-enabled content type: .docm/.xlsm/.pptm) is REFUSED.
- Refused: everything else, including plain zip archives and the old binary Office formats
  (.doc/.xls/.ppt: macros there cannot be checked without parsing the whole file), programs,
  HEIC photos (Pillow cannot read them) and empty files.
- A name that says another type than the bytes (a program renamed .jpg, a PDF renamed .docx) is
  refused. A name without an extension is typed by its bytes alone.
"""

import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from crm import photos

IMAGE_EXTENSIONS = {"jpg", "jpeg", "jfif", "png", "gif", "webp"}
OFFICE = {
    # folder inside the zip -> (content type, extension)
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
}
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# What the file input offers (the server decides anyway).
ACCEPT = "image/jpeg,image/png,image/gif,image/webp,application/pdf,.docx,.xlsx,.pptx"


@dataclass(frozen=True)
class Detected:
    content_type: str
    extension: str
    previewable: bool

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def _extension_family(extension: str) -> set[str]:
    return IMAGE_EXTENSIONS if extension in IMAGE_EXTENSIONS else {extension}


def _looks_like_image(head: bytes) -> bool:
    return head.startswith(IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")


def _image(fileobj, head: bytes) -> Detected | None:
    with warnings.catch_warnings():  # the pixel count is checked below, from 1x Pillow's limit
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        found = photos.detect(fileobj)
    if found is None:
        if _looks_like_image(head):
            raise ValidationError(_("This image is damaged or too large to open (at most %(n)s million pixels).")
                                  % {"n": Image.MAX_IMAGE_PIXELS // 1_000_000})
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(fileobj) as image:
                width, height = image.size
    except (Image.DecompressionBombWarning, Image.DecompressionBombError, UnidentifiedImageError, OSError):
        width = height = None
    finally:
        fileobj.seek(0)
    if width is None or width * height > Image.MAX_IMAGE_PIXELS:
        raise ValidationError(_("This image is damaged or too large to open (at most %(n)s million pixels).")
                              % {"n": Image.MAX_IMAGE_PIXELS // 1_000_000})
    content_type, extension = found
    return Detected(content_type, extension, previewable=True)


def _office(fileobj) -> Detected:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = archive.namelist()
            types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else None
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        names, types = [], None
    finally:
        fileobj.seek(0)
    kind = next((OFFICE[folder] for folder in OFFICE if any(name.startswith(folder) for name in names)), None)
    if types is None or kind is None:
        raise ValidationError(_("Archives (zip) are not accepted: attach the files themselves."))
    if any(name.lower().endswith("vbaproject.bin") for name in names) or b"macroenabled" in types.lower():
        raise ValidationError(_("Office files with macros are not accepted: save it without macros (.docx, .xlsx, .pptx) and attach it again."))
    return Detected(kind[0], kind[1], previewable=False)


def detect(fileobj, name: str) -> Detected:
    """The type of `fileobj` by its content, or ValidationError saying why it is refused."""
    fileobj.seek(0)
    head = fileobj.read(16)
    fileobj.seek(0)
    if not head:
        raise ValidationError(_("The file is empty."))
    if head.startswith(b"%PDF-"):
        detected = Detected("application/pdf", "pdf", previewable=True)
    elif head.startswith(b"PK\x03\x04"):
        detected = _office(fileobj)
    elif head.startswith(OLE_MAGIC):
        raise ValidationError(_("Old Office files (.doc, .xls, .ppt) are not accepted: save it as .docx, .xlsx or .pptx and attach it again."))
    else:
        detected = _image(fileobj, head)
    if detected is None:
        raise ValidationError(_("This kind of file is not accepted: photos (JPEG, PNG, GIF, WebP), PDF, Word, Excel or PowerPoint files only."))
    claimed = PurePosixPath(name or "").suffix.lower().lstrip(".")
    if claimed and claimed not in _extension_family(detected.extension):
        raise ValidationError(_("The file's name says .%(claimed)s but its content is a %(actual)s file: nothing was saved.")
                              % {"claimed": claimed, "actual": detected.extension.upper()})
    return detected
