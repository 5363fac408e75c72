"""Reads of the public telephony rows a webhook needs before it knows the client."""

from telephony.models import PhoneNumber
from tenants.domains import ProcessCache, client_by_id, forget_on_change


def _number_read(number: str) -> PhoneNumber | None:
    return PhoneNumber.objects.filter(number=number).first()


# Kept in each process as the domains are (tenants.domains: how long another process may
# see an old row, and why that is safe); this process forgets them on any change of a
# number or of a client.
numbers = ProcessCache(_number_read)
forget_on_change("telephony.PhoneNumber")


def phone_number_with_client(number: str) -> PhoneNumber | None:
    """Our number (any use) with its client, both from the process's cache; None when
    nobody owns it, or its client is gone."""
    found = numbers.get(number)
    if found is None:
        return None
    client = client_by_id(found.client_id)
    if client is None:
        return None
    found.client = client
    return found
