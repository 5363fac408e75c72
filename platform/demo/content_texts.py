"""Demo texts for every client: canned replies, FAQ articles and message templates."""

# Deliberate gaps, so that the demo shows the language fallback:
# - CANNED_REPLIES["refund-issued"] and CANNED_REPLIES["wrong-size-exchange"] have no "sk"
#   (Slovak falls back to Czech);
# - CANNED_REPLIES["thanks-closing"] has no "ro";
# - FAQ_ARTICLES["payment-methods"] has no "hu" (falls back to English);
# - MESSAGE_TEMPLATES["survey_invitation"] has no "pl".
# Everything else exists in all 16 catalog languages (cs, sk, pl, de, hu, ro, sl, hr, bg,
# fr, it, es, nl, pt, el and en); "en" is always present. MAIL_WITH_FILES is written in the
# languages that come first in a demo client's list (cs, sk, pl, de, hu, ro, sl, hr) and en.

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
# demo.telephony) in all 16 catalog languages: reports and pages show these, not codes.
CATEGORY_NAMES: dict[str, dict[str, str]] = {
    "delivery": {
        "cs": "Doručení",
        "sk": "Doručenie",
        "pl": "Dostawa",
        "de": "Lieferung",
        "hu": "Szállítás",
        "ro": "Livrare",
        "sl": "Dostava",
        "hr": "Dostava",
        "bg": "Доставка",
        "fr": "Livraison",
        "it": "Consegna",
        "es": "Entrega",
        "nl": "Levering",
        "pt": "Entrega",
        "el": "Παράδοση",
        "en": "Delivery",
    },
    "returns": {
        "cs": "Vrácení a reklamace",
        "sk": "Vrátenie a reklamácie",
        "pl": "Zwroty i reklamacje",
        "de": "Rücksendungen und Reklamationen",
        "hu": "Visszaküldés és reklamáció",
        "ro": "Retururi și reclamații",
        "sl": "Vračila in reklamacije",
        "hr": "Povrati i reklamacije",
        "bg": "Връщания и рекламации",
        "fr": "Retours et réclamations",
        "it": "Resi e reclami",
        "es": "Devoluciones y reclamaciones",
        "nl": "Retouren en klachten",
        "pt": "Devoluções e reclamações",
        "el": "Επιστροφές και παράπονα",
        "en": "Returns and complaints",
    },
    "payment": {
        "cs": "Platby",
        "sk": "Platby",
        "pl": "Płatności",
        "de": "Zahlung",
        "hu": "Fizetés",
        "ro": "Plăți",
        "sl": "Plačilo",
        "hr": "Plaćanje",
        "bg": "Плащане",
        "fr": "Paiement",
        "it": "Pagamento",
        "es": "Pago",
        "nl": "Betaling",
        "pt": "Pagamento",
        "el": "Πληρωμή",
        "en": "Payment",
    },
    "product": {
        "cs": "Dotazy ke zboží",
        "sk": "Otázky k tovaru",
        "pl": "Pytania o produkty",
        "de": "Fragen zu Produkten",
        "hu": "Termékkel kapcsolatos kérdések",
        "ro": "Întrebări despre produse",
        "sl": "Vprašanja o izdelkih",
        "hr": "Pitanja o proizvodima",
        "bg": "Въпроси за продукти",
        "fr": "Questions sur les produits",
        "it": "Domande sui prodotti",
        "es": "Preguntas sobre productos",
        "nl": "Vragen over producten",
        "pt": "Perguntas sobre produtos",
        "el": "Ερωτήσεις για προϊόντα",
        "en": "Product questions",
    },
    "general": {
        "cs": "Obecné",
        "sk": "Všeobecné",
        "pl": "Ogólne",
        "de": "Allgemein",
        "hu": "Általános",
        "ro": "General",
        "sl": "Splošno",
        "hr": "Općenito",
        "bg": "Общи",
        "fr": "Général",
        "it": "Generale",
        "es": "General",
        "nl": "Algemeen",
        "pt": "Geral",
        "el": "Γενικά",
        "en": "General",
    },
    "orders": {
        "cs": "Objednávky a doručení",
        "sk": "Objednávky a doručenie",
        "pl": "Zamówienia i dostawa",
        "de": "Bestellungen und Lieferung",
        "hu": "Rendelések és szállítás",
        "ro": "Comenzi și livrare",
        "sl": "Naročila in dostava",
        "hr": "Narudžbe i dostava",
        "bg": "Поръчки и доставка",
        "fr": "Commandes et livraison",
        "it": "Ordini e consegna",
        "es": "Pedidos y entrega",
        "nl": "Bestellingen en levering",
        "pt": "Encomendas e entrega",
        "el": "Παραγγελίες και παράδοση",
        "en": "Orders and delivery",
    },
    "other": {
        "cs": "Ostatní dotazy",
        "sk": "Ostatné otázky",
        "pl": "Inne sprawy",
        "de": "Andere Fragen",
        "hu": "Egyéb kérdések",
        "ro": "Alte întrebări",
        "sl": "Druga vprašanja",
        "hr": "Ostala pitanja",
        "bg": "Други въпроси",
        "fr": "Autres questions",
        "it": "Altre domande",
        "es": "Otras preguntas",
        "nl": "Overige vragen",
        "pt": "Outras questões",
        "el": "Άλλες ερωτήσεις",
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
        "sl": (
            "Zamuda pri dostavi",
            "Pozdravljeni {customer_name}, žal nam je, da dostava vašega naročila "
            "{order_number} traja dlje, kot smo pričakovali. Dostavna služba ima zamude, vaš "
            "paket pa bi moral prispeti v nekaj delovnih dneh. Hvala za vaše potrpljenje.",
        ),
        "hr": (
            "Kašnjenje dostave",
            "Dobar dan {customer_name}, žao nam je što isporuka vaše narudžbe {order_number} "
            "traje dulje nego što smo očekivali. Dostavna služba kasni, a vaš bi paket trebao "
            "stići za nekoliko radnih dana. Hvala na strpljenju.",
        ),
        "bg": (
            "Забавена доставка",
            "Здравейте {customer_name}, съжаляваме, че доставката на поръчка {order_number} "
            "отнема повече време от очакваното. Куриерът има закъснения и пратката ви би "
            "трябвало да пристигне до няколко работни дни. Благодарим ви за търпението.",
        ),
        "fr": (
            "Retard de livraison",
            "Bonjour {customer_name}, nous sommes désolés que votre commande {order_number} "
            "prenne plus de temps que prévu. Le transporteur connaît des retards, et votre "
            "colis devrait arriver d'ici quelques jours ouvrés. Merci de votre patience.",
        ),
        "it": (
            "Ritardo nella consegna",
            "Buongiorno {customer_name}, ci scusiamo perché il suo ordine {order_number} sta "
            "richiedendo più tempo del previsto. Il corriere sta accumulando ritardi e il "
            "pacco dovrebbe arrivare entro pochi giorni lavorativi. La ringraziamo per la "
            "pazienza.",
        ),
        "es": (
            "Retraso en la entrega",
            "Hola {customer_name}: sentimos que su pedido {order_number} esté tardando más de "
            "lo previsto. La empresa de transporte tiene retrasos y su paquete debería llegar "
            "en pocos días laborables. Gracias por su paciencia.",
        ),
        "nl": (
            "Vertraagde levering",
            "Hallo {customer_name}, het spijt ons dat uw bestelling {order_number} langer "
            "onderweg is dan verwacht. De vervoerder heeft vertraging, en uw pakket zou binnen "
            "enkele werkdagen moeten aankomen. Bedankt voor uw geduld.",
        ),
        "pt": (
            "Atraso na entrega",
            "Olá {customer_name}, lamentamos que a sua encomenda {order_number} esteja a "
            "demorar mais do que o previsto. A transportadora está com atrasos e a sua "
            "encomenda deverá chegar dentro de poucos dias úteis. Obrigado pela sua paciência.",
        ),
        "el": (
            "Καθυστέρηση παράδοσης",
            "Γεια σας {customer_name}, λυπούμαστε που η παραγγελία σας {order_number} αργεί "
            "περισσότερο από το αναμενόμενο. Η εταιρεία courier έχει καθυστερήσεις και το δέμα "
            "σας αναμένεται να φτάσει μέσα σε λίγες εργάσιμες ημέρες. Σας ευχαριστούμε για την "
            "υπομονή σας.",
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
        "sl": (
            "Številka za sledenje",
            "Pozdravljeni {customer_name}, vaše naročilo {order_number} je bilo odposlano. "
            "Paket lahko spremljate prek povezave za sledenje v e-poštnem sporočilu o "
            "odpošiljanju. Če se stanje pošiljke v dveh delovnih dneh ne posodobi, nam to "
            "sporočite.",
        ),
        "hr": (
            "Broj za praćenje",
            "Dobar dan {customer_name}, vaša narudžba {order_number} je poslana. Paket možete "
            "pratiti putem poveznice za praćenje u e-poruci s potvrdom o slanju. Ako se "
            "praćenje ne ažurira u roku od dva radna dana, javite nam se.",
        ),
        "bg": (
            "Номер за проследяване",
            "Здравейте {customer_name}, поръчка {order_number} е изпратена. Можете да "
            "проследите пратката си чрез връзката в имейла за потвърждение на изпращането. Ако "
            "информацията не се обнови до два работни дни, просто ни пишете.",
        ),
        "fr": (
            "Numéro de suivi",
            "Bonjour {customer_name}, votre commande {order_number} a été expédiée. Vous "
            "pouvez suivre votre colis grâce au lien de suivi figurant dans l'e-mail de "
            "confirmation d'expédition. Si le suivi ne se met pas à jour sous deux jours "
            "ouvrés, n'hésitez pas à nous le signaler.",
        ),
        "it": (
            "Numero di tracciamento",
            "Buongiorno {customer_name}, il suo ordine {order_number} è stato spedito. Può "
            "seguire il pacco tramite il link di tracciamento presente nell'e-mail di conferma "
            "della spedizione. Se il tracciamento non si aggiorna entro due giorni lavorativi, "
            "ce lo faccia sapere.",
        ),
        "es": (
            "Número de seguimiento",
            "Hola {customer_name}: su pedido {order_number} ya ha sido enviado. Puede seguir "
            "su paquete con el enlace de seguimiento del correo de confirmación de envío. Si "
            "el seguimiento no se actualiza en dos días laborables, avísenos.",
        ),
        "nl": (
            "Trackingnummer",
            "Hallo {customer_name}, uw bestelling {order_number} is verzonden. U kunt uw "
            "pakket volgen via de trackinglink in de verzendbevestiging per e-mail. Wordt de "
            "tracking binnen twee werkdagen niet bijgewerkt, laat het ons dan weten.",
        ),
        "pt": (
            "Número de seguimento",
            "Olá {customer_name}, a sua encomenda {order_number} já foi enviada. Pode "
            "acompanhá-la através da ligação de seguimento no e-mail de confirmação de envio. "
            "Se o seguimento não for atualizado no prazo de dois dias úteis, avise-nos.",
        ),
        "el": (
            "Αριθμός αποστολής",
            "Γεια σας {customer_name}, η παραγγελία σας {order_number} έχει αποσταλεί. "
            "Μπορείτε να παρακολουθείτε το δέμα σας από τον σύνδεσμο εντοπισμού στο email "
            "επιβεβαίωσης αποστολής. Αν ο εντοπισμός δεν ενημερωθεί μέσα σε δύο εργάσιμες "
            "ημέρες, ενημερώστε μας.",
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
        "sl": (
            "Kako vrniti izdelek",
            "Pozdravljeni {customer_name}, blago lahko vrnete v 14 dneh od dostave brez "
            "navedbe razloga. Izpolnite obrazec za vračilo na spletni strani {shop_name}, "
            "izdelek varno zapakirajte in ga pošljite na naslov, naveden v obrazcu. Ko paket "
            "prispe, vam bomo to potrdili.",
        ),
        "hr": (
            "Kako vratiti proizvod",
            "Dobar dan {customer_name}, robu možete vratiti u roku od 14 dana od isporuke bez "
            "navođenja razloga. Ispunite obrazac za povrat na web-stranici {shop_name}, "
            "sigurno zapakirajte proizvod i pošaljite ga na adresu navedenu u obrascu. "
            "Potvrdit ćemo vam čim paket stigne.",
        ),
        "bg": (
            "Как да върнете продукт",
            "Здравейте {customer_name}, можете да върнете стоката в срок от 14 дни от "
            "доставката, без да посочвате причина. Попълнете формуляра за връщане на сайта на "
            "{shop_name}, опаковайте добре продукта и го изпратете на адреса, посочен във "
            "формуляра. Ще потвърдим веднага щом пратката пристигне.",
        ),
        "fr": (
            "Comment retourner un article",
            "Bonjour {customer_name}, vous pouvez retourner un article dans les 14 jours "
            "suivant la livraison sans avoir à vous justifier. Remplissez le formulaire de "
            "retour sur le site de {shop_name}, emballez soigneusement l'article et envoyez-le "
            "à l'adresse indiquée dans le formulaire. Nous vous confirmerons la réception dès "
            "l'arrivée du colis.",
        ),
        "it": (
            "Come restituire un articolo",
            "Buongiorno {customer_name}, può restituire la merce entro 14 giorni dalla "
            "consegna senza indicarne il motivo. Compili il modulo di reso sul sito di "
            "{shop_name}, imballi bene l'articolo e lo spedisca all'indirizzo indicato nel "
            "modulo. Le daremo conferma appena il pacco sarà arrivato.",
        ),
        "es": (
            "Cómo devolver un artículo",
            "Hola {customer_name}: puede devolver los productos en un plazo de 14 días desde "
            "la entrega sin indicar el motivo. Rellene el formulario de devolución en la web "
            "de {shop_name}, embale bien el artículo y envíelo a la dirección que figura en el "
            "formulario. Se lo confirmaremos en cuanto llegue el paquete.",
        ),
        "nl": (
            "Een artikel retourneren",
            "Hallo {customer_name}, u kunt artikelen binnen 14 dagen na levering zonder opgave "
            "van reden retourneren. Vul het retourformulier op de website van {shop_name} in, "
            "verpak het artikel goed en stuur het naar het adres op het formulier. Zodra het "
            "pakket binnen is, krijgt u een bevestiging.",
        ),
        "pt": (
            "Como devolver um artigo",
            "Olá {customer_name}, pode devolver os artigos no prazo de 14 dias após a entrega, "
            "sem indicar o motivo. Preencha o formulário de devolução no site da loja "
            "{shop_name}, embale bem o artigo e envie-o para a morada indicada no formulário. "
            "Confirmaremos assim que a encomenda chegar.",
        ),
        "el": (
            "Πώς να επιστρέψετε ένα προϊόν",
            "Γεια σας {customer_name}, μπορείτε να επιστρέψετε τα προϊόντα μέσα σε 14 ημέρες "
            "από την παράδοση χωρίς να αναφέρετε λόγο. Συμπληρώστε τη φόρμα επιστροφής στον "
            "ιστότοπο του καταστήματος {shop_name}, συσκευάστε καλά το προϊόν και στείλτε το "
            "στη διεύθυνση που αναγράφεται στη φόρμα. Θα σας επιβεβαιώσουμε μόλις φτάσει το "
            "δέμα.",
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
        "sl": (
            "Denar vrnjen",
            "Pozdravljeni {customer_name}, prejeli smo vaše vračilo za naročilo {order_number} "
            "in vam vrnili denar. Denar bi moral biti na vašem računu v 5 delovnih dneh, "
            "odvisno od vaše banke.",
        ),
        "hr": (
            "Novac vraćen",
            "Dobar dan {customer_name}, zaprimili smo vaš povrat za narudžbu {order_number} i "
            "vratili vam novac. Novac bi trebao biti na vašem računu u roku od 5 radnih dana, "
            "ovisno o vašoj banci.",
        ),
        "bg": (
            "Възстановена сума",
            "Здравейте {customer_name}, получихме върнатата стока по поръчка {order_number} и "
            "възстановихме сумата. Парите би трябвало да постъпят по сметката ви до 5 работни "
            "дни в зависимост от банката ви.",
        ),
        "fr": (
            "Remboursement effectué",
            "Bonjour {customer_name}, nous avons bien reçu votre retour pour la commande "
            "{order_number} et procédé au remboursement. Le montant devrait apparaître sur "
            "votre compte sous 5 jours ouvrés, selon votre banque.",
        ),
        "it": (
            "Rimborso effettuato",
            "Buongiorno {customer_name}, abbiamo ricevuto il reso dell'ordine {order_number} e "
            "disposto il rimborso. L'importo dovrebbe comparire sul suo conto entro 5 giorni "
            "lavorativi, a seconda della sua banca.",
        ),
        "es": (
            "Reembolso realizado",
            "Hola {customer_name}: hemos recibido su devolución del pedido {order_number} y le "
            "hemos hecho el reembolso. El dinero debería aparecer en su cuenta en un plazo de "
            "5 días laborables, según su banco.",
        ),
        "nl": (
            "Terugbetaling verwerkt",
            "Hallo {customer_name}, we hebben uw retour voor bestelling {order_number} "
            "ontvangen en het bedrag terugbetaald. Het geld staat binnen 5 werkdagen op uw "
            "rekening, afhankelijk van uw bank.",
        ),
        "pt": (
            "Reembolso efetuado",
            "Olá {customer_name}, recebemos a sua devolução da encomenda {order_number} e "
            "efetuámos o reembolso. O valor deverá aparecer na sua conta no prazo de 5 dias "
            "úteis, dependendo do seu banco.",
        ),
        "el": (
            "Η επιστροφή χρημάτων έγινε",
            "Γεια σας {customer_name}, παραλάβαμε την επιστροφή της παραγγελίας {order_number} "
            "και σας επιστρέψαμε τα χρήματα. Το ποσό θα εμφανιστεί στον λογαριασμό σας μέσα σε "
            "5 εργάσιμες ημέρες, ανάλογα με την τράπεζά σας.",
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
        "sl": (
            "Zamenjava za drugo velikost",
            "Pozdravljeni {customer_name}, žal nam je, da velikost ni prava. Izdelek nam "
            "pošljite nazaj z opombo, katero velikost potrebujete, in nadomestni izdelek vam "
            "bomo poslali takoj, ko ga prejmemo. Če te velikosti ne bo na zalogi, vam bomo "
            "vrnili celoten znesek.",
        ),
        "hr": (
            "Zamjena za drugu veličinu",
            "Dobar dan {customer_name}, žao nam je što veličina ne odgovara. Pošaljite nam "
            "proizvod natrag uz napomenu koja vam je veličina potrebna, a zamjenu ćemo poslati "
            "čim ga primimo. Ako te veličine nema na zalihi, vratit ćemo vam cijeli iznos.",
        ),
        "bg": (
            "Замяна с друг размер",
            "Здравейте {customer_name}, съжаляваме, че размерът не ви става. Изпратете ни "
            "продукта обратно с бележка кой размер ви е нужен и ще изпратим новия веднага щом "
            "го получим. Ако този размер не е наличен, ще ви възстановим цялата сума.",
        ),
        "fr": (
            "Échange contre une autre taille",
            "Bonjour {customer_name}, nous sommes désolés que la taille ne convienne pas. "
            "Renvoyez-nous simplement l'article en indiquant la taille souhaitée, et nous "
            "expédierons le remplacement dès sa réception. Si cette taille n'est plus en "
            "stock, nous vous rembourserons l'intégralité du montant.",
        ),
        "it": (
            "Cambio taglia",
            "Buongiorno {customer_name}, ci dispiace che la taglia non vada bene. Ci "
            "rispedisca l'articolo con una nota sulla taglia che le serve e le invieremo il "
            "cambio appena lo riceviamo. Se quella taglia non fosse disponibile, le "
            "rimborseremo l'intero importo.",
        ),
        "es": (
            "Cambio de talla",
            "Hola {customer_name}: sentimos que la talla no le quede bien. Envíenos el "
            "artículo con una nota indicando la talla que necesita y le mandaremos el cambio "
            "en cuanto lo recibamos. Si esa talla está agotada, le reembolsaremos el importe "
            "íntegro.",
        ),
        "nl": (
            "Ruilen voor een andere maat",
            "Hallo {customer_name}, jammer dat de maat niet past. Stuur het artikel terug met "
            "een briefje met de maat die u nodig hebt, dan versturen we de vervanging zodra we "
            "het hebben ontvangen. Is die maat niet meer op voorraad, dan betalen we het "
            "volledige bedrag terug.",
        ),
        "pt": (
            "Troca por outro tamanho",
            "Olá {customer_name}, lamentamos que o tamanho não sirva. Devolva-nos o artigo com "
            "uma nota a indicar o tamanho de que precisa e enviaremos a troca assim que o "
            "recebermos. Se esse tamanho estiver esgotado, reembolsaremos o valor total.",
        ),
        "el": (
            "Αλλαγή μεγέθους",
            "Γεια σας {customer_name}, λυπούμαστε που το μέγεθος δεν σας κάνει. Στείλτε μας "
            "πίσω το προϊόν με ένα σημείωμα για το μέγεθος που χρειάζεστε και θα σας στείλουμε "
            "το νέο μόλις το παραλάβουμε. Αν το μέγεθος αυτό έχει εξαντληθεί, θα σας "
            "επιστρέψουμε ολόκληρο το ποσό.",
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
        "sl": (
            "Plačilo ni uspelo",
            "Pozdravljeni {customer_name}, žal plačilo za naročilo {order_number} ni uspelo, "
            "zato naročilo še čaka na plačilo. Poskusite znova prek povezave v potrdilu "
            "naročila ali izberite drug način plačila. Če se težava ponovi, se obrnite na "
            "svojo banko ali odgovorite na to sporočilo.",
        ),
        "hr": (
            "Plaćanje nije uspjelo",
            "Dobar dan {customer_name}, nažalost plaćanje za narudžbu {order_number} nije "
            "uspjelo pa narudžba još čeka na plaćanje. Možete pokušati ponovno putem poveznice "
            "u potvrdi narudžbe ili odabrati drugi način plaćanja. Ako se problem nastavi, "
            "obratite se svojoj banci ili odgovorite na ovu poruku.",
        ),
        "bg": (
            "Плащането не беше успешно",
            "Здравейте {customer_name}, за съжаление плащането за поръчка {order_number} не "
            "премина и поръчката все още очаква плащане. Можете да опитате отново чрез "
            "връзката в потвърждението на поръчката или да изберете друг начин на плащане. Ако "
            "проблемът продължи, свържете се с банката си или отговорете на това съобщение.",
        ),
        "fr": (
            "Le paiement n'a pas abouti",
            "Bonjour {customer_name}, le paiement de la commande {order_number} n'a "
            "malheureusement pas abouti : la commande est toujours en attente de paiement. "
            "Vous pouvez réessayer via le lien de votre confirmation de commande ou choisir un "
            "autre moyen de paiement. Si le problème persiste, contactez votre banque ou "
            "répondez à ce message.",
        ),
        "it": (
            "Pagamento non riuscito",
            "Buongiorno {customer_name}, purtroppo il pagamento dell'ordine {order_number} non "
            "è andato a buon fine, quindi l'ordine è ancora in attesa di pagamento. Può "
            "riprovare dal link nella conferma d'ordine o scegliere un altro metodo di "
            "pagamento. Se il problema persiste, contatti la sua banca o risponda a questo "
            "messaggio.",
        ),
        "es": (
            "El pago no se ha completado",
            "Hola {customer_name}: lamentablemente el pago del pedido {order_number} no se ha "
            "completado, así que el pedido sigue pendiente de pago. Puede volver a intentarlo "
            "con el enlace de la confirmación del pedido o elegir otro método de pago. Si el "
            "problema continúa, póngase en contacto con su banco o responda a este mensaje.",
        ),
        "nl": (
            "Betaling mislukt",
            "Hallo {customer_name}, helaas is de betaling voor bestelling {order_number} niet "
            "gelukt, dus de bestelling wacht nog op betaling. U kunt het opnieuw proberen via "
            "de link in uw orderbevestiging of een andere betaalmethode kiezen. Blijft het "
            "probleem bestaan, neem dan contact op met uw bank of beantwoord dit bericht.",
        ),
        "pt": (
            "O pagamento não foi concluído",
            "Olá {customer_name}, infelizmente, o pagamento da encomenda {order_number} não "
            "foi concluído, pelo que a encomenda continua a aguardar pagamento. Pode tentar "
            "novamente através da ligação na confirmação da encomenda ou escolher outro método "
            "de pagamento. Se o problema persistir, contacte o seu banco ou responda a esta "
            "mensagem.",
        ),
        "el": (
            "Η πληρωμή δεν ολοκληρώθηκε",
            "Γεια σας {customer_name}, δυστυχώς η πληρωμή για την παραγγελία {order_number} "
            "δεν ολοκληρώθηκε, οπότε η παραγγελία αναμένει ακόμη πληρωμή. Μπορείτε να "
            "δοκιμάσετε ξανά από τον σύνδεσμο στην επιβεβαίωση της παραγγελίας ή να επιλέξετε "
            "άλλον τρόπο πληρωμής. Αν το πρόβλημα συνεχιστεί, επικοινωνήστε με την τράπεζά σας "
            "ή απαντήστε σε αυτό το μήνυμα.",
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
        "sl": (
            "Hvala in lep pozdrav",
            "Hvala, ker ste se obrnili na {shop_name}, {customer_name}. Če vam lahko še kako "
            "pomagamo, preprosto odgovorite na to sporočilo. Želimo vam lep dan!",
        ),
        "hr": (
            "Hvala i doviđenja",
            "Hvala što ste kontaktirali {shop_name}, {customer_name}. Ako vam još nešto treba, "
            "samo odgovorite na ovu poruku. Želimo vam ugodan dan!",
        ),
        "bg": (
            "Благодарим ви и довиждане",
            "Благодарим ви, че се свързахте с {shop_name}, {customer_name}. Ако можем да "
            "помогнем с нещо друго, просто отговорете на това съобщение. Приятен ден!",
        ),
        "fr": (
            "Merci et au revoir",
            "Merci d'avoir contacté {shop_name}, {customer_name}. Si nous pouvons vous aider "
            "pour autre chose, répondez simplement à ce message. Excellente journée !",
        ),
        "it": (
            "Grazie e arrivederci",
            "Grazie per aver contattato {shop_name}, {customer_name}. Se possiamo aiutarla in "
            "altro, risponda pure a questo messaggio. Le auguriamo una buona giornata!",
        ),
        "es": (
            "Gracias y hasta pronto",
            "Gracias por ponerse en contacto con {shop_name}, {customer_name}. Si podemos "
            "ayudarle en algo más, responda a este mensaje. ¡Que tenga un buen día!",
        ),
        "nl": (
            "Bedankt en tot ziens",
            "Bedankt voor uw bericht aan {shop_name}, {customer_name}. Kunnen we u nog ergens "
            "mee helpen, beantwoord dan gewoon dit bericht. Nog een fijne dag!",
        ),
        "pt": (
            "Obrigado e até breve",
            "Obrigado por ter contactado a loja {shop_name}, {customer_name}. Se pudermos "
            "ajudar em mais alguma coisa, basta responder a esta mensagem. Tenha um ótimo dia!",
        ),
        "el": (
            "Ευχαριστούμε και καλή συνέχεια",
            "Σας ευχαριστούμε που επικοινωνήσατε με το κατάστημα {shop_name}, {customer_name}. "
            "Αν μπορούμε να σας βοηθήσουμε σε κάτι άλλο, απλώς απαντήστε σε αυτό το μήνυμα. "
            "Καλή σας μέρα!",
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
        "sl": (
            "Kako dolgo traja dostava?",
            "Naročila običajno odpošljemo v 1–2 delovnih dneh. Dostava nato traja 2–5 delovnih "
            "dni, odvisno od države in izbrane dostavne službe. Povezavo za sledenje boste "
            "prejeli po e-pošti, takoj ko paket zapusti naše skladišče.",
        ),
        "hr": (
            "Koliko traje dostava?",
            "Narudžbe obično šaljemo u roku od 1–2 radna dana. Dostava zatim traje 2–5 radnih "
            "dana, ovisno o vašoj zemlji i odabranoj dostavnoj službi. Poveznicu za praćenje "
            "dobit ćete e-poštom čim paket napusti naše skladište.",
        ),
        "bg": (
            "Колко време отнема доставката?",
            "Обикновено изпращаме поръчките до 1–2 работни дни. След това доставката отнема "
            "2–5 работни дни в зависимост от държавата ви и избрания куриер. Ще получите "
            "връзка за проследяване по имейл веднага щом пратката напусне склада ни.",
        ),
        "fr": (
            "Combien de temps prend la livraison ?",
            "Nous expédions généralement les commandes sous 1 à 2 jours ouvrés. La livraison "
            "prend ensuite 2 à 5 jours ouvrés selon votre pays et le transporteur choisi. Vous "
            "recevrez un lien de suivi par e-mail dès que votre colis quittera notre entrepôt.",
        ),
        "it": (
            "Quanto tempo richiede la consegna?",
            "Di solito spediamo gli ordini entro 1-2 giorni lavorativi. La consegna richiede "
            "poi 2-5 giorni lavorativi, a seconda del paese e del corriere scelto. Riceverà un "
            "link di tracciamento via e-mail non appena il pacco lascerà il nostro magazzino.",
        ),
        "es": (
            "¿Cuánto tarda la entrega?",
            "Normalmente enviamos los pedidos en 1-2 días laborables. Después, la entrega "
            "tarda entre 2 y 5 días laborables según su país y la empresa de transporte "
            "elegida. Recibirá un enlace de seguimiento por correo electrónico en cuanto su "
            "paquete salga de nuestro almacén.",
        ),
        "nl": (
            "Hoe lang duurt de levering?",
            "We verzenden bestellingen meestal binnen 1-2 werkdagen. De levering duurt daarna "
            "2-5 werkdagen, afhankelijk van uw land en de gekozen vervoerder. U ontvangt een "
            "trackinglink per e-mail zodra uw pakket ons magazijn verlaat.",
        ),
        "pt": (
            "Quanto tempo demora a entrega?",
            "Normalmente enviamos as encomendas no prazo de 1 a 2 dias úteis. A entrega demora "
            "depois 2 a 5 dias úteis, consoante o seu país e a transportadora escolhida. "
            "Receberá uma ligação de seguimento por e-mail assim que a sua encomenda sair do "
            "nosso armazém.",
        ),
        "el": (
            "Πόσο διαρκεί η παράδοση;",
            "Συνήθως αποστέλλουμε τις παραγγελίες μέσα σε 1-2 εργάσιμες ημέρες. Η παράδοση "
            "διαρκεί στη συνέχεια 2-5 εργάσιμες ημέρες, ανάλογα με τη χώρα σας και την "
            "εταιρεία courier που επιλέξατε. Θα λάβετε σύνδεσμο εντοπισμού με email μόλις το "
            "δέμα σας φύγει από την αποθήκη μας.",
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
        "sl": (
            "Ali lahko blago vrnem?",
            "Da. Blago lahko vrnete v 14 dneh od dostave brez navedbe razloga. Izdelki morajo "
            "biti nerabljeni in po možnosti v originalni embalaži. Denar vam vrnemo v 14 dneh "
            "po prejemu vračila.",
        ),
        "hr": (
            "Mogu li vratiti robu?",
            "Da. Robu možete vratiti u roku od 14 dana od isporuke bez navođenja razloga. "
            "Proizvodi moraju biti nekorišteni i, ako je moguće, u originalnom pakiranju. "
            "Novac vraćamo u roku od 14 dana od primitka povrata.",
        ),
        "bg": (
            "Мога ли да върна стока?",
            "Да. Можете да върнете стоката в срок от 14 дни от доставката, без да посочвате "
            "причина. Продуктите трябва да са неизползвани и, ако е възможно, в оригиналната "
            "си опаковка. Възстановяваме сумата до 14 дни след получаване на върнатата стока.",
        ),
        "fr": (
            "Puis-je retourner un article ?",
            "Oui. Vous pouvez retourner un article dans les 14 jours suivant la livraison sans "
            "avoir à vous justifier. Les articles doivent être inutilisés et, si possible, "
            "dans leur emballage d'origine. Nous vous remboursons dans les 14 jours suivant la "
            "réception du retour.",
        ),
        "it": (
            "Posso restituire la merce?",
            "Sì. Può restituire la merce entro 14 giorni dalla consegna senza indicarne il "
            "motivo. Gli articoli devono essere inutilizzati e, se possibile, nella confezione "
            "originale. Rimborsiamo l'importo entro 14 giorni dal ricevimento del reso.",
        ),
        "es": (
            "¿Puedo devolver un producto?",
            "Sí. Puede devolver los productos en un plazo de 14 días desde la entrega sin "
            "indicar el motivo. Los artículos deben estar sin usar y, a ser posible, en su "
            "embalaje original. Le devolveremos el dinero en un plazo de 14 días desde que "
            "recibamos la devolución.",
        ),
        "nl": (
            "Kan ik artikelen retourneren?",
            "Ja. U kunt artikelen binnen 14 dagen na levering zonder opgave van reden "
            "retourneren. Artikelen moeten ongebruikt zijn en, indien mogelijk, in de "
            "originele verpakking zitten. We betalen het bedrag terug binnen 14 dagen na "
            "ontvangst van de retour.",
        ),
        "pt": (
            "Posso devolver artigos?",
            "Sim. Pode devolver os artigos no prazo de 14 dias após a entrega, sem indicar o "
            "motivo. Os artigos devem estar por usar e, se possível, na embalagem original. "
            "Reembolsamos o valor no prazo de 14 dias após a receção da devolução.",
        ),
        "el": (
            "Μπορώ να επιστρέψω προϊόντα;",
            "Ναι. Μπορείτε να επιστρέψετε τα προϊόντα μέσα σε 14 ημέρες από την παράδοση χωρίς "
            "να αναφέρετε λόγο. Τα προϊόντα πρέπει να είναι αχρησιμοποίητα και, αν είναι "
            "δυνατόν, στην αρχική τους συσκευασία. Επιστρέφουμε τα χρήματα μέσα σε 14 ημέρες "
            "από την παραλαβή της επιστροφής.",
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
        "sl": (
            "Katere načine plačila sprejemate?",
            "Plačate lahko s kartico, z bančnim nakazilom ali po povzetju. Plačila s kartico "
            "varno obdela naš ponudnik plačilnih storitev, zato podatkov o vaši kartici nikoli "
            "ne vidimo.",
        ),
        "hr": (
            "Koje načine plaćanja prihvaćate?",
            "Možete platiti karticom, bankovnom uplatom ili pouzećem. Plaćanja karticom "
            "sigurno obrađuje naš pružatelj usluga plaćanja, tako da mi nikada ne vidimo "
            "podatke vaše kartice.",
        ),
        "bg": (
            "Какви начини на плащане приемате?",
            "Можете да платите с карта, с банков превод или с наложен платеж. Плащанията с "
            "карта се обработват сигурно от нашия доставчик на платежни услуги, така че ние "
            "никога не виждаме данните на картата ви.",
        ),
        "fr": (
            "Quels moyens de paiement acceptez-vous ?",
            "Vous pouvez payer par carte, par virement bancaire ou en espèces à la livraison. "
            "Les paiements par carte sont traités de façon sécurisée par notre prestataire de "
            "paiement : nous ne voyons jamais les données de votre carte.",
        ),
        "it": (
            "Quali metodi di pagamento accettate?",
            "Può pagare con carta, con bonifico bancario o in contrassegno. I pagamenti con "
            "carta sono gestiti in modo sicuro dal nostro fornitore di servizi di pagamento, "
            "quindi non vediamo mai i dati della sua carta.",
        ),
        "es": (
            "¿Qué métodos de pago aceptan?",
            "Puede pagar con tarjeta, por transferencia bancaria o contra reembolso. Los pagos "
            "con tarjeta los procesa de forma segura nuestro proveedor de pagos, por lo que "
            "nunca vemos los datos de su tarjeta.",
        ),
        "nl": (
            "Welke betaalmethoden accepteert u?",
            "U kunt betalen met een kaart, via bankoverschrijving of onder rembours. "
            "Kaartbetalingen worden veilig verwerkt door onze betaalprovider, dus wij zien uw "
            "kaartgegevens nooit.",
        ),
        "pt": (
            "Que métodos de pagamento aceitam?",
            "Pode pagar com cartão, por transferência bancária ou à cobrança. Os pagamentos "
            "com cartão são processados em segurança pelo nosso prestador de pagamentos, pelo "
            "que nunca vemos os dados do seu cartão.",
        ),
        "el": (
            "Ποιους τρόπους πληρωμής δέχεστε;",
            "Μπορείτε να πληρώσετε με κάρτα, με τραπεζική μεταφορά ή με αντικαταβολή. Οι "
            "πληρωμές με κάρτα διεκπεραιώνονται με ασφάλεια από τον πάροχο πληρωμών μας, οπότε "
            "δεν βλέπουμε ποτέ τα στοιχεία της κάρτας σας.",
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
        "sl": (
            "Ali lahko naročilo spremenim ali prekličem?",
            "Da, dokler naročilo še ni odposlano. Odgovorite na potrdilo naročila ali nam "
            "pišite s številko naročila in želenimi spremembami, pa bomo za vse poskrbeli čim "
            "prej.",
        ),
        "hr": (
            "Mogu li promijeniti ili otkazati narudžbu?",
            "Da, sve dok narudžba još nije poslana. Odgovorite na potvrdu narudžbe ili nam "
            "pišite s brojem narudžbe i željenim izmjenama, a mi ćemo se za to pobrinuti što "
            "prije.",
        ),
        "bg": (
            "Мога ли да променя или откажа поръчката си?",
            "Да, докато поръчката не е изпратена. Отговорете на потвърждението на поръчката "
            "или ни пишете с номера на поръчката и желаните промени и ние ще се погрижим "
            "възможно най-скоро.",
        ),
        "fr": (
            "Puis-je modifier ou annuler ma commande ?",
            "Oui, tant qu'elle n'a pas encore été expédiée. Répondez à votre confirmation de "
            "commande ou écrivez-nous en indiquant votre numéro de commande et les "
            "modifications souhaitées : nous nous en occuperons au plus vite.",
        ),
        "it": (
            "Posso modificare o annullare il mio ordine?",
            "Sì, finché l'ordine non è stato spedito. Risponda alla conferma d'ordine o ci "
            "scriva indicando il numero d'ordine e le modifiche desiderate: ce ne occuperemo "
            "al più presto.",
        ),
        "es": (
            "¿Puedo modificar o cancelar mi pedido?",
            "Sí, siempre que el pedido aún no se haya enviado. Responda a la confirmación de "
            "su pedido o escríbanos con el número de pedido y los cambios que necesita, y nos "
            "encargaremos lo antes posible.",
        ),
        "nl": (
            "Kan ik mijn bestelling wijzigen of annuleren?",
            "Ja, zolang de bestelling nog niet is verzonden. Beantwoord uw orderbevestiging of "
            "schrijf ons met uw bestelnummer en de gewenste wijzigingen, dan regelen we het zo "
            "snel mogelijk.",
        ),
        "pt": (
            "Posso alterar ou cancelar a minha encomenda?",
            "Sim, desde que a encomenda ainda não tenha sido enviada. Responda à confirmação "
            "da encomenda ou escreva-nos com o número da encomenda e as alterações "
            "pretendidas, e trataremos do assunto o mais depressa possível.",
        ),
        "el": (
            "Μπορώ να αλλάξω ή να ακυρώσω την παραγγελία μου;",
            "Ναι, εφόσον η παραγγελία δεν έχει ακόμη αποσταλεί. Απαντήστε στην επιβεβαίωση της "
            "παραγγελίας ή γράψτε μας με τον αριθμό παραγγελίας και τις αλλαγές που "
            "χρειάζεστε, και θα το φροντίσουμε το συντομότερο.",
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
        "sl": (
            "Prejeli smo vaše sporočilo",
            "Pozdravljeni {customer_name}, hvala, ker ste se obrnili na {shop_name}. Vaše "
            "sporočilo smo prejeli in vam bomo odgovorili do {expected_answer}.",
        ),
        "hr": (
            "Zaprimili smo vašu poruku",
            "Dobar dan {customer_name}, hvala što ste kontaktirali {shop_name}. Zaprimili smo "
            "vašu poruku i odgovorit ćemo vam do {expected_answer}.",
        ),
        "bg": (
            "Получихме вашето съобщение",
            "Здравейте {customer_name}, благодарим ви, че се свързахте с {shop_name}. "
            "Получихме съобщението ви и ще ви отговорим до {expected_answer}.",
        ),
        "fr": (
            "Nous avons bien reçu votre message",
            "Bonjour {customer_name}, merci d'avoir contacté {shop_name}. Nous avons bien reçu "
            "votre message et vous répondrons d'ici le {expected_answer}.",
        ),
        "it": (
            "Abbiamo ricevuto il suo messaggio",
            "Buongiorno {customer_name}, grazie per aver contattato {shop_name}. Abbiamo "
            "ricevuto il suo messaggio e le risponderemo entro il {expected_answer}.",
        ),
        "es": (
            "Hemos recibido su mensaje",
            "Hola {customer_name}: gracias por ponerse en contacto con {shop_name}. Hemos "
            "recibido su mensaje y le responderemos antes del {expected_answer}.",
        ),
        "nl": (
            "We hebben uw bericht ontvangen",
            "Hallo {customer_name}, bedankt voor uw bericht aan {shop_name}. We hebben het "
            "ontvangen en antwoorden uiterlijk {expected_answer}.",
        ),
        "pt": (
            "Recebemos a sua mensagem",
            "Olá {customer_name}, obrigado por contactar a loja {shop_name}. Recebemos a sua "
            "mensagem e responderemos até {expected_answer}.",
        ),
        "el": (
            "Λάβαμε το μήνυμά σας",
            "Γεια σας {customer_name}, σας ευχαριστούμε που επικοινωνήσατε με το κατάστημα "
            "{shop_name}. Λάβαμε το μήνυμά σας και θα σας απαντήσουμε έως τις "
            "{expected_answer}.",
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
        "sl": (
            "Trenutno smo zaprti",
            "Pozdravljeni {customer_name}, hvala za vaše sporočilo. Naša podpora strankam je "
            "ta trenutek zaprta, odgovorili pa vam bomo do {expected_answer}.",
        ),
        "hr": (
            "Trenutačno ne radimo",
            "Dobar dan {customer_name}, hvala na poruci. Naša korisnička podrška trenutačno ne "
            "radi, ali odgovorit ćemo vam do {expected_answer}.",
        ),
        "bg": (
            "В момента не работим",
            "Здравейте {customer_name}, благодарим ви за съобщението. Обслужването на клиенти "
            "в момента не работи, но ще ви отговорим до {expected_answer}.",
        ),
        "fr": (
            "Nous sommes actuellement fermés",
            "Bonjour {customer_name}, merci pour votre message. Notre service client est fermé "
            "pour le moment, mais nous vous répondrons d'ici le {expected_answer}.",
        ),
        "it": (
            "Al momento siamo chiusi",
            "Buongiorno {customer_name}, grazie per il suo messaggio. Il nostro servizio "
            "clienti al momento è chiuso, ma le risponderemo entro il {expected_answer}.",
        ),
        "es": (
            "Ahora mismo estamos cerrados",
            "Hola {customer_name}: gracias por su mensaje. Nuestro servicio de atención al "
            "cliente está cerrado en este momento, pero le responderemos antes del "
            "{expected_answer}.",
        ),
        "nl": (
            "We zijn momenteel gesloten",
            "Hallo {customer_name}, bedankt voor uw bericht. Onze klantenservice is op dit "
            "moment gesloten, maar we antwoorden uiterlijk {expected_answer}.",
        ),
        "pt": (
            "De momento estamos fechados",
            "Olá {customer_name}, obrigado pela sua mensagem. O nosso apoio ao cliente está "
            "fechado neste momento, mas responderemos até {expected_answer}.",
        ),
        "el": (
            "Αυτή τη στιγμή είμαστε κλειστά",
            "Γεια σας {customer_name}, σας ευχαριστούμε για το μήνυμά σας. Η εξυπηρέτηση "
            "πελατών είναι αυτή τη στιγμή κλειστή, αλλά θα σας απαντήσουμε έως τις "
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
        "sl": (
            "Kako smo se odrezali?",
            "Pozdravljeni {customer_name}, hvala, ker ste se obrnili na {shop_name}. Zelo bi "
            "nas zanimalo, kako zadovoljni ste bili z našo pomočjo. Vzame vam manj kot minuto: "
            "{survey_link}",
        ),
        "hr": (
            "Jeste li zadovoljni?",
            "Dobar dan {customer_name}, hvala što ste kontaktirali {shop_name}. Voljeli bismo "
            "znati koliko ste bili zadovoljni našom pomoći. Trajat će manje od minute: "
            "{survey_link}",
        ),
        "bg": (
            "Как се справихме?",
            "Здравейте {customer_name}, благодарим ви, че се свързахте с {shop_name}. Ще се "
            "радваме да научим колко сте доволни от нашата помощ. Отнема по-малко от минута: "
            "{survey_link}",
        ),
        "fr": (
            "Votre avis nous intéresse",
            "Bonjour {customer_name}, merci d'avoir contacté {shop_name}. Nous aimerions "
            "savoir si notre aide vous a été utile. Cela prend moins d'une minute : "
            "{survey_link}",
        ),
        "it": (
            "Com'è andata?",
            "Buongiorno {customer_name}, grazie per aver contattato {shop_name}. Ci piacerebbe "
            "sapere come valuta il nostro aiuto. Ci vuole meno di un minuto: {survey_link}",
        ),
        "es": (
            "¿Qué tal lo hicimos?",
            "Hola {customer_name}: gracias por ponerse en contacto con {shop_name}. Nos "
            "encantaría saber qué le pareció nuestra ayuda. Le llevará menos de un minuto: "
            "{survey_link}",
        ),
        "nl": (
            "Hoe hebben we het gedaan?",
            "Hallo {customer_name}, bedankt voor uw bericht aan {shop_name}. We horen graag "
            "hoe tevreden u was over onze hulp. Het kost minder dan een minuut: {survey_link}",
        ),
        "pt": (
            "Como correu?",
            "Olá {customer_name}, obrigado por contactar a loja {shop_name}. Gostaríamos muito "
            "de saber a sua opinião sobre a ajuda que recebeu. Demora menos de um minuto: "
            "{survey_link}",
        ),
        "el": (
            "Πώς τα πήγαμε;",
            "Γεια σας {customer_name}, σας ευχαριστούμε που επικοινωνήσατε με το κατάστημα "
            "{shop_name}. Θα θέλαμε πολύ να μάθουμε πόσο ικανοποιημένοι μείνατε από τη βοήθειά "
            "μας. Χρειάζεται λιγότερο από ένα λεπτό: {survey_link}",
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
    "sl": (
        "Poškodovan paket: fotografija in račun",
        "Pozdravljeni,\n\ndanes sem prejel paket z zmečkano škatlo, pohodni palici v njem pa "
        "sta ukrivljeni. Pošiljam fotografijo škatle in račun. Mi lahko prosim pošljete nov "
        "par?\n\nHvala, Luka Novak",
        "skatla.png",
        "racun-2026-8105.pdf",
        "Račun za naročilo št. 2026-8105",
        "Pohodni palici, par",
    ),
    "hr": (
        "Oštećen paket: fotografija i račun",
        "Dobar dan,\n\npaket je stigao poderan, a boca za vodu u njemu je napuknuta. Šaljem "
        "fotografiju i račun. Možete li mi poslati novu?\n\nHvala, Ana Babić",
        "paket.png",
        "racun-2026-8212.pdf",
        "Račun za narudžbu br. 2026-8212",
        "Boca za vodu, 1 l",
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
    "sl": "Lep pozdrav,\n{agent_name}\npodpora strankam {shop_name}",
    "hr": "Srdačan pozdrav,\n{agent_name}\nkorisnička podrška {shop_name}",
    "bg": "С уважение,\n{agent_name}\nобслужване на клиенти, {shop_name}",
    "fr": "Cordialement,\n{agent_name}\nservice client {shop_name}",
    "it": "Cordiali saluti,\n{agent_name}\nservizio clienti {shop_name}",
    "es": "Un saludo,\n{agent_name}\natención al cliente de {shop_name}",
    "nl": "Met vriendelijke groet,\n{agent_name}\nklantenservice {shop_name}",
    "pt": "Com os melhores cumprimentos,\n{agent_name}\napoio ao cliente {shop_name}",
    "el": "Με εκτίμηση,\n{agent_name}\nεξυπηρέτηση πελατών {shop_name}",
    "en": "Kind regards,\n{agent_name}\n{shop_name} customer care",
}
# What the demo shops' order numbers look like (the receipts' "2026-1042"): {order_number}
# is filled from the conversation's subject or the customer's messages.
ORDER_NUMBER_PATTERN = r"\b20\d{2}-\d{4}\b"
