"""The e-mail survey's public page on the client's domain (no sign-in: the signed token is
the customer's key).

Opening a one-click link does not record by itself: mail scanners (Safe Links and the like)
open every link of a mail, all five ratings in turn. The page shows the rating clicked and
sends it at once with a small script (a scanner does not run it; a customer without scripts
presses one button); the customer may change it and add a comment for as long as the link
works.
"""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from surveys.links import LinkExpired, LinkInvalid, survey_token_read
from surveys.models import NPS_ANSWERS, RATINGS, Survey, SurveyOptOut
from surveys.services import (
    rating_labels,
    survey_comment,
    survey_opt_in,
    survey_opt_out,
    survey_rate,
    survey_recommend,
    survey_settings_get,
)


@require_http_methods(["GET", "POST"])
def survey_rate_page(request: HttpRequest, token: str) -> HttpResponse:
    client = request.tenant  # type: ignore[attr-defined]  # django-tenants sets it
    valid_days = survey_settings_get().link_valid_days
    try:
        survey_id = survey_token_read(client=client, token=token, max_age_days=valid_days)
        survey = Survey.objects.get(
            pk=survey_id, state=Survey.State.SENT, conversation__customer__erased_at__isnull=True
        )
    except LinkExpired:
        return _refused(request, client, expired=True)
    except (LinkInvalid, Survey.DoesNotExist):
        return _refused(request, client, expired=False)
    with translation.override(survey.language):
        if request.method == "POST":
            return _answer(request, survey, token)
        clicked = _rating_of(request.GET.get("rating", ""))
        context = {
            "client": client,
            "survey": survey,
            "labels": list(rating_labels().items()),  # best first, as in the e-mail
            "nps_answers": NPS_ANSWERS,
            "nps_question": _("How likely are you to recommend %(shop)s to a friend? (optional)")
            % {"shop": client.name},
            "clicked": clicked if clicked != survey.rating else None,
            "saved": request.GET.get("saved") == "1",
            "opted_out": SurveyOptOut.objects.filter(
                customer_id=survey.conversation.customer_id
            ).exists(),
        }
        return render(request, "surveys/rate.html", context)


def _answer(request: HttpRequest, survey: Survey, token: str) -> HttpResponse:
    if request.POST.get("surveys") in ("stop", "again"):
        if request.POST["surveys"] == "stop":
            survey_opt_out(survey_id=survey.pk)
        else:
            survey_opt_in(survey_id=survey.pk)
        return redirect("survey-rate", token=token)
    rating = _rating_of(request.POST.get("rating", ""))
    nps = _nps_of(request.POST.get("nps", ""))
    try:
        if rating is not None:
            survey = survey_rate(survey_id=survey.pk, rating=rating, via=Survey.Via.LINK)
        if nps is not None and survey.rating is not None:
            survey = survey_recommend(survey_id=survey.pk, nps=nps)
        if "comment" in request.POST:
            survey = survey_comment(survey_id=survey.pk, comment=request.POST["comment"])
    except ValidationError:
        pass  # only answers in their range reach here; the page shows what is stored
    response = redirect("survey-rate", token=token)
    response["Location"] += "?saved=1"
    return response


def _rating_of(raw: str) -> int | None:
    return _whole_number(raw, RATINGS)


def _nps_of(raw: str) -> int | None:
    return _whole_number(raw, NPS_ANSWERS)


def _whole_number(raw: str, allowed: tuple[int, ...]) -> int | None:
    # isdigit() alone takes "²" and other digits that int() refuses (a 500, not "no answer").
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 3:
        return None
    return int(raw) if int(raw) in allowed else None


def _refused(request: HttpRequest, client: object, *, expired: bool) -> HttpResponse:
    status = 410 if expired else 400
    return render(
        request, "surveys/link_refused.html", {"client": client, "expired": expired}, status=status
    )
