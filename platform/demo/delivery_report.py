"""An RFC 3464 delivery report, as a receiving server sends one back when a mailbox it
accepted mail for turns out not to exist (the demo's mail sink returns these)."""

import uuid
from email import policy
from email.parser import BytesHeaderParser
from email.utils import formatdate, make_msgid


def delivery_report(
    *,
    sender: str,
    recipients: list[str],
    original: bytes,
    reporting_mta: str = "sink.polydesk.invalid",
) -> bytes:
    """The report for ``recipients`` of ``original`` (its headers returned), to ``sender``.

    Written out by hand: the standard library builds no ``message/delivery-status`` part
    (its generator expects the part's fields as sub-messages)."""
    returned = BytesHeaderParser(policy=policy.compat32).parsebytes(original)
    boundary = f"report-{uuid.uuid4().hex}"
    notice = "".join(f"<{r}>: 550 5.1.1 mailbox no longer exists\r\n" for r in recipients)
    status = f"Reporting-MTA: dns; {reporting_mta}\r\n" + "".join(
        f"\r\nFinal-Recipient: rfc822; {r}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        f"Diagnostic-Code: smtp; 550 5.1.1 <{r}>: mailbox no longer exists\r\n"
        for r in recipients
    )
    head = (
        "Return-Path: <>\r\n"
        f"From: Mail Delivery System <MAILER-DAEMON@{reporting_mta}>\r\n"
        f"To: {sender}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Date: {formatdate(localtime=False)}\r\n"
        f"Message-ID: {make_msgid(domain=reporting_mta)}\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"\r\n'
        "\r\n"
    )
    parts = [
        "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
        f"This is the mail system at host {reporting_mta}.\r\n\r\n"
        f"Your message could not be delivered to one or more recipients.\r\n\r\n{notice}",
        f"Content-Type: message/delivery-status\r\n\r\n{status}",
    ]
    body = "".join(f"--{boundary}\r\n{part}\r\n" for part in parts).encode()
    body += f"--{boundary}\r\nContent-Type: text/rfc822-headers\r\n\r\n".encode()
    body += returned.as_bytes(policy=policy.compat32.clone(linesep="\r\n"))
    return head.encode() + body + f"\r\n--{boundary}--\r\n".encode()
