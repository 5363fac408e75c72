"""What the IVR itself says (not the client's menus): fixed phrases per language.

Plain data, Django-free. A language missing here is read along its fallback chain (sk ->
cs -> en), like the clients' own texts; English is always there.

Everything here is said by a voice, so nothing is written that only reads well: no "a(z)"
(the Hungarian article goes by the sound of the next word: ``{client:article}`` says "a" or
"az" before the value), no "(s)", no "/".
"""

import re
import string

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "unknown_number": "Sorry, this number is not in service. Goodbye.",
        "invalid": "Sorry, that key is not valid.",
        "goodbye": "Thank you for calling. Goodbye.",
        "closed": "We are closed now. We will be open again on {date} at {time}.",
        "closed_no_opening": "We are closed now.",
        "position": "You are number {position} in line.",
        "estimate": "Expected wait, in minutes: about {minutes}.",
        "exit_offer": "To leave a voice message, press 1. To be called back, press 2. "
        "Or stay on the line.",
        "voicemail": "Please leave your message after the tone, then hang up or press the "
        "hash key.",
        "voicemail_thanks": "Thank you for your message. We will get back to you. Goodbye.",
        "callback": "Thank you. We will call you back on this number as soon as we can.",
        "transfer": "Please hold, we are transferring your call.",
        "survey": "Please rate our service today: press 1 for poor up to 5 for excellent.",
        "survey_thanks": "Thank you for your rating. Goodbye.",
        "nps": "How likely are you to recommend {client} to a friend, from 0 to 10? Press the "
        "number, then the hash key.",
        "language_option": "For {language}, press {key}.",
        "agent_whisper": "A call for {client}, in {language}.",
        "offer_gone": "This caller is no longer waiting.",
        "technical": "Sorry, we have a technical problem. Please try again later.",
    },
    "cs": {
        "unknown_number": "Omlouváme se, toto číslo není v provozu. Na shledanou.",
        "invalid": "Omlouváme se, tato volba není platná.",
        "goodbye": "Děkujeme za zavolání. Na shledanou.",
        "closed": "Nyní máme zavřeno. Znovu otevíráme {date} v {time}.",
        "closed_no_opening": "Nyní máme zavřeno.",
        "position": "Jste {position}. v pořadí.",
        "estimate": "Předpokládaná doba čekání v minutách: asi {minutes}.",
        "exit_offer": "Chcete-li zanechat vzkaz, stiskněte 1. Chcete-li, abychom vám zavolali "
        "zpět, stiskněte 2. Nebo zůstaňte na lince.",
        "voicemail": "Po zaznění tónu prosím namluvte svůj vzkaz a pak zavěste nebo "
        "stiskněte mřížku.",
        "voicemail_thanks": "Děkujeme za vzkaz. Ozveme se vám. Na shledanou.",
        "callback": "Děkujeme. Zavoláme vám zpět na toto číslo, jakmile to bude možné.",
        "transfer": "Čekejte prosím, přepojujeme váš hovor.",
        "survey": "Ohodnoťte prosím naše služby: stiskněte 1 pro špatné až 5 pro výborné.",
        "survey_thanks": "Děkujeme za hodnocení. Na shledanou.",
        "nps": "S jakou pravděpodobností byste {client} doporučili přátelům, od 0 do 10? "
        "Zadejte číslo a potom stiskněte mřížku.",
        "language_option": "Pro češtinu stiskněte {key}.",
        "agent_whisper": "Hovor pro {client}, jazyk {language}.",
        "offer_gone": "Tento volající už nečeká.",
        "technical": "Omlouváme se, máme technický problém. Zkuste to prosím později.",
    },
    "sk": {
        "unknown_number": "Ospravedlňujeme sa, toto číslo nie je v prevádzke. Dovidenia.",
        "invalid": "Ospravedlňujeme sa, táto voľba nie je platná.",
        "goodbye": "Ďakujeme za zavolanie. Dovidenia.",
        "closed": "Teraz máme zatvorené. Znova otvárame {date} o {time}.",
        "closed_no_opening": "Teraz máme zatvorené.",
        "position": "Ste {position}. v poradí.",
        "estimate": "Predpokladaná doba čakania v minútach: asi {minutes}.",
        "exit_offer": "Ak chcete zanechať odkaz, stlačte 1. Ak chcete, aby sme vám zavolali "
        "späť, stlačte 2. Alebo zostaňte na linke.",
        "voicemail": "Po zaznení tónu prosím nahovorte svoj odkaz a potom zaveste alebo "
        "stlačte mriežku.",
        "voicemail_thanks": "Ďakujeme za odkaz. Ozveme sa vám. Dovidenia.",
        "callback": "Ďakujeme. Zavoláme vám späť na toto číslo hneď, ako to bude možné.",
        "transfer": "Čakajte prosím, prepájame váš hovor.",
        "survey": "Ohodnoťte prosím naše služby: stlačte 1 pre zlé až 5 pre výborné.",
        "survey_thanks": "Ďakujeme za hodnotenie. Dovidenia.",
        "nps": "S akou pravdepodobnosťou by ste {client} odporučili priateľom, od 0 do 10? "
        "Zadajte číslo a potom stlačte mriežku.",
        "language_option": "Pre slovenčinu stlačte {key}.",
        "agent_whisper": "Hovor pre {client}, jazyk {language}.",
        "offer_gone": "Tento volajúci už nečaká.",
        "technical": "Ospravedlňujeme sa, máme technický problém. Skúste to prosím neskôr.",
    },
    "pl": {
        "unknown_number": "Przepraszamy, ten numer jest nieaktywny. Do widzenia.",
        "invalid": "Przepraszamy, ten wybór jest nieprawidłowy.",
        "goodbye": "Dziękujemy za telefon. Do widzenia.",
        "closed": "Infolinia jest teraz nieczynna. Zapraszamy ponownie: {date}, o {time}.",
        "closed_no_opening": "Infolinia jest teraz nieczynna.",
        "position": "Twoje miejsce w kolejce: {position}.",
        "estimate": "Przewidywany czas oczekiwania w minutach: około {minutes}.",
        "exit_offer": "Aby zostawić wiadomość, naciśnij 1. Aby poprosić o oddzwonienie, "
        "naciśnij 2. Możesz też pozostać na linii.",
        "voicemail": "Po sygnale nagraj swoją wiadomość, a potem rozłącz się lub naciśnij krzyżyk.",
        "voicemail_thanks": "Dziękujemy za wiadomość. Odezwiemy się. Do widzenia.",
        "callback": "Dziękujemy. Oddzwonimy na ten numer najszybciej, jak to możliwe.",
        "transfer": "Proszę czekać, przełączamy rozmowę.",
        "survey": "Oceń naszą obsługę: naciśnij od 1, czyli źle, do 5, czyli doskonale.",
        "survey_thanks": "Dziękujemy za ocenę. Do widzenia.",
        "nps": "Na ile prawdopodobne jest, że polecisz {client} znajomym, w skali od 0 do 10? "
        "Wybierz liczbę, a potem naciśnij krzyżyk.",
        "language_option": "Aby mówić po polsku, naciśnij {key}.",
        "agent_whisper": "Połączenie dla {client}, język {language}.",
        "offer_gone": "Ten rozmówca już nie czeka.",
        "technical": "Przepraszamy, wystąpił problem techniczny. Spróbuj ponownie później.",
    },
    "de": {
        "unknown_number": "Diese Nummer ist leider nicht vergeben. Auf Wiederhören.",
        "invalid": "Diese Eingabe ist leider ungültig.",
        "goodbye": "Vielen Dank für Ihren Anruf. Auf Wiederhören.",
        "closed": "Wir haben jetzt geschlossen. Wir sind wieder erreichbar am {date} um {time}.",
        "closed_no_opening": "Wir haben jetzt geschlossen.",
        "position": "Sie sind an Position {position} in der Warteschlange.",
        "estimate": "Voraussichtliche Wartezeit in Minuten: etwa {minutes}.",
        "exit_offer": "Um eine Nachricht zu hinterlassen, drücken Sie die 1. Für einen "
        "Rückruf drücken Sie die 2. Oder bleiben Sie in der Leitung.",
        "voicemail": "Bitte sprechen Sie Ihre Nachricht nach dem Signalton und legen Sie "
        "dann auf oder drücken Sie die Raute-Taste.",
        "voicemail_thanks": "Danke für Ihre Nachricht. Wir melden uns. Auf Wiederhören.",
        "callback": "Danke. Wir rufen Sie so bald wie möglich unter dieser Nummer zurück.",
        "transfer": "Bitte warten Sie, wir verbinden Sie weiter.",
        "survey": "Bitte bewerten Sie unseren Service: 1 für schlecht bis 5 für ausgezeichnet.",
        "survey_thanks": "Danke für Ihre Bewertung. Auf Wiederhören.",
        "nps": "Wie wahrscheinlich ist es, dass Sie {client} Freunden weiterempfehlen, von 0 bis "
        "10? Geben Sie die Zahl ein und drücken Sie dann die Raute-Taste.",
        "language_option": "Für Deutsch drücken Sie die {key}.",
        "agent_whisper": "Ein Anruf für {client}, Sprache {language}.",
        "offer_gone": "Dieser Anrufer wartet nicht mehr.",
        "technical": "Leider gibt es ein technisches Problem. Bitte versuchen Sie es später.",
    },
    "hu": {
        "unknown_number": "Sajnáljuk, ez a szám nem él. Viszonthallásra.",
        "invalid": "Sajnáljuk, ez a választás érvénytelen.",
        "goodbye": "Köszönjük a hívását. Viszonthallásra.",
        "closed": "Most zárva vagyunk. Újra nyitunk: {date}, {time}.",
        "closed_no_opening": "Most zárva vagyunk.",
        "position": "Az Ön helye a sorban: {position}.",
        "estimate": "A várható várakozási idő körülbelül {minutes} perc.",
        "exit_offer": "Üzenethagyáshoz nyomja meg az 1-est. Visszahívás kéréséhez nyomja meg "
        "a 2-est. Vagy maradjon vonalban.",
        "voicemail": "Kérjük, a sípszó után mondja el üzenetét, majd tegye le, vagy nyomja "
        "meg a kettőskereszt gombot.",
        "voicemail_thanks": "Köszönjük az üzenetét. Jelentkezünk. Viszonthallásra.",
        "callback": "Köszönjük. Amint lehet, visszahívjuk ezen a számon.",
        "transfer": "Kérjük, tartsa a vonalat, kapcsoljuk a hívását.",
        "survey": "Kérjük, értékelje szolgáltatásunkat 1-től, gyenge, 5-ig, kiváló.",
        "survey_thanks": "Köszönjük az értékelést. Viszonthallásra.",
        "nps": "Egy 0-tól 10-ig terjedő skálán mennyire valószínű, hogy ajánlaná "
        "{client:article} üzletet a barátainak? Üsse be a számot, majd nyomja meg a "
        "kettőskereszt gombot.",
        "language_option": "Magyar nyelvhez nyomja meg a következő gombot: {key}.",
        "agent_whisper": "Hívás: {client}, nyelv: {language}.",
        "offer_gone": "Ez a hívó már nem várakozik.",
        "technical": "Sajnáljuk, műszaki hiba történt. Kérjük, próbálja később.",
    },
    "ro": {
        "unknown_number": "Ne pare rău, acest număr nu este alocat. La revedere.",
        "invalid": "Ne pare rău, această opțiune nu este validă.",
        "goodbye": "Vă mulțumim pentru apel. La revedere.",
        "closed": "Acum suntem închiși. Vă așteptăm din nou {date}, la ora {time}.",
        "closed_no_opening": "Acum suntem închiși.",
        "position": "Sunteți pe locul {position} la rând.",
        "estimate": "Timpul estimat de așteptare, în minute: aproximativ {minutes}.",
        "exit_offer": "Pentru a lăsa un mesaj, apăsați 1. Pentru a fi sunat înapoi, apăsați "
        "2. Sau rămâneți la telefon.",
        "voicemail": "Vă rugăm să lăsați mesajul după semnalul sonor, apoi închideți sau "
        "apăsați tasta diez.",
        "voicemail_thanks": "Vă mulțumim pentru mesaj. Vă vom contacta. La revedere.",
        "callback": "Vă mulțumim. Vă vom suna înapoi la acest număr cât mai curând.",
        "transfer": "Vă rugăm să așteptați, vă transferăm apelul.",
        "survey": "Vă rugăm să evaluați serviciul nostru: apăsați de la 1, slab, la 5, excelent.",
        "survey_thanks": "Vă mulțumim pentru evaluare. La revedere.",
        "nps": "Cât de probabil este să recomandați {client} prietenilor, pe o scară de la 0 la "
        "10? Introduceți numărul, apoi apăsați tasta diez.",
        "language_option": "Pentru limba română, apăsați {key}.",
        "agent_whisper": "Un apel pentru {client}, în limba {language}.",
        "offer_gone": "Acest apelant nu mai așteaptă.",
        "technical": "Ne pare rău, avem o problemă tehnică. Vă rugăm să reveniți mai târziu.",
    },
    "fr": {
        "unknown_number": "Désolé, ce numéro n'est pas attribué. Au revoir.",
        "invalid": "Désolé, ce choix n'est pas valide.",
        "goodbye": "Merci de votre appel. Au revoir.",
        "closed": "Nous sommes fermés. Nous rouvrons le {date} à {time}.",
        "closed_no_opening": "Nous sommes fermés.",
        "position": "Vous êtes en position {position} dans la file d'attente.",
        "estimate": "Attente estimée, en minutes : environ {minutes}.",
        "exit_offer": "Pour laisser un message, tapez 1. Pour être rappelé, tapez 2. "
        "Ou restez en ligne.",
        "voicemail": "Veuillez laisser votre message après le bip, puis raccrochez ou tapez dièse.",
        "voicemail_thanks": "Merci pour votre message. Nous vous recontacterons. Au revoir.",
        "callback": "Merci. Nous vous rappellerons à ce numéro dès que possible.",
        "transfer": "Veuillez patienter, nous transférons votre appel.",
        "survey": "Merci de noter notre service : tapez 1 pour mauvais jusqu'à 5 pour excellent.",
        "survey_thanks": "Merci pour votre note. Au revoir.",
        "nps": "Quelle est la probabilité que vous recommandiez {client} à vos proches, de 0 à "
        "10 ? Tapez le nombre, puis la touche dièse.",
        "language_option": "Pour le français, tapez {key}.",
        "agent_whisper": "Un appel pour {client}, en {language}.",
        "offer_gone": "Cet appelant n'attend plus.",
        "technical": "Désolé, nous avons un problème technique. Veuillez rappeler plus tard.",
    },
    "it": {
        "unknown_number": "Siamo spiacenti, questo numero non è attivo. Arrivederci.",
        "invalid": "Siamo spiacenti, la scelta non è valida.",
        "goodbye": "Grazie per aver chiamato. Arrivederci.",
        "closed": "Ora siamo chiusi. Riapriamo {date} alle {time}.",
        "closed_no_opening": "Ora siamo chiusi.",
        "position": "Lei è il numero {position} in coda.",
        "estimate": "Attesa prevista, in minuti: circa {minutes}.",
        "exit_offer": "Per lasciare un messaggio, prema 1. Per essere richiamato, prema 2. "
        "Oppure resti in linea.",
        "voicemail": "Lasci il suo messaggio dopo il segnale acustico, poi riagganci o prema "
        "cancelletto.",
        "voicemail_thanks": "Grazie per il messaggio. La ricontatteremo. Arrivederci.",
        "callback": "Grazie. La richiameremo a questo numero appena possibile.",
        "transfer": "Attenda, stiamo trasferendo la chiamata.",
        "survey": "Valuti il nostro servizio: prema da 1, scarso, a 5, eccellente.",
        "survey_thanks": "Grazie per la valutazione. Arrivederci.",
        "nps": "Con quale probabilità consiglierebbe {client} a un amico, da 0 a 10? Digiti il "
        "numero, poi prema cancelletto.",
        "language_option": "Per l'italiano, prema {key}.",
        "agent_whisper": "Una chiamata per {client}, in {language}.",
        "offer_gone": "Questo chiamante non è più in attesa.",
        "technical": "Siamo spiacenti, c'è un problema tecnico. Riprovi più tardi.",
    },
    "nl": {
        "unknown_number": "Dit nummer is helaas niet in gebruik. Tot ziens.",
        "invalid": "Deze keuze is helaas niet geldig.",
        "goodbye": "Bedankt voor uw oproep. Tot ziens.",
        "closed": "We zijn nu gesloten. We zijn weer open op {date} om {time}.",
        "closed_no_opening": "We zijn nu gesloten.",
        "position": "U bent nummer {position} in de wachtrij.",
        "estimate": "Verwachte wachttijd in minuten: ongeveer {minutes}.",
        "exit_offer": "Druk op 1 om een bericht in te spreken. Druk op 2 om teruggebeld te "
        "worden. Of blijf aan de lijn.",
        "voicemail": "Spreek uw bericht in na de toon en hang dan op of druk op hekje.",
        "voicemail_thanks": "Bedankt voor uw bericht. We nemen contact met u op. Tot ziens.",
        "callback": "Bedankt. We bellen u zo snel mogelijk terug op dit nummer.",
        "transfer": "Een ogenblik, we verbinden u door.",
        "survey": "Beoordeel onze service: druk 1 voor slecht tot 5 voor uitstekend.",
        "survey_thanks": "Bedankt voor uw beoordeling. Tot ziens.",
        "nps": "Hoe waarschijnlijk is het dat u {client} aanbeveelt aan vrienden, van 0 tot 10? "
        "Toets het getal in en druk daarna op hekje.",
        "language_option": "Voor Nederlands, druk {key}.",
        "agent_whisper": "Een oproep voor {client}, in het {language}.",
        "offer_gone": "Deze beller wacht niet meer.",
        "technical": "Er is helaas een technisch probleem. Probeer het later opnieuw.",
    },
}


