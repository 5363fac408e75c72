"""Translated fields of the IVR (django-modeltranslation): one column per catalog language."""

from modeltranslation.translator import TranslationOptions, register

from telephony.voice.models import Menu, Option


@register(Menu)
class MenuTranslation(TranslationOptions):
    fields = ("prompt",)


@register(Option)
class OptionTranslation(TranslationOptions):
    fields = ("message",)
