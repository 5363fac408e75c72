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
        "unknown_number": "Sajnáljuk, ez a szám jelenleg nem elérhető. Viszonthallásra.",
        "invalid": "Sajnáljuk, ez a választás érvénytelen.",
        "goodbye": "Köszönjük a hívását. Viszonthallásra.",
        "closed": "Most zárva vagyunk. Újra nyitunk: {date}, {time}.",
        "closed_no_opening": "Most zárva vagyunk.",
        "position": "Az Ön helye a sorban: {position}.",
        "estimate": "A várható várakozási idő körülbelül {minutes} perc.",
        "exit_offer": "Üzenethagyáshoz nyomja meg az 1-est. Visszahívás kéréséhez nyomja meg "
        "a 2-est. Vagy maradjon vonalban.",
        "voicemail": "Kérjük, a sípszó után mondja el üzenetét, majd tegye le a telefont, "
        "vagy nyomja meg a kettőskereszt gombot.",
        "voicemail_thanks": "Köszönjük az üzenetét. Jelentkezünk. Viszonthallásra.",
        "callback": "Köszönjük. Amint lehet, visszahívjuk ezen a számon.",
        "transfer": "Kérjük, tartsa a vonalat, kapcsoljuk a hívását.",
        "survey": "Kérjük, értékelje szolgáltatásunkat egy 1-től 5-ig terjedő skálán, ahol az 1 "
        "gyenge, az 5 kiváló.",
        "survey_thanks": "Köszönjük az értékelést. Viszonthallásra.",
        "nps": "Egy 0-tól 10-ig terjedő skálán mennyire valószínű, hogy ajánlaná "
        "{client:article} üzletet a barátainak? Üsse be a számot, majd nyomja meg a "
        "kettőskereszt gombot.",
        "language_option": "A magyar nyelvhez nyomja meg a következő gombot: {key}.",
        "agent_whisper": "Hívás: {client}, nyelv: {language}.",
        "offer_gone": "Ez a hívó már nem várakozik.",
        "technical": "Sajnáljuk, műszaki hiba történt. Kérjük, próbálja újra később.",
    },
    "ro": {
        "unknown_number": "Ne pare rău, acest număr nu este alocat. La revedere.",
        "invalid": "Ne pare rău, această opțiune nu este validă.",
        "goodbye": "Vă mulțumim pentru apel. La revedere.",
        "closed": "Acum suntem închiși. Vă așteptăm din nou {date}, la ora {time}.",
        "closed_no_opening": "Acum suntem închiși.",
        "position": "Sunteți pe locul {position} în așteptare.",
        "estimate": "Timpul estimat de așteptare, în minute: aproximativ {minutes}.",
        "exit_offer": "Pentru a lăsa un mesaj, apăsați 1. Pentru a vă suna noi înapoi, apăsați "
        "2. Sau rămâneți pe linie.",
        "voicemail": "Vă rugăm să lăsați mesajul după semnalul sonor, apoi închideți sau "
        "apăsați tasta diez.",
        "voicemail_thanks": "Vă mulțumim pentru mesaj. Vă vom contacta. La revedere.",
        "callback": "Vă mulțumim. Vă vom suna înapoi la acest număr cât mai curând posibil.",
        "transfer": "Vă rugăm să așteptați, vă transferăm apelul.",
        "survey": "Vă rugăm să evaluați serviciul nostru: apăsați de la 1, slab, până la 5, "
        "excelent.",
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
        "position": "La sua chiamata è la numero {position} in coda.",
        "estimate": "Attesa prevista, in minuti: circa {minutes}.",
        "exit_offer": "Per lasciare un messaggio, prema 1. Per ricevere una richiamata, prema 2. "
        "Oppure resti in linea.",
        "voicemail": "Lasci il suo messaggio dopo il segnale acustico, poi riagganci o prema "
        "il tasto cancelletto.",
        "voicemail_thanks": "Grazie per il messaggio. La ricontatteremo. Arrivederci.",
        "callback": "Grazie. La richiameremo a questo numero appena possibile.",
        "transfer": "Attenda in linea, stiamo trasferendo la sua chiamata.",
        "survey": "Valuti il nostro servizio: prema un tasto da 1, scarso, a 5, eccellente.",
        "survey_thanks": "Grazie per la valutazione. Arrivederci.",
        "nps": "Con quale probabilità consiglierebbe {client} a un amico, da 0 a 10? Digiti il "
        "numero, poi prema il tasto cancelletto.",
        "language_option": "Per l'italiano, prema {key}.",
        "agent_whisper": "Una chiamata per {client}, in {language}.",
        "offer_gone": "Questo chiamante non è più in attesa.",
        "technical": "Siamo spiacenti, si è verificato un problema tecnico. Riprovi più tardi.",
    },
    "nl": {
        "unknown_number": "Dit nummer is helaas niet in gebruik. Tot ziens.",
        "invalid": "Deze keuze is helaas niet geldig.",
        "goodbye": "Bedankt voor uw telefoontje. Tot ziens.",
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
        "survey": "Beoordeel onze service: druk op 1 voor slecht, tot en met 5 voor uitstekend.",
        "survey_thanks": "Bedankt voor uw beoordeling. Tot ziens.",
        "nps": "Hoe waarschijnlijk is het dat u {client} aanbeveelt aan vrienden, van 0 tot 10? "
        "Toets het getal in en druk daarna op hekje.",
        "language_option": "Voor Nederlands, druk op {key}.",
        "agent_whisper": "Een gesprek voor {client}, in het {language}.",
        "offer_gone": "Deze beller wacht niet meer.",
        "technical": "Er is helaas een technisch probleem. Probeer het later opnieuw.",
    },
    "sl": {
        "unknown_number": "Žal ta številka ni v uporabi. Na svidenje.",
        "invalid": "Žal ta izbira ni veljavna.",
        "goodbye": "Hvala za klic. Na svidenje.",
        "closed": "Zdaj smo zaprti. Ponovno smo dosegljivi: {date}, ob {time}.",
        "closed_no_opening": "Zdaj smo zaprti.",
        "position": "Vaše mesto v čakalni vrsti: {position}.",
        "estimate": "Predvideni čas čakanja v minutah: približno {minutes}.",
        "exit_offer": "Če želite pustiti sporočilo, pritisnite 1. Če želite, da vas pokličemo "
        "nazaj, pritisnite 2. Lahko pa ostanete na liniji.",
        "voicemail": "Po zvočnem signalu povejte svoje sporočilo, nato odložite ali pritisnite "
        "tipko lojtra.",
        "voicemail_thanks": "Hvala za vaše sporočilo. Oglasili se vam bomo. Na svidenje.",
        "callback": "Hvala. Poklicali vas bomo nazaj na to številko, takoj ko bo mogoče.",
        "transfer": "Prosimo, počakajte, vaš klic preusmerjamo.",
        "survey": "Prosimo, ocenite našo storitev: pritisnite od 1 za slabo do 5 za odlično.",
        "survey_thanks": "Hvala za vašo oceno. Na svidenje.",
        "nps": "Kako verjetno je, da bi {client} priporočili prijatelju, na lestvici od 0 do "
        "10? Vtipkajte število in nato pritisnite tipko lojtra.",
        "language_option": "Za slovenščino pritisnite {key}.",
        "agent_whisper": "Klic za {client}, jezik: {language}.",
        "offer_gone": "Ta klicatelj ne čaka več.",
        "technical": "Žal imamo tehnično težavo. Prosimo, poskusite znova pozneje.",
    },
    "hr": {
        "unknown_number": "Nažalost, ovaj broj nije u upotrebi. Doviđenja.",
        "invalid": "Nažalost, taj odabir nije valjan.",
        "goodbye": "Hvala na pozivu. Doviđenja.",
        "closed": "Trenutačno ne radimo. Ponovno smo dostupni: {date}, u {time}.",
        "closed_no_opening": "Trenutačno ne radimo.",
        "position": "Vaše mjesto u redu čekanja: {position}.",
        "estimate": "Predviđeno vrijeme čekanja u minutama: otprilike {minutes}.",
        "exit_offer": "Ako želite ostaviti poruku, pritisnite 1. Ako želite da vas nazovemo, "
        "pritisnite 2. Ili ostanite na liniji.",
        "voicemail": "Nakon zvučnog signala izgovorite svoju poruku, a zatim spustite slušalicu "
        "ili pritisnite tipku ljestve.",
        "voicemail_thanks": "Hvala na poruci. Javit ćemo vam se. Doviđenja.",
        "callback": "Hvala. Nazvat ćemo vas na ovaj broj čim budemo mogli.",
        "transfer": "Molimo pričekajte, spajamo vaš poziv.",
        "survey": "Molimo ocijenite našu uslugu: pritisnite od 1 za loše do 5 za odlično.",
        "survey_thanks": "Hvala na ocjeni. Doviđenja.",
        "nps": "Koliko je vjerojatno da biste {client} preporučili prijatelju, na ljestvici od 0 "
        "do 10? Utipkajte broj, a zatim pritisnite tipku ljestve.",
        "language_option": "Za hrvatski pritisnite {key}.",
        "agent_whisper": "Poziv za {client}, jezik: {language}.",
        "offer_gone": "Ovaj pozivatelj više ne čeka.",
        "technical": "Nažalost, imamo tehnički problem. Molimo pokušajte ponovno kasnije.",
    },
    "bg": {
        "unknown_number": "За съжаление този номер не се използва. Довиждане.",
        "invalid": "За съжаление този избор е невалиден.",
        "goodbye": "Благодарим ви за обаждането. Довиждане.",
        "closed": "В момента не работим. Отново ще сме на разположение: {date}, от {time} часа.",
        "closed_no_opening": "В момента не работим.",
        "position": "Вие сте номер {position} в опашката.",
        "estimate": "Очаквано време за изчакване в минути: около {minutes}.",
        "exit_offer": "За да оставите съобщение, натиснете 1. За да ви се обадим обратно, "
        "натиснете 2. Или останете на линия.",
        "voicemail": "Моля, оставете съобщението си след сигнала, след това затворете или "
        "натиснете диез.",
        "voicemail_thanks": "Благодарим ви за съобщението. Ще се свържем с вас. Довиждане.",
        "callback": "Благодарим ви. Ще ви се обадим на този номер възможно най-скоро.",
        "transfer": "Моля, изчакайте, свързваме ви.",
        "survey": "Моля, оценете нашето обслужване: натиснете от 1 за лошо до 5 за отлично.",
        "survey_thanks": "Благодарим ви за оценката. Довиждане.",
        "nps": "Колко вероятно е да препоръчате {client} на приятел, по скала от 0 до 10? "
        "Въведете числото, след това натиснете диез.",
        "language_option": "За български натиснете {key}.",
        "agent_whisper": "Обаждане за {client}, език: {language}.",
        "offer_gone": "Този обаждащ се вече не чака.",
        "technical": "За съжаление имаме технически проблем. Моля, опитайте отново по-късно.",
    },
    "es": {
        "unknown_number": "Lo sentimos, este número no está operativo. Adiós.",
        "invalid": "Lo sentimos, esa opción no es válida.",
        "goodbye": "Gracias por su llamada. Adiós.",
        "closed": "Ahora estamos cerrados. Volvemos a abrir el {date} a las {time}.",
        "closed_no_opening": "Ahora estamos cerrados.",
        "position": "Su llamada ocupa el lugar número {position} en la cola.",
        "estimate": "Tiempo de espera estimado, en minutos: unos {minutes}.",
        "exit_offer": "Para dejar un mensaje, pulse 1. Para que le devolvamos la llamada, "
        "pulse 2. O permanezca en línea.",
        "voicemail": "Deje su mensaje después de la señal y luego cuelgue o pulse la tecla "
        "almohadilla.",
        "voicemail_thanks": "Gracias por su mensaje. Nos pondremos en contacto con usted. Adiós.",
        "callback": "Gracias. Le devolveremos la llamada a este número lo antes posible.",
        "transfer": "Espere, por favor, estamos transfiriendo su llamada.",
        "survey": "Valore nuestro servicio de hoy: pulse de 1, malo, a 5, excelente.",
        "survey_thanks": "Gracias por su valoración. Adiós.",
        "nps": "Del 0 al 10, ¿qué probabilidad hay de que recomiende {client} a un amigo? "
        "Marque el número y después pulse la tecla almohadilla.",
        "language_option": "Para español, pulse {key}.",
        "agent_whisper": "Una llamada para {client}, en {language}.",
        "offer_gone": "Esta persona ya no está esperando.",
        "technical": "Lo sentimos, tenemos un problema técnico. Inténtelo de nuevo más tarde.",
    },
    "pt": {
        "unknown_number": "Lamentamos, este número não está atribuído. Adeus.",
        "invalid": "Lamentamos, essa opção não é válida.",
        "goodbye": "Obrigado pela sua chamada. Adeus.",
        "closed": "Neste momento estamos fechados. Voltamos a abrir: {date}, às {time}.",
        "closed_no_opening": "Neste momento estamos fechados.",
        "position": "A sua chamada está na posição {position} da fila de espera.",
        "estimate": "Tempo de espera previsto, em minutos: cerca de {minutes}.",
        "exit_offer": "Para deixar uma mensagem, prima 1. Para lhe ligarmos de volta, prima 2. "
        "Ou mantenha-se em linha.",
        "voicemail": "Deixe a sua mensagem depois do sinal e, em seguida, desligue ou prima a "
        "tecla cardinal.",
        "voicemail_thanks": "Obrigado pela sua mensagem. Entraremos em contacto consigo. Adeus.",
        "callback": "Obrigado. Vamos ligar-lhe de volta para este número assim que possível.",
        "transfer": "Aguarde, por favor, estamos a transferir a sua chamada.",
        "survey": "Avalie o nosso serviço de hoje: prima de 1, mau, a 5, excelente.",
        "survey_thanks": "Obrigado pela sua avaliação. Adeus.",
        "nps": "De 0 a 10, qual a probabilidade de recomendar {client} a um amigo? Marque o "
        "número e depois prima a tecla cardinal.",
        "language_option": "Para português, prima {key}.",
        "agent_whisper": "Uma chamada para {client}, em {language}.",
        "offer_gone": "Esta pessoa já não está à espera.",
        "technical": "Lamentamos, temos um problema técnico. Tente novamente mais tarde.",
    },
    "el": {
        "unknown_number": "Λυπούμαστε, αυτός ο αριθμός δεν είναι σε λειτουργία. Αντίο σας.",
        "invalid": "Λυπούμαστε, αυτή η επιλογή δεν είναι έγκυρη.",
        "goodbye": "Σας ευχαριστούμε για την κλήση σας. Αντίο σας.",
        "closed": "Αυτή τη στιγμή είμαστε κλειστά. Ανοίγουμε ξανά στις {time}, {date}.",
        "closed_no_opening": "Αυτή τη στιγμή είμαστε κλειστά.",
        "position": "Βρίσκεστε στη θέση {position} της αναμονής.",
        "estimate": "Εκτιμώμενος χρόνος αναμονής σε λεπτά: περίπου {minutes}.",
        "exit_offer": "Για να αφήσετε μήνυμα, πατήστε 1. Για να σας καλέσουμε εμείς, πατήστε "
        "2. Ή παραμείνετε στη γραμμή.",
        "voicemail": "Αφήστε το μήνυμά σας μετά τον ήχο και στη συνέχεια κλείστε ή πατήστε τη "
        "δίεση.",
        "voicemail_thanks": "Σας ευχαριστούμε για το μήνυμά σας. Θα επικοινωνήσουμε μαζί σας. "
        "Αντίο σας.",
        "callback": "Σας ευχαριστούμε. Θα σας καλέσουμε σε αυτόν τον αριθμό το συντομότερο.",
        "transfer": "Παρακαλούμε περιμένετε, μεταφέρουμε την κλήση σας.",
        "survey": "Αξιολογήστε την εξυπηρέτησή μας: πατήστε από 1 για κακή έως 5 για άριστη.",
        "survey_thanks": "Σας ευχαριστούμε για την αξιολόγηση. Αντίο σας.",
        "nps": "Από 0 έως 10, πόσο πιθανό είναι να προτείνετε το κατάστημα {client} σε έναν φίλο; "
        "Πληκτρολογήστε τον αριθμό και μετά πατήστε τη δίεση.",
        "language_option": "Για ελληνικά, πατήστε {key}.",
        "agent_whisper": "Κλήση για {client}, γλώσσα: {language}.",
        "offer_gone": "Αυτός ο καλών δεν περιμένει πλέον.",
        "technical": "Λυπούμαστε, υπάρχει τεχνικό πρόβλημα. Δοκιμάστε ξανά αργότερα.",
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
