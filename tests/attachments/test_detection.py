"""Types by content, never by name (attachments/detection.py states the rule)."""

import io

import pytest
from django.core.exceptions import ValidationError

from attachments.detection import detect
from tests.attachments.helpers import EXE, PDF, bomb, jpeg, office, plain_zip, png


def _detect(content, name):
    return detect(io.BytesIO(content), name)


def _refused(content, name) -> str:
    with pytest.raises(ValidationError) as caught:
        _detect(content, name)
    return " ".join(caught.value.messages)


def test_it_accepts_a_png_and_a_jpeg_with_preview():
    found = _detect(png(), "名片.png")
    assert (found.content_type, found.extension, found.previewable) == ("image/png", "png", True)
    assert _detect(jpeg(), "IMG_0001.JPG").content_type == "image/jpeg"


def test_an_image_named_as_another_image_type_is_typed_by_its_bytes():
    """Phones and chat apps mix up .jpg and .png; both are images, served as what they are."""
    assert _detect(png(), "微信截图.jpg").content_type == "image/png"


def test_it_accepts_a_pdf_with_preview():
    found = _detect(PDF, "报价单.pdf")
    assert (found.content_type, found.extension, found.previewable) == ("application/pdf", "pdf", True)


def test_a_name_without_extension_is_typed_by_its_bytes():
    assert _detect(PDF, "contract").extension == "pdf"


def test_a_program_renamed_jpg_is_refused():
    assert "not accepted" in _refused(EXE, "photo.jpg")


def test_a_pdf_named_as_a_picture_is_refused_as_a_lie():
    assert ".jpg" in _refused(PDF, "photo.jpg") and "PDF" in _refused(PDF, "photo.jpg")


def test_a_picture_named_pdf_is_refused_as_a_lie():
    assert ".pdf" in _refused(png(), "合同.pdf")


def test_a_decompression_bomb_is_refused():
    content = bomb()
    assert len(content) < 2_000_000  # small on the wire, 900 million pixels once opened
    assert "too large to open" in _refused(content, "bomb.png")


def test_an_image_just_over_the_pixel_limit_is_refused_too(monkeypatch):
    """Pillow only warns between 1x and 2x its limit; we refuse from 1x."""
    from PIL import Image

    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    assert "too large to open" in _refused(png(size=(11, 10)), "wide.png")
    assert _detect(png(size=(10, 10)), "ok.png").is_image


def test_office_files_without_macros_are_kept_without_preview():
    for folder, extension in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
        found = _detect(office(folder), f"合同.{extension}")
        assert (found.extension, found.previewable) == (extension, False)


def test_office_files_with_macros_are_refused():
    assert "macros" in _refused(office("word/", macros=True), "合同.docm")
    assert "macros" in _refused(office("xl/", macros=True), "报表.xlsx")


def test_a_docx_named_xlsx_is_refused():
    assert ".xlsx" in _refused(office("word/"), "报表.xlsx")


def test_plain_zip_archives_and_old_office_files_are_refused():
    assert "zip" in _refused(plain_zip(), "files.zip")
    assert "Old Office" in _refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "合同.doc")


def test_an_empty_file_is_refused():
    assert "empty" in _refused(b"", "x.pdf")
