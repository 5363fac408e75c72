"""A call's way through a client's menus, queue, voicemail, callback requests and survey,
one module per phase; and the billing of its legs (and of return calls), reconciled with
Twilio when a status webhook was lost.

Every function runs in the client's schema (the webhook views enter it); the webhook
steps return the TwiML to answer with (see steps).
"""
