"""One user model for everyone: agency admins, agents and client-portal users."""
