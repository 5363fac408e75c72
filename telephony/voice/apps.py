from django.apps import AppConfig


class VoiceConfig(AppConfig):
    """IVR menus, calls and their records: one copy in each client's schema."""

    name = "telephony.voice"
    label = "voice"
    verbose_name = "Voice"
