"""Agents and conversations for the desk's tests (real services, real schemas)."""

import lxml.html
from django.test import Client as HttpClient

from accounts.models import User
from conversations.services import conversation_open_inbound
from languages.services import agent_skills_set
from routing.models import WorkItem
from routing.services import agent_presence_set, work_enqueue
from tests.support.factories import UserFactory
from tests.support.tenancy import in_schema


def agent_with(clients, skills: dict[str, str], *, presence: str = "available", **fields) -> User:
    user = UserFactory(role=fields.pop("role", User.Role.AGENT), **fields)
    agent_skills_set(agent=user, skills=skills)
    user.served_clients.set(clients)
    agent_presence_set(agent=user, presence=presence)
    return user


def queue(client, language: str, source_id: int, summary: str) -> WorkItem:
    """An e-mail's work item waiting in ``client``'s queue, in ``language``."""
    return work_enqueue(
        client=client,
        channel="email",
        language=language,
        summary=summary,
        source_kind="conversation",
        source_id=source_id,
    )


def signed_in(user: User) -> HttpClient:
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(user)
    return http


def inbound(client, text: str, email: str, *, channel: str = "email", subject: str = ""):
    """A new conversation and its work item."""
    with in_schema(client):
        conversation = conversation_open_inbound(
            client=client,
            channel=channel,
            text=text,
            customer_email=email,
            subject=subject,
        ).conversation
    return conversation, WorkItem.objects.get(
        client=client, source_id=conversation.pk, source_kind="conversation"
    )


def held_by(item: WorkItem, agent: User) -> WorkItem:
    WorkItem.objects.filter(pk=item.pk).update(agent=agent, status="assigned")
    item.refresh_from_db()
    return item


def table_rows(page: str, table_id: str) -> list[list[str]]:
    """The text of each cell of each body row of the table with that id."""
    table = lxml.html.fromstring(page).get_element_by_id(table_id)
    return [
        [" ".join(cell.text_content().split()) for cell in row.xpath("./td")]
        for row in table.xpath("./tbody/tr")
    ]
