"""Invoices with payment terms and bank statements for the payments tests.

Until VAT issue sets them, `invoice_issue` leaves `due_on` and `payment_reference` empty;
`issue_with_terms` issues through it and records the terms the VAT work will set."""

from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from unittest import mock

from billing.models import Invoice
from billing.services import invoice_issue
from tenants.models import Client
from tests.support.billing import plan_for, utc


@contextmanager
def invoice_terms(*, due_on: date | None, reference: str = ""):
    """Inside: an invoice issued gets this due date and payment reference."""
    create = Invoice.objects.create

    def with_terms(**fields):
        if fields.get("kind", Invoice.Kind.INVOICE) == Invoice.Kind.INVOICE:
            fields = {**fields, "due_on": due_on, "payment_reference": reference}
        return create(**fields)

    with mock.patch.object(Invoice.objects, "create", with_terms):
        yield


def issue_with_terms(
    client: Client,
    month: date,
    *,
    due_on: date | None,
    reference: str = "",
    now: datetime | None = None,
) -> Invoice:
    """The client's invoice for the month (it needs a plan), issued with these terms."""
    with invoice_terms(due_on=due_on, reference=reference):
        result = invoice_issue(client=client, month=month, now=now or utc(2026, 11, 2, 8))
    assert result.invoice is not None, result.reason
    return result.invoice


def invoice_of(client: Client, fee: str, month: date, **terms) -> Invoice:
    """An invoice of `fee` (the plan's monthly fee, from that month on) with terms."""
    if not client.price_plans.exists():
        plan_for(client, month, base_monthly_fee=Decimal(fee))
    return issue_with_terms(client, month, **terms)


CAMT_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}"
          xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>{msg_id}</MsgId><CreDtTm>2026-11-20T18:00:00+01:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>{statement_id}</Id>
      <ElctrncSeqNb>212</ElctrncSeqNb>
      <CreDtTm>2026-11-20T18:00:00+01:00</CreDtTm>
      <FrToDt><FrDtTm>2026-11-01T00:00:00+01:00</FrDtTm><ToDtTm>2026-11-20T23:59:59+01:00</ToDtTm></FrToDt>
      <Acct>
        <Id><IBAN>{account}</IBAN></Id>
        <Ccy>{currency}</Ccy>
        <Svcr><FinInstnId><BIC>FIOBCZPPXXX</BIC></FinInstnId></Svcr>
      </Acct>
      <Bal>
        <Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="{currency}">10000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
        <Dt><Dt>2026-11-01</Dt></Dt>
      </Bal>
"""
CAMT_TAIL = """    </Stmt>
  </BkToCstmrStmt>
</Document>
"""


def camt_entry(
    *,
    bank_id: str,
    amount: str,
    currency: str = "EUR",
    credit: bool = True,
    booked: str = "2026-11-18",
    reference: str = "",
    text: str = "",
    payer: str = "Obchod s.r.o.",
    payer_iban: str = "CZ6508000000192000145399",
    version: str = "08",
    status: str = "BOOK",
) -> str:
    """One ``Ntry`` as banks write it (status as a code from 001.08 on, a plain word before;
    the debtor's name under ``Pty`` from 001.08 on)."""
    sts = f"<Sts><Cd>{status}</Cd></Sts>" if version >= "08" else f"<Sts>{status}</Sts>"
    name = f"<Pty><Nm>{payer}</Nm></Pty>" if version >= "08" else f"<Nm>{payer}</Nm>"
    party, account = ("Dbtr", "DbtrAcct") if credit else ("Cdtr", "CdtrAcct")
    strd = (
        f"<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>"
        f"<Ref>{reference}</Ref></CdtrRefInf></Strd>"
        if reference
        else ""
    )
    ustrd = f"<Ustrd>{text}</Ustrd>" if text else ""
    return f"""      <Ntry>
        <NtryRef>{bank_id}</NtryRef>
        <Amt Ccy="{currency}">{amount}</Amt>
        <CdtDbtInd>{"CRDT" if credit else "DBIT"}</CdtDbtInd>
        {sts}
        <BookgDt><Dt>{booked}</Dt></BookgDt>
        <ValDt><Dt>{booked}</Dt></ValDt>
        <AcctSvcrRef>{bank_id}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
          <RltdPties><{party}>{name}</{party}><{account}><Id><IBAN>{payer_iban}</IBAN></Id></{account}></RltdPties>
          <RmtInf>{ustrd}{strd}</RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>
"""


def camt_statement(
    entries: list[str],
    *,
    version: str = "08",
    account: str = "CZ5855000000001265098001",
    currency: str = "EUR",
    statement_id: str = "2026-11-20-212",
    msg_id: str = "MSG-212",
) -> bytes:
    head = CAMT_HEAD.format(
        version=version,
        account=account,
        currency=currency,
        statement_id=statement_id,
        msg_id=msg_id,
    )
    return (head + "".join(entries) + CAMT_TAIL).encode()


def money(text: str) -> Decimal:
    return Decimal(text)
