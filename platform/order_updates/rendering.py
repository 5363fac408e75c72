"""The text of an order update: the client's template for the kind and channel in the
customer's language, else the built-in text (``order_updates.texts``), filled.

Never an unfilled placeholder: in a built-in text every placeholder always has a value (an
empty customer's name closes up the greeting; the tracking line is added only with a link).
A client's own template that uses a value the event did not carry (``{tracking_link}``
without a link), or a name that is no placeholder of order updates (a typo), holds the event
with the reason instead of sending it.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from content.models import MessageTemplate
from content.selectors import translation_for
from languages.selectors import language_fallback_chain
from order_updates.texts import DEFAULTS, TRACKING, Text

# Every placeholder an order update may use. Those that may be empty without harm: a
# greeting without a name closes up ("Hello,").
NAMES = (
    "order_number",
    "tracking_link",
    "tracking_number",
    "carrier",
    "customer_name",
    "shop_name",
)
MAY_BE_EMPTY = ("customer_name",)
# Single braces around a name: "{{order_number}}" is text (content.placeholders' rule).
_LOOKS_LIKE_RE = re.compile(r"(?<!\{)\{([a-z][a-z0-9_]{0,63})\}(?!\})")
# SMS: one message of a GSM-7 concatenated pair at most (Twilio splits longer ones).
SMS_LENGTH = 306


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    # Where the text came from: "client" (its template) or "built-in"; and its language.
    origin: str
    language: str


@dataclass(frozen=True)
class Held:
    reason: str


def _template_kind(kind: str, channel: str) -> str:
    return f"order_{kind}_sms" if channel == "sms" else f"order_{kind}"


def _fill(text: str, values: Mapping[str, str]) -> str:
    filled = _LOOKS_LIKE_RE.sub(lambda match: values.get(match[1], match[0]), text)
    # An empty name leaves no "Hello ,".
    return re.sub(r"[ \t]+([,.!?;:])", r"\1", filled)


def _missing(text: str, values: Mapping[str, str]) -> list[str]:
    """The placeholders of ``text`` that would be left unfilled or empty."""
    return [
        name
        for name in dict.fromkeys(_LOOKS_LIKE_RE.findall(text))
        if name not in NAMES or (not values.get(name) and name not in MAY_BE_EMPTY)
    ]


def _built_in(language: str) -> tuple[str, dict[str, Text]]:
    for code in [language, *language_fallback_chain(language), "en"]:
        if code in DEFAULTS:
            return code, DEFAULTS[code]
    raise LookupError("no built-in order update texts")  # "en" is always there


def order_update_text(
    *, kind: str, channel: str, language: str, values: Mapping[str, str]
) -> Rendered | Held:
    """The filled subject (e-mail) and body of an order update of ``kind`` on ``channel``
    in ``language`` (current client schema): the client's template in that language, else
    the built-in text in it (or its fallback), else the client's template along the
    language's fallback chain."""
    template = MessageTemplate.objects.filter(kind=_template_kind(kind, channel)).first()
    own = template and translation_for(template, "body", language)
    code, built_in = _built_in(language)
    if own and (not own.fallback or code != language):
        assert template is not None  # the body is its text
        subject = translation_for(template, "subject", own.language)
        subject_text = subject.text if subject else built_in[kind].subject
        if missing := _missing(f"{subject_text}\n{own.text}", values):
            names = ", ".join("{" + name + "}" for name in missing)
            return Held(
                f"The client's template ({template.kind}, {own.language}) needs {names}, "
                "which the event did not give."
            )
        return Rendered(
            _fill(subject_text, values), _fill(own.text, values), "client", own.language
        )
    text = built_in[kind]
    link = values.get("tracking_link", "")
    if channel == "sms":
        room = SMS_LENGTH - (len(link) + 1 if link else 0)
        body = _fill(text.sms, values)[:room] + (f" {link}" if link else "")
        return Rendered("", body, "built-in", code)
    body = _fill(text.body, values)
    if link:
        tracking = _fill(TRACKING[code], {"tracking_link": link})
        # Above the closing lines ("Kind regards, ..."): the last paragraph is the signature.
        head, _, closing = body.rpartition("\n\n")
        body = f"{head}\n\n{tracking}\n\n{closing}" if head else f"{body}\n\n{tracking}"
    return Rendered(_fill(text.subject, values), body, "built-in", code)
