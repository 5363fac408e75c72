"""The closed message each demo language's caller hears, through the real webhooks: the next
opening in the language's own words and order, said by that language's voice."""

import pytest

from telephony.models import PhoneNumber
from telephony.voice.phrases import PHRASES
from tests.support.voice import SATURDAY, says

pytestmark = pytest.mark.django_db

# Saturday 5 December 2026: the client (Europe/Prague, Monday-Friday 08:00-16:00) opens
# again on Monday the 7th at 08:00.
CLOSED = {
    "cs": ("CZ", "cs-CZ", "Nyní máme zavřeno. Znovu otevíráme pondělí 7. prosince v 8:00."),
    "sk": ("SK", "sk-SK", "Teraz máme zatvorené. Znova otvárame pondelok 7. decembra o 8:00."),
    "pl": (
        "PL",
        "pl-PL",
        "Infolinia jest teraz nieczynna. Zapraszamy ponownie: poniedziałek, 7 grudnia, o 08:00.",
    ),
    "de": (
        "DE",
        "de-DE",
        "Wir haben jetzt geschlossen. Wir sind wieder erreichbar am Montag, 7. Dezember um 08:00.",
    ),
    "hu": ("HU", "hu-HU", "Most zárva vagyunk. Újra nyitunk: december 7., hétfő, 8:00."),
    "ro": (
        "RO",
        "ro-RO",
        "Acum suntem închiși. Vă așteptăm din nou luni, 7 decembrie, la ora 08:00.",
    ),
    "en": (
        "GB",
        "en-GB",
        "We are closed now. We will be open again on Monday, 7 December at 08:00.",
    ),
    "es": (
        "ES",
        "es-ES",
        "Ahora estamos cerrados. Volvemos a abrir el lunes, 7 de diciembre a las 8:00.",
    ),
    "bg": (
        "BG",
        "bg-BG",
        "В момента не работим. Отново ще сме на разположение: понеделник, 7 декември, "
        "от 8:00 часа.",
    ),
    "el": (
        "GR",
        "el-GR",
        "Αυτή τη στιγμή είμαστε κλειστά. Ανοίγουμε ξανά στις 8:00\u202fπ.μ., Δευτέρα 7 Δεκεμβρίου.",
    ),
    # No Slovenian voice: the English text, its date in English too, in the English voice.
    "sl": (
        "SI",
        "en-GB",
        "We are closed now. We will be open again on Monday, 7 December at 08:00.",
    ),
}


@pytest.mark.parametrize("language", sorted(CLOSED))
def test_a_caller_on_saturday_hears_mondays_opening_in_their_language(voice, frozen, language):
    country, voice_language, text = CLOSED[language]
    number = f"+1555000{sorted(CLOSED).index(language):04d}"
    PhoneNumber.objects.create(
        number=number, client=voice.client, country=country, default_language=language
    )
    frozen(SATURDAY)
    response = voice.press(voice.call("CA1", to=number), "CA1", "1")  # orders: the queue
    said = says(response)
    assert (said[0][0], said[0][1]) == (text, voice_language)


def test_a_language_without_the_phrase_hears_its_fallbacks_text_and_date(
    voice, frozen, monkeypatch
):
    # Every catalog language has every phrase; one added later follows its chain (sk -> cs).
    monkeypatch.delitem(PHRASES["sk"], "closed")
    PhoneNumber.objects.create(
        number="+15550009999", client=voice.client, country="SK", default_language="sk"
    )
    frozen(SATURDAY)
    response = voice.press(voice.call("CA1", to="+15550009999"), "CA1", "1")
    said = says(response)
    assert (said[0][0], said[0][1]) == (
        "Nyní máme zavřeno. Znovu otevíráme pondělí 7. prosince v 8:00.",
        "cs-CZ",
    )
