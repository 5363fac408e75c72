from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.months import month_start


class PortalAuthenticationForm(AuthenticationForm):
    """Signs in only users who may use this client's portal.

    The error is the same as for a wrong password: the form does not reveal that the
    account exists for another client.
    """

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.may_use_portal_of(self.request.tenant):
            raise forms.ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class PortalPasswordResetForm(PasswordResetForm):
    """Sends a reset link only to this client's own users; the page says the same whether
    or not the address is known."""

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client

    def get_users(self, email):
        for user in super().get_users(email):
            if user.role == User.Role.CLIENT and user.client_id == self.client.pk:
                yield user


class ReportRequestForm(forms.Form):
    month = forms.ChoiceField(label=_("Month"))

    def __init__(self, *args, months, formats, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [
            (f"{m:%Y-%m}", formats.month(month_start(m, zone=formats.zone))) for m in months
        ]
