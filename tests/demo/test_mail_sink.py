"""The demo's SMTP sink: keeps what it accepts as .eml files, refuses the bounce domain."""

import email
import smtplib
import socket
import subprocess
import sys
import time
from email.policy import default

import pytest
from django.core.mail import EmailMessage

from conversations.email_in import bounce_report, email_parse
from demo.delivery_report import delivery_report
from demo.mail_sink import sink_controller


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def sink(tmp_path):
    port = _free_port()
    controller = sink_controller(
        folder=tmp_path / "mail", refused_domains=["bounce.invalid"], port=port
    )
    controller.start()
    yield port, tmp_path / "mail"
    controller.stop()


def test_a_reply_with_a_file_is_kept_as_an_eml_file(sink, settings):
    port, folder = sink
    # As the demo's settings are: the SMTP backend pointed at the sink (scripts/dev).
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port},
        }
    }
    message = EmailMessage(
        "Re: Poškozená zásilka",
        "Dobrý den, posíláme štítek.",
        "Bohemia Shoes <support@bohemia-shoes.example>",
        ["petra@example.cz"],
    )
    message.attach("štítek.pdf", b"%PDF-1.4 label", "application/pdf")
    assert message.send() == 1
    [kept] = list(folder.glob("*.eml"))
    parsed = email.message_from_bytes(kept.read_bytes(), policy=default)
    assert parsed["Subject"] == "Re: Poškozená zásilka" and parsed["To"] == "petra@example.cz"
    [attachment] = list(parsed.iter_attachments())
    assert attachment.get_filename() == "štítek.pdf"
    assert attachment.get_content() == b"%PDF-1.4 label"
    assert not list(folder.glob("*.part"))


def test_the_bounce_domain_is_refused_with_550_and_nothing_is_kept(sink):
    port, folder = sink
    refusal = pytest.raises(smtplib.SMTPRecipientsRefused)
    with smtplib.SMTP("127.0.0.1", port) as smtp, refusal as refused:
        smtp.sendmail(
            "support@bohemia-shoes.example",
            ["nobody@bounce.invalid"],
            b"Subject: x\r\n\r\nhello\r\n",
        )
    [(code, reason)] = refused.value.recipients.values()
    assert code == 550 and b"bounce.invalid" in reason
    assert not folder.exists() or not list(folder.glob("*.eml"))


@pytest.mark.slow
def test_the_procfile_process_starts_listens_and_logs(tmp_path):
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "demo.mail_sink",
            "--port",
            str(port),
            "--folder",
            str(tmp_path / "mail"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for _ in range(100):
            try:
                with smtplib.SMTP("127.0.0.1", port, timeout=2) as smtp:
                    smtp.sendmail("a@example.cz", ["b@example.cz"], b"Subject: hi\r\n\r\nx\r\n")
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the sink did not listen")
        assert len(list((tmp_path / "mail").glob("*.eml"))) == 1
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0]
    assert f"mail sink on 127.0.0.1:{port}" in output and "kept " in output


def test_the_delivery_report_it_returns_is_read_as_a_bounce_of_the_original():

    original = (
        b"From: Shop <support@shop.example>\r\nTo: karel@gone.invalid\r\nSubject: Re: Adresa\r\n"
        b"Message-ID: <reply-7@polydesk.test>\r\n\r\nDobry den\r\n"
    )
    raw = delivery_report(
        sender="support@shop.example", recipients=["karel@gone.invalid"], original=original
    )
    parsed = email_parse(raw)
    report = bounce_report(parsed)
    assert parsed.kind == "bounce"
    assert report.original_message_id == "<reply-7@polydesk.test>"
    assert (report.recipient, report.status, report.action) == (
        "karel@gone.invalid",
        "5.1.1",
        "failed",
    )
