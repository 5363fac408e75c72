"""The agency's receivables (``/billing/receivables/``, agency admins): what clients owe by
age, payments no invoice was found for, a bank statement's upload and a payment entered by
hand. Each action validates its form here and calls one billing service."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.access import AgencyRole, agency_page
from billing.bank_statements import MAX_BYTES, StatementRefused
from billing.models import Invoice, Payment, PaymentAllocation
from billing.selectors.receivables import payments_unmatched, receivables_by_age
from billing.services.payments import (
    StatementImport,
    bank_statement_import,
    payment_allocate,
    payment_record,
    payment_unallocate,
)
from tenants.models import CURRENCIES, Client


class StatementForm(forms.Form):
    statement = forms.FileField(label=_("Bank statement (CAMT.053 or CSV)"))
    account = forms.CharField(
        label=_("The agency's account (IBAN), when the file does not name it"),
        max_length=64,
        required=False,
    )

    def clean_statement(self) -> Any:
        upload = self.cleaned_data["statement"]
        if upload.size > MAX_BYTES:
            raise ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES >> 20})
        return upload


class PaymentForm(forms.Form):
    client = forms.ModelChoiceField(queryset=Client.objects.none(), label=_("Client"))
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=[(c, c) for c in CURRENCIES])
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(label=_("Reference"), max_length=140, required=False)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.clients().order_by("name")  # type: ignore[attr-defined]


class AllocateForm(forms.Form):
    invoice = forms.CharField(label=_("Invoice number"), max_length=32)
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )


UNMATCHED_SHOWN = 200  # the oldest first; the page says when there are more


def _page(request: HttpRequest, **context: Any) -> HttpResponse:
    # The agency's own date (settings.TIME_ZONE), as its staff read the page.
    today = timezone.localdate()
    context.setdefault("statement_form", StatementForm())
    context.setdefault("payment_form", PaymentForm(initial={"received_on": today}))
    context.setdefault("errors", [])
    context.update(
        aging=receivables_by_age(today=today),
        unmatched=list(payments_unmatched()[:UNMATCHED_SHOWN]),
        unmatched_count=payments_unmatched().count(),
        allocations=PaymentAllocation.objects.select_related(
            "payment", "invoice", "invoice__client"
        ).order_by("-allocated_at", "-id")[:50],
        today=today,
    )
    status = 400 if context["errors"] else 200
    return render(request, "billing/receivables.html", context, status=status)


@agency_page(AgencyRole.ADMIN)
def receivables(request: HttpRequest) -> HttpResponse:
    """Receivables by age, payments to allocate, the upload and the payment form."""
    return _page(request)


def _messages(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


@agency_page(AgencyRole.ADMIN)
@require_POST
def statement_upload(request: HttpRequest) -> HttpResponse:
    """Import a bank statement and show what became of it."""
    form = StatementForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(
            request, statement_form=form, errors=[e for es in form.errors.values() for e in es]
        )
    upload = form.cleaned_data["statement"]
    try:
        result: StatementImport = bank_statement_import(
            data=upload.read(),
            filename=upload.name or "",
            user=request.user,  # type: ignore[arg-type]
            account=form.cleaned_data["account"],
        )
    except StatementRefused as error:
        return _page(
            request, errors=[_("The statement was refused: %(reason)s") % {"reason": error}]
        )
    return _page(request, result=result)


@agency_page(AgencyRole.ADMIN)
@require_POST
def payment_add(request: HttpRequest) -> HttpResponse:
    """Record a payment received outside the imported statements."""
    form = PaymentForm(request.POST)
    if not form.is_valid():
        return _page(
            request, payment_form=form, errors=[e for es in form.errors.values() for e in es]
        )
    data = form.cleaned_data
    try:
        payment_record(
            client=data["client"],
            amount=data["amount"],
            currency=data["currency"],
            received_on=data["received_on"],
            reference=data["reference"],
            note=data["note"],
            actor=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as error:
        return _page(request, payment_form=form, errors=_messages(error))
    return redirect("billing-receivables")


@agency_page(AgencyRole.ADMIN)
@require_POST
def payment_allocate_view(request: HttpRequest, payment_id: int) -> HttpResponse:
    """Allocate part of a payment to an invoice (by its number)."""
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None:
        raise Http404("no such payment")
    form = AllocateForm(request.POST)
    if not form.is_valid():
        return _page(request, errors=[e for es in form.errors.values() for e in es])
    invoice = Invoice.objects.filter(number=form.cleaned_data["invoice"].strip()).first()
    if invoice is None:
        return _page(request, errors=[_("No invoice has that number.")])
    try:
        payment_allocate(
            payment=payment,
            invoice=invoice,
            amount=form.cleaned_data["amount"],
            actor=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as error:
        return _page(request, errors=_messages(error))
    return redirect("billing-receivables")


@agency_page(AgencyRole.ADMIN)
@require_POST
def allocation_remove(request: HttpRequest, allocation_id: int) -> HttpResponse:
    """Take back an allocation made to the wrong invoice."""
    allocation = (
        PaymentAllocation.objects.select_related("payment", "invoice")
        .filter(pk=allocation_id)
        .first()
    )
    if allocation is None:
        raise Http404("no such allocation")
    payment_unallocate(allocation=allocation, actor=request.user)  # type: ignore[arg-type]
    return redirect("billing-receivables")
