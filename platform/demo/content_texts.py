"""Demo texts for every client: canned replies, FAQ articles and message templates."""

# Deliberate gaps, so that the demo shows the language fallback:
# - CANNED_REPLIES["refund-issued"] and CANNED_REPLIES["wrong-size-exchange"] have no "sk"
#   (Slovak falls back to Czech);
# - CANNED_REPLIES["thanks-closing"] has no "ro";
# - FAQ_ARTICLES["payment-methods"] has no "hu" (falls back to English);
# - MESSAGE_TEMPLATES["survey_invitation"] has no "pl".
# Everything else exists in cs, sk, pl, de, hu, ro and en; "en" is always present.

CANNED_REPLY_CATEGORIES: dict[str, str] = {
    "delivery-delay": "delivery",
    "tracking-number": "delivery",
    "return-howto": "returns",
    "refund-issued": "returns",
    "wrong-size-exchange": "returns",
    "payment-failed": "payment",
    "thanks-closing": "general",
}

# The names of the demo's conversation categories and call topics (the IVR options' topics,
# demo.telephony) in all seven interface languages: reports and pages show these, not codes.
CATEGORY_NAMES: dict[str, dict[str, str]] = {
    "delivery": {
        "cs": "Doručení",
        "sk": "Doručenie",
        "pl": "Dostawa",
        "de": "Lieferung",
        "hu": "Szállítás",
        "ro": "Livrare",
        "en": "Delivery",
    },
    "returns": {
        "cs": "Vrácení a reklamace",
        "sk": "Vrátenie a reklamácie",
        "pl": "Zwroty i reklamacje",
        "de": "Rücksendungen und Reklamationen",
        "hu": "Visszaküldés és reklamáció",
        "ro": "Retururi și reclamații",
        "en": "Returns and complaints",
    },
    "payment": {
        "cs": "Platby",
        "sk": "Platby",
        "pl": "Płatności",
        "de": "Zahlung",
        "hu": "Fizetés",
        "ro": "Plăți",
        "en": "Payment",
    },
    "product": {
        "cs": "Dotazy ke zboží",
        "sk": "Otázky k tovaru",
        "pl": "Pytania o produkty",
        "de": "Fragen zu Produkten",
        "hu": "Termékkel kapcsolatos kérdések",
        "ro": "Întrebări despre produse",
        "en": "Product questions",
    },
    "general": {
        "cs": "Obecné",
        "sk": "Všeobecné",
        "pl": "Ogólne",
        "de": "Allgemein",
        "hu": "Általános",
        "ro": "General",
        "en": "General",
    },
    "orders": {
        "cs": "Objednávky a doručení",
        "sk": "Objednávky a doručenie",
        "pl": "Zamówienia i dostawa",
        "de": "Bestellungen und Lieferung",
        "hu": "Rendelések és szállítás",
        "ro": "Comenzi și livrare",
        "en": "Orders and delivery",
    },
    "other": {
        "cs": "Ostatní dotazy",
        "sk": "Ostatné otázky",
        "pl": "Inne sprawy",
        "de": "Andere Fragen",
        "hu": "Egyéb kérdések",
        "ro": "Alte întrebări",
        "en": "Other questions",
    },
}

