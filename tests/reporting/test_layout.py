"""The PDF layout from plain data: language, embedded font, optional sections, long tables."""

import io
from datetime import UTC, datetime
from decimal import Decimal

from pypdf import PdfReader

from reporting.figures import (
    CallFigures,
    ContactFigures,
    CostLine,
    CostSection,
    CsatFigures,
    Kpis,
    NpsFigures,
    Period,
    SlaFigures,
)
from reporting.layout import ReportContent, report_pdf
from tests.support.pdf import assert_only_dejavu_embedded
from tests.support.pdf import text_by_page as text_of

OCTOBER = Period.month(year=2026, month=10, time_zone="Europe/Prague")
FIGURES = ContactFigures(
    received=120,
    handled=110,
    first_response_median=5400,
    first_response_p90=9000,
    first_response_business_median=1800,
    first_response_business_p90=5000,
    resolved=100,
    reopened=5,
    repeat=12,
)
BEFORE = ContactFigures(
    received=100,
    handled=100,
    first_response_median=3600,
    first_response_p90=9000,
    first_response_business_median=1800,
    first_response_business_p90=5000,
    resolved=80,
    reopened=4,
    repeat=10,
)


def kpis(*, categories: int = 4, calls=None, costs=None) -> Kpis:
    names = ["Reklamace, přeřazení účtu", "Győr szállítás", "Wisła zwrot", "Brașov și Constanța"]
    return Kpis(
        period=OCTOBER,
        totals=FIGURES,
        by={
            "channel": [("email", FIGURES), ("chat", FIGURES)],
            "language": [("cs", FIGURES), ("hu", FIGURES)],
            "country": [("CZ", FIGURES)],
            "category": [(f"{names[n % 4]} {n}", FIGURES) for n in range(categories)],
        },
        sla=SlaFigures(due=100, met=90),
        sla_by={
            "channel": [("email", SlaFigures(due=100, met=90))],
            "language": [],
            "country": [],
            "category": [],
        },
        daily=[(day, {"email": day.day % 5, "chat": 2}) for day in OCTOBER.days],
        heatmap=[[(day + hour) % 4 for hour in range(24)] for day in range(7)],
        calls=calls,
        costs=costs,
    )


def content(language: str, **kw) -> ReportContent:
    return ReportContent(
        client_name="Žluťoučký kůň",
        language=language,
        time_zone="Europe/Prague",
        currency="CZK",
        kpis=kpis(**kw),
        previous_totals=BEFORE,
        previous_sla=SlaFigures(due=50, met=40),
        generated_at=datetime(2026, 11, 1, 12, tzinfo=UTC),
    )


def test_the_report_is_in_the_clients_language_with_every_letter():
    text = text_of(report_pdf(content("cs")))
    for letter in "čřůőłșț":
        assert letter in text, letter
    assert "Měsíční zpráva" in text and "říjen 2026" in text
    assert "Přijaté kontakty" in text and "Definice" in text
    # Numbers the Czech way, the change from the previous month with its sign.
    assert "1,5 h" in text and "+20" in text and "+10,0 p. b." in text


def test_the_font_is_embedded():
    assert_only_dejavu_embedded(report_pdf(content("en")))


def test_other_languages_get_their_own_labels_and_formats():
    german = text_of(report_pdf(content("de")))
    assert "Monatsbericht" in german and "Oktober 2026" in german
    hungarian = text_of(report_pdf(content("hu")))
    assert "Havi jelentés" in hungarian and "2026. október" in hungarian


def test_calls_appear_only_when_given_and_a_month_without_invoice_says_so():
    without = text_of(report_pdf(content("en")))
    assert "Phone calls" not in without and "Calls received" not in without.split("Definitions")[0]
    assert "No invoice has been issued for this month yet." in without
    assert "According to invoice" not in without and "Total cost" not in without


# 5 promoters, 2 passives, 3 detractors: 50 % - 30 % = 20.0
NPS = NpsFigures(answers={0: 1, 1: 0, 2: 0, 3: 1, 4: 0, 5: 0, 6: 1, 7: 1, 8: 1, 9: 3, 10: 2})
NO_NPS = NpsFigures(answers=dict.fromkeys(range(11), 0))


def call_figures(received: int, answers: dict[int, int], nps: NpsFigures = NO_NPS) -> CallFigures:
    return CallFigures(
        received=received,
        queued=200,
        answered=180,
        answered_within_target=150,
        target_seconds=20,
        abandoned=20,
        voicemails=7,
        callbacks=3,
        speed_of_answer_average=14.4,
        handle_time_average=245.0,
        csat=CsatFigures(answers=answers),
        nps=nps,
    )


