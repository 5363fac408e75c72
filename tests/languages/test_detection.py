import os
import subprocess
import sys
from pathlib import Path

import pytest

from conversations.models import LanguageDecidedBy
from languages.cleaning import text_for_detection
from languages.czech_slovak import czech_share, czech_slovak_score
from languages.detection import UNDETERMINED, detect_language, detect_language_for_client
from languages.priors import DECIDED_BY, Priors, address_country
from languages.romanized import romanized_language
from tests.support.database import test_database_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Dobrý den, objednávka mi ještě nepřišla, můžete mi říct, kde je zboží?", "cs"),
        ("Dobrý deň, objednávka mi ešte neprišla, môžete mi povedať, kde je tovar?", "sk"),
        (
            "Pozdravljeni, naročilo še ni prispelo, prosim sporočite, kdaj bo paket dostavljen.",
            "sl",
        ),
        (
            "Poštovani, narudžba još nije stigla, molim vas javite kada će paket biti dostavljen.",
            "hr",
        ),
        (
            "Dzień dobry, zamówienie jeszcze nie dotarło, proszę o informację, gdzie jest paczka.",
            "pl",
        ),
        ("Guten Tag, meine Bestellung ist noch nicht angekommen, wo ist das Paket?", "de"),
        ("Jó napot, a rendelésem még nem érkezett meg, hol van a csomag?", "hu"),
    ],
)
def test_the_ambiguous_neighbours_are_told_apart(text, language):
    found = detect_language(text)
    assert (found.language, found.certain) == (language, True)


def test_quoted_history_and_signature_do_not_decide_the_language():
    email = (
        "Dobrý den,\nzásilka stále nedorazila, prosím o kontrolu.\nDěkuji, Petr\n\n"
        "On Mon, 3 Nov 2026 at 10:12, Support <support@shop.example> wrote:\n"
        "> Dear customer, thank you for your order. We will ship it within two days and "
        "send you the tracking number as soon as the parcel leaves our warehouse.\n"
        "> Kind regards, the shop team\n"
    )
    assert "Support" not in text_for_detection(email)
    assert detect_language(email).language == "cs"

    signed = "Where is my parcel? I ordered it ten days ago.\n-- \nJiří Novák\nObchodní ředitel"
    assert "ředitel" not in text_for_detection(signed)
    assert detect_language(signed).language == "en"


def test_mangled_encodings_are_repaired_first():
    mangled = "Dobrý deň, kedy mi príde zásielka?".encode().decode("cp1252")
    assert "Ã" in mangled
    assert text_for_detection(mangled).startswith("Dobrý deň")
    assert detect_language(mangled).language == "sk"


def test_text_without_words_is_undetermined():
    for text in ("", "   ", "12345 / 2026-11-03", "https://shop.example/o/123 info@shop.example"):
        assert detect_language(text).language == UNDETERMINED


def test_a_language_the_client_does_not_serve_gives_its_default_marked_uncertain():
    german = "Guten Tag, meine Bestellung ist noch nicht angekommen, wo ist das Paket?"
    found = detect_language_for_client(german, languages=["cs", "sk"], default="cs")
    assert (found.language, found.certain, found.detected) == ("cs", False, "de")


def test_a_served_language_typed_without_diacritics_is_still_found():
    found = detect_language_for_client(
        "Dobry den, kdy mi prijde zasilka? Cekam uz tyden a nikdo mi neodpovida.",
        languages=["cs", "sk", "en"],
        default="sk",
    )
    assert (found.language, found.certain) == ("cs", True)


def test_too_little_text_gives_the_default_marked_uncertain():
    found = detect_language_for_client("ok", languages=["pl", "en"], default="pl")
    assert (found.language, found.certain) == ("pl", False)


def run_command(*arguments: str, lines: str) -> list[tuple[str, float]]:
    result = subprocess.run(
        [sys.executable, "manage.py", "detect_language", *arguments],
        input=lines,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env={**os.environ, "DATABASE_URL": test_database_url()},
    )
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    return [(code, float(confidence)) for code, confidence in rows]


