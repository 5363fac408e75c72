"""The voice fixtures (client A's numbers and menus, frozen time, the fake Twilio) for
calls on the desk."""

from tests.telephony.conftest import frozen, twilio, voice  # noqa: F401 - fixtures
