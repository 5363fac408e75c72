"""Callers in a language Twilio has no voice for (Slovenian, Croatian) and in one it has
(Bulgarian): each hears their own language, or the documented voice fallback (English text
in the English voice, languages.catalog.SEED_VOICE_FALLBACKS), never another language's
text in a voice that cannot say it, and never silence by default."""

import pytest
from django.core.cache import cache

from languages.catalog import CATALOG, SEED_VOICE_FALLBACKS
from languages.models import Language
from telephony.models import PhoneNumber
from telephony.voice.models import Menu, NumberMenu, Option
from tests.support.tenancy import in_schema
from tests.support.voice import first, says, signed_post

pytestmark = pytest.mark.django_db

SI_NUMBER = "+38615550100"  # serves Slovenian, Croatian and English: the language menu first
HR_NUMBER = "+38515550100"  # starts with the main menu, in Croatian
BG_NUMBER = "+35925550100"
ENGLISH_VOICE = ("en-GB", "Polly.Amy")


@pytest.fixture
def adriatic(voice):
    a = voice.client
    PhoneNumber.objects.create(number=SI_NUMBER, client=a, country="SI", default_language="sl")
    PhoneNumber.objects.create(number=HR_NUMBER, client=a, country="HR", default_language="hr")
    PhoneNumber.objects.create(number=BG_NUMBER, client=a, country="BG", default_language="bg")
    with in_schema(a):
        main = Menu.objects.create(
            key="adriatic",
            prompt_sl="Za naročila pritisnite 1.",
            prompt_hr="Za narudžbe pritisnite 1.",
            prompt_bg="За поръчки натиснете 1.",
            prompt_en="For orders, press 1.",
        )
        Option.objects.create(menu=main, key="1", action="queue", topic="orders")
        choice = Menu.objects.create(
            key="adriatic-language", language_choice=True, prompt_en="Welcome."
        )
        for key, code in [("1", "sl"), ("2", "hr"), ("3", "en")]:
            Option.objects.create(
                menu=choice, key=key, action="language", language=code, target=main
            )
        NumberMenu.objects.create(number=SI_NUMBER, menu=choice)
        NumberMenu.objects.create(number=HR_NUMBER, menu=main)
        NumberMenu.objects.create(number=BG_NUMBER, menu=main)
    cache.clear()  # voices are cached for a minute
    return voice


def call(number: str, sid: str):
    return signed_post(
        "/twilio/voice/incoming", {"CallSid": sid, "From": "+38640123456", "To": number}
    )


def test_twilio_has_no_voice_for_slovenian_or_croatian_and_they_fall_back_to_english():
    assert CATALOG["sl"].tts_voice == CATALOG["hr"].tts_voice == ""
    assert SEED_VOICE_FALLBACKS == {"sl": "en", "hr": "en"}
    assert dict(
        Language.objects.filter(code__in=["sl", "hr"]).values_list("code", "voice_fallback")
    ) == {"sl": "en", "hr": "en"}
    # Every language with no voice of its own has a voice fallback that has one.
    for language in Language.objects.filter(tts_voice=""):
        assert language.voice_fallback is not None and language.voice_fallback.tts_voice


def test_a_slovenian_caller_hears_the_language_menu_in_english_never_in_silence(adriatic):
    spoken = says(call(SI_NUMBER, "CA1"))
    assert ("Welcome.", *ENGLISH_VOICE) in spoken
    # Each choice in English, naming the language in English: nothing Slovenian is read
    # by the English voice.
    assert ("For Slovenian, press 1.", *ENGLISH_VOICE) in spoken
    assert ("For Croatian, press 2.", *ENGLISH_VOICE) in spoken
    assert ("For English, press 3.", *ENGLISH_VOICE) in spoken
    assert all((language, voice) == ENGLISH_VOICE for _, language, voice in spoken)


def test_a_croatian_caller_hears_the_menu_and_phrases_in_english(adriatic):
    menu = call(HR_NUMBER, "CA2")
    assert says(menu) == [("For orders, press 1.", *ENGLISH_VOICE)]
    invalid = signed_post(first(menu, "Gather").get("action"), {"CallSid": "CA2", "Digits": "7"})
    assert ("Sorry, that key is not valid.", *ENGLISH_VOICE) in says(invalid)


def test_once_slovenian_has_a_voice_the_caller_hears_slovenian(adriatic):
    # The day Twilio lists one, the admin sets it and the Slovenian texts are spoken.
    Language.objects.filter(code="sl").update(tts_voice="Google.sl-SI-Standard-A")
    cache.clear()
    menu = call(SI_NUMBER, "CA3")
    assert ("Za slovenščino pritisnite 1.", "sl-SI", "Google.sl-SI-Standard-A") in says(menu)
    chosen = signed_post(first(menu, "Gather").get("action"), {"CallSid": "CA3", "Digits": "1"})
    assert says(chosen) == [("Za naročila pritisnite 1.", "sl-SI", "Google.sl-SI-Standard-A")]


def test_without_a_voice_fallback_a_croatian_caller_hears_nothing_rather_than_another_language(
    adriatic, caplog
):
    Language.objects.filter(code="hr").update(voice_fallback=None)
    cache.clear()
    assert says(call(HR_NUMBER, "CA4")) == []
    assert "no voice for hr" in caplog.text


def test_a_bulgarian_caller_hears_bulgarian_in_the_bulgarian_voice(adriatic):
    menu = call(BG_NUMBER, "CA5")
    assert says(menu) == [("За поръчки натиснете 1.", "bg-BG", "Google.bg-BG-Standard-A")]
    invalid = signed_post(first(menu, "Gather").get("action"), {"CallSid": "CA5", "Digits": "7"})
    assert ("За съжаление този избор е невалиден.", "bg-BG", "Google.bg-BG-Standard-A") in says(
        invalid
    )