def test_the_detect_language_command(two_clients):
    lines = "Dobrý deň, kedy mi príde zásielka?\nGuten Tag, wo ist meine Bestellung?\n\n"

    plain = run_command(lines=lines)
    for_a = run_command("--client", "client-a", lines=lines)  # serves cs and sk

    assert [code for code, _ in plain] == ["sk", "de", "und"]
    assert [code for code, _ in for_a] == ["sk", "und", "und"]
    assert all(0 <= confidence <= 1 for _, confidence in plain + for_a)


def test_the_detect_language_command_refuses_an_unknown_client(two_clients):
    with pytest.raises(subprocess.CalledProcessError) as failed:
        run_command("--client", "no-such-shop", lines="text\n")
    assert "no client with slug 'no-such-shop'" in failed.value.stderr


# Czech and Slovak typed without diacritics (languages.czech_slovak).


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Dobry den, jeste mi neprisla objednavka, muzete mi rict, kde je zbozi?", "cs"),
        ("Dobry den, este mi nedosla objednavka, mozete mi povedat, kde je tovar?", "sk"),
        ("Proc mi nikdo neodpovida? Psal jsem vam uz trikrat.", "cs"),
        ("Preco mi nikto neodpoveda? Pisal som vam uz trikrat.", "sk"),
        ("Potrebuji zmenit adresu, jeste to jde? Dekuji", "cs"),
        ("Potrebujem zmenit adresu, este sa to da? Dakujem", "sk"),
        ("Dekuji", "cs"),
        ("Dakujem", "sk"),
    ],
)
def test_czech_and_slovak_without_diacritics_are_told_apart_by_their_words(text, language):
    assert detect_language(text).language == language


def test_the_czech_slovak_model_scores_words_and_endings_not_letters():
    assert czech_slovak_score("jsem tady, kdy prijde zbozi") > 3
    assert czech_slovak_score("som tu, kedy pride tovar") < -3
    assert czech_slovak_score("Děkuji") == czech_slovak_score("dekuji") > 0  # accents ignored
    assert czech_slovak_score("vyriesenie reklamacie") < 0  # sk endings -enie, -cie
    assert czech_slovak_score("123 ok") == 0
    assert czech_slovak_score("Dobrý deň") < 0 == czech_slovak_score("Dobrý den")  # sk "deň"


def test_the_telling_letters_keep_lingua_in_charge():
    # "ř" is Czech whatever the words say: lingua's odds are not clipped.
    assert czech_share("Přišlo to", czech=0.99, slovak=0.01) > 0.5
    # Without them, lingua's lean to Slovak is capped and the words decide.
    assert czech_share("jsem to zaplatil", czech=0.01, slovak=0.99) > 0.5


# Short texts: the priors decide, and say so (languages.priors).


def test_a_clear_text_is_decided_by_the_text_whatever_the_priors():
    found = detect_language(
        "Guten Tag, meine Bestellung ist noch nicht angekommen, wo ist das Paket?",
        priors=Priors(history=["cs"], customer="cs", client_countries=["CZ"]),
    )
    assert (found.language, found.certain, found.decided_by) == ("de", True, "text")


@pytest.mark.parametrize(
    ("priors", "decided_by", "certain"),
    [
        (Priors(history=["nl", "nl"]), "history", True),
        (Priors(customer="nl"), "customer", True),
        (Priors(address_country="NL"), "address_country", False),
        (Priors(client_countries=["NL"]), "client_country", False),
        (Priors(history=["nl"], customer="de", client_countries=["DE"]), "history", True),
    ],
)
def test_a_short_text_takes_the_language_of_the_strongest_prior(priors, decided_by, certain):
    # "ok" says nothing; the prior does. A country only says what is likely: uncertain.
    without = detect_language("ok")
    found = detect_language("ok", priors=priors)
    assert without.language != "nl" or not without.certain
    assert (found.language, found.decided_by, found.certain) == ("nl", decided_by, certain)


def test_a_short_text_in_a_prior_language_is_read_with_it():
    # "Danke!" read alone is not sure; a German client makes it so.
    found = detect_language("Danke!", priors=Priors(client_countries=["DE", "PL"]))
    assert found.language == "de"


