"""Users live in the public schema; a client-portal user belongs to exactly one client."""

from typing import ClassVar, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q

from tenants.models import validate_time_zone


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

    class PortalRole(models.TextChoices):
        VIEWER = "viewer", "Viewer"
        MANAGER = "manager", "Manager"

    role = models.CharField(max_length=8, choices=Role.choices, default=Role.AGENT)
    # Least by default: a viewer reads the portal; a manager also reads the client's audit
    # log. Meaningless for agency staff.
    portal_role = models.CharField(
        max_length=8,
        choices=PortalRole.choices,
        default=PortalRole.VIEWER,
        help_text="Client portal users only: a manager also sees the client's audit log.",
    )
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
    # A pool agent or team lead: a list of every client grew with the agency (thousands of
    # ids read on each routing decision and desk page) and missed the clients added later.
    serves_every_client = models.BooleanField(
        default=False,
        help_text="Agents only: takes the work of every client, including clients added "
        "later; the list of clients served is then not used.",
    )
    language = models.CharField(
        max_length=8,
        blank=True,
        default="",
        help_text="UI language the user chose; empty: the browser's (then the client's default)",
    )
    time_zone = models.CharField(
        max_length=64, default="Europe/Prague", validators=[validate_time_zone]
    )
    # One team at most: its satisfaction figures are the answers about the work its agents did.
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        help_text="Agents only: the team whose figures this agent's work counts in.",
    )

    # A client's portal user invited by one of its managers (accounts.portal_users): inactive
    # until they set a password through the invitation's link. Removed users stay (inactive)
    # so the audit log still names them.
    invited_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[UserManager[Self]] = UserManager()

    class Meta:
        constraints = [
            # A client user has exactly one client; agency staff have none.
            models.CheckConstraint(
                condition=(Q(role="client") & Q(client__isnull=False))
                | (~Q(role="client") & Q(client__isnull=True)),
                name="user_client_iff_client_role",
            ),
            # A portal user belongs to one client and never serves any.
            models.CheckConstraint(
                condition=~(Q(role="client") & Q(serves_every_client=True)),
                name="user_every_client_not_portal",
                violation_error_message="A client portal user cannot serve every client.",
            ),
        ]

    @property
    def is_client_user(self) -> bool:
        return self.role == self.Role.CLIENT

    @property
    def is_agency_admin(self) -> bool:
        return self.role == self.Role.ADMIN

    @property
    def is_invited(self) -> bool:
        """Invited to a portal and not yet in: no password set through the link yet."""
        return self.invited_at is not None and not self.is_active and self.removed_at is None

    def may_manage_portal_of(self, client) -> bool:
        """The client's managers, and agency admins (who may look at any portal)."""
        if self.is_agency_admin:
            return True
        return (
            self.is_client_user
            and self.client_id == client.pk
            and self.portal_role == self.PortalRole.MANAGER
        )

    def may_use_portal_of(self, client) -> bool:
        """Client users see their own client's portal; agency admins may look at any."""
        if self.is_agency_admin:
            return True
        return self.is_client_user and self.client_id == client.pk


class AgentSettings(models.Model):
    """An agent's own desk preferences: which notifications (sound, desktop) for what."""

    agent = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="desk_settings"
    )
    # A call offered to the agent (ringing their phone).
    call_sound = models.BooleanField(default=True)
    call_desktop = models.BooleanField(default=True)
    # A chat, SMS or API conversation offered or given to the agent.
    chat_sound = models.BooleanField(default=True)
    chat_desktop = models.BooleanField(default=True)
    # New work waiting in the queue the agent may take.
    queue_sound = models.BooleanField(default=False)
    queue_desktop = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "agent settings"

    def __str__(self) -> str:
        return f"settings of {self.agent}"


class AgentRating(models.Model):
    """A customer's satisfaction rating (1-5) of a conversation, copied to the public schema
    for the agent who held it, so that per-agent figures need no client schema."""

    agent = models.ForeignKey(User, on_delete=models.CASCADE, related_name="ratings")
    client = models.ForeignKey("tenants.Client", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=8)
    conversation_id = models.BigIntegerField()
    rating = models.PositiveSmallIntegerField()
    rated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "conversation_id"], name="one_rating_per_conversation"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="agent_rating_1_to_5"
            ),
        ]
        indexes = [models.Index(fields=["agent", "rated_at"], name="agentrating_agent_rated")]

    def __str__(self) -> str:
        return f"{self.rating} for {self.agent} ({self.client_id}/{self.conversation_id})"


class RememberedBrowser(models.Model):
    """A browser whose owner ticked "Remember this browser" after a code: its signed cookie
    names this row, so signing in there skips the code until ``expires_at`` or revocation
    (by the user, a password change or the removal of their factor)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="remembered_browsers")
    # What the user sees in the list: the browser's own description, shortened.
    label = models.CharField(max_length=200, blank=True)
    site = models.CharField(max_length=253, blank=True, help_text="the host it was added on")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "expires_at"], name="rememberedbrowser_user")]

    def __str__(self) -> str:
        return f"browser {self.pk} of {self.user_id}"
