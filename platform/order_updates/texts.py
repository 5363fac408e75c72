"""The built-in order update texts, in every catalog language: what a client that wrote no
template of its own sends. Plain data, without Django.

Each kind has an e-mail subject and body and a short SMS. They use only placeholders that
always have a value ({order_number}, {shop_name}, {customer_name}, which may be empty: the
greeting then closes up); the tracking line (``TRACKING``) is added only when the event
carries a tracking link, so a built-in text is never held for a missing value.
"""

from typing import NamedTuple


class Text(NamedTuple):
    subject: str
    body: str
    sms: str


# language -> kind -> text
DEFAULTS: dict[str, dict[str, Text]] = {
    "bg": {
        "shipped": Text(
            "Поръчката ви {order_number} е на път",
            (
                "Здравейте, {customer_name},\n\nдобра новина: поръчката ви "
                "{order_number} е изпратена.\n\nПоздрави,\n{shop_name}"
            ),
            "{shop_name}: поръчката ви {order_number} е изпратена.",
        ),
        "delayed": Text(
            "Поръчката ви {order_number} се забавя",
            (
                "Здравейте, {customer_name},\n\nсъжаляваме: поръчката ви {order_number} "
                "се забавя. Ще ви уведомим веднага щом бъде изпратена.\n\nПоздрави,\n"
                "{shop_name}"
            ),
            (
                "{shop_name}: съжаляваме, поръчката ви {order_number} се забавя. Ще ви "
                "уведомим при изпращане."
            ),
        ),
        "out_for_delivery": Text(
            "Поръчката ви {order_number} пристига днес",
            (
                "Здравейте, {customer_name},\n\nпоръчката ви {order_number} е предадена "
                "за доставка и трябва да пристигне днес.\n\nПоздрави,\n{shop_name}"
            ),
            "{shop_name}: поръчката ви {order_number} ще бъде доставена днес.",
        ),
        "delivered": Text(
            "Поръчката ви {order_number} е доставена",
            (
                "Здравейте, {customer_name},\n\nпоръчката ви {order_number} е доставена. "
                "Надяваме се да ви хареса.\n\nПоздрави,\n{shop_name}"
            ),
            "{shop_name}: поръчката ви {order_number} е доставена.",
        ),
        "return_received": Text(
            "Получихме връщането на поръчка {order_number}",
            (
                "Здравейте, {customer_name},\n\nполучихме връщането на поръчка "
                "{order_number}. Скоро ще го обработим.\n\nПоздрави,\n{shop_name}"
            ),
            "{shop_name}: получихме връщането на поръчка {order_number}.",
        ),
        "refund_sent": Text(
            "Възстановената сума за поръчка {order_number} е на път",
            (
                "Здравейте, {customer_name},\n\nизпратихме възстановената сума за "
                "поръчката ви {order_number}. Може да отнеме няколко дни, докато се "
                "появи в сметката ви.\n\nПоздрави,\n{shop_name}"
            ),
            ("{shop_name}: възстановената сума за поръчка {order_number} е изпратена."),
        ),
    },
    "cs": {
        "shipped": Text(
            "Vaše objednávka {order_number} je na cestě",
            (
                "Dobrý den {customer_name},\n\ndobrá zpráva: Vaše objednávka "
                "{order_number} byla odeslána.\n\nS pozdravem\n{shop_name}"
            ),
            "{shop_name}: Vaše objednávka {order_number} byla odeslána.",
        ),
        "delayed": Text(
            "Vaše objednávka {order_number} se zpozdí",
            (
                "Dobrý den {customer_name},\n\nomlouváme se: Vaše objednávka "
                "{order_number} se zpozdí. Jakmile ji odešleme, dáme Vám vědět.\n\nS "
                "pozdravem\n{shop_name}"
            ),
            (
                "{shop_name}: omlouváme se, Vaše objednávka {order_number} se zpozdí. "
                "Po odeslání Vám dáme vědět."
            ),
        ),
        "out_for_delivery": Text(
            "Vaše objednávka {order_number} dorazí dnes",
            (
                "Dobrý den {customer_name},\n\nVaše objednávka {order_number} je na "
                "cestě k Vám a měla by dorazit ještě dnes.\n\nS pozdravem\n{shop_name}"
            ),
            "{shop_name}: Vaše objednávka {order_number} dnes dorazí.",
        ),
        "delivered": Text(
            "Vaše objednávka {order_number} byla doručena",
            (
                "Dobrý den {customer_name},\n\nVaše objednávka {order_number} byla "
                "doručena. Doufáme, že Vám udělá radost.\n\nS pozdravem\n{shop_name}"
            ),
            "{shop_name}: Vaše objednávka {order_number} byla doručena.",
        ),
        "return_received": Text(
            "Obdrželi jsme Vaše vrácení objednávky {order_number}",
            (
                "Dobrý den {customer_name},\n\nobdrželi jsme Vaše vrácení objednávky "
                "{order_number}. Brzy ho zpracujeme.\n\nS pozdravem\n{shop_name}"
            ),
            "{shop_name}: obdrželi jsme Vaše vrácení objednávky {order_number}.",
        ),
        "refund_sent": Text(
            "Peníze za objednávku {order_number} jsou na cestě",
            (
                "Dobrý den {customer_name},\n\nposlali jsme Vám peníze za objednávku "
                "{order_number}. Na účtu se mohou objevit až za několik dní.\n\nS "
                "pozdravem\n{shop_name}"
            ),
            "{shop_name}: peníze za objednávku {order_number} jsme Vám poslali.",
        ),
    },
    "de": {
        "shipped": Text(
            "Ihre Bestellung {order_number} ist unterwegs",
            (
                "Hallo {customer_name},\n\ngute Nachricht: Ihre Bestellung "
                "{order_number} wurde versandt.\n\nViele Grüße\n{shop_name}"
            ),
            "{shop_name}: Ihre Bestellung {order_number} wurde versandt.",
        ),
        "delayed": Text(
            "Ihre Bestellung {order_number} verzögert sich",
            (
                "Hallo {customer_name},\n\nes tut uns leid: Ihre Bestellung "
                "{order_number} verzögert sich. Wir melden uns, sobald sie unterwegs "
                "ist.\n\nViele Grüße\n{shop_name}"
            ),
            (
                "{shop_name}: leider verzögert sich Ihre Bestellung {order_number}. "
                "Wir melden uns beim Versand."
            ),
        ),
        "out_for_delivery": Text(
            "Ihre Bestellung {order_number} kommt heute",
            (
                "Hallo {customer_name},\n\nIhre Bestellung {order_number} ist in der "
                "Zustellung und sollte heute bei Ihnen ankommen.\n\nViele Grüße\n"
                "{shop_name}"
            ),
            "{shop_name}: Ihre Bestellung {order_number} wird heute zugestellt.",
        ),
        "delivered": Text(
            "Ihre Bestellung {order_number} wurde zugestellt",
            (
                "Hallo {customer_name},\n\nIhre Bestellung {order_number} wurde "
                "zugestellt. Wir wünschen viel Freude damit.\n\nViele Grüße\n{shop_name}"
            ),
            "{shop_name}: Ihre Bestellung {order_number} wurde zugestellt.",
        ),
        "return_received": Text(
            "Ihre Rücksendung der Bestellung {order_number} ist angekommen",
            (
                "Hallo {customer_name},\n\nIhre Rücksendung der Bestellung "
                "{order_number} ist bei uns angekommen. Wir bearbeiten sie in Kürze.\n\n"
                "Viele Grüße\n{shop_name}"
            ),
            ("{shop_name}: Ihre Rücksendung der Bestellung {order_number} ist angekommen."),
        ),
        "refund_sent": Text(
            "Ihre Erstattung für Bestellung {order_number} ist unterwegs",
            (
                "Hallo {customer_name},\n\nwir haben die Erstattung für Ihre Bestellung "
                "{order_number} veranlasst. Bis sie auf Ihrem Konto erscheint, kann es "
                "einige Tage dauern.\n\nViele Grüße\n{shop_name}"
            ),
            ("{shop_name}: die Erstattung für Ihre Bestellung {order_number} wurde veranlasst."),
        ),
    },
    "el": {
        "shipped": Text(
            "Η παραγγελία σας {order_number} είναι καθ' οδόν",
            (
                "Γεια σας {customer_name},\n\nκαλά νέα: η παραγγελία σας {order_number} "
                "έχει αποσταλεί.\n\nΜε εκτίμηση,\n{shop_name}"
            ),
            "{shop_name}: η παραγγελία σας {order_number} έχει αποσταλεί.",
        ),
        "delayed": Text(
            "Η παραγγελία σας {order_number} καθυστερεί",
            (
                "Γεια σας {customer_name},\n\nλυπούμαστε: η παραγγελία σας "
                "{order_number} καθυστερεί. Θα σας ενημερώσουμε μόλις αποσταλεί.\n\nΜε "
                "εκτίμηση,\n{shop_name}"
            ),
            (
                "{shop_name}: λυπούμαστε, η παραγγελία σας {order_number} καθυστερεί. "
                "Θα σας ενημερώσουμε με την αποστολή."
            ),
        ),
        "out_for_delivery": Text(
            "Η παραγγελία σας {order_number} φτάνει σήμερα",
            (
                "Γεια σας {customer_name},\n\nη παραγγελία σας {order_number} είναι προς "
                "παράδοση και αναμένεται να φτάσει σήμερα.\n\nΜε εκτίμηση,\n{shop_name}"
            ),
            "{shop_name}: η παραγγελία σας {order_number} παραδίδεται σήμερα.",
        ),
        "delivered": Text(
            "Η παραγγελία σας {order_number} παραδόθηκε",
            (
                "Γεια σας {customer_name},\n\nη παραγγελία σας {order_number} "
                "παραδόθηκε. Ελπίζουμε να την απολαύσετε.\n\nΜε εκτίμηση,\n{shop_name}"
            ),
            "{shop_name}: η παραγγελία σας {order_number} παραδόθηκε.",
        ),
        "return_received": Text(
            "Λάβαμε την επιστροφή της παραγγελίας {order_number}",
            (
                "Γεια σας {customer_name},\n\nλάβαμε την επιστροφή της παραγγελίας σας "
                "{order_number}. Θα την επεξεργαστούμε σύντομα.\n\nΜε εκτίμηση,\n"
                "{shop_name}"
            ),
            "{shop_name}: λάβαμε την επιστροφή της παραγγελίας {order_number}.",
        ),
        "refund_sent": Text(
            "Η επιστροφή χρημάτων για την παραγγελία {order_number} είναι καθ' οδόν",
            (
                "Γεια σας {customer_name},\n\nστείλαμε την επιστροφή χρημάτων για την "
                "παραγγελία σας {order_number}. Μπορεί να χρειαστούν μερικές ημέρες "
                "μέχρι να εμφανιστεί στον λογαριασμό σας.\n\nΜε εκτίμηση,\n{shop_name}"
            ),
            ("{shop_name}: η επιστροφή χρημάτων για την παραγγελία {order_number} εστάλη."),
        ),
    },
    "en": {
        "shipped": Text(
            "Your order {order_number} is on its way",
            (
                "Hello {customer_name},\n\ngood news: your order {order_number} has been "
                "shipped.\n\nKind regards,\n{shop_name}"
            ),
            "{shop_name}: your order {order_number} has been shipped.",
        ),
        "delayed": Text(
            "Your order {order_number} is delayed",
            (
                "Hello {customer_name},\n\nwe are sorry: your order {order_number} is "
                "delayed. We will let you know as soon as it is on its way.\n\nKind "
                "regards,\n{shop_name}"
            ),
            (
                "{shop_name}: sorry, your order {order_number} is delayed. We will let "
                "you know when it ships."
            ),
        ),
        "out_for_delivery": Text(
            "Your order {order_number} arrives today",
            (
                "Hello {customer_name},\n\nyour order {order_number} is out for delivery "
                "and should reach you today.\n\nKind regards,\n{shop_name}"
            ),
            "{shop_name}: your order {order_number} is out for delivery today.",
        ),
        "delivered": Text(
            "Your order {order_number} has been delivered",
            (
                "Hello {customer_name},\n\nyour order {order_number} has been delivered. "
                "We hope you enjoy it.\n\nKind regards,\n{shop_name}"
            ),
            "{shop_name}: your order {order_number} has been delivered.",
        ),
        "return_received": Text(
            "We have received your return of order {order_number}",
            (
                "Hello {customer_name},\n\nwe have received your return of order "
                "{order_number}. We will process it shortly.\n\nKind regards,\n{shop_name}"
            ),
            "{shop_name}: we have received your return of order {order_number}.",
        ),
        "refund_sent": Text(
            "Your refund for order {order_number} is on its way",
            (
                "Hello {customer_name},\n\nwe have sent the refund for your order "
                "{order_number}. It may take a few days to appear on your account.\n\n"
                "Kind regards,\n{shop_name}"
            ),
            "{shop_name}: the refund for your order {order_number} has been sent.",
        ),
    },
    "es": {
        "shipped": Text(
            "Su pedido {order_number} está en camino",
            (
                "Hola {customer_name}:\n\nbuenas noticias: su pedido {order_number} ha "
                "sido enviado.\n\nUn saludo,\n{shop_name}"
            ),
            "{shop_name}: su pedido {order_number} ha sido enviado.",
        ),
        "delayed": Text(
            "Su pedido {order_number} se retrasa",
            (
                "Hola {customer_name}:\n\nlo sentimos: su pedido {order_number} se "
                "retrasa. Le avisaremos en cuanto esté en camino.\n\nUn saludo,\n"
                "{shop_name}"
            ),
            (
                "{shop_name}: lo sentimos, su pedido {order_number} se retrasa. Le "
                "avisaremos cuando se envíe."
            ),
        ),
        "out_for_delivery": Text(
            "Su pedido {order_number} llega hoy",
            (
                "Hola {customer_name}:\n\nsu pedido {order_number} está en reparto y "
                "debería llegarle hoy.\n\nUn saludo,\n{shop_name}"
            ),
            "{shop_name}: su pedido {order_number} se entrega hoy.",
        ),
        "delivered": Text(
            "Su pedido {order_number} ha sido entregado",
            (
                "Hola {customer_name}:\n\nsu pedido {order_number} ha sido entregado. "
                "Esperamos que lo disfrute.\n\nUn saludo,\n{shop_name}"
            ),
            "{shop_name}: su pedido {order_number} ha sido entregado.",
        ),
        "return_received": Text(
            "Hemos recibido la devolución del pedido {order_number}",
            (
                "Hola {customer_name}:\n\nhemos recibido su devolución del pedido "
                "{order_number}. La tramitaremos en breve.\n\nUn saludo,\n{shop_name}"
            ),
            "{shop_name}: hemos recibido la devolución del pedido {order_number}.",
        ),
        "refund_sent": Text(
            "El reembolso de su pedido {order_number} está en camino",
            (
                "Hola {customer_name}:\n\nhemos enviado el reembolso de su pedido "
                "{order_number}. Puede tardar unos días en aparecer en su cuenta.\n\nUn "
                "saludo,\n{shop_name}"
            ),
            "{shop_name}: el reembolso de su pedido {order_number} ha sido enviado.",
        ),
    },
    "fr": {
        "shipped": Text(
            "Votre commande {order_number} est en route",
            (
                "Bonjour {customer_name},\n\nbonne nouvelle : votre commande "
                "{order_number} a été expédiée.\n\nCordialement,\n{shop_name}"
            ),
            "{shop_name}: votre commande {order_number} a été expédiée.",
        ),
        "delayed": Text(
            "Votre commande {order_number} est retardée",
            (
                "Bonjour {customer_name},\n\nnous sommes désolés : votre commande "
                "{order_number} est retardée. Nous vous préviendrons dès qu'elle sera "
                "en route.\n\nCordialement,\n{shop_name}"
            ),
            (
                "{shop_name}: désolés, votre commande {order_number} est retardée. "
                "Nous vous préviendrons à l'envoi."
            ),
        ),
        "out_for_delivery": Text(
            "Votre commande {order_number} arrive aujourd'hui",
            (
                "Bonjour {customer_name},\n\nvotre commande {order_number} est en cours "
                "de livraison et devrait vous parvenir aujourd'hui.\n\nCordialement,\n"
                "{shop_name}"
            ),
            "{shop_name}: votre commande {order_number} est livrée aujourd'hui.",
        ),
        "delivered": Text(
            "Votre commande {order_number} a été livrée",
            (
                "Bonjour {customer_name},\n\nvotre commande {order_number} a été livrée. "
                "Nous espérons qu'elle vous plaira.\n\nCordialement,\n{shop_name}"
            ),
            "{shop_name}: votre commande {order_number} a été livrée.",
        ),
        "return_received": Text(
            "Nous avons reçu votre retour de la commande {order_number}",
            (
                "Bonjour {customer_name},\n\nnous avons reçu votre retour de la commande "
                "{order_number}. Nous le traiterons sous peu.\n\nCordialement,\n"
                "{shop_name}"
            ),
            ("{shop_name}: nous avons reçu votre retour de la commande {order_number}."),
        ),
        "refund_sent": Text(
            "Le remboursement de votre commande {order_number} est en route",
            (
                "Bonjour {customer_name},\n\nnous avons envoyé le remboursement de votre "
                "commande {order_number}. Il peut mettre quelques jours à apparaître "
                "sur votre compte.\n\nCordialement,\n{shop_name}"
            ),
            ("{shop_name}: le remboursement de votre commande {order_number} a été envoyé."),
        ),
    },
    "hr": {
        "shipped": Text(
            "Vaša narudžba {order_number} je na putu",
            (
                "Poštovani {customer_name},\n\ndobre vijesti: vaša narudžba "
                "{order_number} je poslana.\n\nSrdačan pozdrav,\n{shop_name}"
            ),
            "{shop_name}: vaša narudžba {order_number} je poslana.",
        ),
        "delayed": Text(
            "Vaša narudžba {order_number} kasni",
            (
                "Poštovani {customer_name},\n\nispričavamo se: vaša narudžba "
                "{order_number} kasni. Javit ćemo vam čim bude na putu.\n\nSrdačan "
                "pozdrav,\n{shop_name}"
            ),
            (
                "{shop_name}: ispričavamo se, narudžba {order_number} kasni. Javit "
                "ćemo kad bude poslana."
            ),
        ),
        "out_for_delivery": Text(
            "Vaša narudžba {order_number} stiže danas",
            (
                "Poštovani {customer_name},\n\nvaša narudžba {order_number} je u dostavi "
                "i trebala bi stići danas.\n\nSrdačan pozdrav,\n{shop_name}"
            ),
            "{shop_name}: vaša narudžba {order_number} stiže danas.",
        ),
        "delivered": Text(
            "Vaša narudžba {order_number} je dostavljena",
            (
                "Poštovani {customer_name},\n\nvaša narudžba {order_number} je "
                "dostavljena. Nadamo se da ćete biti zadovoljni.\n\nSrdačan pozdrav,\n"
                "{shop_name}"
            ),
            "{shop_name}: vaša narudžba {order_number} je dostavljena.",
        ),
        "return_received": Text(
            "Primili smo povrat narudžbe {order_number}",
            (
                "Poštovani {customer_name},\n\nprimili smo vaš povrat narudžbe "
                "{order_number}. Uskoro ćemo ga obraditi.\n\nSrdačan pozdrav,\n{shop_name}"
            ),
            "{shop_name}: primili smo povrat narudžbe {order_number}.",
        ),
        "refund_sent": Text(
            "Povrat novca za narudžbu {order_number} je na putu",
            (
                "Poštovani {customer_name},\n\nposlali smo povrat novca za vašu narudžbu "
                "{order_number}. Na računu se može pojaviti za nekoliko dana.\n\nSrdačan "
                "pozdrav,\n{shop_name}"
            ),
            "{shop_name}: povrat novca za narudžbu {order_number} je poslan.",
        ),
    },
    "hu": {
        "shipped": Text(
            "A(z) {order_number} számú rendelése úton van",
            (
                "Kedves {customer_name}!\n\nJó hír: a(z) {order_number} számú rendelését "
                "feladtuk.\n\nÜdvözlettel\n{shop_name}"
            ),
            "{shop_name}: a(z) {order_number} számú rendelését feladtuk.",
        ),
        "delayed": Text(
            "A(z) {order_number} számú rendelése késik",
            (
                "Kedves {customer_name}!\n\nSajnáljuk, a(z) {order_number} számú "
                "rendelése késik. Amint feladtuk, értesítjük.\n\nÜdvözlettel\n{shop_name}"
            ),
            (
                "{shop_name}: sajnáljuk, a(z) {order_number} számú rendelése késik. "
                "Feladáskor értesítjük."
            ),
        ),
        "out_for_delivery": Text(
            "A(z) {order_number} számú rendelése ma megérkezik",
            (
                "Kedves {customer_name}!\n\nA(z) {order_number} számú rendelése "
                "kiszállítás alatt van, és várhatóan ma megérkezik.\n\nÜdvözlettel\n"
                "{shop_name}"
            ),
            "{shop_name}: a(z) {order_number} számú rendelése ma megérkezik.",
        ),
        "delivered": Text(
            "A(z) {order_number} számú rendelését kézbesítettük",
            (
                "Kedves {customer_name}!\n\nA(z) {order_number} számú rendelését "
                "kézbesítettük. Reméljük, örömét leli benne.\n\nÜdvözlettel\n{shop_name}"
            ),
            "{shop_name}: a(z) {order_number} számú rendelését kézbesítettük.",
        ),
        "return_received": Text(
            "Megkaptuk a(z) {order_number} számú rendelés visszaküldését",
            (
                "Kedves {customer_name}!\n\nMegkaptuk a(z) {order_number} számú rendelés "
                "visszaküldését. Hamarosan feldolgozzuk.\n\nÜdvözlettel\n{shop_name}"
            ),
            ("{shop_name}: megkaptuk a(z) {order_number} számú rendelés visszaküldését."),
        ),
        "refund_sent": Text(
            "A(z) {order_number} számú rendelés visszatérítése úton van",
            (
                "Kedves {customer_name}!\n\nElküldtük a(z) {order_number} számú rendelés "
                "visszatérítését. Néhány napig tarthat, amíg megjelenik a számláján.\n\n"
                "Üdvözlettel\n{shop_name}"
            ),
            ("{shop_name}: elküldtük a(z) {order_number} számú rendelés visszatérítését."),
        ),
    },
    "it": {
        "shipped": Text(
            "Il tuo ordine {order_number} è in viaggio",
            (
                "Gentile {customer_name},\n\nbuone notizie: il tuo ordine {order_number} "
                "è stato spedito.\n\nCordiali saluti,\n{shop_name}"
            ),
            "{shop_name}: il tuo ordine {order_number} è stato spedito.",
        ),
        "delayed": Text(
            "Il tuo ordine {order_number} è in ritardo",
            (
                "Gentile {customer_name},\n\nci dispiace: il tuo ordine {order_number} è "
                "in ritardo. Ti avviseremo appena sarà in viaggio.\n\nCordiali saluti,\n"
                "{shop_name}"
            ),
            (
                "{shop_name}: ci dispiace, il tuo ordine {order_number} è in ritardo. "
                "Ti avviseremo alla spedizione."
            ),
        ),
        "out_for_delivery": Text(
            "Il tuo ordine {order_number} arriva oggi",
            (
                "Gentile {customer_name},\n\nil tuo ordine {order_number} è in consegna "
                "e dovrebbe arrivare oggi.\n\nCordiali saluti,\n{shop_name}"
            ),
            "{shop_name}: il tuo ordine {order_number} viene consegnato oggi.",
        ),
        "delivered": Text(
            "Il tuo ordine {order_number} è stato consegnato",
            (
                "Gentile {customer_name},\n\nil tuo ordine {order_number} è stato "
                "consegnato. Speriamo che ti piaccia.\n\nCordiali saluti,\n{shop_name}"
            ),
            "{shop_name}: il tuo ordine {order_number} è stato consegnato.",
        ),
        "return_received": Text(
            "Abbiamo ricevuto il reso dell'ordine {order_number}",
            (
                "Gentile {customer_name},\n\nabbiamo ricevuto il tuo reso dell'ordine "
                "{order_number}. Lo elaboreremo a breve.\n\nCordiali saluti,\n{shop_name}"
            ),
            "{shop_name}: abbiamo ricevuto il reso dell'ordine {order_number}.",
        ),
        "refund_sent": Text(
            "Il rimborso per l'ordine {order_number} è in arrivo",
            (
                "Gentile {customer_name},\n\nabbiamo inviato il rimborso per il tuo "
                "ordine {order_number}. Potrebbero volerci alcuni giorni prima che "
                "compaia sul tuo conto.\n\nCordiali saluti,\n{shop_name}"
            ),
            "{shop_name}: il rimborso per l'ordine {order_number} è stato inviato.",
        ),
    },
    "nl": {
        "shipped": Text(
            "Uw bestelling {order_number} is onderweg",
            (
                "Beste {customer_name},\n\ngoed nieuws: uw bestelling {order_number} is "
                "verzonden.\n\nMet vriendelijke groet,\n{shop_name}"
            ),
            "{shop_name}: uw bestelling {order_number} is verzonden.",
        ),
        "delayed": Text(
            "Uw bestelling {order_number} is vertraagd",
            (
                "Beste {customer_name},\n\nhet spijt ons: uw bestelling {order_number} "
                "is vertraagd. We laten het u weten zodra hij onderweg is.\n\nMet "
                "vriendelijke groet,\n{shop_name}"
            ),
            (
                "{shop_name}: helaas is uw bestelling {order_number} vertraagd. We "
                "laten het weten bij verzending."
            ),
        ),
        "out_for_delivery": Text(
            "Uw bestelling {order_number} komt vandaag",
            (
                "Beste {customer_name},\n\nuw bestelling {order_number} wordt bezorgd en "
                "komt vandaag bij u aan.\n\nMet vriendelijke groet,\n{shop_name}"
            ),
            "{shop_name}: uw bestelling {order_number} wordt vandaag bezorgd.",
        ),
        "delivered": Text(
            "Uw bestelling {order_number} is bezorgd",
            (
                "Beste {customer_name},\n\nuw bestelling {order_number} is bezorgd. Veel "
                "plezier ermee.\n\nMet vriendelijke groet,\n{shop_name}"
            ),
            "{shop_name}: uw bestelling {order_number} is bezorgd.",
        ),
        "return_received": Text(
            "We hebben uw retour van bestelling {order_number} ontvangen",
            (
                "Beste {customer_name},\n\nwe hebben uw retour van bestelling "
                "{order_number} ontvangen. We verwerken het binnenkort.\n\nMet "
                "vriendelijke groet,\n{shop_name}"
            ),
            ("{shop_name}: we hebben uw retour van bestelling {order_number} ontvangen."),
        ),
        "refund_sent": Text(
            "Uw terugbetaling voor bestelling {order_number} is onderweg",
            (
                "Beste {customer_name},\n\nwe hebben de terugbetaling voor uw bestelling "
                "{order_number} verstuurd. Het kan enkele dagen duren voordat die op "
                "uw rekening staat.\n\nMet vriendelijke groet,\n{shop_name}"
            ),
            ("{shop_name}: de terugbetaling voor uw bestelling {order_number} is verstuurd."),
        ),
    },
    "pl": {
        "shipped": Text(
            "Twoje zamówienie {order_number} jest w drodze",
            (
                "Dzień dobry {customer_name},\n\ndobra wiadomość: Twoje zamówienie "
                "{order_number} zostało wysłane.\n\nPozdrawiamy\n{shop_name}"
            ),
            "{shop_name}: Twoje zamówienie {order_number} zostało wysłane.",
        ),
        "delayed": Text(
            "Twoje zamówienie {order_number} jest opóźnione",
            (
                "Dzień dobry {customer_name},\n\nprzepraszamy: Twoje zamówienie "
                "{order_number} jest opóźnione. Damy znać, gdy tylko zostanie "
                "wysłane.\n\nPozdrawiamy\n{shop_name}"
            ),
            (
                "{shop_name}: przepraszamy, zamówienie {order_number} jest opóźnione. "
                "Damy znać, gdy zostanie wysłane."
            ),
        ),
        "out_for_delivery": Text(
            "Twoje zamówienie {order_number} dotrze dzisiaj",
            (
                "Dzień dobry {customer_name},\n\nTwoje zamówienie {order_number} jest u "
                "kuriera i powinno dotrzeć dzisiaj.\n\nPozdrawiamy\n{shop_name}"
            ),
            "{shop_name}: Twoje zamówienie {order_number} dotrze dzisiaj.",
        ),
        "delivered": Text(
            "Twoje zamówienie {order_number} zostało dostarczone",
            (
                "Dzień dobry {customer_name},\n\nTwoje zamówienie {order_number} zostało "
                "dostarczone. Mamy nadzieję, że się spodoba.\n\nPozdrawiamy\n{shop_name}"
            ),
            "{shop_name}: Twoje zamówienie {order_number} zostało dostarczone.",
        ),
        "return_received": Text(
            "Otrzymaliśmy zwrot zamówienia {order_number}",
            (
                "Dzień dobry {customer_name},\n\notrzymaliśmy Twój zwrot zamówienia "
                "{order_number}. Wkrótce go rozpatrzymy.\n\nPozdrawiamy\n{shop_name}"
            ),
            "{shop_name}: otrzymaliśmy zwrot zamówienia {order_number}.",
        ),
        "refund_sent": Text(
            "Zwrot pieniędzy za zamówienie {order_number} jest w drodze",
            (
                "Dzień dobry {customer_name},\n\nwysłaliśmy zwrot pieniędzy za Twoje "
                "zamówienie {order_number}. Może minąć kilka dni, zanim pojawi się na "
                "koncie.\n\nPozdrawiamy\n{shop_name}"
            ),
            ("{shop_name}: zwrot pieniędzy za zamówienie {order_number} został wysłany."),
        ),
    },
    "pt": {
        "shipped": Text(
            "A sua encomenda {order_number} está a caminho",
            (
                "Olá {customer_name},\n\nboas notícias: a sua encomenda {order_number} "
                "foi enviada.\n\nCom os melhores cumprimentos,\n{shop_name}"
            ),
            "{shop_name}: a sua encomenda {order_number} foi enviada.",
        ),
        "delayed": Text(
            "A sua encomenda {order_number} está atrasada",
            (
                "Olá {customer_name},\n\nlamentamos: a sua encomenda {order_number} está "
                "atrasada. Avisaremos assim que estiver a caminho.\n\nCom os melhores "
                "cumprimentos,\n{shop_name}"
            ),
            (
                "{shop_name}: lamentamos, a encomenda {order_number} está atrasada. "
                "Avisaremos quando for enviada."
            ),
        ),
        "out_for_delivery": Text(
            "A sua encomenda {order_number} chega hoje",
            (
                "Olá {customer_name},\n\na sua encomenda {order_number} saiu para "
                "entrega e deverá chegar hoje.\n\nCom os melhores cumprimentos,\n"
                "{shop_name}"
            ),
            "{shop_name}: a sua encomenda {order_number} é entregue hoje.",
        ),
        "delivered": Text(
            "A sua encomenda {order_number} foi entregue",
            (
                "Olá {customer_name},\n\na sua encomenda {order_number} foi entregue. "
                "Esperamos que goste.\n\nCom os melhores cumprimentos,\n{shop_name}"
            ),
            "{shop_name}: a sua encomenda {order_number} foi entregue.",
        ),
        "return_received": Text(
            "Recebemos a devolução da encomenda {order_number}",
            (
                "Olá {customer_name},\n\nrecebemos a sua devolução da encomenda "
                "{order_number}. Vamos tratá-la em breve.\n\nCom os melhores "
                "cumprimentos,\n{shop_name}"
            ),
            "{shop_name}: recebemos a devolução da encomenda {order_number}.",
        ),
        "refund_sent": Text(
            "O reembolso da encomenda {order_number} está a caminho",
            (
                "Olá {customer_name},\n\nenviámos o reembolso da sua encomenda "
                "{order_number}. Pode demorar alguns dias até aparecer na sua conta.\n\n"
                "Com os melhores cumprimentos,\n{shop_name}"
            ),
            "{shop_name}: o reembolso da encomenda {order_number} foi enviado.",
        ),
    },
    "ro": {
        "shipped": Text(
            "Comanda dumneavoastră {order_number} este pe drum",
            (
                "Bună ziua {customer_name},\n\nvești bune: comanda dumneavoastră "
                "{order_number} a fost expediată.\n\nCu stimă,\n{shop_name}"
            ),
            "{shop_name}: comanda dvs. {order_number} a fost expediată.",
        ),
        "delayed": Text(
            "Comanda dumneavoastră {order_number} întârzie",
            (
                "Bună ziua {customer_name},\n\nne pare rău: comanda dumneavoastră "
                "{order_number} întârzie. Vă anunțăm imediat ce este expediată.\n\nCu "
                "stimă,\n{shop_name}"
            ),
            (
                "{shop_name}: ne pare rău, comanda {order_number} întârzie. Vă anunțăm "
                "când este expediată."
            ),
        ),
        "out_for_delivery": Text(
            "Comanda dumneavoastră {order_number} sosește astăzi",
            (
                "Bună ziua {customer_name},\n\ncomanda dumneavoastră {order_number} este "
                "în curs de livrare și ar trebui să ajungă astăzi.\n\nCu stimă,\n"
                "{shop_name}"
            ),
            "{shop_name}: comanda dvs. {order_number} este livrată astăzi.",
        ),
        "delivered": Text(
            "Comanda dumneavoastră {order_number} a fost livrată",
            (
                "Bună ziua {customer_name},\n\ncomanda dumneavoastră {order_number} a "
                "fost livrată. Sperăm să vă bucurați de ea.\n\nCu stimă,\n{shop_name}"
            ),
            "{shop_name}: comanda dvs. {order_number} a fost livrată.",
        ),
        "return_received": Text(
            "Am primit returul comenzii {order_number}",
            (
                "Bună ziua {customer_name},\n\nam primit returul comenzii "
                "{order_number}. Îl vom procesa în curând.\n\nCu stimă,\n{shop_name}"
            ),
            "{shop_name}: am primit returul comenzii {order_number}.",
        ),
        "refund_sent": Text(
            "Rambursarea pentru comanda {order_number} este pe drum",
            (
                "Bună ziua {customer_name},\n\nam trimis rambursarea pentru comanda "
                "dumneavoastră {order_number}. Poate dura câteva zile până apare în "
                "cont.\n\nCu stimă,\n{shop_name}"
            ),
            "{shop_name}: rambursarea pentru comanda {order_number} a fost trimisă.",
        ),
    },
    "sk": {
        "shipped": Text(
            "Vaša objednávka {order_number} je na ceste",
            (
                "Dobrý deň {customer_name},\n\ndobrá správa: Vaša objednávka "
                "{order_number} bola odoslaná.\n\nS pozdravom\n{shop_name}"
            ),
            "{shop_name}: Vaša objednávka {order_number} bola odoslaná.",
        ),
        "delayed": Text(
            "Vaša objednávka {order_number} mešká",
            (
                "Dobrý deň {customer_name},\n\nospravedlňujeme sa: Vaša objednávka "
                "{order_number} mešká. Hneď ako ju odošleme, dáme Vám vedieť.\n\nS "
                "pozdravom\n{shop_name}"
            ),
            (
                "{shop_name}: ospravedlňujeme sa, Vaša objednávka {order_number} "
                "mešká. Po odoslaní Vám dáme vedieť."
            ),
        ),
        "out_for_delivery": Text(
            "Vaša objednávka {order_number} príde dnes",
            (
                "Dobrý deň {customer_name},\n\nVaša objednávka {order_number} je na "
                "ceste k Vám a mala by prísť ešte dnes.\n\nS pozdravom\n{shop_name}"
            ),
            "{shop_name}: Vaša objednávka {order_number} dnes príde.",
        ),
        "delivered": Text(
            "Vaša objednávka {order_number} bola doručená",
            (
                "Dobrý deň {customer_name},\n\nVaša objednávka {order_number} bola "
                "doručená. Dúfame, že Vám urobí radosť.\n\nS pozdravom\n{shop_name}"
            ),
            "{shop_name}: Vaša objednávka {order_number} bola doručená.",
        ),
        "return_received": Text(
            "Prijali sme Vaše vrátenie objednávky {order_number}",
            (
                "Dobrý deň {customer_name},\n\nprijali sme Vaše vrátenie objednávky "
                "{order_number}. Čoskoro ho spracujeme.\n\nS pozdravom\n{shop_name}"
            ),
            "{shop_name}: prijali sme Vaše vrátenie objednávky {order_number}.",
        ),
        "refund_sent": Text(
            "Peniaze za objednávku {order_number} sú na ceste",
            (
                "Dobrý deň {customer_name},\n\nposlali sme Vám peniaze za objednávku "
                "{order_number}. Na účte sa môžu objaviť až o niekoľko dní.\n\nS "
                "pozdravom\n{shop_name}"
            ),
            "{shop_name}: peniaze za objednávku {order_number} sme Vám poslali.",
        ),
    },
    "sl": {
        "shipped": Text(
            "Vaše naročilo {order_number} je na poti",
            (
                "Pozdravljeni {customer_name},\n\ndobra novica: vaše naročilo "
                "{order_number} je bilo odposlano.\n\nLep pozdrav,\n{shop_name}"
            ),
            "{shop_name}: vaše naročilo {order_number} je bilo odposlano.",
        ),
        "delayed": Text(
            "Vaše naročilo {order_number} zamuja",
            (
                "Pozdravljeni {customer_name},\n\nopravičujemo se: vaše naročilo "
                "{order_number} zamuja. Sporočili vam bomo, ko bo na poti.\n\nLep "
                "pozdrav,\n{shop_name}"
            ),
            (
                "{shop_name}: opravičujemo se, naročilo {order_number} zamuja. "
                "Sporočili bomo, ko bo odposlano."
            ),
        ),
        "out_for_delivery": Text(
            "Vaše naročilo {order_number} prispe danes",
            (
                "Pozdravljeni {customer_name},\n\nvaše naročilo {order_number} je v "
                "dostavi in bi moralo prispeti danes.\n\nLep pozdrav,\n{shop_name}"
            ),
            "{shop_name}: vaše naročilo {order_number} bo dostavljeno danes.",
        ),
        "delivered": Text(
            "Vaše naročilo {order_number} je bilo dostavljeno",
            (
                "Pozdravljeni {customer_name},\n\nvaše naročilo {order_number} je bilo "
                "dostavljeno. Upamo, da boste zadovoljni.\n\nLep pozdrav,\n{shop_name}"
            ),
            "{shop_name}: vaše naročilo {order_number} je bilo dostavljeno.",
        ),
        "return_received": Text(
            "Prejeli smo vračilo naročila {order_number}",
            (
                "Pozdravljeni {customer_name},\n\nprejeli smo vaše vračilo naročila "
                "{order_number}. Kmalu ga bomo obdelali.\n\nLep pozdrav,\n{shop_name}"
            ),
            "{shop_name}: prejeli smo vračilo naročila {order_number}.",
        ),
        "refund_sent": Text(
            "Vračilo denarja za naročilo {order_number} je na poti",
            (
                "Pozdravljeni {customer_name},\n\nnakazali smo vračilo denarja za vaše "
                "naročilo {order_number}. Na račun lahko prispe v nekaj dneh.\n\nLep "
                "pozdrav,\n{shop_name}"
            ),
            ("{shop_name}: vračilo denarja za naročilo {order_number} je bilo nakazano."),
        ),
    },
}

# The line added above the closing when the event carries a tracking link.
TRACKING: dict[str, str] = {
    "bg": "Проследете пратката: {tracking_link}",
    "cs": "Sledování zásilky: {tracking_link}",
    "de": "Sendung verfolgen: {tracking_link}",
    "el": "Παρακολούθηση δέματος: {tracking_link}",
    "en": "Track your parcel: {tracking_link}",
    "es": "Siga su paquete: {tracking_link}",
    "fr": "Suivre votre colis : {tracking_link}",
    "hr": "Praćenje pošiljke: {tracking_link}",
    "hu": "Csomagkövetés: {tracking_link}",
    "it": "Segui il tuo pacco: {tracking_link}",
    "nl": "Volg uw pakket: {tracking_link}",
    "pl": "Śledzenie przesyłki: {tracking_link}",
    "pt": "Acompanhe a sua encomenda: {tracking_link}",
    "ro": "Urmăriți coletul: {tracking_link}",
    "sk": "Sledovanie zásielky: {tracking_link}",
    "sl": "Sledenje pošiljki: {tracking_link}",
}
