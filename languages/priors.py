"""What is known about a message's language before reading it (plain Python, no Django).

A short text ("Díky!", "Hi, where is it?") says too little on its own; the conversation's
history, the customer's known language, the client's countries and the customer's own
country (given, or read from a phone number's prefix or an e-mail address's domain) say
more. ``Priors`` carries them to ``languages.detection``, which weighs them against what
the detector reads (docs/architecture.md, "Detection").
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import phonenumbers

from languages.catalog import CATALOG

# The sources of a decision, strongest first (Detection.decided_by names one, or "text"
# when the text decided alone, or "default" when nothing did).
HISTORY = "history"
CUSTOMER = "customer"
ADDRESS_COUNTRY = "address_country"
CLIENT_COUNTRY = "client_country"
TEXT = "text"
DEFAULT = "default"
DECIDED_BY = (TEXT, HISTORY, CUSTOMER, ADDRESS_COUNTRY, CLIENT_COUNTRY, DEFAULT)
STRONGEST_FIRST = (HISTORY, CUSTOMER, ADDRESS_COUNTRY, CLIENT_COUNTRY)

# The share of belief each source holds before the text is read, against a floor that every
# language the detector knows keeps (so that a clear text still wins against them all).
WEIGHTS = {HISTORY: 0.5, CUSTOMER: 0.35, ADDRESS_COUNTRY: 0.2, CLIENT_COUNTRY: 0.12}
FLOOR = 0.01

# Country-code top-level domains that are not the country's own code.
_DOMAIN_COUNTRIES = {"uk": "GB", "el": "GR"}


@dataclass(frozen=True)
class Priors:
    # Languages of the customer's earlier messages (this conversation's, then earlier ones).
    history: Sequence[str] = ()
    # The customer's known language (an earlier contact, an agent's correction).
    customer: str = ""
    # The countries the client sells in.
    client_countries: Sequence[str] = ()
    # The customer's own country (``address_country`` reads it from what is given).
    address_country: str = ""

    def by_source(self) -> dict[str, dict[str, float]]:
        """{source: {language: share}}, shares of a source adding up to 1."""
        sources = {
            HISTORY: _shares([code for code in self.history if code in CATALOG]),
            CUSTOMER: _shares([self.customer] if self.customer in CATALOG else []),
            ADDRESS_COUNTRY: _shares(country_languages([self.address_country])),
            CLIENT_COUNTRY: _shares(country_languages(self.client_countries)),
        }
        return {source: shares for source, shares in sources.items() if shares}


NO_PRIORS = Priors()


def _shares(codes: Sequence[str]) -> dict[str, float]:
    counts = Counter(codes)
    total = sum(counts.values())
    return {code: count / total for code, count in counts.items()}


def country_languages(countries: Sequence[str]) -> list[str]:
    """The catalog languages spoken in ``countries`` (one entry per country and language)."""
    wanted = {country.upper() for country in countries if country}
    return [
        code
        for country in wanted
        for code, language in CATALOG.items()
        if country in language.countries
    ]


def address_country(*, country: str = "", phone: str = "", email: str = "") -> str:
    """The customer's country: the one given, else the phone number's (international
    form), else the e-mail domain's country code (".cz" -> "CZ"); "" when none says."""
    if len(country.strip()) == 2:
        return country.strip().upper()
    if phone.strip().startswith(("+", "00")):
        try:
            number = phonenumbers.parse("+" + phone.strip().lstrip("+").removeprefix("00"))
        except phonenumbers.NumberParseException:
            number = None
        region = number and phonenumbers.region_code_for_number(number)
        if region and region != "ZZ":
            return region
    domain = email.strip().rpartition("@")[2].rpartition(".")[2].lower()
    if len(domain) == 2 and domain.isalpha():
        return _DOMAIN_COUNTRIES.get(domain, domain.upper())
    return ""
