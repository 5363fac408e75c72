from datetime import datetime

import factory

from accounts.models import User
from customers.models import Customer

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    role = User.Role.AGENT
    # A chosen language: tests read English pages whatever the test client's headers say.
    language = "en"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CustomerFactory(factory.django.DjangoModelFactory):
    """Create inside the client's schema (tests.support.tenancy.in_schema)."""

    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"Zákazník {n}")
    email = factory.Sequence(lambda n: f"customer{n}@shop.example")
    phone = factory.Sequence(lambda n: f"+42060{n:07d}")
    language = "cs"
    country = "CZ"


def agent_serving(
    clients, *, skills: dict[str, str] | None = None, available_at: datetime | None = None
) -> User:
    """An agent who serves ``clients`` and speaks ``skills`` (Czech, natively, by default);
    available since ``available_at`` when given."""
    from languages.services import agent_skills_set
    from routing.services import agent_presence_set

    user = UserFactory(role=User.Role.AGENT)
    agent_skills_set(agent=user, skills=skills or {"cs": "native"})
    user.served_clients.set(clients)
    if available_at is not None:
        agent_presence_set(agent=user, presence="available", now=available_at)
    return user
