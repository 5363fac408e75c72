"""Demo texts of the help center: its categories and the articles beyond content_texts'
FAQ_ARTICLES, in the languages the demo clients serve (cs, sk, pl, de, hu, ro, sl, hr and
en). A client's help center shows each article in its languages (demo.helpcenter)."""

# slug -> {language: name}; the categories in their order on the help center's front page.
HELP_CATEGORIES: dict[str, dict[str, str]] = {
    "orders-delivery": {
        "cs": "Objednávky a doručení",
        "sk": "Objednávky a doručenie",
        "pl": "Zamówienia i dostawa",
        "de": "Bestellung und Lieferung",
        "hu": "Rendelés és szállítás",
        "ro": "Comenzi și livrare",
        "sl": "Naročila in dostava",
        "hr": "Narudžbe i dostava",
        "en": "Orders and delivery",
    },
    "returns-claims": {
        "cs": "Vrácení a reklamace",
        "sk": "Vrátenie a reklamácie",
        "pl": "Zwroty i reklamacje",
        "de": "Rücksendung und Reklamation",
        "hu": "Visszaküldés és reklamáció",
        "ro": "Retururi și reclamații",
        "sl": "Vračila in reklamacije",
        "hr": "Povrati i reklamacije",
        "en": "Returns and claims",
    },
    "payment-help": {
        "cs": "Platba a podpora",
        "sk": "Platba a podpora",
        "pl": "Płatności i pomoc",
        "de": "Zahlung und Hilfe",
        "hu": "Fizetés és ügyfélszolgálat",
        "ro": "Plată și asistență",
        "sl": "Plačilo in pomoč",
        "hr": "Plaćanje i podrška",
        "en": "Payment and help",
    },
}

# Every article of the help center (content_texts.FAQ_ARTICLES' and the ones below) and
# its category, in their order.
HELP_ARTICLE_CATEGORIES: dict[str, str] = {
    "delivery-time": "orders-delivery",
    "order-tracking": "orders-delivery",
    "change-order": "orders-delivery",
    "return-policy": "returns-claims",
    "size-exchange": "returns-claims",
    "warranty-claim": "returns-claims",
    "payment-methods": "payment-help",
    "support-hours": "payment-help",
}

