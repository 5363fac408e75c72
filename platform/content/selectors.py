"""Reads of a client's content in a customer's language (current tenant schema)."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q

from content.models import CannedReply, Category
from languages.selectors import language_fallback_chain


@dataclass(frozen=True)
class Translated:
    text: str
    language: str  # the language the text is in
    fallback: bool  # True when it is not the language asked for


def translation_for(obj: models.Model, field: str, language: str) -> Translated | None:
    """``obj.field`` in ``language``, or in the first language of its fallback chain that
    has it; None when no language on the chain has a text."""
    for code in language_fallback_chain(language):
        value = getattr(obj, f"{field}_{code}", None)
        if value:
            return Translated(value, code, fallback=code != language)
    return None


def missing_languages(
    obj: models.Model, fields: Sequence[str], languages: Sequence[str]
) -> list[str]:
    """The languages in ``languages`` where any of ``fields`` is still empty."""
    return [code for code in languages if any(not getattr(obj, f"{f}_{code}", "") for f in fields)]


@dataclass(frozen=True)
class CannedReplyView:
    key: str
    category: str
    title: Translated | None
    body: Translated | None


def canned_replies_in_language(language: str) -> list[CannedReplyView]:
    """Active canned replies, each in ``language`` or its fallback (marked as such)."""

    return [
        CannedReplyView(
            key=reply.key,
            category=reply.category,
            title=translation_for(reply, "title", language),
            body=translation_for(reply, "body", language),
        )
        for reply in CannedReply.objects.filter(active=True)
    ]


def category_names(*, language: str) -> dict[str, str]:
    """Every category code with its name in ``language`` (or the first language of its
    fallback chain that has one): conversation categories and call topics as a reader says
    them. A code without any name is left out (the caller shows the code)."""
    chain = language_fallback_chain(language)
    names = {}
    for category in Category.objects.all():
        name = next((n for code in chain if (n := getattr(category, f"name_{code}", None))), None)
        if name:
            names[category.code] = name
    return names


def category_codes_named(*, word: str) -> list[str]:
    """The category codes whose name in any language contains ``word``, ignoring accents
    and case ("doruceni" finds the code of "Doručení"): a search for a name a reader sees."""
    named = Q()
    for code in settings.MODELTRANSLATION_LANGUAGES:
        named |= Q(**{f"name_{code}__unaccent__icontains": word})
    return list(Category.objects.filter(named).values_list("code", flat=True))
