#!/usr/bin/env python3
"""Fill fuzz/corpus/<target>/ with seed inputs made from the repository's own files.

Run from anywhere: python3 fuzz/seed.py. The corpus is not committed (it grows to
tens of megabytes while fuzzing); this makes the starting point reproducible.
"""
import email.message
import email.policy
import io
import shutil
import zipfile
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parent
CORPUS = FUZZ / "corpus"

# The first byte of a `sheet` seed picks the part it replaces.
SHEET_PARTS = (FUZZ / "sheet_parts.txt").read_text().split()


def workbook_seeds(out: Path) -> None:
    fixtures = ROOT / "tests/fixtures"
    for src in [
        *sorted((fixtures / "libreoffice").glob("quirky.*")),
        fixtures / "encrypted.xlsx",
        ROOT / "src/sample/legacy.xls",
    ]:
        shutil.copy(src, out / src.name)
    centre = sorted(ROOT.glob("sample-input/inbox/2024Q4/*.xlsx"))
    if centre:
        shutil.copy(centre[0], out / "centre.xlsx")


def sheet_seeds(out: Path) -> None:
    template = zipfile.ZipFile(ROOT / "tests/fixtures/libreoffice/quirky.xlsx")
    for i, part in enumerate(SHEET_PARTS):
        (out / f"{i}-{Path(part).name}").write_bytes(bytes([i]) + template.read(part))


def mail_seeds(out: Path) -> None:
    message = email.message.EmailMessage()
    message["From"] = "建设街道 <a@example.cn>"
    message["To"] = "centre@example.cn"
    message["Subject"] = "2024Q3 台账"
    message["Date"] = "Mon, 07 Oct 2024 09:00:00 +0800"
    message.set_content("请查收。")
    message.add_attachment(
        b"PK\x03\x04tiny",
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename="建设街道2024Q3.xlsx",
    )
    message.add_attachment(
        b"hello", maintype="application", subtype="octet-stream", filename="说明.txt"
    )
    raw = message.as_bytes(policy=email.policy.SMTP)
    (out / "small.eml").write_bytes(raw)
    unix = raw.replace(b"\r\n", b"\n")
    (out / "small.mbox").write_bytes(
        b"From a@example.cn Mon Oct  7 09:00:00 2024\n" + unix
        + b"\nFrom b@example.cn Mon Oct  7 10:00:00 2024\n" + unix
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("建设街道2024Q3.xlsx", b"PK\x03\x04tiny")
        archive.writestr("sub/说明.txt", b"hello")
    (out / "small.zip").write_bytes(buffer.getvalue())
    for eml in sorted(ROOT.glob("sample-input/inbox/2023Q2/*.eml"))[:3]:
        shutil.copy(eml, out / eml.name)


for target, make in [("workbook", workbook_seeds), ("sheet", sheet_seeds), ("mail", mail_seeds)]:
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    make(directory)
    print(f"{directory}: {len(list(directory.iterdir()))} files")
