"""The demo clients' sample shop pages: one product page per client and language, with the
chat widget's snippet pointing at the client's portal, served by the demo's fake shops
(``demo.shop_fake``, another origin than the portal, as a real shop is). Plain Python with no
Django: the Procfile's ``shops`` process renders them before any app is ready."""

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class ShopPage:
    shop: str  # the shop's name, as on its site
    product: str
    description: str
    price: str


# What each demo shop sells, in each of its languages (made up).
SHOP_PAGES: dict[str, dict[str, ShopPage]] = {
    "bohemia-shoes": {
        "cs": ShopPage(
            "Bohemia Shoes",
            "Kožené kotníkové boty Vltava",
            "Ručně šité v Náchodě z hovězí usně, podšívka z vlny, podrážka Vibram.",
            "3 490 Kč",
        ),
        "sk": ShopPage(
            "Bohemia Shoes",
            "Kožené členkové topánky Vltava",
            "Ručne šité v Náchode z hovädzej usne, podšívka z vlny, podrážka Vibram.",
            "139,00 €",
        ),
        "en": ShopPage(
            "Bohemia Shoes",
            "Vltava leather ankle boots",
            "Hand-stitched in Náchod from full-grain cowhide, wool lining, Vibram sole.",
            "€139.00",
        ),
    },
    "wisla-sport": {
        "pl": ShopPage(
            "Wisła Sport",
            "Piłka meczowa Kraków Pro",
            "Rozmiar 5, szyta termicznie, zatwierdzona do rozgrywek ligowych.",
            "219,00 zł",
        ),
        "en": ShopPage(
            "Wisła Sport",
            "Kraków Pro match ball",
            "Size 5, thermally bonded, approved for league play.",
            "PLN 219.00",
        ),
    },
    "alpen-garten": {
        "de": ShopPage(
            "Alpen Garten",
            "Rosenschere Edelweiß",
            "Geschmiedeter Stahl, Bypass-Schnitt bis 22 mm, Griffe aus Eschenholz.",
            "49,00 €",
        ),
        "en": ShopPage(
            "Alpen Garten",
            "Edelweiß pruning shears",
            "Forged steel, bypass cut up to 22 mm, ash-wood handles.",
            "€49.00",
        ),
    },
    "duna-design": {
        "hu": ShopPage(
            "Duna Design",
            "Lánchíd kerámia váza",
            "Kézzel korongozott, mázas kerámia, 32 cm magas, Budapesten készült.",
            "18 990 Ft",
        ),
        "en": ShopPage(
            "Duna Design",
            "Chain Bridge ceramic vase",
            "Hand-thrown glazed ceramic, 32 cm tall, made in Budapest.",
            "HUF 18,990",
        ),
    },
    "carpati-crafts": {
        "ro": ShopPage(
            "Carpați Crafts",
            "Ie tradițională din Bihor",
            "Cămașă din in, cusută de mână cu motive populare din Bihor.",
            "245,00 lei",
        ),
        "hu": ShopPage(
            "Carpați Crafts",
            "Hagyományos bihari ing",
            "Lenvászon ing, kézzel hímzett bihari népi motívumokkal.",
            "245,00 RON",
        ),
        "en": ShopPage(
            "Carpați Crafts",
            "Traditional blouse from Bihor",
            "Linen blouse, hand-embroidered with folk motifs from Bihor.",
            "RON 245.00",
        ),
    },
    "alpska-oprema": {
        "sl": ShopPage(
            "Alpska oprema",
            "Nahrbtnik Triglav 35",
            "35 litrov, vodoodporen, z dežno prevleko in hrbtom, ki diha.",
            "129,00 €",
        ),
        "hr": ShopPage(
            "Alpska oprema",
            "Ruksak Triglav 35",
            "35 litara, vodootporan, s navlakom za kišu i prozračnim leđima.",
            "129,00 €",
        ),
        "en": ShopPage(
            "Alpska oprema",
            "Triglav 35 backpack",
            "35 litres, waterproof, with a rain cover and a ventilated back.",
            "€129.00",
        ),
    },
}