# slug -> {language: (question, answer)}; an answer's paragraphs are split by a blank line.
HELP_ARTICLES: dict[str, dict[str, tuple[str, str]]] = {
    "order-tracking": {
        "cs": (
            "Kde je moje zásilka?",
            "Jakmile zásilku předáme dopravci, pošleme Vám e-mail s číslem zásilky a odkazem "
            "na její sledování.\n\nPokud se stav zásilky tři pracovní dny nezměnil, napište "
            "nám číslo objednávky a zjistíme u dopravce, co se děje.",
        ),
        "sk": (
            "Kde je moja zásielka?",
            "Hneď ako zásielku odovzdáme prepravcovi, pošleme vám e-mail s číslom zásielky a "
            "odkazom na jej sledovanie.\n\nAk sa stav zásielky tri pracovné dni nezmenil, "
            "napíšte nám číslo objednávky a zistíme u prepravcu, čo sa deje.",
        ),
        "pl": (
            "Gdzie jest moja paczka?",
            "Gdy tylko przekażemy paczkę przewoźnikowi, wyślemy Państwu e-mail z numerem "
            "przesyłki i linkiem do jej śledzenia.\n\nJeśli status przesyłki nie zmienił się "
            "przez trzy dni robocze, prosimy podać numer zamówienia, a sprawdzimy to u "
            "przewoźnika.",
        ),
        "de": (
            "Wo ist mein Paket?",
            "Sobald wir Ihr Paket an den Versanddienstleister übergeben, erhalten Sie eine "
            "E-Mail mit der Sendungsnummer und einem Link zur Sendungsverfolgung.\n\nHat sich "
            "der Status drei Werktage lang nicht geändert, schreiben Sie uns Ihre "
            "Bestellnummer, und wir fragen beim Versanddienstleister nach.",
        ),
        "hu": (
            "Hol van a csomagom?",
            "Amint átadjuk a csomagot a futárszolgálatnak, e-mailben elküldjük a "
            "csomagszámot és a nyomkövetési linket.\n\nHa a csomag állapota három munkanapja "
            "nem változott, írja meg nekünk a rendelésszámot, és utánajárunk a futárnál.",
        ),
        "ro": (
            "Unde este coletul meu?",
            "Imediat ce predăm coletul curierului, vă trimitem un e-mail cu numărul "
            "coletului și un link de urmărire.\n\nDacă starea coletului nu s-a schimbat timp "
            "de trei zile lucrătoare, scrieți-ne numărul comenzii și verificăm la curier.",
        ),
        "sl": (
            "Kje je moj paket?",
            "Ko paket predamo dostavni službi, vam po e-pošti pošljemo številko pošiljke in "
            "povezavo za sledenje.\n\nČe se stanje pošiljke tri delovne dni ni spremenilo, nam "
            "pišite številko naročila in preverili bomo pri dostavni službi.",
        ),
        "hr": (
            "Gdje je moj paket?",
            "Čim paket predamo dostavnoj službi, poslat ćemo vam e-poruku s brojem pošiljke i "
            "poveznicom za praćenje.\n\nAko se status pošiljke nije promijenio tri radna dana, "
            "pošaljite nam broj narudžbe i provjerit ćemo kod dostavne službe.",
        ),
        "en": (
            "Where is my parcel?",
            "As soon as we hand your parcel to the carrier, we e-mail you its tracking number "
            "and a tracking link.\n\nIf its status has not changed for three business days, "
            "send us your order number and we will ask the carrier.",
        ),
    },
    "size-exchange": {
        "cs": (
            "Jak vyměním zboží za jinou velikost?",
            "Výměna velikosti je zdarma. Zboží nám pošlete zpět s vyplněným formulářem pro "
            "výměnu a napište do něj velikost, kterou chcete.\n\nNovou velikost odešleme hned "
            "po přijetí vratky. Pokud už není skladem, peníze Vám vrátíme.",
        ),
        "sk": (
            "Ako vymením tovar za inú veľkosť?",
            "Výmena veľkosti je zadarmo. Tovar nám pošlite späť s vyplneným formulárom na "
            "výmenu a napíšte doň veľkosť, ktorú chcete.\n\nNovú veľkosť odošleme hneď po "
            "prijatí vráteného tovaru. Ak už nie je na sklade, peniaze vám vrátime.",
        ),
        "pl": (
            "Jak wymienić towar na inny rozmiar?",
            "Wymiana rozmiaru jest bezpłatna. Prosimy odesłać towar z wypełnionym "
            "formularzem wymiany i wpisać w nim wybrany rozmiar.\n\nNowy rozmiar wyślemy "
            "zaraz po otrzymaniu zwrotu. Jeśli nie będzie już dostępny, zwrócimy pieniądze.",
        ),
        "de": (
            "Wie tausche ich einen Artikel in eine andere Größe um?",
            "Der Umtausch der Größe ist kostenlos. Senden Sie uns den Artikel mit dem "
            "ausgefüllten Umtauschformular zurück und tragen Sie die gewünschte Größe ein."
            "\n\nDie neue Größe versenden wir, sobald die Rücksendung bei uns ist. Ist sie "
            "nicht mehr vorrätig, erstatten wir den Kaufpreis.",
        ),
        "hu": (
            "Hogyan cserélhetem másik méretre a terméket?",
            "A méretcsere ingyenes. Küldje vissza a terméket a kitöltött cserelappal, és írja "
            "rá a kívánt méretet.\n\nAz új méretet a visszaküldött termék beérkezése után "
            "azonnal feladjuk. Ha már nincs raktáron, visszautaljuk a vételárat.",
        ),
        "ro": (
            "Cum schimb un produs cu altă mărime?",
            "Schimbul de mărime este gratuit. Trimiteți-ne produsul înapoi cu formularul de "
            "schimb completat și scrieți mărimea dorită.\n\nExpediem noua mărime imediat ce "
            "primim returul. Dacă nu mai este pe stoc, vă rambursăm banii.",
        ),
        "sl": (
            "Kako zamenjam izdelek za drugo velikost?",
            "Zamenjava velikosti je brezplačna. Izdelek nam vrnite z izpolnjenim obrazcem za "
            "zamenjavo in vanj vpišite želeno velikost.\n\nNovo velikost pošljemo takoj po "
            "prejemu vračila. Če je ni več na zalogi, vam vrnemo denar.",
        ),
        "hr": (
            "Kako zamijeniti proizvod za drugu veličinu?",
            "Zamjena veličine je besplatna. Vratite nam proizvod s ispunjenim obrascem za "
            "zamjenu i upišite željenu veličinu.\n\nNovu veličinu šaljemo čim primimo povrat. "
            "Ako je više nema na zalihi, vratit ćemo vam novac.",
        ),
        "en": (
            "How do I exchange an item for another size?",
            "Exchanging a size is free. Send the item back with the completed exchange form "
            "and write the size you want on it.\n\nWe ship the new size as soon as the return "
            "arrives. If it is no longer in stock, we refund you.",
        ),
    },
    "warranty-claim": {
        "cs": (
            "Jak uplatním reklamaci?",
            "Na zboží se vztahuje záruka 24 měsíců. Napište nám číslo objednávky, popis vady "
            "a přiložte fotografii.\n\nReklamaci vyřídíme nejpozději do 30 dnů; o výsledku Vás "
            "budeme informovat e-mailem.",
        ),
        "sk": (
            "Ako uplatním reklamáciu?",
            "Na tovar sa vzťahuje záruka 24 mesiacov. Napíšte nám číslo objednávky, popis "
            "chyby a priložte fotografiu.\n\nReklamáciu vybavíme najneskôr do 30 dní; o "
            "výsledku vás budeme informovať e-mailom.",
        ),
        "pl": (
            "Jak złożyć reklamację?",
            "Towar jest objęty 24-miesięczną gwarancją. Prosimy podać numer zamówienia, opis "
            "wady i dołączyć zdjęcie.\n\nReklamację rozpatrzymy w ciągu 30 dni; o wyniku "
            "poinformujemy e-mailem.",
        ),
        "de": (
            "Wie reiche ich eine Reklamation ein?",
            "Auf unsere Artikel gilt eine Gewährleistung von 24 Monaten. Schreiben Sie uns "
            "Ihre Bestellnummer und eine Beschreibung des Mangels und fügen Sie ein Foto bei."
            "\n\nWir bearbeiten die Reklamation innerhalb von 30 Tagen und teilen Ihnen das "
            "Ergebnis per E-Mail mit.",
        ),
        "hu": (
            "Hogyan reklamálhatok?",
            "Termékeinkre 24 hónap jótállás vonatkozik. Írja meg a rendelésszámot, a hiba "
            "leírását, és csatoljon fényképet.\n\nA reklamációt legkésőbb 30 napon belül "
            "elintézzük, az eredményről e-mailben értesítjük.",
        ),
        "ro": (
            "Cum depun o reclamație?",
            "Produsele au o garanție de 24 de luni. Scrieți-ne numărul comenzii, descrierea "
            "defectului și atașați o fotografie.\n\nSoluționăm reclamația în cel mult 30 de "
            "zile și vă anunțăm rezultatul prin e-mail.",
        ),
        "sl": (
            "Kako uveljavim reklamacijo?",
            "Za izdelke velja 24-mesečna garancija. Pišite nam številko naročila, opis napake "
            "in priložite fotografijo.\n\nReklamacijo rešimo najpozneje v 30 dneh; o izidu vas "
            "obvestimo po e-pošti.",
        ),
        "hr": (
            "Kako podnijeti reklamaciju?",
            "Na proizvode vrijedi jamstvo od 24 mjeseca. Pošaljite nam broj narudžbe, opis "
            "nedostatka i priložite fotografiju.\n\nReklamaciju rješavamo najkasnije u 30 "
            "dana, a o ishodu vas obavještavamo e-poštom.",
        ),
        "en": (
            "How do I make a warranty claim?",
            "Our goods carry a 24-month warranty. Send us your order number and a description "
            "of the fault, with a photo.\n\nWe settle a claim within 30 days and tell you the "
            "outcome by e-mail.",
        ),
    },
    "support-hours": {
        "cs": (
            "Kdy je zákaznická podpora k dispozici?",
            "Chat a telefon jsou k dispozici v pracovní dny od 8 do 18 hodin. E-maily a zprávy "
            "mimo tuto dobu čteme první pracovní den ráno.\n\nVětšinu odpovědí najdete i zde v "
            "centru nápovědy, kdykoli.",
        ),
        "sk": (
            "Kedy je zákaznícka podpora k dispozícii?",
            "Chat a telefón sú k dispozícii v pracovné dni od 8 do 18 hodín. E-maily a správy "
            "mimo tohto času čítame prvý pracovný deň ráno.\n\nVäčšinu odpovedí nájdete aj tu "
            "v centre pomoci, kedykoľvek.",
        ),
        "pl": (
            "Kiedy działa obsługa klienta?",
            "Czat i telefon są dostępne w dni robocze od 8 do 18. E-maile i wiadomości "
            "wysłane poza tymi godzinami czytamy rano następnego dnia roboczego.\n\nWiększość "
            "odpowiedzi znajdą Państwo również tutaj, w centrum pomocy, o każdej porze.",
        ),
        "de": (
            "Wann ist der Kundenservice erreichbar?",
            "Chat und Telefon sind werktags von 8 bis 18 Uhr erreichbar. E-Mails und "
            "Nachrichten außerhalb dieser Zeit lesen wir am nächsten Werktag früh.\n\nDie "
            "meisten Antworten finden Sie jederzeit auch hier im Hilfe-Center.",
        ),
        "hu": (
            "Mikor érhető el az ügyfélszolgálat?",
            "A chat és a telefon munkanapokon 8 és 18 óra között érhető el. Az ezen kívül "
            "érkező e-maileket és üzeneteket a következő munkanap reggelén olvassuk.\n\nA "
            "legtöbb választ bármikor itt, a súgóközpontban is megtalálja.",
        ),
        "ro": (
            "Când este disponibil serviciul clienți?",
            "Chatul și telefonul sunt disponibile în zilele lucrătoare între 8 și 18. "
            "E-mailurile și mesajele primite în afara acestui program le citim în dimineața "
            "următoarei zile lucrătoare.\n\nMajoritatea răspunsurilor le găsiți oricând și "
            "aici, în centrul de ajutor.",
        ),
        "sl": (
            "Kdaj je na voljo podpora strankam?",
            "Klepet in telefon sta na voljo ob delavnikih od 8. do 18. ure. E-pošto in "
            "sporočila zunaj tega časa preberemo naslednji delovni dan zjutraj.\n\nVečino "
            "odgovorov kadar koli najdete tudi tukaj, v centru za pomoč.",
        ),
        "hr": (
            "Kada je dostupna korisnička podrška?",
            "Chat i telefon dostupni su radnim danom od 8 do 18 sati. E-poštu i poruke "
            "izvan tog vremena čitamo sljedećeg radnog dana ujutro.\n\nVećinu odgovora bilo "
            "kada možete pronaći i ovdje, u centru za pomoć.",
        ),
        "en": (
            "When is customer support available?",
            "Chat and phone are open on business days from 8 am to 6 pm. E-mails and messages "
            "sent outside those hours are read the next business morning.\n\nYou can find "
            "most answers here in the help center at any time.",
        ),
    },
}
