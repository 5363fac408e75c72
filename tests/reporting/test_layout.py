"""The PDF layout from plain data: language, embedded font, optional sections, long tables."""

import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext as _
from pypdf import PdfReader

from core.formats import Formats
from core.pdf import MUTED
from reporting.figures import (
    DIMENSIONS,
    CallFigures,
    ContactFigures,
    CostLine,
    CostSection,
    CsatFigures,
    Kpis,
    NpsFigures,
    Period,
    SatisfactionFigures,
    SatisfactionGroup,
    SlaFigures,
)
from reporting.layout import (
    BETTER,
    WORSE,
    ReportContent,
    change_colour,
    headline_figures,
    report_pdf,
)
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


NOTHING = ContactFigures(
    received=0,
    handled=0,
    first_response_median=None,
    first_response_p90=None,
    first_response_business_median=None,
    first_response_business_p90=None,
    resolved=0,
    reopened=0,
    repeat=0,
)


def empty(language: str) -> ReportContent:
    """A month without a single contact, call, promise or invoice."""
    report = content(language)
    figures = Kpis(
        period=OCTOBER,
        totals=NOTHING,
        by={dimension: [] for dimension in DIMENSIONS},
        sla=SlaFigures(due=0, met=0),
        sla_by={dimension: [] for dimension in DIMENSIONS},
        daily=[(day, {}) for day in OCTOBER.days],
        heatmap=[[0] * 24 for _ in range(7)],
    )
    return ReportContent(**{**report.__dict__, "kpis": figures, "previous_totals": None})


def section_titles(language: str) -> set[str]:
    """Every heading the report can print, in ``language``."""
    with translation.override(language):
        return {
            _(title)
            for title in (
                "Headline figures",
                "Contacts in detail",
                "Daily volume per channel",
                "Contacts by language",
                "Busiest hours",
                "SLA met by channel",
                "By channel",
                "By language",
                "By country",
                "By category",
                "Phone calls",
                "Calls by language",
                "Calls by country",
                "Calls by topic",
                "Costs of the month",
                "Definitions",
            )
        }


def body_lines(page: str, report: ReportContent) -> list[str]:
    """A page's lines without its footer (the client and month, the page number)."""
    return [
        line
        for line in page.splitlines()
        if line.strip()
        and not line.startswith(f"{report.client_name} ·")
        and not re.fullmatch(r"\w+ \d+", line.strip())
    ]


@pytest.mark.parametrize(
    ("report", "language"),
    [
        (content("en", categories=60), "en"),
        (empty("en"), "en"),
        (empty("cs"), "cs"),
        (with_calls(content("hu"), call_figures(230, {1: 0, 2: 0, 3: 1, 4: 1, 5: 1})), "hu"),
    ],
    ids=["full", "empty", "empty-cs", "calls-hu"],
)
def test_no_page_is_empty_or_holds_only_a_title(report, language):
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(report_pdf(report))).pages]
    titles = section_titles(language)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        lines = body_lines(page, report)
        assert lines, f"page {number} is empty"
        assert not set(lines) <= titles, f"page {number} holds only {lines}"
        assert lines[-1] not in titles, f"page {number} ends with the title {lines[-1]!r}"


def test_a_month_without_data_says_so_once_per_chart_and_table_and_draws_none():
    text = text_of(report_pdf(empty("en")))
    # The daily, language, busiest-hours and SLA charts, and the four split tables.
    assert text.count("No data this month.") == 8
    assert "Contacts and calls per hour" not in text  # no heat map, so no scale
    czech = text_of(report_pdf(empty("cs")))
    assert czech.count("V tomto měsíci žádná data.") == 8 and "No data" not in czech


def test_the_busiest_hours_have_a_scale_from_the_fewest_to_the_most():
    report = content("en")
    heatmap = [[0] * 24 for _ in range(7)]
    heatmap[0][9], heatmap[4][14] = 17, 3  # Monday 9:00 the busiest hour: 17
    busy = ReportContent(
        **{**report.__dict__, "kpis": Kpis(**{**report.kpis.__dict__, "heatmap": heatmap})}
    )
    text = " ".join(text_of(report_pdf(busy)).split())
    assert "Busiest hours" in text
    assert "Contacts and calls per hour 0 17" in text
    german = " ".join(
        text_of(report_pdf(ReportContent(**{**busy.__dict__, "language": "de"}))).split()
    )
    assert "Kontakte und Anrufe pro Stunde 0 17" in german


