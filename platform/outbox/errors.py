"""How a transmission failed: worth another attempt later, or never going to work."""


class SendFailed(Exception):
    """The channel did not take the message; the text is the reason shown to people."""

    permanent = False


class TemporaryFailure(SendFailed):
    """Connection refused, a timeout, SMTP 4xx, Twilio 429/5xx: try again later."""


class PermanentFailure(SendFailed):
    """SMTP 5xx, Twilio 4xx (an invalid number), no address at all: retrying cannot help."""

    permanent = True
