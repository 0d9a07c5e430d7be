#!/usr/bin/env python3
"""Turn a `sheet` fuzz target input into the whole .xlsx the target validated.

    python3 fuzz/package_sheet_input.py artifacts/sheet/crash-… ../tests/fixtures/fuzz/workbook/NAME.xlsx

The first byte picks the part (fuzz/sheet_parts.txt), the rest
replaces it inside tests/fixtures/libreoffice/quirky.xlsx; every part is
stored, as the target stores them. The result is a regression fixture any
workbook test can read.
"""
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARTS = (Path(__file__).resolve().parent / "sheet_parts.txt").read_text().split()

data = Path(sys.argv[1]).read_bytes()
part, xml = PARTS[data[0] % len(PARTS)], data[1:]
template = zipfile.ZipFile(ROOT / "tests/fixtures/libreoffice/quirky.xlsx")
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_STORED) as out:
    for info in template.infolist():
        body = xml if info.filename == part else template.read(info.filename)
        # A fixed date: the same input always packages to the same bytes.
        out.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), body)
print(f"{sys.argv[2]}: {part} replaced ({len(xml)} bytes)")