PREVIOUS_CALLS = call_figures(
    180, {1: 0, 2: 0, 3: 0, 4: 1, 5: 1}, NpsFigures(answers={**NO_NPS.answers, 10: 3, 0: 1})
)


def headline_content(language: str) -> ReportContent:
    """October against September: more contacts, a slower first response, a better SLA,
    a lower CSAT (3.88 after 4.50), a lower NPS (20.0 after 50.0), a higher invoice."""
    calls = call_figures(230, {1: 1, 2: 0, 3: 1, 4: 3, 5: 3}, NPS)
    costs = CostSection(
        invoice_number="2026-0042",
        currency="CZK",
        total=Decimal("12445.60"),
        lines=[CostLine(label="E-mails", quantity=Decimal(3), unit="", amount=Decimal("12445.60"))],
    )
    report = with_calls(content(language, costs=costs), calls, csat=calls.csat, nps=calls.nps)
    return ReportContent(
        **{
            **report.__dict__,
            "kpis": Kpis(
                **{**report.kpis.__dict__, "sla": SlaFigures(due=100, met=90, not_applicable=4)}
            ),
            "previous_satisfaction": SatisfactionGroup(
                csat=PREVIOUS_CALLS.csat, nps=PREVIOUS_CALLS.nps
            ),
            "previous_cost_total": Decimal("10000.00"),
        }
    )


def test_the_first_page_carries_the_headline_figures_next_to_the_previous_month():
    first, *_rest = [
        p.extract_text() for p in PdfReader(io.BytesIO(report_pdf(headline_content("en")))).pages
    ]
    page = " ".join(first.split())
    # No cover page: the title, then the figures.
    assert "Page 1 Monthly report Žluťoučký kůň · October 2026 Generated on" in page
    assert "Contacts received 120 100 ▲ +20" in page
    assert "SLA met 90 met, 10 missed, 4 not applicable 90.0 % 80.0 % ▲ +10.0 pp" in page
    assert "First response, median 1.5 h 1.0 h ▲ +0.5 h" in page
    assert "Resolution rate 83.3 % 80.0 % ▲ +3.3 pp" in page
    assert "CSAT, average score (1-5) 3.88 4.50 ▼ -0.62" in page
    assert "NPS (-100 to 100) 20.0 50.0 ▼ -30.0" in page
    assert "Costs of the month CZK12,445.60 CZK10,000.00 ▲ +CZK2,445.60" in page
    czech = " ".join(
        PdfReader(io.BytesIO(report_pdf(headline_content("cs")))).pages[0].extract_text().split()
    )
    assert "Přijaté kontakty 120 100 ▲ +20" in czech
    assert "splněno 90, nesplněno 10, nevztahuje se 4" in czech


def _survey(csat: dict[int, int], nps: dict[int, int]) -> SatisfactionFigures:
    """The conversation survey's answers (no splits: the headline reads the totals)."""
    answers = sum(csat.values())
    return SatisfactionFigures(
        sent=answers,
        answered_of_sent=answers,
        totals=CsatFigures(answers={**dict.fromkeys(range(1, 6), 0), **csat}),
        by={},
        nps_totals=NpsFigures(answers={**NO_NPS.answers, **nps}),
        nps_by={},
    )


def test_the_headline_csat_and_nps_are_of_every_channel():
    """The calls (CSAT 3.88, NPS 20.0 of 10) and the e-mail survey (8 answers of 5, 10 NPS
    answers of 0) together: CSAT 71 / 16 = 4.44, NPS 5 promoters and 13 detractors of 20 =
    -40.0; the previous month had e-mail answers only (NPS 10 of 10: 100.0)."""
    report = headline_content("en")
    both = ReportContent(
        **{
            **report.__dict__,
            "kpis": Kpis(**{**report.kpis.__dict__, "satisfaction": _survey({5: 8}, {0: 10})}),
            "previous_satisfaction": SatisfactionGroup(
                csat=_survey({4: 2}, {10: 10}).totals, nps=_survey({}, {10: 10}).nps_totals
            ),
        }
    )
    page = " ".join(PdfReader(io.BytesIO(report_pdf(both))).pages[0].extract_text().split())
    assert "CSAT, average score (1-5) 4.44 4.00 ▲ +0.44" in page
    assert "NPS (-100 to 100) -40.0 100.0 ▼ -140.0" in page
    # A month with survey answers but no call: the survey's alone (not "—").
    survey_only = ReportContent(
        **{**both.__dict__, "kpis": Kpis(**{**both.kpis.__dict__, "calls": None})}
    )
    with translation.override("en"):
        figures = {f.label: f for f in headline_figures(survey_only, Formats("en", "UTC", "CZK"))}
    assert (figures["CSAT, average score (1-5)"].now, figures["NPS (-100 to 100)"].now) == (
        "5.00",
        "-100.0",
    )


