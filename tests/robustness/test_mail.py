"""The mail intake paths never answer 5xx, whatever bytes arrive, and keep what they accept.

``POST /mail/inbound`` (raw RFC 822, our MTA) with random bytes and with the corpus of odd
real-world mail mutated (bytes flipped, cut short, headers doubled, NULs, huge header lines,
random charsets and boundaries); a provider's webhook (Postmark's JSON) with odd payloads.
"""

import base64
import json
import re

import pytest
from django.test import Client as HttpClient
from hypothesis import event, example, given
from hypothesis import strategies as st

from conversations.models import Message
from intake.models import InboundReceipt
from tests.support.fuzz import FUZZ, rolled_back, server_error
from tests.support.mail import CORPUS
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db
TOKEN = "fuzz-intake-token"
HOOK_AUTH = "Basic " + base64.b64encode(b"hook:secret").decode()
MESSAGES = {path.name: path.read_bytes() for path in sorted(CORPUS.glob("*.eml"))}
# What PostgreSQL and the mail parsers are known to choke on, and what MUAs get wrong.
NASTY = [
    b"\x00",
    b"\r",
    b"\n",
    b"\r\n",
    b"\xff",
    b"\xc3",
    b"=?",
    b"?=",
    b"--",
    b";",
    b"\t",
    b"\xed\xa0\x80",
    b"=\r\n",
    b"\\",
    b'"',
    b"<",
    b">",
]
CHARSETS = [
    "utf-8",
    "us-ascii",
    "iso-8859-2",
    "windows-1250",
    "utf-7",
    "utf-16",
    "gb18030",
    "x-unknown",
    "",
    "utf-8\x00",
    "\u0161",
    "a" * 300,
    "'",
    "unicode-1-1-utf-7",
]


@pytest.fixture
def intake(mailboxes, settings):
    settings.MAIL_INTAKE_TOKEN = TOKEN
    return mailboxes


def _header_lines(raw: bytes) -> list[bytes]:
    head = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
    return head.splitlines(keepends=True) or [b""]


