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
    client = models.ForeignKey("tenants.Client", on_delete=models.CASCADE,
                               related_name="phone_numbers")  # fmt: skip
    country = models.CharField(max_length=2)
    default_language = models.CharField(max_length=8)
    voice = models.BooleanField(default=True)
    sms = models.BooleanField(default=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} ({self.client})"
