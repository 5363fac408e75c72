import os
import subprocess
import sys
from pathlib import Path

import pytest

from languages.cleaning import text_for_detection
from languages.detection import UNDETERMINED, detect_language, detect_language_for_client
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
