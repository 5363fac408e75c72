"""Users live in the public schema; a client-portal user belongs to exactly one client."""

from typing import ClassVar, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q


class Team(models.Model):
    """A team of the agency's agents (agency-wide): the satisfaction figures are split by it."""

    name = models.CharField(max_length=100, unique=True)
    lead = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="teams_led",
        limit_choices_to=~Q(role="client"),
        help_text="optional: the agent who leads the team",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    class Role(models.TextChoices):
        ADMIN = "admin", "Agency admin"
        AGENT = "agent", "Agent"
        CLIENT = "client", "Client portal user"

    role = models.CharField(max_length=8, choices=Role.choices, default=Role.AGENT)
    client = models.ForeignKey(
        "tenants.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portal_users",
        help_text="Only for client portal users: the one client whose portal they use.",
    )
    served_clients = models.ManyToManyField(
        "tenants.Client",
        blank=True,
        related_name="agents",
        help_text="Agents only: the clients whose work this agent may take.",
    )
    language = models.CharField(
        max_length=8,
        blank=True,
        default="",
        help_text="UI language the user chose; empty: the browser's (then the client's default)",
    )
    time_zone = models.CharField(max_length=64, default="Europe/Prague")
    # One team at most: its satisfaction figures are the answers about the work its agents did.
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        help_text="Agents only: the team whose figures this agent's work counts in.",
    )

    objects: ClassVar[UserManager[Self]] = UserManager()

    class Meta:
        constraints = [
            # A client user has exactly one client; agency staff have none.
            models.CheckConstraint(
                condition=(Q(role="client") & Q(client__isnull=False))
                | (~Q(role="client") & Q(client__isnull=True)),
                name="user_client_iff_client_role",
            ),
        ]

    @property
    def is_client_user(self) -> bool:
        return self.role == self.Role.CLIENT

    @property
    def is_agency_admin(self) -> bool:
        return self.role == self.Role.ADMIN

    def may_use_portal_of(self, client) -> bool:
        """Client users see their own client's portal; agency admins may look at any."""
        if self.is_agency_admin:
            return True
        return self.is_client_user and self.client_id == client.pk