CANNED_REPLIES: dict[str, dict[str, tuple[str, str]]] = {
    "delivery-delay": {
        "cs": (
            "Zpoždění doručení",
            "Dobrý den, omlouváme se, že doručení Vaší objednávky {order_number} trvá déle, "
            "než jsme předpokládali. Dopravce má momentálně zpoždění a zásilka by k Vám měla "
            "dorazit během několika pracovních dnů. Děkujeme za trpělivost.",
        ),
        "sk": (
            "Meškanie doručenia",
            "Dobrý deň, ospravedlňujeme sa, že doručenie vašej objednávky {order_number} trvá "
            "dlhšie, ako sme predpokladali. Dopravca má momentálne meškanie a zásielka by k vám "
            "mala doraziť v priebehu niekoľkých pracovných dní. Ďakujeme za trpezlivosť.",
        ),
        "pl": (
            "Opóźnienie dostawy",
            "Dzień dobry, przepraszamy, że dostawa zamówienia {order_number} trwa dłużej, niż "
            "zakładaliśmy. Przewoźnik ma obecnie opóźnienia, a paczka powinna dotrzeć do Państwa "
            "w ciągu kilku dni roboczych. Dziękujemy za cierpliwość.",
        ),
        "de": (
            "Lieferverzögerung",
            "Guten Tag {customer_name}, es tut uns leid, dass die Lieferung Ihrer Bestellung "
            "{order_number} länger dauert als erwartet. Beim Versanddienstleister kommt es derzeit "
            "zu Verzögerungen, Ihr Paket sollte aber in den nächsten Werktagen bei Ihnen "
            "eintreffen. Vielen Dank für Ihre Geduld.",
        ),
        "hu": (
            "Késik a szállítás",
            "Kedves {customer_name}! Elnézést kérünk, hogy rendelése ({order_number}) a "
            "vártnál később érkezik. A futárszolgálatnál jelenleg késések vannak, a csomagnak "
            "néhány munkanapon belül meg kell érkeznie. Köszönjük türelmét!",
        ),
        "ro": (
            "Întârziere la livrare",
            "Bună ziua, {customer_name}, ne pare rău că livrarea comenzii {order_number} durează "
            "mai mult decât ne așteptam. Curierul se confruntă momentan cu întârzieri, iar coletul "
            "ar trebui să ajungă la dumneavoastră în câteva zile lucrătoare. Vă mulțumim pentru "
            "răbdare.",
        ),
        "en": (
            "Delivery delay",
            "Hello {customer_name}, we are sorry that your order {order_number} is taking longer "
            "than expected. The carrier is experiencing delays, and your parcel should arrive "
            "within a few business days. Thank you for your patience.",
        ),
    },
    "tracking-number": {
        "cs": (
            "Sledování zásilky",
            "Dobrý den, Vaše objednávka {order_number} byla odeslána. Zásilku můžete sledovat "
            "pomocí odkazu v e-mailu s potvrzením o odeslání. Pokud se stav zásilky do dvou "
            "pracovních dnů nezmění, dejte nám prosím vědět.",
        ),
        "sk": (
            "Sledovanie zásielky",
            "Dobrý deň, vaša objednávka {order_number} bola odoslaná. Zásielku môžete sledovať "
            "cez odkaz v e-maile s potvrdením o odoslaní. Ak sa stav zásielky do dvoch pracovných "
            "dní nezmení, dajte nám, prosím, vedieť.",
        ),
        "pl": (
            "Numer przesyłki",
            "Dzień dobry, zamówienie {order_number} zostało wysłane. Przesyłkę mogą Państwo "
            "śledzić za pomocą linku w e-mailu z potwierdzeniem wysyłki. Jeśli status nie zmieni "
            "się w ciągu dwóch dni roboczych, prosimy o wiadomość.",
        ),
        "de": (
            "Sendungsverfolgung",
            "Hallo {customer_name}, Ihre Bestellung {order_number} wurde versandt. Sie können Ihr "
            "Paket über den Link in der Versandbestätigung verfolgen. Falls sich der Status "
            "innerhalb von zwei Werktagen nicht ändert, geben Sie uns bitte Bescheid.",
        ),
        "hu": (
            "Csomagkövetés",
            "Kedves {customer_name}! A(z) {order_number} számú rendelését feladtuk. A csomagot a "
            "szállítási visszaigazoló e-mailben található linken követheti nyomon. Ha a követési "
            "adatok két munkanapon belül nem frissülnek, kérjük, jelezze nekünk.",
        ),
        "ro": (
            "Număr de urmărire",
            "Bună ziua, {customer_name}, comanda {order_number} a fost expediată. Puteți urmări "
            "coletul folosind linkul din e-mailul de confirmare a expedierii. Dacă informațiile nu "
            "se actualizează în două zile lucrătoare, vă rugăm să ne anunțați.",
        ),
        "en": (
            "Tracking number",
            "Hello {customer_name}, your order {order_number} has been shipped. You can follow "
            "your parcel using the tracking link in the shipping confirmation email. If the "
            "tracking does not update within two business days, just let us know.",
        ),
    },
    "return-howto": {
        "cs": (
            "Jak vrátit zboží",
            "Dobrý den, zboží můžete vrátit do 14 dnů od doručení bez udání důvodu. Vyplňte "
            "prosím formulář pro vrácení na webu {shop_name}, zboží pečlivě zabalte a pošlete ho "
            "na adresu uvedenou ve formuláři. Jakmile zásilka dorazí, dáme Vám vědět.",
        ),
        "sk": (
            "Ako vrátiť tovar",
            "Dobrý deň, tovar môžete vrátiť do 14 dní od doručenia bez udania dôvodu. Vyplňte, "
            "prosím, formulár na vrátenie na webe {shop_name}, tovar starostlivo zabaľte a pošlite "
            "ho na adresu uvedenú vo formulári. Hneď ako zásielka dorazí, dáme vám vedieť.",
        ),
        "pl": (
            "Jak zwrócić towar",
            "Dzień dobry, towar można zwrócić w ciągu 14 dni od doręczenia bez podania przyczyny. "
            "Prosimy wypełnić formularz zwrotu na stronie {shop_name}, starannie zapakować produkt "
            "i odesłać go na adres podany w formularzu. Potwierdzimy, gdy tylko paczka do nas "
            "dotrze.",
        ),
        "de": (
            "Rücksendung",
            "Hallo {customer_name}, Sie können Artikel innerhalb von 14 Tagen nach Erhalt ohne "
            "Angabe von Gründen zurücksenden. Bitte füllen Sie das Rücksendeformular auf der "
            "Website von {shop_name} aus, verpacken Sie den Artikel sorgfältig und senden Sie ihn "
            "an die im Formular angegebene Adresse. Sobald das Paket bei uns eingetroffen ist, "
            "erhalten Sie eine Bestätigung.",
        ),
        "hu": (
            "A visszaküldés menete",
            "Kedves {customer_name}! A terméket a kézbesítéstől számított 14 napon belül "
            "indoklás nélkül visszaküldheti. Kérjük, töltse ki a visszaküldési űrlapot "
            "webáruházunk oldalán, csomagolja be gondosan a terméket, és küldje el az űrlapon "
            "megadott címre. Amint a csomag megérkezik, értesítjük.",
        ),
        "ro": (
            "Procedura de retur",
            "Bună ziua, {customer_name}, puteți returna produsele în termen de 14 zile de la "
            "livrare, fără a preciza motivul. Vă rugăm să completați formularul de retur de pe "
            "site-ul {shop_name}, să ambalați produsul cu grijă și să îl trimiteți la adresa "
            "indicată în formular. Vă vom confirma imediat ce primim coletul.",
        ),
        "en": (
            "How to return an item",
            "Hello {customer_name}, you can return goods within 14 days of delivery without "
            "giving a reason. Please fill in the return form on the {shop_name} website, pack the "
            "item securely and send it to the address given in the form. We will confirm as soon "
            "as the parcel arrives.",
        ),
    },
    "refund-issued": {
        "cs": (
            "Vrácení peněz provedeno",
            "Dobrý den, Vaši vratku k objednávce {order_number} jsme přijali a peníze Vám vrátili. "
            "Na Vašem účtu by se měly objevit do 5 pracovních dnů, podle toho, jak rychle platbu "
            "zpracuje Vaše banka.",
        ),
        "pl": (
            "Zwrot pieniędzy zlecony",
            "Dzień dobry, otrzymaliśmy zwrot do zamówienia {order_number} i zleciliśmy zwrot "
            "pieniędzy. Środki powinny pojawić się na Państwa koncie w ciągu 5 dni roboczych, "
            "w zależności od banku.",
        ),
        "de": (
            "Erstattung veranlasst",
            "Hallo {customer_name}, Ihre Rücksendung zur Bestellung {order_number} ist bei uns "
            "eingegangen und wir haben die Erstattung veranlasst. Der Betrag sollte je nach Bank "
            "innerhalb von 5 Werktagen auf Ihrem Konto eingehen.",
        ),
        "hu": (
            "Visszatérítés elindítva",
            "Kedves {customer_name}! Megkaptuk a rendeléséhez ({order_number}) tartozó "
            "visszaküldött terméket, és elindítottuk a visszatérítést. Az összeg bankjától "
            "függően 5 munkanapon belül jelenik meg a számláján.",
        ),
        "ro": (
            "Rambursare efectuată",
            "Bună ziua, {customer_name}, am primit returul pentru comanda {order_number} și am "
            "efectuat rambursarea. Suma ar trebui să apară în contul dumneavoastră în cel mult "
            "5 zile lucrătoare, în funcție de bancă.",
        ),
        "en": (
            "Refund issued",
            "Hello {customer_name}, we have received your return for order {order_number} and "
            "issued a refund. The money should appear in your account within 5 business days, "
            "depending on your bank.",
        ),
    },
    "wrong-size-exchange": {
        "cs": (
            "Výměna za jinou velikost",
            "Dobrý den, mrzí nás, že velikost nesedí. Pošlete nám prosím zboží zpět s poznámkou, "
            "jakou velikost potřebujete, a jakmile zásilku obdržíme, odešleme Vám novou. Pokud "
            "požadovaná velikost nebude skladem, vrátíme Vám celou částku.",
        ),
        "pl": (
            "Wymiana na inny rozmiar",
            "Dzień dobry, przykro nam, że rozmiar nie pasuje. Prosimy odesłać produkt z "
            "informacją, jakiego rozmiaru Państwo potrzebują, a po jego otrzymaniu wyślemy nowy. "
            "Jeśli wybrany rozmiar będzie niedostępny, zwrócimy całą kwotę.",
        ),
        "de": (
            "Umtausch in eine andere Größe",
            "Hallo {customer_name}, schade, dass die Größe nicht passt. Senden Sie den Artikel "
            "einfach mit einem Hinweis auf die gewünschte Größe zurück, und wir schicken Ihnen "
            "nach Eingang sofort den Ersatz. Sollte die gewünschte Größe nicht vorrätig sein, "
            "erstatten wir Ihnen den vollen Betrag.",
        ),
        "hu": (
            "Csere másik méretre",
            "Kedves {customer_name}! Sajnáljuk, hogy a méret nem megfelelő. Kérjük, küldje vissza "
            "a terméket egy megjegyzéssel, amelyben feltünteti a kívánt méretet, és amint "
            "megérkezik, elküldjük a csereterméket. Ha a kívánt méret nincs raktáron, a teljes "
            "összeget visszatérítjük.",
        ),
        "ro": (
            "Schimb cu altă mărime",
            "Bună ziua, {customer_name}, ne pare rău că mărimea nu se potrivește. Trimiteți-ne "
            "produsul înapoi împreună cu o notă în care precizați mărimea dorită, iar după ce îl "
            "primim vă expediem produsul de schimb. Dacă mărimea dorită nu este în stoc, vă "
            "rambursăm integral suma.",
        ),
        "en": (
            "Exchange for another size",
            "Hello {customer_name}, we are sorry the size does not fit. Just send the item back "
            "with a note of the size you need, and we will ship the replacement as soon as we "
            "receive it. If that size is out of stock, we will refund the full amount instead.",
        ),
    },
    "payment-failed": {
        "cs": (
            "Platba neproběhla",
            "Dobrý den, platba za objednávku {order_number} bohužel neproběhla, objednávka proto "
            "zatím čeká na úhradu. Zaplatit můžete znovu pomocí odkazu v potvrzení objednávky, "
            "případně zvolte jiný způsob platby. Pokud potíže přetrvávají, obraťte se prosím na "
            "svou banku nebo nám odpovězte na tuto zprávu.",
        ),
        "sk": (
            "Platba neprebehla",
            "Dobrý deň, platba za objednávku {order_number}, žiaľ, neprebehla, objednávka preto "
            "zatiaľ čaká na úhradu. Zaplatiť môžete znova cez odkaz v potvrdení objednávky, "
            "prípadne si zvoľte iný spôsob platby. Ak problém pretrváva, obráťte sa, prosím, na "
            "svoju banku alebo nám odpovedzte na túto správu.",
        ),
        "pl": (
            "Płatność nie powiodła się",
            "Dzień dobry, niestety płatność za zamówienie {order_number} nie powiodła się, "
            "dlatego zamówienie czeka na opłacenie. Mogą Państwo ponowić płatność za pomocą linku "
            "w potwierdzeniu zamówienia lub wybrać inną metodę płatności. Jeśli problem się "
            "powtarza, prosimy o kontakt z bankiem lub odpowiedź na tę wiadomość.",
        ),
        "de": (
            "Zahlung fehlgeschlagen",
            "Hallo {customer_name}, leider ist die Zahlung für Ihre Bestellung {order_number} "
            "nicht durchgegangen, daher wartet die Bestellung noch auf die Bezahlung. Sie können "
            "die Zahlung über den Link in Ihrer Bestellbestätigung erneut versuchen oder eine "
            "andere Zahlungsart wählen. Sollte das Problem weiterhin bestehen, wenden Sie sich "
            "bitte an Ihre Bank oder antworten Sie auf diese Nachricht.",
        ),
        "hu": (
            "Sikertelen fizetés",
            "Kedves {customer_name}! Sajnos rendelése ({order_number}) kifizetése nem "
            "sikerült, ezért a rendelés még fizetésre vár. A fizetést a rendelés-visszaigazolásban "
            "található linken újra megkísérelheti, vagy választhat másik fizetési módot. Ha a "
            "probléma továbbra is fennáll, kérjük, forduljon a bankjához, vagy válaszoljon erre "
            "az üzenetre.",
        ),
        "ro": (
            "Plata nu a reușit",
            "Bună ziua, {customer_name}, din păcate plata pentru comanda {order_number} nu a "
            "reușit, așa că aceasta așteaptă încă să fie achitată. Puteți încerca din nou folosind "
            "linkul din confirmarea comenzii sau puteți alege altă metodă de plată. Dacă problema "
            "persistă, vă rugăm să contactați banca sau să răspundeți la acest mesaj.",
        ),
        "en": (
            "Payment did not go through",
            "Hello {customer_name}, unfortunately the payment for order {order_number} did not go "
            "through, so the order is still awaiting payment. You can try again using the link in "
            "your order confirmation or choose another payment method. If the problem persists, "
            "please contact your bank or reply to this message.",
        ),
    },
    "thanks-closing": {
        "cs": (
            "Poděkování a rozloučení",
            "Děkujeme, že jste se obrátili na {shop_name}. Pokud budete potřebovat cokoli "
            "dalšího, stačí odpovědět na tuto zprávu. Přejeme Vám krásný den!",
        ),
        "sk": (
            "Poďakovanie a rozlúčka",
            "Ďakujeme, že ste sa obrátili na {shop_name}. Ak budete potrebovať čokoľvek ďalšie, "
            "stačí odpovedať na túto správu. Prajeme vám pekný deň!",
        ),
        "pl": (
            "Podziękowanie i pożegnanie",
            "Dziękujemy za kontakt ze sklepem {shop_name}. Jeśli będą Państwo potrzebować dalszej "
            "pomocy, wystarczy odpowiedzieć na tę wiadomość. Życzymy miłego dnia!",
        ),
        "de": (
            "Dank und Verabschiedung",
            "Vielen Dank, dass Sie sich an {shop_name} gewandt haben, {customer_name}. Wenn wir "
            "Ihnen noch bei etwas anderem helfen können, antworten Sie einfach auf diese "
            "Nachricht. Wir wünschen Ihnen einen schönen Tag!",
        ),
        "hu": (
            "Köszönet és elköszönés",
            "Kedves {customer_name}! Köszönjük, hogy ügyfélszolgálatunkhoz "
            "fordult. Ha bármi másban segíthetünk, egyszerűen válaszoljon erre az üzenetre. "
            "További szép napot kívánunk!",
        ),
        "en": (
            "Thank you and goodbye",
            "Thank you for contacting {shop_name}, {customer_name}. If there is anything else we "
            "can help with, just reply to this message. Have a lovely day!",
        ),
    },
}