@st.composite
def mutated(draw) -> bytes:
    """A corpus message with a few of the faults real senders produce, stacked."""
    raw = bytearray(MESSAGES[draw(st.sampled_from(sorted(MESSAGES)))])
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(
            st.sampled_from(
                [
                    "flip",
                    "cut",
                    "insert",
                    "duplicate",
                    "long",
                    "charset",
                    "boundary",
                    "encoded_word",
                ]
            )
        )
        at = draw(st.integers(0, max(len(raw) - 1, 0)))
        if kind == "flip" and raw:
            raw[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "cut":
            del raw[at:]
        elif kind == "insert":
            raw[at:at] = draw(st.sampled_from(NASTY)) * draw(st.integers(1, 3))
        elif kind == "duplicate":
            line = draw(st.sampled_from(_header_lines(bytes(raw))))
            raw[0:0] = line * draw(st.integers(1, 50))
        elif kind == "long":
            name = draw(
                st.sampled_from(
                    [
                        b"Subject",
                        b"From",
                        b"To",
                        b"Message-ID",
                        b"X-Long",
                        b"References",
                        b"Content-Type",
                    ]
                )
            )
            filler = draw(st.sampled_from([b"a", b"\xc5\xa1", b" ", b"<x@y>", b"=?utf-8?q?x?= "]))
            raw[0:0] = name + b": " + filler * draw(st.integers(1000, 60_000)) + b"\r\n"
        elif kind == "charset":
            charset = draw(st.sampled_from(CHARSETS)).encode("utf-8", "surrogateescape")
            raw = bytearray(
                re.sub(rb"charset=\"?[^\s;\"]*\"?", b'charset="' + charset + b'"', bytes(raw))
            )
        elif kind == "boundary":
            boundary = draw(st.binary(max_size=80)).replace(b'"', b"")
            raw = bytearray(
                re.sub(rb"boundary=\"?[^\s;\"]*\"?", b'boundary="' + boundary + b'"', bytes(raw))
            )
        elif kind == "encoded_word":
            charset = draw(st.sampled_from(CHARSETS)).encode("utf-8", "surrogateescape")
            payload = draw(st.binary(max_size=60))
            encoding, text = draw(
                st.sampled_from(
                    [
                        (b"B", base64.b64encode(payload)),
                        (b"Q", payload.replace(b"?", b"=3F").replace(b" ", b"_")),
                    ]
                )
            )
            word = b"=?" + charset + b"?" + encoding + b"?" + text + b"?="
            raw[0:0] = b"Subject: " + word + b"\r\nFrom: " + word + b" <x@y.example>\r\n"
    return bytes(raw)


def _post_raw(raw: bytes):
    return HttpClient(HTTP_HOST="localhost").post(
        "/mail/inbound", raw, content_type="message/rfc822", HTTP_AUTHORIZATION=f"Bearer {TOKEN}"
    )


def _assert_kept(raw: bytes, response, clients) -> None:
    """Every delivery leaves a receipt; an accepted one is filed with its original, or kept
    for the sweep; a refused one keeps its bytes for the postmaster."""
    assert response.status_code < 500, server_error(response)
    answer = response.json()
    event(str(answer.get("status", response.status_code)))
    receipt = InboundReceipt.objects.order_by("-pk").first()
    assert receipt is not None and receipt.size == len(raw)
    if response.status_code >= 400:
        assert receipt.state == "refused" and "error" in answer
        assert bytes(receipt.raw) == raw
        return
    assert answer["receipt"] == receipt.pk
    if answer["status"] == "accepted":  # kept, to be filed by the sweep
        assert bytes(receipt.raw) == raw
        return
    client = {c.slug: c for c in (clients.a, clients.b)}[answer["client"]]
    with in_schema(client):
        assert Message.objects.filter(conversation_id=answer["conversation"]).exists()
        if answer["status"] in ("filed", "unreadable"):
            assert Message.objects.filter(conversation_id=answer["conversation"], raw=raw).exists()


@FUZZ
@given(
    raw=st.one_of(
        st.binary(min_size=1, max_size=4000),
        # Addressed to a client, so that the bytes after it reach the parser and the filing.
        st.tuples(
            st.sampled_from([b"To: podpora@obuv.example\r\n", b"To: pomoc@sklep.example\n"]),
            st.binary(max_size=4000),
        ).map(b"".join),
    )
)
@example(raw=b"\x00")
@example(raw=b"\r\n\r\n\x00")
@example(raw=b"To: podpora@obuv.example\r\n\r\n\x00\xff")
@example(raw=b"To: podpora@obuv.example\r\nContent-Type: multipart/mixed\r\n\r\n--")
def test_random_bytes_at_the_raw_intake(intake, raw):
    with rolled_back():
        _assert_kept(raw, _post_raw(raw), intake)


@FUZZ
@given(raw=mutated())
def test_mutated_corpus_mail_at_the_raw_intake(intake, raw):
    with rolled_back():
        _assert_kept(raw, _post_raw(raw), intake)


# --- a provider's webhook (Postmark's inbound JSON, through django-anymail) ------------------

_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=60)
)
_json = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
_text = st.one_of(st.text(max_size=200), st.sampled_from(["\x00", "\ud800", "a\udcff", "=?x?="]))
_address = st.one_of(
    st.sampled_from(
        [
            "podpora@obuv.example",
            "pomoc@sklep.example",
            "ghost@nowhere.example",
            "",
            "@",
            "a@b@c",
            "\x00@x.example",
            "podpora@obuv.example\r\nBcc: x@y",
        ]
    ),
    _text,
)
_POSTMARK = {
    "FromFull": st.one_of(st.fixed_dictionaries({"Email": _address, "Name": _text}), _json),
    "ToFull": st.one_of(
        st.lists(st.fixed_dictionaries({"Email": _address, "Name": _text}), max_size=3), _json
    ),
    "OriginalRecipient": st.one_of(_address, _json),
    "Subject": st.one_of(_text, _json),
    "TextBody": st.one_of(_text, _json),
    "HtmlBody": st.one_of(_text, st.just("<p>\x00<b>"), _json),
    "Headers": st.one_of(
        st.lists(st.fixed_dictionaries({"Name": _text, "Value": _text}), max_size=4), _json
    ),
    "Attachments": st.one_of(
        st.lists(
            st.fixed_dictionaries(
                {
                    "Name": _text,
                    "ContentType": st.one_of(st.just("image/jpeg"), _text),
                    "Content": st.one_of(
                        st.binary(max_size=100).map(lambda b: base64.b64encode(b).decode()), _text
                    ),
                }
            ),
            max_size=2,
        ),
        _json,
    ),
}


@st.composite
def postmark_payloads(draw) -> str:
    fields = draw(st.lists(st.sampled_from(sorted(_POSTMARK)), unique=True))
    payload = {name: draw(_POSTMARK[name]) for name in fields}
    # Lone surrogates reach us as JSON escapes ("\ud800"), valid JSON, invalid Unicode.
    return json.dumps(payload, ensure_ascii=True)


@FUZZ
@given(body=postmark_payloads())
@example(body='{"FromFull": 7, "ToFull": "x", "Attachments": [1]}')
@example(body='{"ToFull": [{"Email": "podpora@obuv.example", "Name": "\\ud800"}]}')
def test_odd_postmark_payloads_at_the_provider_webhook(intake, settings, body):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:secret"}
    settings.PUBLIC_SCHEMA_URLCONF = "tests.intake.urls_with_anymail"
    with rolled_back():
        before = InboundReceipt.objects.count()
        response = HttpClient(HTTP_HOST="localhost").post(
            "/anymail/postmark/inbound/",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=HOOK_AUTH,
        )
        assert response.status_code < 500, server_error(response)
        event(str(response.status_code))
        # Nothing lost: whether anymail could read it (a receipt of the message) or not
        # (a refused receipt with the payload), the delivery is kept.
        assert InboundReceipt.objects.count() == before + 1
        receipt = InboundReceipt.objects.order_by("-pk").first()
        if response.status_code == 400:
            assert receipt.source == "payload:/anymail/postmark/inbound/"
            assert bytes(receipt.raw) == body.encode()