def test_a_change_is_coloured_by_whether_it_is_for_the_better():
    report = headline_content("en")
    with translation.override("en"):
        figures = {
            f.label: f for f in headline_figures(report, Formats("en", "Europe/Prague", "CZK"))
        }
    assert change_colour(figures["Contacts received"]) == MUTED  # volume: neither
    assert change_colour(figures["SLA met"]) == BETTER  # up is better
    assert change_colour(figures["First response, median"]) == WORSE  # slower: worse
    assert change_colour(figures["CSAT, average score (1-5)"]) == WORSE  # down is worse
    assert change_colour(figures["Costs of the month"]) == MUTED  # cost follows volume
    same = ReportContent(**{**report.__dict__, "previous_totals": FIGURES})
    with translation.override("en"):
        [received, *_rest] = headline_figures(same, Formats("en", "Europe/Prague", "CZK"))
    assert (received.direction, received.change) == (0, "+0")


def test_a_month_without_a_previous_one_compares_nothing():
    report = ReportContent(
        **{**content("en").__dict__, "previous_totals": None, "previous_sla": None}
    )
    page = " ".join(PdfReader(io.BytesIO(report_pdf(report))).pages[0].extract_text().split())
    assert "Contacts received 120 — —" in page and "▲" not in page and "▼" not in page


def test_categories_and_topics_are_named_in_the_reports_language():
    calls = call_figures(230, {1: 0, 2: 0, 3: 0, 4: 1, 5: 1})
    report = with_calls(
        content("cs"),
        calls,
        calls_by={"language": [], "country": [], "topic": [("orders", calls), ("", calls)]},
    )
    kpis = Kpis(
        **{
            **report.kpis.__dict__,
            "by": {**report.kpis.by, "category": [("delivery", FIGURES), ("unnamed", FIGURES)]},
        }
    )
    names = {"delivery": "Doručení", "orders": "Objednávky a doručení"}
    named = ReportContent(**{**report.__dict__, "kpis": kpis, "category_names": names})
    czech = " ".join(text_of(report_pdf(named)).split())
    assert "Doručení" in czech and "Objednávky a doručení" in czech and "Bez tématu" in czech
    assert "delivery" not in czech and "orders" not in czech
    assert "unnamed" in czech  # a code without a name is shown as it is


def test_cost_lines_show_their_days_and_every_decimal_of_the_invoice():
    costs = CostSection(
        invoice_number="2026-0042",
        currency="CZK",
        total=Decimal("6027.98"),
        lines=[
            CostLine(
                label="Měsíční paušál",
                quantity=Decimal(15),
                unit="dní",
                amount=Decimal("3000.00"),
                first_day=date(2026, 10, 1),
                last_day=date(2026, 10, 15),
            ),
            CostLine(
                label="Měsíční paušál",
                quantity=Decimal(16),
                unit="dní",
                amount=Decimal("3000.00"),
                first_day=date(2026, 10, 16),
                last_day=date(2026, 10, 31),
            ),
            CostLine(
                label="Náklady na telefonii",
                quantity=Decimal("25.9829"),
                unit="",
                amount=Decimal("25.98"),
                quantity_is_money=True,
            ),
            CostLine(
                label="Přirážka za zpracování telefonie",
                quantity=Decimal("25.9829"),
                unit="",
                amount=Decimal("2.00"),
                percent=Decimal("7.5"),
            ),
            CostLine(
                label="Odbavené minuty",
                quantity=Decimal("12.0625"),
                unit="minut",
                amount=Decimal("0.00"),
            ),
        ],
    )
    text = " ".join(text_of(report_pdf(content("cs", costs=costs))).split())
    assert "Měsíční paušál 1.\u201315. 10. 2026 15 dní" in text
    assert "Měsíční paušál 16.\u201331. 10. 2026 16 dní" in text
    assert text.count("25,9829 Kč") == 2 and "25,983" not in text.replace("25,9829", "")
    assert "7,5 %" in text and "12,0625 minut" in text
