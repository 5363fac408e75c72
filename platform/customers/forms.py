"""The confirmation of a customer's erasure (the desk's and the portal's)."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.models import Customer


def erase_confirmation_word(customer: Customer) -> str:
    """What the person erasing types to confirm: the customer's e-mail address, else the
    word ERASE in their language (a customer known by phone only, or by nothing)."""
    return customer.email or _("ERASE")


class CustomerEraseForm(forms.Form):
    confirm = forms.CharField(max_length=254, label=gettext_lazy("Type it to confirm"))

    def __init__(self, *args: Any, expected: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_confirm(self) -> str:
        typed = self.cleaned_data["confirm"].strip()
        if typed.casefold() != self.expected.strip().casefold():
            raise forms.ValidationError(_("That is not what was asked: nothing was erased."))
        return typed
