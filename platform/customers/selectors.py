"""Reads on a client's customers (current schema)."""

from django.db.models import Q, QuerySet

from customers.models import Customer


def customer_search(*, query: str = "") -> QuerySet[Customer]:
    customers = Customer.objects.all()
    if query:
        customers = customers.filter(
            Q(name__icontains=query) | Q(email__icontains=query) | Q(phone__icontains=query)
        )
    return customers
