"""A django-tenants migration executor for many client schemas at the same state.

django-tenants' executors run Django's ``migrate`` command once per schema: each run loads
the migration graph, renders the project state of every model at the schema's applied
migrations, lists the schema's tables by scanning all of ``pg_class`` and sends
``post_migrate`` to every app. At 5,000 clients that was about 2 s a schema for a migration
whose ``ALTER TABLE`` takes milliseconds (docs/performance.md, "Provisioning and many
clients on one database"). Client schemas are clones of one template, so they are nearly
always at the same applied state: here each process loads the graph once and, per distinct
applied state, plans and renders once; a schema then gets a clone of that state, its own
plan applied and recorded in its own ``django_migrations``, and ``post_migrate`` for the
apps its plan touched only (content types are per schema; permissions live in the public
schema and are skipped there by the router anyway).

Anything unusual (a schema without its ``django_migrations`` table, ``--fake``, a target
migration, squashed migrations whose graph depends on what was applied) goes through
django-tenants' own per-schema path, which is slower but knows every case.
"""

import multiprocessing
import sys
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.apps import apps as global_apps
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections
from django.db.migrations.executor import MigrationExecutor as DjangoExecutor
from django.db.migrations.migration import Migration
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.state import ProjectState
from django.db.models.signals import post_migrate, pre_migrate
from django_tenants.migration_executors import get_executor
from django_tenants.migration_executors.base import MigrationExecutor, run_migrations
from django_tenants.signals import schema_migrated, schema_pre_migration

# Options under which a schema goes through django-tenants' own path: they change what
# ``migrate`` does (a target, faking, printing a plan), which this executor does not redo.
STANDARD_PATH_OPTIONS = (
    "app_label",
    "migration_name",
    "fake",
    "fake_initial",
    "plan",
    "check_unapplied",
    "prune",
    "run_syncdb",
)
# Distinct applied states kept rendered per process: a deploy meets one or two.
STATES_KEPT = 4


class SchemaRecorder(MigrationRecorder):
    """Django's recorder, but the table check looks in the current schema only: Django's
    lists every table of the database (a scan of all of pg_class, which grows with each
    client) to find one name."""

    def has_table(self) -> bool:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT EXISTS (SELECT FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relname = %s "
                "AND c.relkind IN ('r', 'p'))",
                [self.connection.schema_name, self.Migration._meta.db_table],  # type: ignore[attr-defined]
            )
            return cursor.fetchone()[0]

    def ensure_schema(self) -> None:
        # Checked once per schema before its plan; a schema without the table goes
        # through django-tenants' path, which creates it.
        return None


@dataclass
class Prepared:
    """A plan and the project state before it, for every schema at one applied state."""

    plan: list[tuple[Migration, bool]]
    state: ProjectState


class SchemaMigrator:
    """One process's migrations of client schemas (see the module's docstring)."""

    def __init__(self, alias: str, verbosity: int) -> None:
        # django-tenants' wrapper (set_schema, schema_name), which the stubs do not know.
        self.connection: Any = connections[alias]
        self.verbosity = verbosity
        self.executor = DjangoExecutor(self.connection)
        self.executor.recorder = SchemaRecorder(self.connection)
        self.targets = self.executor.loader.graph.leaf_nodes()
        self.prepared: OrderedDict[frozenset, Prepared] = OrderedDict()
        # Migrations pre_migrate was sent for: contenttypes' receiver inserts an operation
        # after each RenameModel of the plan, into migration objects this process keeps.
        self.announced: set[tuple[str, str]] = set()
        conflicts = self.executor.loader.detect_conflicts()
        if conflicts:
            raise CommandError(f"Conflicting migrations detected: {conflicts}")

    @property
    def simple(self) -> bool:
        """Without squashed migrations the graph is the same whatever a schema applied."""
        return not self.executor.loader.replacements

    def applied(self, schema: str) -> frozenset | None:
        """The schema's recorded migrations, or None when it has no django_migrations."""
        self.connection.set_schema(schema)
        recorder = self.executor.recorder
        if not recorder.has_table():
            return None
        table = self.connection.ops.quote_name(recorder.Migration._meta.db_table)
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT app, name FROM {table}")  # noqa: S608
            return frozenset(cursor.fetchall())

    def prepare(self, applied: frozenset) -> Prepared:
        if applied in self.prepared:
            self.prepared.move_to_end(applied)
            return self.prepared[applied]
        loader = self.executor.loader
        # Only the keys are read (migration_plan, _create_project_state).
        loader.applied_migrations = dict.fromkeys(applied)  # type: ignore[assignment]
        for key in applied:
            if key not in loader.graph.nodes:
                continue
            for parent in loader.graph.node_map[key].parents:
                if parent.key not in applied:
                    raise CommandError(
                        f"Migration {key[0]}.{key[1]} is applied before its dependency "
                        f"{parent.key[0]}.{parent.key[1]}"
                    )
        plan = self.executor.migration_plan(self.targets)
        if any(backwards for _, backwards in plan):
            raise CommandError("a plan that unapplies migrations is not for this executor")
        # Django's migrate command builds its pre-migration state the same way.
        state = self.executor._create_project_state(with_applied_migrations=True)  # type: ignore[attr-defined]
        if plan:
            state.apps  # noqa: B018 -- rendered once here, cloned for each schema
        prepared = Prepared(plan, state)
        self.prepared[applied] = prepared
        if len(self.prepared) > STATES_KEPT:
            self.prepared.popitem(last=False)
        return prepared

    def migrate(self, schema: str) -> bool:
        """Migrate one schema; False when it must go through django-tenants' path."""
        applied = self.applied(schema)
        if applied is None:
            return False
        prepared = self.prepare(applied)
        if not prepared.plan:
            return True
        schema_pre_migration.send(run_migrations, schema_name=schema)
        self.signal(pre_migrate, prepared, prepared.state.apps, announce=True)
        state = prepared.state.clone()
        for migration, _ in prepared.plan:
            if self.verbosity >= 1:
                sys.stdout.write(f"[{schema}] Applying {migration.app_label}.{migration.name}\n")
            state = self.executor.apply_migration(state, migration)
        self.signal(post_migrate, prepared, state.apps)
        self.connection.set_schema_to_public()
        schema_migrated.send(run_migrations, schema_name=schema)
        return True

    def signal(self, signal, prepared: Prepared, apps, *, announce: bool = False) -> None:
        """The signal Django's migrate sends. pre_migrate goes to every app (contenttypes
        listens for the whole plan) with the migrations it was not yet sent for;
        post_migrate only to the apps the plan migrates: the others' content types cannot
        have changed, and each app costs queries in every schema."""
        plan = prepared.plan
        labels = {migration.app_label for migration, _ in plan}
        if announce:
            plan = [step for step in plan if self.key(step[0]) not in self.announced]
            self.announced.update(self.key(migration) for migration, _ in prepared.plan)
        for app_config in global_apps.get_app_configs():
            if app_config.models_module is None:
                continue
            if not announce and app_config.label not in labels:
                continue
            signal.send(
                sender=app_config,
                app_config=app_config,
                verbosity=self.verbosity,
                interactive=False,
                using=self.connection.alias,
                stdout=sys.stdout,
                apps=apps,
                plan=plan,
            )

    @staticmethod
    def key(migration: Migration) -> tuple[str, str]:
        return migration.app_label, migration.name