def test_nothing_to_read_and_nothing_known_is_the_default():
    found = detect_language("👍")
    assert (found.language, found.decided_by) == (UNDETERMINED, "default")
    found = detect_language("👍", priors=Priors(history=["pl"], customer="pl"))
    assert (found.language, found.decided_by, found.certain) == ("pl", "history", True)
    found = detect_language("👍", priors=Priors(client_countries=["PL"]))
    assert (found.language, found.decided_by, found.certain) == ("pl", "client_country", False)


@pytest.mark.parametrize(
    ("given", "country"),
    [
        ({"country": "sk"}, "SK"),
        ({"phone": "+420 601 234 567"}, "CZ"),
        ({"phone": "0048 601 234 567"}, "PL"),
        ({"email": "anna@example.at"}, "AT"),
        ({"email": "tom@example.co.uk"}, "GB"),
        ({"email": "tom@example.com", "phone": "601 234 567"}, ""),
        ({"country": "DE", "phone": "+420 601 234 567"}, "DE"),
    ],
)
def test_the_address_country_comes_from_what_is_given(given, country):
    assert address_country(**given) == country


# Languages outside the catalog are "und", with what they are kept.


@pytest.mark.parametrize(
    ("text", "detected"),
    [
        ("Hej, min beställning har fortfarande inte kommit. Jag har väntat en vecka.", "sv"),
        ("Hej, min ordre er stadig ikke kommet. Jeg har ventet en uge.", "da"),
        ("Здравствуйте, мой заказ до сих пор не пришёл. Жду уже неделю.", "ru"),
        ("Sugeng enjing, paketku kok durung teka ya? Wis seminggu aku ngenteni.", "jv"),
        ("Selamat pagi, pesanan saya belum sampai juga. Sudah seminggu saya menunggu.", "id"),
    ],
)
def test_an_unsupported_language_is_undetermined_and_named(text, detected):
    found = detect_language(text)
    assert (found.language, found.certain, found.detected) == (UNDETERMINED, False, detected)


def test_a_short_text_weakly_read_as_another_language_keeps_a_close_catalog_one():
    # Read a little as Tagalog, nearly as much as French: French, uncertain.
    found = detect_language("Où est mon colis ?")
    assert (found.language, found.certain) == ("fr", False)
    # Clearly Swedish, however short: "und".
    found = detect_language("Tack så mycket!")
    assert (found.language, found.detected) == (UNDETERMINED, "sv")


def test_an_unsupported_language_gives_a_client_its_default_marked_uncertain():
    found = detect_language_for_client(
        "Hei, tilaukseni ei ole vieläkään tullut. Olen odottanut jo viikon.",
        languages=["de", "en"],
        default="de",
    )
    assert (found.language, found.certain, found.detected, found.decided_by) == (
        "de",
        False,
        "fi",
        "default",
    )


def test_the_sources_match_the_conversation_field():
    assert set(DECIDED_BY) <= set(LanguageDecidedBy.values)


# Greek and Bulgarian typed in Latin letters (languages.romanized).


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Kalimera, pote tha erthei h paraggelia mou? Perimenw mia evdomada.", "el"),
        ("Zdraveite, koga shte pristigne pratkata? Chakam veche sedmitsa.", "bg"),
    ],
)
def test_greek_and_bulgarian_in_latin_letters_are_named_uncertain(text, language):
    found = detect_language(text)
    assert (found.language, found.certain) == (language, False)


@pytest.mark.parametrize(
    "text",
    [
        "Buongiorno, vorrei sapere che fine ha fatto il mio ordine, grazie mille.",
        "Jo napot, az en csomagom meg nem erkezett meg, kerem nezzek meg.",
        "Dobry den, moje objednavka jeste neprisla, mate s tim problem?",
        "Hi, I was told the parcel would come on Monday, so where is it?",
    ],
)
def test_other_latin_texts_are_not_taken_for_greek_or_bulgarian(text):
    assert romanized_language(text) == ("", 0.0)
    assert detect_language(text).language not in ("el", "bg")
