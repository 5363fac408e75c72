import pytest
from django.db import IntegrityError
from django.test import Client as HttpClient

from accounts.models import User
from languages.catalog import CATALOG, SEED_VOICE_FALLBACKS, fallback_chain
from languages.models import AgentSkill, Language, LanguageFallback
from languages.selectors import (
    agent_language_codes,
    language_fallback_chain,
    voice_for_language,
)
from languages.services import agent_skills_set, catalog_sync
from tests.support.factories import UserFactory

REQUIRED = [
    "cs",
    "sk",
    "pl",
    "de",
    "hu",
    "ro",
    "sl",
    "hr",
    "bg",
    "en",
    "fr",
    "it",
    "es",
    "nl",
    "pt",
    "el",
]


def test_the_catalog_has_the_16_languages_with_native_names_and_countries():
    assert set(REQUIRED) <= set(CATALOG)
    assert CATALOG["cs"].native_name == "čeština"
    assert CATALOG["de"].countries == ("DE", "AT", "CH", "LU")
    for lang in CATALOG.values():
        assert lang.countries and lang.tts_language.startswith(f"{lang.code}-")


@pytest.mark.parametrize(
    ("code", "fallbacks", "expected"),
    [
        ("sk", {"sk": ["cs"], "cs": ["sk"]}, ["sk", "cs", "en"]),
        ("cs", {"sk": ["cs"], "cs": ["sk"]}, ["cs", "sk", "en"]),
        ("hr", {"hr": ["sl", "en"], "sl": ["hr"]}, ["hr", "sl", "en"]),
        ("en", {}, ["en"]),
        ("pl", {}, ["pl", "en"]),
        # Direct fallbacks only: sk -> cs and cs -> pl do not put pl in sk's chain.
        ("sk", {"sk": ["cs"], "cs": ["pl"]}, ["sk", "cs", "en"]),
        ("sk", {"sk": ["cs", "cs", "sk"]}, ["sk", "cs", "en"]),
    ],
)
def test_fallback_chains(code, fallbacks, expected):
    assert fallback_chain(code, fallbacks) == expected


@pytest.mark.django_db
def test_migrations_seed_the_catalog_and_sync_adds_nothing_twice():
    assert set(Language.objects.values_list("code", flat=True)) >= set(REQUIRED)
    assert catalog_sync() == []
    assert language_fallback_chain("sk") == ["sk", "cs", "en"]


@pytest.mark.django_db
def test_sync_keeps_what_admins_edited_and_restores_a_missing_language():
    Language.objects.filter(code="de").update(tts_voice="Polly.Vicki")
    LanguageFallback.objects.filter(language_id="el").delete()
    AgentSkill.objects.filter(language_id="el").delete()
    Language.objects.filter(code="el").delete()

    assert catalog_sync() == ["el"]
    assert Language.objects.get(code="de").tts_voice == "Polly.Vicki"
    assert Language.objects.get(code="el").native_name == "ελληνικά"


@pytest.mark.django_db
def test_an_admins_fallback_edit_applies_at_once():
    assert language_fallback_chain("hr") == ["hr", "en"]
    LanguageFallback.objects.create(language_id="hr", fallback_id="sl", position=1)
    assert language_fallback_chain("hr") == ["hr", "sl", "en"]


@pytest.mark.django_db
def test_a_language_cannot_fall_back_to_itself():
    with pytest.raises(IntegrityError):
        LanguageFallback.objects.create(language_id="pl", fallback_id="pl")


@pytest.mark.django_db
def test_voices_never_fall_back_silently_to_another_language():
    assert voice_for_language("cs").tts_voice == "Google.cs-CZ-Standard-A"
    # Croatian has no voice: seeded to speak English (text and voice), which admins change.
    assert voice_for_language("hr").language == "en"
    Language.objects.filter(code="hr").update(voice_fallback_id=None)
    assert voice_for_language("hr") is None  # recorded prompts only
    Language.objects.filter(code="sl").update(voice_fallback_id=None)
    Language.objects.filter(code="hr").update(voice_fallback_id="sl")
    assert voice_for_language("hr") is None  # Slovenian has no voice either
    Language.objects.filter(code="sl").update(voice_fallback_id="hr")
    assert voice_for_language("hr") is None  # and a loop ends
    Language.objects.filter(code="hr").update(voice_fallback_id="bg")
    assert voice_for_language("hr").language == "bg"  # spoken in Bulgarian, with its text