FAQ_ARTICLES: dict[str, dict[str, tuple[str, str]]] = {
    "delivery-time": {
        "cs": (
            "Jak dlouho trvá doručení?",
            "Objednávky obvykle odesíláme do jednoho až dvou pracovních dnů. Doručení pak trvá "
            "2 až 5 pracovních dnů podle země a zvoleného dopravce. Jakmile zásilka opustí náš "
            "sklad, pošleme Vám e-mailem odkaz na její sledování.",
        ),
        "sk": (
            "Ako dlho trvá doručenie?",
            "Objednávky zvyčajne odosielame do jedného až dvoch pracovných dní. Doručenie potom "
            "trvá 2 až 5 pracovných dní podľa krajiny a zvoleného prepravcu. Hneď ako zásielka "
            "opustí náš sklad, pošleme vám e-mailom odkaz na jej sledovanie.",
        ),
        "pl": (
            "Ile trwa dostawa?",
            "Zamówienia wysyłamy zwykle w ciągu jednego lub dwóch dni roboczych. Dostawa trwa "
            "następnie od 2 do 5 dni roboczych, w zależności od kraju i wybranego przewoźnika. "
            "Gdy paczka opuści nasz magazyn, otrzymają Państwo e-mailem link do śledzenia "
            "przesyłki.",
        ),
        "de": (
            "Wie lange dauert die Lieferung?",
            "Wir versenden Bestellungen in der Regel innerhalb von 1 bis 2 Werktagen. Die "
            "Zustellung dauert dann je nach Land und gewähltem Versanddienstleister 2 bis 5 "
            "Werktage. Sobald Ihr Paket unser Lager verlässt, erhalten Sie per E-Mail einen Link "
            "zur Sendungsverfolgung.",
        ),
        "hu": (
            "Mennyi idő alatt érkezik meg a rendelésem?",
            "A rendeléseket általában 1-2 munkanapon belül adjuk fel. A kézbesítés ezután "
            "országtól és a választott futárszolgálattól függően 2-5 munkanapot vesz igénybe. "
            "Amint a csomag elhagyja raktárunkat, e-mailben elküldjük a nyomkövetési linket.",
        ),
        "ro": (
            "Cât durează livrarea?",
            "De regulă, expediem comenzile în 1-2 zile lucrătoare. Livrarea durează apoi între "
            "2 și 5 zile lucrătoare, în funcție de țară și de curierul ales. Imediat ce coletul "
            "pleacă din depozitul nostru, veți primi pe e-mail un link de urmărire.",
        ),
        "en": (
            "How long does delivery take?",
            "We usually ship orders within 1-2 business days. Delivery then takes 2-5 business "
            "days depending on your country and the carrier you chose. You will receive a "
            "tracking link by email as soon as your parcel leaves our warehouse.",
        ),
    },
    "return-policy": {
        "cs": (
            "Mohu zboží vrátit?",
            "Ano. Zboží můžete vrátit do 14 dnů od doručení bez udání důvodu. Zboží musí být "
            "nepoužité a pokud možno v původním obalu. Peníze Vám vrátíme nejpozději do 14 dnů od "
            "přijetí vratky.",
        ),
        "sk": (
            "Môžem tovar vrátiť?",
            "Áno. Tovar môžete vrátiť do 14 dní od doručenia bez udania dôvodu. Tovar musí byť "
            "nepoužitý a podľa možnosti v pôvodnom obale. Peniaze vám vrátime najneskôr do 14 dní "
            "od prijatia vráteného tovaru.",
        ),
        "pl": (
            "Czy mogę zwrócić towar?",
            "Tak. Towar można zwrócić w ciągu 14 dni od doręczenia bez podania przyczyny. Produkt "
            "musi być nieużywany i w miarę możliwości w oryginalnym opakowaniu. Pieniądze "
            "zwrócimy w ciągu 14 dni od otrzymania zwrotu.",
        ),
        "de": (
            "Kann ich Artikel zurückgeben?",
            "Ja. Sie können Artikel innerhalb von 14 Tagen nach Erhalt ohne Angabe von Gründen "
            "zurücksenden. Die Ware muss unbenutzt sein und sich möglichst in der "
            "Originalverpackung befinden. Den Kaufpreis erstatten wir innerhalb von 14 Tagen nach "
            "Eingang der Rücksendung.",
        ),
        "hu": (
            "Visszaküldhetem a terméket?",
            "Igen. A terméket a kézbesítéstől számított 14 napon belül indoklás nélkül "
            "visszaküldheti. A terméknek használatlannak kell lennie, lehetőleg az eredeti "
            "csomagolásában. A vételárat a visszaküldött termék beérkezésétől számított 14 napon "
            "belül visszatérítjük.",
        ),
        "ro": (
            "Pot returna produsele?",
            "Da. Puteți returna produsele în termen de 14 zile de la livrare, fără a preciza "
            "motivul. Produsele trebuie să fie nefolosite și, pe cât posibil, în ambalajul "
            "original. Vă rambursăm banii în cel mult 14 zile de la primirea returului.",
        ),
        "en": (
            "Can I return goods?",
            "Yes. You can return goods within 14 days of delivery without giving a reason. Items "
            "must be unused and, if possible, in their original packaging. We will refund the "
            "money within 14 days of receiving the return.",
        ),
    },
    "payment-methods": {
        "cs": (
            "Jak mohu zaplatit?",
            "Zaplatit můžete kartou, bankovním převodem nebo na dobírku. Platby kartou bezpečně "
            "zpracovává naše platební brána, k údajům o Vaší kartě nemáme přístup.",
        ),
        "sk": (
            "Ako môžem zaplatiť?",
            "Zaplatiť môžete kartou, bankovým prevodom alebo na dobierku. Platby kartou bezpečne "
            "spracúva naša platobná brána, k údajom o vašej karte nemáme prístup.",
        ),
        "pl": (
            "Jakie formy płatności akceptujecie?",
            "Można zapłacić kartą, przelewem bankowym lub przy odbiorze. Płatności kartą "
            "obsługuje w bezpieczny sposób nasz operator płatności, dlatego nie mamy dostępu do "
            "danych Państwa karty.",
        ),
        "de": (
            "Welche Zahlungsarten bieten Sie an?",
            "Sie können per Karte, per Banküberweisung oder per Nachnahme bezahlen. "
            "Kartenzahlungen werden sicher von unserem Zahlungsdienstleister abgewickelt, Ihre "
            "Kartendaten sehen wir nicht.",
        ),
        "ro": (
            "Ce metode de plată acceptați?",
            "Puteți plăti cu cardul, prin transfer bancar sau ramburs. Plățile cu cardul sunt "
            "procesate în siguranță de procesatorul nostru de plăți, așa că nu avem acces la "
            "datele cardului dumneavoastră.",
        ),
        "en": (
            "Which payment methods do you accept?",
            "You can pay by card, by bank transfer or cash on delivery. Card payments are "
            "processed securely by our payment provider, so we never see your card details.",
        ),
    },
    "change-order": {
        "cs": (
            "Mohu objednávku změnit nebo zrušit?",
            "Ano, pokud ještě nebyla odeslána. Odpovězte na e-mail s potvrzením objednávky nebo "
            "nám napište číslo objednávky a požadované změny a my se o vše co nejdříve postaráme.",
        ),
        "sk": (
            "Môžem objednávku zmeniť alebo zrušiť?",
            "Áno, ak ešte nebola odoslaná. Odpovedzte na e-mail s potvrdením objednávky alebo nám "
            "napíšte číslo objednávky a požadované zmeny a my sa o všetko čo najskôr postaráme.",
        ),
        "pl": (
            "Czy mogę zmienić lub anulować zamówienie?",
            "Tak, jeśli zamówienie nie zostało jeszcze wysłane. Prosimy odpowiedzieć na e-mail "
            "z potwierdzeniem zamówienia lub napisać do nas, podając numer zamówienia i potrzebne "
            "zmiany, a zajmiemy się tym jak najszybciej.",
        ),
        "de": (
            "Kann ich meine Bestellung ändern oder stornieren?",
            "Ja, solange die Bestellung noch nicht versandt wurde. Antworten Sie einfach auf Ihre "
            "Bestellbestätigung oder schreiben Sie uns Ihre Bestellnummer und die gewünschten "
            "Änderungen, und wir kümmern uns so schnell wie möglich darum.",
        ),
        "hu": (
            "Módosíthatom vagy lemondhatom a rendelésemet?",
            "Igen, amíg a rendelést még nem adtuk fel. Válaszoljon a rendelés-visszaigazoló "
            "e-mailre, vagy írja meg nekünk a rendelésszámot és a kívánt módosításokat, és a "
            "lehető leghamarabb intézkedünk.",
        ),
        "ro": (
            "Pot modifica sau anula comanda?",
            "Da, atât timp cât comanda nu a fost încă expediată. Răspundeți la e-mailul de "
            "confirmare a comenzii sau scrieți-ne numărul comenzii și modificările dorite, iar noi "
            "ne ocupăm de ele cât mai curând posibil.",
        ),
        "en": (
            "Can I change or cancel my order?",
            "Yes, as long as the order has not been shipped yet. Reply to your order confirmation "
            "or write to us with your order number and the changes you need, and we will take "
            "care of it as soon as possible.",
        ),
    },
}

