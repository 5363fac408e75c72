"""The voice fixtures (client A's numbers and menus, frozen time) for calls on the desk."""

from tests.telephony.conftest import frozen, voice  # noqa: F401 - fixtures
