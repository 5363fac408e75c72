from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from accounts.portal_users import MAX_INVITE_ADDRESS, ROLE_NAMES
from accounts.signin import user_may_reset_on
from accounts.throttle import reset_mail_allowed
from core.events import EVENT_TYPES
from core.months import month_start
from tenants.services import API_KEY_SCOPES


class PortalPasswordResetForm(PasswordResetForm):
    """Sends a reset link only to this client's own users; the page says the same whether
    or not the address is known."""

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client

    def get_users(self, email):
        for user in super().get_users(email):
            # Past the account's limit no mail goes, and the page says the same.
            if user_may_reset_on(user, client=self.client) and reset_mail_allowed(user_id=user.pk):
                yield user


class ReportRequestForm(forms.Form):
    month = forms.ChoiceField(label=_("Month"))

    def __init__(self, *args, months, formats, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [
            (f"{m:%Y-%m}", formats.month(month_start(m, zone=formats.zone))) for m in months
        ]


def _role_choices() -> list[tuple[str, str]]:
    return [(role.value, str(name)) for role, name in ROLE_NAMES.items()]


class InviteForm(forms.Form):
    # The address becomes the user name too, which is shorter than an e-mail field.
    email = forms.EmailField(label=_("E-mail"), max_length=MAX_INVITE_ADDRESS)
    role = forms.ChoiceField(label=_("Role"), choices=_role_choices)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=_role_choices)


class RecipientForm(forms.Form):
    address = forms.CharField(label=_("E-mail"), max_length=254)


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=[(scope, scope) for scope in API_KEY_SCOPES],
        widget=forms.CheckboxSelectMultiple,
    )


class ApiKeyScopesForm(forms.Form):
    """An existing key's new scopes (at least one)."""

    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=[(scope, scope) for scope in API_KEY_SCOPES],
        widget=forms.CheckboxSelectMultiple,
    )


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(label=_("Address"), max_length=500, assume_scheme="https")
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=[(event, event) for event in EVENT_TYPES],
        widget=forms.CheckboxSelectMultiple,
    )
