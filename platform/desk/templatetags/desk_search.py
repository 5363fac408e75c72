"""What the search page and a read-only conversation show besides the desk's labels."""

from django import template

from languages.catalog import CATALOG

register = template.Library()


@register.filter
def language_name(code: str) -> str:
    """A language by its own name ("čeština"), the code when the catalog has none."""
    language = CATALOG.get(code)
    return language.native_name if language else code
