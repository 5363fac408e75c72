"""Telling Czech from Slovak when the text says little with its letters (plain Python).

Typed without diacritics, Czech loses ř, ů and ě, and Slovak loses ô, ľ, ĺ, ŕ and ä: what
is left of either reads like the other, and lingua leans to Slovak. The words still differ
(cs "jsem, děkuji, ještě, který, kdy, proč, zboží" against sk "som, ďakujem, ešte, ktorý,
kedy, prečo, tovar"), and so do some endings (sk nouns in -enie/-cia, cs -ení/-ce; sk first
person -ujem, cs -uji/-uju). This is a small scored model: each word or ending found adds
its weight to the log-odds of Czech against Slovak (positive: Czech). The weights are
written by hand from the two grammars, not fitted to the evaluation set (which measures
them): 3 for a word only one of the languages has, 2 for a strong habit, 1 or less for an
ending that leans one way.
"""

import math
import re
import unicodedata

# Letters only one of the two languages writes: lingua's answer is to be trusted then.
CZECH_LETTERS = frozenset("řůě")
SLOVAK_LETTERS = frozenset("ôľĺŕä")

WORD_WEIGHTS: dict[str, float] = {
    # Czech
    **dict.fromkeys(("jsem", "jsme", "jste", "jsou", "dekuji", "dekuju", "dekujeme"), 3.0),
    **dict.fromkeys(("zbozi", "proc", "reklamace", "informace", "nashledanou"), 3.0),
    **dict.fromkeys(("pozdravem", "potrebuji", "potrebuju", "vsechno", "jeste"), 2.5),
    **dict.fromkeys(("muzete", "protoze", "nebo", "zitra", "tyden", "tydne", "penize"), 2.5),
    **dict.fromkeys(("zasilka", "zasilku", "zasilky", "zatim", "porad", "reklamaci"), 2.5),
    **dict.fromkeys(("jsi", "neni", "muzu", "muze", "muzes", "tady", "ktery", "ktera"), 2.0),
    **dict.fromkeys(("kterou", "ktere", "bych", "bys", "abych", "kdy", "kdyz", "chci"), 2.0),
    **dict.fromkeys(("chtel", "chtela", "nevim", "byl", "byla", "bylo", "byly", "nebyl"), 2.0),
    **dict.fromkeys(("nebyla", "mesic", "neco", "nekdo", "muj", "svuj", "prisel", "jak"), 2.0),
    **dict.fromkeys(("jako", "pokud", "jestli", "zadny", "zadna", "zadne", "vsechny"), 2.0),
    **dict.fromkeys(("cekam", "cekal", "cekala", "taky", "ted", "informaci", "diky"), 2.0),
    **dict.fromkeys(("mohu", "vim", "prijde", "se", "pro", "jen", "jiz", "pres"), 1.5),
    **dict.fromkeys(("objednavce", "me"), 1.0),
    # Slovak
    **dict.fromkeys(("som", "dakujem", "dakujeme", "preco", "reklamacia", "reklamaciu"), -3.0),
    **dict.fromkeys(("informacia", "informaciu", "zasielka", "zasielku", "zasielky"), -3.0),
    **dict.fromkeys(("pozdravom", "dovidenia", "este", "mozete", "ktory", "ktora", "ktoru"), -2.5),
    **dict.fromkeys(("potrebujem", "ked", "kedy", "tovar", "lebo", "alebo", "chcem"), -2.5),
    **dict.fromkeys(("viem", "neviem", "tyzden", "tyzdna", "zajtra", "peniaze", "nieco"), -2.5),
    **dict.fromkeys(("niekto", "niekedy", "ziadny", "ziadna", "ziadne", "vsetko", "vsetky"), -2.5),
    **dict.fromkeys(("cakam", "cakal", "cakala", "prisiel", "tiez", "sme", "ste", "ako"), -2.5),
    **dict.fromkeys(("sa", "zatial", "medzi", "teraz", "cez", "mna"), -2.5),
    **dict.fromkeys(("nie", "mozem", "moze", "mozes", "ktore", "bol", "bola", "bolo"), -2.0),
    **dict.fromkeys(("boli", "nebol", "nebola", "chcel", "chcela", "mesiac", "moj", "svoj"), -2.0),
    **dict.fromkeys(("su", "ak", "aj", "pre", "len", "vela"), -2.0),
    **dict.fromkeys(("pride", "objednavke"), -1.5),
}