# The page's own words in each language the demo shops speak: (add to cart, in stock, the
# demo's note at the foot).
PAGE_WORDS: dict[str, tuple[str, str, str]] = {
    "cs": ("Do košíku", "Skladem, odesíláme do 24 hodin", "Ukázkový obchod dema Polydesk."),
    "sk": ("Do košíka", "Na sklade, odosielame do 24 hodín", "Ukážkový obchod dema Polydesk."),
    "en": ("Add to cart", "In stock, ships within 24 hours", "A sample shop of the Polydesk demo."),
    "pl": ("Do koszyka", "Dostępny, wysyłka w 24 godziny", "Przykładowy sklep dema Polydesk."),
    "de": (
        "In den Warenkorb",
        "Auf Lager, Versand in 24 Stunden",
        "Ein Beispielshop der Polydesk-Demo.",
    ),
    "hu": ("Kosárba", "Raktáron, 24 órán belül postázzuk", "A Polydesk bemutató mintaboltja."),
    "ro": (
        "Adaugă în coș",
        "În stoc, expediem în 24 de ore",
        "Un magazin de probă al demo-ului Polydesk.",
    ),
    "sl": (
        "V košarico",
        "Na zalogi, pošljemo v 24 urah",
        "Vzorčna trgovina predstavitve Polydesk.",
    ),
    "hr": (
        "U košaricu",
        "Na zalihi, šaljemo u 24 sata",
        "Ogledna trgovina demonstracije Polydesk.",
    ),
}

# The shop's own stylesheet, deliberately rough on buttons and fonts: the widget draws in
# its Shadow DOM, so none of it reaches the widget.
SHOP_CSS = """\
* { font-family: Georgia, serif; }
body { margin: 0; background: #faf7f2; color: #222; }
header, footer { padding: 1rem 2rem; background: #222; color: #fff; }
header { display: flex; justify-content: space-between; align-items: baseline; }
header nav a { color: #fff; margin-left: 1rem; }
main { display: grid; grid-template-columns: 1fr 1fr; gap: 2rem; max-width: 60rem;
       margin: 2rem auto; padding: 0 1rem; }
.photo { aspect-ratio: 1; border-radius: 4px;
         background: linear-gradient(135deg, #c9b79c, #8d6e4f); }
.price { font-size: 1.6rem; font-weight: bold; }
button { font-size: 1.4rem; padding: 1rem 3rem; background: #e4572e; color: #fff;
         border: 4px dashed #000; text-transform: uppercase; }
label, input, textarea { font-size: 2rem; color: #e4572e; }
@media (max-width: 640px) {
  main { grid-template-columns: 1fr; }
  button { padding: 1rem 1.5rem; }
}
"""


def shop_page_languages(slug: str) -> list[str]:
    return list(SHOP_PAGES.get(slug, {}))


def shop_page_html(*, slug: str, language: str, portal_origin: str, stylesheet: str) -> str:
    """The product page of the client's shop in ``language``, with the widget's snippet."""
    page = SHOP_PAGES[slug][language]
    add, stock, note = PAGE_WORDS[language]
    others = "".join(
        f'<a href="/shop/{escape(slug)}/{code}/" hreflang="{code}">{code.upper()}</a>'
        for code in SHOP_PAGES[slug]
        if code != language
    )
    return f"""<!doctype html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(page.product)} · {escape(page.shop)}</title>
<link rel="stylesheet" href="{escape(stylesheet)}">
</head>
<body>
<header><strong>{escape(page.shop)}</strong><nav>{others}</nav></header>
<main>
<div class="photo" role="img" aria-label="{escape(page.product)}"></div>
<div>
<h1>{escape(page.product)}</h1>
<p>{escape(page.description)}</p>
<p class="price">{escape(page.price)}</p>
<p>{escape(stock)}</p>
<button type="button">{escape(add)}</button>
</div>
</main>
<footer>{escape(note)}</footer>
<script src="{escape(portal_origin)}/static/polydesk/widget.js" async></script>
</body>
</html>
"""
