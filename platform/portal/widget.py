"""The portal's "Chat widget" page, for the client's managers (and agency admins): the
widget on or off, the shop origins allowed to use it, its colour, article suggestions and
order status, the snippet to paste into the shop's pages and today's widget chats. Every
change audited. Viewers get the 403 page (``manager_page``)."""

from datetime import datetime, time

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from portal.audit import manager_page
from widget.selectors import widget_chats_since, widget_settings
from widget.services import origins_parse, widget_settings_save

SCRIPT = "polydesk/widget.js"


class WidgetSettingsForm(forms.Form):
    enabled = forms.BooleanField(label=gettext_lazy("Show the chat widget"), required=False)
    allowed_origins = forms.CharField(
        label=gettext_lazy("Your shop's sites"),
        help_text=gettext_lazy(
            "One a line, the scheme and host only, e.g. https://shop.example (https, except "
            "localhost for trying it out)."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    colour = forms.CharField(
        label=gettext_lazy("Colour"), widget=forms.TextInput(attrs={"type": "color"})
    )
    suggest_articles = forms.BooleanField(
        label=gettext_lazy("Suggest help articles as the customer types"), required=False
    )
    order_status = forms.BooleanField(
        label=gettext_lazy("Let customers check an order's status"), required=False
    )

    def clean_allowed_origins(self) -> list[str]:
        return origins_parse(self.cleaned_data["allowed_origins"])

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if cleaned.get("enabled") and not cleaned.get("allowed_origins") and not self.errors:
            raise ValidationError(_("Name at least one site of your shop to show the widget on."))
        return cleaned


def _page(request: HttpRequest, form: WidgetSettingsForm, status: int = 200) -> HttpResponse:
    client = request.tenant  # type: ignore[attr-defined]  # set by django-tenants
    midnight = datetime.combine(timezone.localtime(timezone.now(), client.tz).date(), time())
    script = request.build_absolute_uri(static(SCRIPT))
    context = {
        "client": client,
        "form": form,
        "settings": widget_settings(),
        "tab": "widget",
        "snippet": f'<script src="{script}" async></script>',
        "chats_today": widget_chats_since(midnight.replace(tzinfo=client.tz)),
    }
    response = render(request, "portal/widget.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@manager_page
@require_http_methods(["GET", "POST"])
def widget_page(request: HttpRequest) -> HttpResponse:
    """The widget's settings; a POST saves them (audited) and comes back here."""
    if request.method != "POST":
        current = widget_settings()
        return _page(
            request,
            WidgetSettingsForm(
                initial={
                    "enabled": current.enabled,
                    "allowed_origins": "\n".join(current.allowed_origins),
                    "colour": current.colour,
                    "suggest_articles": current.suggest_articles,
                    "order_status": current.order_status,
                }
            ),
        )
    form = WidgetSettingsForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        widget_settings_save(**form.cleaned_data, request=request)
    except ValidationError as error:
        form.add_error(None, error)
        return _page(request, form, status=400)
    messages.success(request, _("Chat widget saved."))
    return redirect("widget_settings")
