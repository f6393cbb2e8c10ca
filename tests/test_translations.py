"""Every user-facing string is in the zh_Hans catalogue, translated."""

import re
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _entries(text):
    """(msgid, msgstr values, flags) for each entry of a .po file."""
    for block in text.split("\n\n"):
        lines = block.strip().splitlines()
        flags = " ".join(line for line in lines if line.startswith("#,"))
        fields, current = {}, None
        for line in lines:
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            yield fields["msgid"], [v for k, v in fields.items() if k.startswith("msgstr")], flags


def test_every_message_is_translated_to_simplified_chinese():
    entries = list(_entries(CATALOGUE.read_text(encoding="utf-8")))
    assert len(entries) > 30
    untranslated = [msgid for msgid, values, flags in entries if not all(values) or "fuzzy" in flags]
    assert not untranslated, f"untranslated or fuzzy in zh_Hans: {untranslated}"


def test_placeholders_survive_translation():
    for msgid, values, _ in _entries(CATALOGUE.read_text(encoding="utf-8")):
        wanted = sorted(re.findall(r"%\(\w+\)[sd]", msgid))
        for value in values:
            assert sorted(re.findall(r"%\(\w+\)[sd]", value)) == wanted, msgid
