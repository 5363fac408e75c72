"""Phone numbers (public schema): a webhook finds the client from the number called."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import models


def validate_e164(value: str) -> None:
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as error:
        raise ValidationError(f"{value!r} is not a phone number in E.164 (+420...).") from error
    if not phonenumbers.is_valid_number(parsed) or value != phonenumbers.format_number(
        parsed, phonenumbers.PhoneNumberFormat.E164
    ):
        raise ValidationError(f"{value!r} is not a valid number in E.164 form (+420...).")


class PhoneNumber(models.Model):
    """A client's Twilio number for one country, with the language its callers get first."""

    number = models.CharField(max_length=16, unique=True, validators=[validate_e164])
    client = models.ForeignKey(
        "tenants.Client", on_delete=models.CASCADE, related_name="phone_numbers"
    )
    country = models.CharField(max_length=2)
    default_language = models.CharField(max_length=8)
    voice = models.BooleanField(default=True)
    sms = models.BooleanField(default=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} ({self.client})"


def validate_device(value: str) -> None:
    """A phone number in E.164, or a Twilio Client identity (client:jana)."""
    if value.startswith("client:"):
        if len(value) > len("client:") and value[7:].replace("-", "").replace("_", "").isalnum():
            return
        raise ValidationError(f"{value!r}: a client identity is letters, digits, - and _.")
    validate_e164(value)


class AgentDevice(models.Model):
    """Where an agent's calls ring: a phone number or a Twilio Client (browser) identity.

    Kept here, keyed by the user, so that the user and presence models stay as they are.
    """

    agent = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, primary_key=True, related_name="call_device"
    )
    address = models.CharField(
        max_length=64, validators=[validate_device], help_text="+420601234567 or client:jana"
    )
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.agent} → {self.address}"


class OfferDial(models.Model):
    """An offer of a call to an agent that we rang: once per offer, whatever the retries."""

    item = models.ForeignKey("routing.WorkItem", on_delete=models.CASCADE, related_name="+")
    offered_at = models.DateTimeField()
    agent = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    agent_call_sid = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=300, blank=True)
    dialed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "offered_at"], name="one_dial_per_offer"),
        ]

    def __str__(self) -> str:
        return f"dial of item {self.item_id} to {self.agent_id}"
