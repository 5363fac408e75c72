from django.urls import path

from surveys.views import survey_rate_page

urlpatterns = [
    path("survey/<str:token>/", survey_rate_page, name="survey-rate"),
]
