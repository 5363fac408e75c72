import pytest

from customers.models import Customer
from customers.services import customer_erase
from tests.conftest import in_schema
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_erasing_a_customer_removes_personal_data_and_keeps_the_row(two_clients):
    with in_schema(two_clients.a):
        customer = CustomerFactory(name="Jiří Šťastný", shop_reference="C-1")
        customer_erase(customer_id=customer.pk)
        erased = Customer.objects.get(pk=customer.pk)
    assert (erased.name, erased.email, erased.phone, erased.shop_reference) == ("", "", "", "")
    assert erased.language == "cs" and erased.erased_at is not None


def test_erasing_twice_keeps_the_first_erasure_time(two_clients):
    with in_schema(two_clients.a):
        customer = CustomerFactory()
        first = customer_erase(customer_id=customer.pk).erased_at
        second = customer_erase(customer_id=customer.pk).erased_at
    assert first == second
