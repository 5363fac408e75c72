"""Telephony: phone numbers, IVR menus and their TwiML, Twilio webhooks, call records."""