@pytest.mark.django_db
def test_agent_skills_and_the_languages_an_agent_answers_in():
    agent = UserFactory(role=User.Role.AGENT)
    agent_skills_set(agent=agent, skills={"cs": "native", "sk": "fluent", "pl": "basic"})
    assert sorted(agent_language_codes(agent)) == ["cs", "sk"]
    assert sorted(agent_language_codes(agent, at_least="basic")) == ["cs", "pl", "sk"]

    agent_skills_set(agent=agent, skills={"pl": "native"})
    assert agent_language_codes(agent) == ["pl"]
    with pytest.raises(IntegrityError):
        AgentSkill.objects.create(agent=agent, language_id="pl", proficiency="basic")


@pytest.mark.django_db
def test_admins_edit_languages_fallbacks_and_skills_in_the_admin(two_clients):
    admin = UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True)
    agent = UserFactory(role=User.Role.AGENT)
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(admin)

    assert "slovenčina" in http.get("/admin/languages/language/").text
    response = http.post(
        "/admin/languages/language/hr/change/",
        {
            "code": "hr",
            "english_name": "Croatian",
            "native_name": "hrvatski",
            "tts_language": "hr-HR",
            "tts_voice": "",
            "voice_fallback": "",
            "countries": "HR",
            "active": "on",
            "fallbacks-TOTAL_FORMS": "1",
            "fallbacks-INITIAL_FORMS": "0",
            "fallbacks-0-fallback": "sl",
            "fallbacks-0-position": "1",
        },
    )
    assert response.status_code == 302, response.content
    assert language_fallback_chain("hr") == ["hr", "sl", "en"]

    page = http.get(f"/admin/accounts/user/{agent.pk}/change/")
    assert page.status_code == 200
    assert "skills-TOTAL_FORMS" in page.text and "served_clients" in page.text


# Twilio's <Say> voices for the catalog's locales, as Twilio's helper library lists them
# (twilio-node src/twiml/VoiceResponse.ts, SayVoice, generated from Twilio's TwiML
# definitions; docs/telephony.md "Voices"). sl-SI and hr-HR are not <Say> languages there.
TWILIO_SAY_VOICES = {
    "cs-CZ": {"Google.cs-CZ-Standard-A", "Google.cs-CZ-Standard-B", "Google.cs-CZ-Wavenet-A"},
    "sk-SK": {"Google.sk-SK-Standard-A", "Google.sk-SK-Standard-B", "Google.sk-SK-Wavenet-A"},
    "pl-PL": {"Polly.Ewa", "Polly.Maja", "Polly.Jacek", "Polly.Jan", "Polly.Ola-Neural"},
    "de-DE": {"Polly.Marlene", "Polly.Vicki", "Polly.Hans", "Polly.Vicki-Neural"},
    "hu-HU": {"Google.hu-HU-Standard-A", "Google.hu-HU-Standard-B", "Google.hu-HU-Wavenet-A"},
    "ro-RO": {"Polly.Carmen", "Google.ro-RO-Standard-A", "Google.ro-RO-Wavenet-A"},
    "bg-BG": {"Google.bg-BG-Standard-A", "Google.bg-BG-Standard-B"},
    "en-GB": {"Polly.Amy", "Polly.Emma", "Polly.Brian", "Polly.Amy-Neural"},
    "fr-FR": {"Polly.Celine", "Polly.Lea", "Polly.Mathieu", "Polly.Lea-Neural"},
    "it-IT": {"Polly.Carla", "Polly.Bianca", "Polly.Giorgio", "Polly.Bianca-Neural"},
    "es-ES": {"Polly.Lucia", "Polly.Conchita", "Polly.Enrique", "Polly.Lucia-Neural"},
    "nl-NL": {"Polly.Lotte", "Polly.Ruben", "Polly.Laura-Neural"},
    "pt-PT": {"Polly.Ines", "Polly.Cristiano", "Polly.Ines-Neural"},
    "el-GR": {"Google.el-GR-Standard-A", "Google.el-GR-Standard-B", "Google.el-GR-Wavenet-A"},
}


def test_every_catalog_voice_is_one_twilio_lists_for_its_locale():
    for language in CATALOG.values():
        if language.tts_voice:
            assert language.tts_voice in TWILIO_SAY_VOICES[language.tts_language], language
        else:  # none listed: the seeded voice fallback speaks instead
            assert language.tts_language not in TWILIO_SAY_VOICES, language
            assert SEED_VOICE_FALLBACKS[language.code] in CATALOG