# Words whose accents tell, where the letters alone do not: Slovak "deň" (cs "den").
ACCENTED_WORD_WEIGHTS: dict[str, float] = {"deň": -3.0, "dňa": -2.5}

# (ending, weight) for words of five letters or more that the table does not know.
ENDING_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("enie", -1.5),
    ("enia", -1.5),
    ("eniu", -1.5),
    ("anie", -1.5),
    ("ania", -1.5),
    ("cia", -1.5),
    ("ciu", -1.5),
    ("cie", -1.0),
    ("ujem", -2.0),
    ("ujeme", -0.5),  # both write -ujeme; Slovak uses the plural more in shop mail
    ("uji", 2.0),
    ("uju", 2.0),
    ("eni", 1.0),
    ("ani", 0.8),
    ("ej", -0.8),
    ("ou", 0.4),
)
# Inside a word: the Slovak diphthongs and "dz" (medzi, cudzí).
INNER_WEIGHTS: tuple[tuple[str, float], ...] = (("ie", -0.5), ("ia", -0.3), ("dz", -0.5))

_WORD = re.compile(r"[^\W\d_]+")


def unaccented(text: str) -> str:
    """``text`` lowercased, without its diacritics ("Děkuji" -> "dekuji")."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def czech_slovak_score(text: str) -> float:
    """The log-odds of Czech against Slovak that ``text``'s words and endings give."""
    score = sum(ACCENTED_WORD_WEIGHTS.get(word, 0.0) for word in _WORD.findall(text.lower()))
    for word in _WORD.findall(unaccented(text)):
        weight = WORD_WEIGHTS.get(word)
        if weight is not None:
            score += weight
            continue
        if len(word) < 5:
            continue
        score += next((w for ending, w in ENDING_WEIGHTS if word.endswith(ending)), 0.0)
        score += sum(w for inner, w in INNER_WEIGHTS if inner in word[1:-1])
    return score


# A word of this weight or more is a word of Czech or Slovak, not of their neighbours.
OWN_WORD = 2.5


def own_words_weight(text: str) -> float:
    """How much ``text``'s words say it is Czech or Slovak at all: the sum of the weights
    (either sign) of the distinct words only these two languages write, "dekuji", "som"."""
    words = set(_WORD.findall(unaccented(text)))
    return sum(abs(w) for word in words if abs(w := WORD_WEIGHTS.get(word, 0.0)) >= OWN_WORD)


def has_telling_letters(text: str) -> bool:
    """Whether ``text`` has a letter only Czech or only Slovak writes."""
    letters = set(text.lower())
    return bool(letters & CZECH_LETTERS or letters & SLOVAK_LETTERS)


# How far lingua's own cs/sk odds count when the telling letters are missing: it has seen
# Slovak without them more often than Czech, and leans to Slovak.
UNACCENTED_DETECTOR_ODDS = 1.5


def czech_share(text: str, *, czech: float, slovak: float) -> float:
    """The share of Czech in what lingua gave to Czech and Slovak together (``czech``,
    ``slovak``), with the words' evidence added to lingua's odds."""
    tiny = 1e-9
    odds = math.log((czech + tiny) / (slovak + tiny))
    if not has_telling_letters(text):
        odds = max(-UNACCENTED_DETECTOR_ODDS, min(UNACCENTED_DETECTOR_ODDS, odds))
    odds += czech_slovak_score(text)
    return 1 / (1 + math.exp(-odds))
