"""Writes on the language catalog and agent skills."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from languages.catalog import CATALOG, SEED_FALLBACKS, SEED_VOICE_FALLBACKS
from languages.models import AgentSkill, Language, LanguageFallback


@transaction.atomic
def catalog_sync(*, language_model: Any = None, fallback_model: Any = None) -> list[str]:
    """Create the catalog's languages that the database lacks, with their seed fallbacks
    and voice fallbacks.

    Existing rows are left as admins edited them. Returns the codes created. Migrations pass
    their historical models; everyone else calls it without arguments.
    """
    if language_model is None or fallback_model is None:
        language_model, fallback_model = Language, LanguageFallback
    known = set(language_model.objects.values_list("code", flat=True))
    created = [code for code in CATALOG if code not in known]
    language_model.objects.bulk_create(
        language_model(
            code=lang.code,
            english_name=lang.english_name,
            native_name=lang.native_name,
            tts_language=lang.tts_language,
            tts_voice=lang.tts_voice,
            countries=list(lang.countries),
        )
        for code, lang in CATALOG.items()
        if code in created
    )
    for code in created:
        if code in SEED_VOICE_FALLBACKS:
            language_model.objects.filter(code=code).update(
                voice_fallback_id=SEED_VOICE_FALLBACKS[code]
            )
        for position, fallback in enumerate(SEED_FALLBACKS.get(code, ()), start=1):
            fallback_model.objects.get_or_create(
                language_id=code, fallback_id=fallback, defaults={"position": position}
            )
    return created


@transaction.atomic
def agent_skills_set(*, agent: AbstractBaseUser, skills: dict[str, str]) -> None:
    """Make ``agent``'s skills exactly ``skills`` ({language code: proficiency})."""
    AgentSkill.objects.filter(agent_id=agent.pk).exclude(language_id__in=skills).delete()
    for code, proficiency in skills.items():
        AgentSkill.objects.update_or_create(
            agent_id=agent.pk, language_id=code, defaults={"proficiency": proficiency}
        )