# The forked workers' migrator and the flag that stops them after a failure: set in the
# parent before the pool forks, so each worker inherits the graph already loaded.
worker_migrator: SchemaMigrator | None = None
worker_failed = None


def schemas_migrate(migrator: SchemaMigrator, schemas: list[str], failed) -> list:
    """Migrate ``schemas`` in order until one fails or another process's did. Returns
    (schema, outcome) pairs: "done", "standard" (for django-tenants' path) or the error."""
    outcomes = []
    for schema in schemas:
        if failed is not None and failed.is_set():
            break
        try:
            outcomes.append((schema, "done" if migrator.migrate(schema) else "standard"))
        except Exception as error:
            outcomes.append((schema, f"{type(error).__name__}: {error}"))
            if failed is not None:
                failed.set()
            break
    return outcomes


def chunk_migrate(schemas: list[str]) -> list:
    assert worker_migrator is not None
    try:
        return schemas_migrate(worker_migrator, schemas, worker_failed)
    finally:
        connections.close_all()


class SharedStateExecutor(MigrationExecutor):
    """Client schemas migrated with one graph and one rendered state per applied state per
    process; in ``--parallel`` processes (django-tenants' pool), chunks of schemas each."""

    codename = "shared-state"

    def run_migrations(self, tenants=None):
        global worker_migrator, worker_failed
        tenants = list(tenants or [])
        if self.PUBLIC_SCHEMA_NAME in tenants:
            tenants.remove(self.PUBLIC_SCHEMA_NAME)
            run_migrations(self.args, self.options, self.codename, self.PUBLIC_SCHEMA_NAME)
        if not tenants:
            return
        if any(self.options.get(option) for option in STANDARD_PATH_OPTIONS):
            return self.standard(tenants)
        migrator = SchemaMigrator(self.TENANT_DB_ALIAS, int(self.options.get("verbosity", 1)))
        if not migrator.simple:
            return self.standard(tenants)
        processes = int(self.options.get("parallel") or 1)
        if processes <= 1:
            outcomes = schemas_migrate(migrator, tenants, None)
        else:
            size = getattr(settings, "TENANT_MULTIPROCESSING_CHUNKS", 2)
            chunks = [tenants[i : i + size] for i in range(0, len(tenants), size)]
            connections.close_all()  # a forked worker must not share the parent's socket
            worker_migrator = migrator
            worker_failed = multiprocessing.get_context("fork").Event()
            try:
                # Forked (as django-tenants' pool is): the workers inherit the loaded graph.
                with multiprocessing.get_context("fork").Pool(processes) as pool:
                    outcomes = [pair for part in pool.imap(chunk_migrate, chunks) for pair in part]
            finally:
                worker_migrator = worker_failed = None
        failures = [(schema, outcome) for schema, outcome in outcomes if outcome not in OUTCOMES]
        if failures:
            raise CommandError(
                "migrating client schema "
                + "; ".join(f"{schema} failed: {error}" for schema, error in failures)
                + " (each other client schema is either migrated or untouched, and that "
                "schema keeps the migrations applied before the failing one)"
            )
        self.standard([schema for schema, outcome in outcomes if outcome == "standard"])

    def standard(self, tenants: list[str]) -> None:
        for idx, schema in enumerate(tenants):
            run_migrations(
                self.args, self.options, self.codename, schema, idx=idx, count=len(tenants)
            )

    def run_multi_type_migrations(self, tenants):
        raise NotImplementedError("Polydesk has one type of tenant")


OUTCOMES = ("done", "standard")


def executor_get(codename: str | None = None) -> type[MigrationExecutor]:
    """GET_EXECUTOR_FUNCTION: this executor by its codename, django-tenants' others by
    theirs."""
    if codename == SharedStateExecutor.codename:
        return SharedStateExecutor
    return get_executor(codename)
