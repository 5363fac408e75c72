"""Voice webhooks, under /twilio/voice/ on the agency's domain."""

from django.urls import path

from telephony.voice import views

urlpatterns = [
    path("incoming", views.incoming, name="twilio-voice-incoming"),
    path("status", views.status, name="twilio-voice-status"),
    path("c/<int:client_id>/gather", views.gather, name="twilio-voice-gather"),
    path("c/<int:client_id>/wait", views.wait, name="twilio-voice-wait"),
    path("c/<int:client_id>/hold-choice", views.hold_choice, name="twilio-voice-hold-choice"),
    path("c/<int:client_id>/queue-exit", views.queue_exit, name="twilio-voice-queue-exit"),
    path(
        "c/<int:client_id>/voicemail-done", views.voicemail_done, name="twilio-voice-voicemail-done"
    ),
    path("c/<int:client_id>/recording", views.recording, name="twilio-voice-recording"),
    path("c/<int:client_id>/survey", views.survey, name="twilio-voice-survey"),
    path("c/<int:client_id>/nps", views.nps, name="twilio-voice-nps"),
    path("c/<int:client_id>/agent", views.agent, name="twilio-voice-agent"),
    # The status webhook of a return call's customer leg. The path keeps its old name: the
    # TwiML of return calls placed before the rename still names it.
    path(
        "c/<int:client_id>/callback-status",
        views.return_call_status,
        name="twilio-voice-return-call-status",
    ),
]