def test_calls_csat_and_costs_are_shown_in_the_reports_language():
    answers = {1: 1, 2: 0, 3: 1, 4: 3, 5: 3}  # 31 / 8 = 3.875 on average, 6 of 8 satisfied
    calls = call_figures(230, answers)
    costs = CostSection(
        invoice_number="2026-0042",
        currency="EUR",
        total=Decimal("12445.60"),
        lines=[
            CostLine(
                label="E-mails answered",
                quantity=Decimal(300),
                unit="conversations",
                amount=Decimal("12345.60"),
            ),
            CostLine(
                label="Out-of-hours surcharge",
                quantity=Decimal("400.00"),
                unit="",
                amount=Decimal("100.00"),
                percent=Decimal(25),
            ),
        ],
    )
    report = content("en", calls=calls, costs=costs)
    report = ReportContent(
        **{
            **report.__dict__,
            "kpis": Kpis(
                **{
                    **report.kpis.__dict__,
                    "csat": calls.csat,
                    "calls_by": {
                        "language": [("cs", call_figures(200, answers))],
                        "country": [],
                        "topic": [("", call_figures(30, {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}))],
                    },
                }
            ),
        }
    )
    text = text_of(report_pdf(report))
    assert "Calls received" in text and "Calls queued for an agent" in text
    assert "75.0 %" in text  # 150 of 200 queued within 20 s
    assert "10.0 %" in text  # abandoned 20 of 200
    assert "Voicemails\n7" in text and "Callback requests\n3" in text
    assert "CSAT, average score (1-5)\n3.88" in text and "Satisfied callers (4-5)\n75.0 %" in text
    assert "1 / 0 / 1 / 3 / 3" in text
    assert "Calls by language" in text and "Czech" in text and "No topic" in text
    assert "Calls by country" not in text  # no rows, no heading
    # The invoice's currency (not the client's CZK), to the cent; a surcharge as a percent.
    assert "invoice 2026-0042" in text and "€12,445.60" in text and "25 %" in text
    czech = text_of(report_pdf(ReportContent(**{**report.__dict__, "language": "cs"})))
    assert "12\xa0445,60\xa0€" in czech or "12 445,60 €" in czech


def test_long_tables_are_cut_into_blocks_with_their_header():
    pdf = report_pdf(content("en", categories=500))
    pages = PdfReader(io.BytesIO(pdf)).pages
    category_pages = [p.extract_text() for p in pages if "Wisła zwrot" in p.extract_text()]
    assert len(category_pages) > 3
    assert all("Received" in page for page in category_pages)


def with_calls(report: ReportContent, calls: CallFigures, **kpis) -> ReportContent:
    figures = Kpis(**{**report.kpis.__dict__, "calls": calls, **kpis})
    return ReportContent(**{**report.__dict__, "kpis": figures})


def test_nps_is_shown_next_to_csat_in_the_reports_language():
    calls = call_figures(230, {1: 0, 2: 0, 3: 0, 4: 1, 5: 1}, NPS)
    report = with_calls(content("en"), calls, csat=calls.csat, nps=calls.nps)
    text = text_of(report_pdf(report))
    summary = text.split("Definitions")[0]
    assert "CSAT, average score (1-5)\n4.5" in summary
    assert "NPS (-100 to 100)\n20.0" in summary and "NPS answers\n10" in summary
    assert "Promoters (9-10)\n5" in summary and "Passives (7-8)\n2" in summary
    assert "Detractors (0-6)\n3" in summary
    czech = text_of(report_pdf(ReportContent(**{**report.__dict__, "language": "cs"})))
    # The translations write the range with a minus sign and an en dash.
    assert "NPS (\u2212100 až 100)\n20,0" in czech and "Propagátoři (9\u201310)\n5" in czech
    negative = NpsFigures(answers={**NO_NPS.answers, 9: 4, 7: 7, 1: 5})  # -6.25: -6.3
    german = text_of(report_pdf(with_calls(content("de"), calls, nps=negative)))
    assert "NPS (\u2212100 bis 100)\n-6,3" in german


def test_a_month_without_nps_answers_shows_no_nps():
    calls = call_figures(230, {1: 0, 2: 0, 3: 0, 4: 1, 5: 1})
    text = text_of(report_pdf(with_calls(content("en"), calls, csat=calls.csat)))
    summary, definitions = text.split("Definitions")
    assert "CSAT, average score (1-5)" in summary
    assert "NPS" not in summary and "Promoters" not in summary
    assert "NPS" in definitions  # the definition is always there, like CSAT's