MESSAGE_TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "acknowledgement": {
        "cs": (
            "Vaši zprávu jsme přijali",
            "Dobrý den, děkujeme, že jste kontaktovali {shop_name}. Vaši zprávu jsme přijali "
            "a odpovíme Vám {expected_answer}.",
        ),
        "sk": (
            "Vašu správu sme prijali",
            "Dobrý deň, ďakujeme, že ste kontaktovali {shop_name}. Vašu správu sme prijali "
            "a odpovieme vám {expected_answer}.",
        ),
        "pl": (
            "Otrzymaliśmy Państwa wiadomość",
            "Dzień dobry, dziękujemy za kontakt ze sklepem {shop_name}. Otrzymaliśmy Państwa "
            "wiadomość i odpowiemy {expected_answer}.",
        ),
        "de": (
            "Wir haben Ihre Nachricht erhalten",
            "Hallo {customer_name}, vielen Dank für Ihre Nachricht an {shop_name}. Wir haben sie "
            "erhalten und antworten Ihnen {expected_answer}.",
        ),
        "hu": (
            "Megkaptuk üzenetét",
            "Kedves {customer_name}! Köszönjük, hogy ügyfélszolgálatunkhoz "
            "fordult. Üzenetét megkaptuk, és {expected_answer} válaszolunk.",
        ),
        "ro": (
            "Am primit mesajul dumneavoastră",
            "Bună ziua, {customer_name}, vă mulțumim că ați contactat {shop_name}. Am primit "
            "mesajul dumneavoastră și vă vom răspunde {expected_answer}.",
        ),
        "en": (
            "We have received your message",
            "Hello {customer_name}, thank you for contacting {shop_name}. We have received your "
            "message and will reply {expected_answer}.",
        ),
    },
    "after_hours": {
        "cs": (
            "Jsme mimo pracovní dobu",
            "Dobrý den, děkujeme za Vaši zprávu. Naše zákaznická podpora je nyní mimo pracovní "
            "dobu, ale odpovíme Vám {expected_answer}.",
        ),
        "sk": (
            "Sme mimo pracovného času",
            "Dobrý deň, ďakujeme za vašu správu. Náš zákaznícky servis je teraz mimo pracovného "
            "času, ale odpovieme vám {expected_answer}.",
        ),
        "pl": (
            "Jesteśmy poza godzinami pracy",
            "Dzień dobry, dziękujemy za wiadomość. Nasze biuro obsługi klienta jest teraz "
            "nieczynne, ale odpowiemy {expected_answer}.",
        ),
        "de": (
            "Wir sind gerade nicht erreichbar",
            "Hallo {customer_name}, vielen Dank für Ihre Nachricht. Unser Kundenservice ist "
            "derzeit nicht besetzt, wir antworten Ihnen aber {expected_answer}.",
        ),
        "hu": (
            "Jelenleg zárva vagyunk",
            "Kedves {customer_name}! Köszönjük üzenetét. Ügyfélszolgálatunk jelenleg zárva tart, "
            "de {expected_answer} válaszolunk.",
        ),
        "ro": (
            "În afara programului",
            "Bună ziua, {customer_name}, vă mulțumim pentru mesaj. Serviciul nostru de asistență "
            "pentru clienți nu este disponibil în acest moment, dar vă vom răspunde "
            "{expected_answer}.",
        ),
        "en": (
            "We are currently closed",
            "Hello {customer_name}, thank you for your message. Our customer service is closed "
            "right now, but we will reply {expected_answer}.",
        ),
    },
    "survey_invitation": {
        "cs": (
            "Jak jste byli spokojeni?",
            "Dobrý den, děkujeme, že jste kontaktovali {shop_name}. Budeme rádi, když nám "
            "prozradíte, jak jste byli s naší pomocí spokojeni. Zabere Vám to méně než minutu: "
            "{survey_link}",
        ),
        "sk": (
            "Ako ste boli spokojní?",
            "Dobrý deň, ďakujeme, že ste kontaktovali {shop_name}. Budeme radi, ak nám "
            "prezradíte, ako ste boli spokojní s našou pomocou. Zaberie vám to menej ako minútu: "
            "{survey_link}",
        ),
        "de": (
            "Wie zufrieden waren Sie?",
            "Hallo {customer_name}, vielen Dank für Ihre Anfrage bei {shop_name}. Wir würden gern "
            "wissen, wie zufrieden Sie mit unserer Hilfe waren. Es dauert weniger als eine "
            "Minute: {survey_link}",
        ),
        "hu": (
            "Mennyire volt elégedett?",
            "Kedves {customer_name}! Köszönjük, hogy ügyfélszolgálatunkhoz "
            "fordult. Szeretnénk megtudni, mennyire volt elégedett a segítségünkkel. Kevesebb "
            "mint egy percet vesz igénybe: {survey_link}",
        ),
        "ro": (
            "Cum vi s-a părut asistența noastră?",
            "Bună ziua, {customer_name}, vă mulțumim că ați contactat {shop_name}. Ne-ar ajuta "
            "să aflăm cum vi s-a părut asistența noastră. Durează mai puțin de un minut: "
            "{survey_link}",
        ),
        "en": (
            "How did we do?",
            "Hello {customer_name}, thank you for contacting {shop_name}. We would love to know "
            "how satisfied you were with our help. It takes less than a minute: {survey_link}",
        ),
    },
}