def phrase_in(key: str, chain: list[str]) -> tuple[str, str]:
    """(text, language) of phrase ``key`` in the first language of ``chain`` that has it."""
    for code in [*chain, "en"]:
        if key in PHRASES.get(code, {}):
            return PHRASES[code][key], code
    raise KeyError(key)


def phrase_format(text: str, language: str, /, **values: object) -> str:
    """``text`` with its values; ``{name:article}`` puts the language's article before one."""
    return _PhraseFormatter(language).format(text, **values)


class _PhraseFormatter(string.Formatter):
    def __init__(self, language: str) -> None:
        self.language = language

    def format_field(self, value: object, format_spec: str) -> str:
        if format_spec != "article":
            return super().format_field(value, format_spec)
        return f"{ARTICLES[self.language](str(value))} {value}"


_HUNGARIAN_VOWELS = "aáeéiíoóöőuúüű"
_LEADING_NUMBER = re.compile(r"\d+")


def hungarian_article(word: str) -> str:
    """'az' before a vowel sound, else 'a': az 1., a 2., az 5., a 10., az 50., a 100., az
    1000. (ezer), az Alpen Garten, a Duna Design. Letters are read as written."""
    number = _LEADING_NUMBER.match(word.strip())
    if number is None:
        first = word.strip()[:1].casefold()
        return "az" if first and first in _HUNGARIAN_VOWELS else "a"
    digits = str(int(number.group()))
    # Said from its first group of three: 1 egy, 1000 ezer, 1000000 egymillió; 5 öt,
    # 50 ötven, 500 ötszáz; every other first group (tíz, száz, kettő, ...) a consonant.
    first_group = digits[: len(digits) % 3 or 3]
    return "az" if first_group == "1" or first_group.startswith("5") else "a"


# The articles a phrase can ask for, per language (only Hungarian's change with the word).
ARTICLES = {"hu": hungarian_article}
