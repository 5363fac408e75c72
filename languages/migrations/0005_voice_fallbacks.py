from django.db import migrations

# Twilio <Say> has no Slovenian and no Croatian voice (languages.catalog.SEED_VOICE_FALLBACKS):
# databases seeded before this spoke nothing to those callers. Only a language still without
# a voice and without a voice fallback is changed: what an admin set is kept.
VOICE_FALLBACKS = {"sl": "en", "hr": "en"}


def seed_voice_fallbacks(apps, schema_editor):
    Language = apps.get_model("languages", "Language")
    if not Language.objects.filter(code="en").exists():
        return
    for code, fallback in VOICE_FALLBACKS.items():
        Language.objects.filter(code=code, tts_voice="", voice_fallback__isnull=True).update(
            voice_fallback_id=fallback
        )


def clear_voice_fallbacks(apps, schema_editor):
    Language = apps.get_model("languages", "Language")
    for code, fallback in VOICE_FALLBACKS.items():
        Language.objects.filter(code=code, voice_fallback_id=fallback).update(
            voice_fallback_id=None
        )


class Migration(migrations.Migration):
    # After 0005 (written in parallel, applied first on some databases): one line of history.
    dependencies = [("languages", "0004_catalog_message")]

    operations = [migrations.RunPython(seed_voice_fallbacks, clear_voice_fallbacks)]
