from django import forms
from django.contrib.auth.forms import AuthenticationForm


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
