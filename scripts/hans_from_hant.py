"""Fill the untranslated entries of the Simplified Chinese catalogue from the Traditional one.

The glossary of docs/i18n.md decides the domain terms (mainland usage differs from Taiwan's in more
than the script: 服務水準 is 服务水平, 料號 is 零件号); OpenCC's tw2sp conversion (Taiwan
Traditional to mainland Simplified, with its phrase tables) does the rest. An entry that already
has a Simplified translation is left as it is, so a reviewer's correction is never overwritten.

    .venv/bin/python scripts/hans_from_hant.py [--check]

--check changes nothing and exits 1 when an entry would be filled.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import opencc
import polib

ROOT = Path(__file__).resolve().parent.parent
HANT = ROOT / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po"
HANS = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
GLOSSARY = ROOT / "docs" / "i18n.md"


def glossary_pairs() -> list[tuple[str, str]]:
    """(Traditional, Simplified) terms of the glossary table, longest first."""
    text = GLOSSARY.read_text(encoding="utf-8").split("## Glossary", 1)[1]
    pairs = []
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[1] and not set(cells[1]) <= {"-"} and re.search(r"[\u4e00-\u9fff]", cells[1]):
            pairs.append((cells[1], cells[2]))
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)


def to_hans(text: str, pairs: list[tuple[str, str]], converter) -> str:
    kept: list[str] = []
    for hant, hans in pairs:
        if hant in text:
            text = text.replace(hant, f"\x00{len(kept)}\x00")
            kept.append(hans)
    text = converter.convert(text)
    return re.sub(r"\x00(\d+)\x00", lambda match: kept[int(match.group(1))], text)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    hant = {(entry.msgctxt, entry.msgid): entry for entry in polib.pofile(str(HANT)) if not entry.obsolete}
    hans = polib.pofile(str(HANS))
    pairs, converter = glossary_pairs(), opencc.OpenCC("tw2sp")
    filled = 0
    for entry in hans:
        source = hant.get((entry.msgctxt, entry.msgid))
        if entry.obsolete or source is None or not source.translated():
            continue
        # A fuzzy entry is msgmerge's guess from a similar string: filled anew like an empty one.
        fuzzy = "fuzzy" in entry.flags
        if entry.msgid_plural:
            if all(entry.msgstr_plural.values()) and not fuzzy:
                continue
            entry.msgstr_plural = {key: to_hans(value, pairs, converter) for key, value in source.msgstr_plural.items()}
        else:
            if entry.msgstr and not fuzzy:
                continue
            entry.msgstr = to_hans(source.msgstr, pairs, converter)
        entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
        filled += 1
    if check:
        print(f"{filled} Simplified entries would be filled")
        return 1 if filled else 0
    hans.save()
    print(f"{filled} Simplified entries filled from the Traditional catalogue")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
