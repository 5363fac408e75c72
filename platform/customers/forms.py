"""The confirmation of a customer's erasure (the desk's and the portal's)."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.models import Customer
from customers.services import customer_erase


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


@dataclass(frozen=True)
class EraseConfirmation:
    form: CustomerEraseForm
    word: str
    # True: nothing more to show (erased now, or already), the page goes back to the customer.
    finished: bool


def erase_confirmed(
    request: HttpRequest, *, customer: Customer, actor: AbstractBaseUser, via: str
) -> EraseConfirmation:
    """The erasure pages' form (desk and portal): a POST with the confirmation typed erases
    the customer and says so; an erased customer is said to be erased, nothing done."""
    word = erase_confirmation_word(customer)
    form = CustomerEraseForm(request.POST or None, expected=word)
    if request.method != "POST":
        return EraseConfirmation(form, word, finished=False)
    if customer.erased_at is not None:
        messages.info(request, _("This customer was already erased."))
        return EraseConfirmation(form, word, finished=True)
    if not form.is_valid():
        return EraseConfirmation(form, word, finished=False)
    customer_erase(customer_id=customer.pk, actor=actor, site=request.get_host(), via=via)
    messages.success(request, _("The customer's personal data was erased."))
    return EraseConfirmation(form, word, finished=True)
