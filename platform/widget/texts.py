"""Every string the widget shows, in the active language: the widget's script has none of its
own (``GET /widget/v1/config`` sends them). Times are filled in here, in the client's time
zone and the customer's language, so the script formats nothing."""

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from conversations.attachments import MAX_UPLOAD_FILE_BYTES
from surveys.services import rating_labels


def widget_texts(*, client_name: str, opens_at: str, answer_by: str) -> dict[str, str]:
    """The widget's strings in the active language (call under ``translation.override``);
    ``opens_at`` and ``answer_by`` already formatted ("" when unknown)."""
    ratings = rating_labels()
    texts = {
        "title": _("Chat with %(client)s") % {"client": client_name},
        "launcher": _("Chat with us"),
        "close": _("Close"),
        "status_open": _("We are online."),
        "status_closed": _("We are closed now."),
        "opens_at": _("We open %(when)s.") % {"when": opens_at} if opens_at else "",
        "answer_by": _("You will have our answer by %(when)s.") % {"when": answer_by}
        if answer_by
        else "",
        "email_promise": _("Leave us a message: we will answer by e-mail by %(when)s.")
        % {"when": answer_by}
        if answer_by
        else _("Leave us a message: we will answer by e-mail."),
        "name_label": _("Your name"),
        "email_label": _("Your e-mail address"),
        "email_required": _("Your e-mail address, so that we can answer you"),
        "message_label": _("Your message"),
        "message_placeholder": _("Write a message…"),
        "send": _("Send"),
        "attach": _("Attach a photo or file"),
        "sent_by_email": _("Thank you. We will answer you by e-mail."),
        "you": _("You"),
        "agent": _("Support"),
        "agent_typing": _("Support is typing…"),
        "end": _("End chat"),
        "ended": _("The chat has ended."),
        "new_chat": _("Start a new chat"),
        "rate_question": _("How satisfied were you with our help?"),
        "comment_label": _("Anything else you would like to tell us? (optional)"),
        "rate_send": _("Send rating"),
        "rated": _("Thank you for your rating."),
        "transcript_label": _("Send me this chat by e-mail"),
        "transcript_send": _("Send"),
        "transcript_sent": _("The chat is on its way to your mailbox."),
        "articles_title": _("These articles may help"),
        "help_center": _("Help center"),
        "order_title": _("Where is my order?"),
        "order_number_label": _("Order number"),
        "order_email_label": _("E-mail address used for the order"),
        "order_check": _("Check the status"),
        "order_tracking": _("Track the parcel"),
        "order_not_helpful": _("This did not help: chat with us"),
        "order_updated": _("Last update"),
        "challenge": _("One moment: checking that you are not a robot…"),
        "error": _("Something went wrong. Please try again."),
        "reconnecting": _("Connection lost. Reconnecting…"),
    }
    # A photo over the limit is refused before it is sent: the script fills in {name} and
    # {size} (the agents' words for the same refusal, so already in every language).
    texts["file_too_large"] = _("%(name)s: %(size)s; at most %(limit)s a file.") % {
        "name": "{name}",
        "size": "{size}",
        "limit": str(filesizeformat(MAX_UPLOAD_FILE_BYTES)).replace("\xa0", " "),
    }
    texts.update({f"rating_{score}": str(label) for score, label in ratings.items()})
    return texts
