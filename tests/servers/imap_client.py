"""A real IMAP client for the mail tests (Python's imaplib and email).

    python3 imap_client.py PORT USER plain|tls COMMAND ARGS...

Password from JUCAI_TEST_IMAP_PASSWORD; for tls, the server's certificate
from JUCAI_TEST_IMAP_CA.

  append-set EML...   build messages around the workbooks attached to the
                      given .eml files, the way mail clients send them: one
                      with a UTF-8 name, one with a GBK RFC 2231 name, one
                      forwarded (message/rfc822), one with a photo beside
                      the workbook, one with a zip of two workbooks; then
                      one plain message per remaining workbook. APPEND all.
  append-raw FILE...  APPEND files as they are (line ends made CRLF).
  flags               the flags of every message, as JSON.

Prints JSON: for appends, [{"sha256": message, "workbooks": [sha256...]}].
"""
import email
import hashlib
import imaplib
import io
import json
import os
import re
import ssl
import sys
import zipfile
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

port, user, mode, command, args = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
password = os.environ["JUCAI_TEST_IMAP_PASSWORD"]
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def connect():
    if mode == "tls":
        ctx = ssl.create_default_context(cafile=os.environ["JUCAI_TEST_IMAP_CA"])
        m = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=ctx)
    else:
        m = imaplib.IMAP4("127.0.0.1", port)
    m.login(user, password)
    return m


def crlf(data):
    return re.sub(rb"\r\n|\r|\n", b"\r\n", data)


def sha(data):
    return hashlib.sha256(data).hexdigest()


def workbooks(paths):
    """(name, bytes, sender, date) of every xlsx/xls attached to the files."""
    out = []
    for path in paths:
        with open(path, "rb") as f:
            msg = email.message_from_binary_file(f, policy=policy.default)
        for part in msg.iter_attachments():
            name = part.get_filename() or "台账.xlsx"
            if name.lower().endswith((".xlsx", ".xls")):
                out.append((name, part.get_content(), msg["From"], msg["Date"]))
    return out


def base(sender, date, subject):
    m = EmailMessage()
    m["From"] = sender
    m["To"] = "东胜区民政人才工作中心 <rencai@dsmz.example.cn>"
    m["Subject"] = subject
    m["Date"] = date
    m["Message-ID"] = make_msgid(domain="client.test")
    m.set_content("附件是本季度台账，请查收。")
    return m


def attach(m, name, data):
    m.add_attachment(data, maintype=XLSX[0], subtype=XLSX[1], filename=name)


def gbk_attach(m, name, data):
    m.add_attachment(data, maintype=XLSX[0], subtype=XLSX[1])
    part = m.get_payload()[-1]
    del part["Content-Disposition"]
    part.add_header("Content-Disposition", "attachment", filename=("gbk", "", name))


def build(books):
    messages = []
    it = iter(books)
    shapes = ["utf8", "gbk", "forwarded", "photo", "zip"]
    for shape in shapes:
        try:
            name, data, sender, date = next(it)
        except StopIteration:
            break
        m = base(sender, date, name.rsplit(".", 1)[0])
        carried = [data]
        if shape == "utf8":
            attach(m, name, data)
        elif shape == "gbk":
            gbk_attach(m, name, data)
        elif shape == "forwarded":
            inner = base(sender, date, "台账")
            attach(inner, name, data)
            del m["Subject"]
            m["Subject"] = "Fwd: " + name
            m.add_attachment(inner)
        elif shape == "photo":
            attach(m, name, data)
            jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8 + b"\xff\xd9"
            m.add_attachment(jpeg, maintype="image", subtype="jpeg", filename="活动照片.jpg")
        elif shape == "zip":
            second = next(it, None)
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w") as z:
                z.writestr(name, data)
                if second:
                    z.writestr(second[0], second[1])
                    carried.append(second[1])
            m.add_attachment(buf.getvalue(), maintype="application", subtype="zip", filename="台账.zip")
        messages.append((m, carried))
    for name, data, sender, date in it:
        m = base(sender, date, name)
        attach(m, name, data)
        messages.append((m, [data]))
    return messages


def append(m, raw):
    raw = crlf(raw)
    typ, data = m.append("INBOX", None, None, raw)
    assert typ == "OK", data
    return raw


m = connect()
if command == "append-set":
    out = []
    for msg, carried in build(workbooks(args)):
        raw = append(m, msg.as_bytes(policy=policy.SMTP))
        out.append({"sha256": sha(raw), "workbooks": [sha(d) for d in carried]})
    print(json.dumps(out))
elif command == "append-raw":
    out = []
    for path in args:
        with open(path, "rb") as f:
            raw = append(m, f.read())
        out.append({"sha256": sha(raw), "workbooks": []})
    print(json.dumps(out))
elif command == "flags":
    m.select("INBOX", readonly=True)
    typ, data = m.fetch("1:*", "(UID FLAGS)")
    print(json.dumps([d.decode() for d in data if d]))
else:
    sys.exit("unknown command " + command)
m.logout()
