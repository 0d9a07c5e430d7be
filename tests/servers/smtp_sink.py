"""An SMTP server for the mail tests: aiosmtpd on 127.0.0.1, requiring
AUTH (PLAIN/LOGIN, allowed without TLS because it is loopback only; with
JUCAI_SINK_AUTH=0 it offers no AUTH at all, as a relay inside a network), that
writes every message it accepts into DIR as NNNN.eml with NNNN.json beside
it (envelope sender and recipients), and refuses recipients listed in
JUCAI_SINK_REFUSE (comma separated) with 550.

    python3 smtp_sink.py PORT DIR USER      (password from JUCAI_SINK_PASSWORD)

Prints "ready" once listening; stops on SIGTERM.
"""
import json
import os
import signal
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, folder, user = int(sys.argv[1]), sys.argv[2], sys.argv[3]
password = os.environ["JUCAI_SINK_PASSWORD"].encode()
refuse = set(filter(None, os.environ.get("JUCAI_SINK_REFUSE", "").split(",")))
auth = os.environ.get("JUCAI_SINK_AUTH", "1") != "0"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == user.encode()
        and auth_data.password == password
    )
    # handled=False: aiosmtpd answers a failure with 535 itself (its default
    # expects the authenticator to have answered, and says nothing).
    return AuthResult(success=ok, handled=False)


class Sink:
    count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in refuse:
            return "550 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        Sink.count += 1
        stem = os.path.join(folder, "%04d" % Sink.count)
        with open(stem + ".eml", "wb") as f:
            f.write(envelope.original_content)
        with open(stem + ".json", "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos}, f)
        return "250 OK"


controller = Controller(
    Sink(),
    hostname="127.0.0.1",
    port=port,
    authenticator=authenticator if auth else None,
    auth_required=auth,
    # Without TLS, aiosmtpd offers AUTH only when TLS is not required for it.
    auth_require_tls=not auth,
)
controller.start()
print("ready", flush=True)
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
stop.wait()
controller.stop()
