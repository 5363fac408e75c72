"""Settings of the robustness tests: generated hostile input, reproducible and quick."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from hypothesis import HealthCheck, settings

# Derandomized (the same examples every run, no example database written to the tree),
# no deadline (a request through the whole intake takes a few tens of milliseconds, more
# on a busy machine), and the function-scoped fixtures (clients, mailboxes, numbers) shared
# by the examples of one test, each example rolled back by `rolled_back`.
FUZZ = settings(
    max_examples=50,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    """One example in a savepoint undone afterwards: examples do not see each other's rows,
    and a database error in one does not break the test's transaction for the next."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


def server_error(response) -> str:
    return f"{response.status_code}: {response.content[:500]!r}"