# E-mails with files (demo.seed.seed_mail_with_files): a customer whose parcel arrived
# damaged sends a photo of it and the receipt as a PDF. language: (subject, text, photo's
# file name, receipt's file name, receipt title, the item on it).
MAIL_WITH_FILES: dict[str, tuple[str, str, str, str, str, str]] = {
    "cs": (
        "Poškozená zásilka: fotka a účtenka",
        "Dobrý den,\n\ndnes mi přišla zásilka s rozmačkanou krabicí a boty uvnitř jsou "
        "odřené. Posílám fotku krabice a účtenku. Můžete mi prosím poslat nový pár?\n\n"
        "Děkuji, Petra Černá",
        "krabice.png",
        "účtenka-2026-1042.pdf",
        "Účtenka k objednávce č. 2026-1042",
        "Kožené polobotky, vel. 39",
    ),
    "sk": (
        "Poškodená zásielka: fotka a doklad",
        "Dobrý deň,\n\nbalík prišiel roztrhnutý a topánky sú poškriabané. Prikladám fotku "
        "a doklad o kúpe. Ako mám postupovať pri reklamácii?\n\nĎakujem, Zuzana Kováčová",
        "balik.png",
        "doklad-2026-2210.pdf",
        "Doklad k objednávke č. 2026-2210",
        "Zimné čižmy, veľ. 38",
    ),
    "pl": (
        "Uszkodzona paczka: zdjęcie i paragon",
        "Dzień dobry,\n\npaczka dotarła zgnieciona, a bidon w środku jest pęknięty. Przesyłam "
        "zdjęcie i paragon. Proszę o wymianę.\n\nPozdrawiam, Łukasz Wójcik",
        "paczka.png",
        "paragon-2026-3307.pdf",
        "Paragon do zamówienia nr 2026-3307",
        "Bidon rowerowy 750 ml",
    ),
    "de": (
        "Beschädigtes Paket: Foto und Rechnung",
        "Guten Tag,\n\ndas Paket kam eingedrückt an, und zwei Blumentöpfe sind zerbrochen. "
        "Anbei ein Foto und die Rechnung. Bitte schicken Sie mir Ersatz.\n\n"
        "Mit freundlichen Grüßen\nJürgen Weiß",
        "paket.png",
        "rechnung-2026-4415.pdf",
        "Rechnung zur Bestellung Nr. 2026-4415",
        "Terrakotta-Topf, 2 Stück",
    ),
    "hu": (
        "Sérült csomag: fénykép és számla",
        "Jó napot!\n\nA csomag összenyomva érkezett, a váza eltört. Csatolom a fényképet és a "
        "számlát. Kérem, küldjenek újat.\n\nKöszönöm, Szőke Írisz",
        "csomag.png",
        "szamla-2026-5120.pdf",
        "Számla a 2026-5120. számú rendeléshez",
        "Kerámia váza, kék",
    ),
    "ro": (
        "Colet deteriorat: fotografie și bon",
        "Bună ziua,\n\ncoletul a sosit strivit, iar cana din interior este spartă. Atașez o "
        "fotografie și bonul. Vă rog să-mi trimiteți alta.\n\nMulțumesc, Ioana Mureșan",
        "colet.png",
        "bon-2026-6031.pdf",
        "Bon pentru comanda nr. 2026-6031",
        "Cană pictată manual",
    ),
    "en": (
        "Damaged parcel: photo and receipt",
        "Hello,\n\nmy parcel arrived crushed and the item inside is broken. I attach a photo "
        "and the receipt. Could you send a replacement, please?\n\nThank you, Anna Smith",
        "parcel.png",
        "receipt-2026-7001.pdf",
        "Receipt for order no. 2026-7001",
        "Gift box",
    ),
}

# Each client's e-mail signature, in every language (the client's own are used), filled with
# the answering agent's first name and the shop's name (desk-replies).
SIGNATURES: dict[str, str] = {
    "cs": "S pozdravem\n{agent_name}\nzákaznická podpora {shop_name}",
    "sk": "S pozdravom\n{agent_name}\nzákaznícka podpora {shop_name}",
    "pl": "Z pozdrowieniami\n{agent_name}\nobsługa klienta {shop_name}",
    "de": "Mit freundlichen Grüßen\n{agent_name}\nKundenservice {shop_name}",
    "hu": "Üdvözlettel:\n{agent_name}\n{shop_name} ügyfélszolgálat",
    "ro": "Cu stimă,\n{agent_name}\nasistență clienți {shop_name}",
    "en": "Kind regards,\n{agent_name}\n{shop_name} customer care",
}
# What the demo shops' order numbers look like (the receipts' "2026-1042"): {order_number}
# is filled from the conversation's subject or the customer's messages.
ORDER_NUMBER_PATTERN = r"\b20\d{2}-\d{4}\b"
