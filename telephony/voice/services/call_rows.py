"""The IVR's hot statements, as SQL written once and prepared once per connection
(telephony.voice.prepared): an incoming call's first menu and its INSERT, a key press's
read of the call and its UPDATE.

Each reads or writes what the ORM statements it replaced did, column for column: the
columns come from the models' metadata, so a field added to Call, Menu or Option is read
and written here too. The client's menus come with the call only when this process does
not hold their version (menu_cache): every menu with its options, so that going back, or
on to a submenu, is no statement more.
"""

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Field, Model

from telephony.voice.models import Call, Menu
from telephony.voice.prepared import prepared_execute
from telephony.voice.services import menu_cache

_CALL = Call._meta.db_table


def _columns(model: type[Model], alias: str) -> str:
    return ", ".join(f'{alias}."{field.column}"' for field in model._meta.concrete_fields)


# Only names from the models' metadata and constants of this module go into the SQL; the
# values are the statements' parameters.
_ENTRY = (
    f'SELECT (SELECT last_twiml FROM "{_CALL}" WHERE call_sid = %s LIMIT 1), v.xid,'  # noqa: S608
    f" {menu_cache.MENUS_UNLESS_HELD} FROM {menu_cache.VERSION_ROW}"
)

_CALL_READ = (
    f"SELECT {_columns(Call, 'c')}, v.xid, {menu_cache.MENUS_UNLESS_HELD}"  # noqa: S608
    f' FROM {menu_cache.VERSION_ROW} LEFT JOIN "{_CALL}" c ON c.call_sid = %s'
)

_INSERTED: list[Field[Any, Any]] = [
    field for field in Call._meta.concrete_fields if not field.primary_key
]
_CALL_INSERT = (
    f'INSERT INTO "{_CALL}" ({", ".join(f'"{field.column}"' for field in _INSERTED)})'  # noqa: S608
    f" VALUES ({', '.join(['%s'] * len(_INSERTED))}) ON CONFLICT DO NOTHING"
)

# What a key press that only moves the call through its menus may change: the UPDATE
# writes these and nothing else (the status webhook writes other columns).
KEY_FIELDS = (
    "menu_id",
    "menu_stack",
    "tries",
    "step",
    "last_twiml",
    "path",
    "language",
    "topic",
    "outcome",
    "menu_left_at",
    "transferred_to",
)
_KEY_WRITTEN: list[Field[Any, Any]] = [Call._meta.get_field(name) for name in KEY_FIELDS]  # type: ignore[misc]
_KEY_UPDATE = (
    f'UPDATE "{_CALL}" SET '  # noqa: S608
    + ", ".join(f'"{field.column}" = %s' for field in _KEY_WRITTEN)
    + " WHERE id = %s AND step = %s"
    " AND completed_at IS NOT DISTINCT FROM %s AND menu_left_at IS NOT DISTINCT FROM %s"
)


_CALL_FIELDS = [field.attname for field in Call._meta.concrete_fields]
_CALL_CONVERTERS = [getattr(field, "from_db_value", None) for field in Call._meta.concrete_fields]
_CALL_WIDTH = len(_CALL_FIELDS)


def _call_from_columns(values: Any) -> Call:
    """The call from its columns as the driver gave them (JSON as text, as Django reads it)."""
    converted = [
        value if convert is None or value is None else convert(value, None, connection)
        for convert, value in zip(_CALL_CONVERTERS, values, strict=True)
    ]
    return Call.from_db(DEFAULT_DB_ALIAS, _CALL_FIELDS, converted)


def _fetch(sql: str, params: list[Any]) -> tuple[Any, ...] | None:
    with connection.cursor() as cursor:
        prepared_execute(cursor, sql, params)
        row: tuple[Any, ...] | None = cursor.fetchone()
        return row


def entry_menu_and_earlier(number: str, call_sid: str) -> tuple[Menu | None, str | None]:
    """The number's first menu (else the menu keyed ``main``) with its options, and the
    answer already given to this call (a retried first request), in one statement; the
    menu is None when there is none. The menus come from the process when it holds their
    version (menu_cache)."""
    held = menu_cache.held()
    row = _fetch(_ENTRY, [call_sid, held[0] if held else ""])
    assert row is not None  # one row, whatever the tables hold
    earlier, version, dump = row
    return menu_cache.menus_of(held, version, dump).entry(number), earlier


def call_with_menu(call_sid: str) -> Call | None:
    """The call with its menu and the menu's options, in one statement; None when the
    client has no such call. ``call.menu_before``: the menu at the top of its stack, with
    its options, or None when it is gone or the stack is empty. The menus come from the
    process when it holds their version (menu_cache)."""
    held = menu_cache.held()
    row = _fetch(_CALL_READ, [held[0] if held else "", call_sid])
    assert row is not None  # one row, whatever the tables hold
    version, dump = row[-2], row[-1]
    menus = menu_cache.menus_of(held, version, dump)
    if row[0] is None:  # no such call
        return None
    call = _call_from_columns(row[:_CALL_WIDTH])
    if call.menu_id is not None and call.menu_id in menus.by_id:
        call.menu = menus.by_id[call.menu_id]
    stack = call.menu_stack
    call.menu_before = menus.by_id.get(int(stack[-1])) if stack else None  # type: ignore[attr-defined]
    return call


def _db_value(field: Field[Any, Any], value: Any) -> Any:
    return field.get_db_prep_save(value, connection)


def call_insert(call: Call) -> None:
    """INSERT the new call; nothing when a call with its sid exists (a retry that raced the
    first request)."""
    params = [_db_value(field, field.pre_save(call, True)) for field in _INSERTED]
    with connection.cursor() as cursor:
        prepared_execute(cursor, _CALL_INSERT, params)


def call_key_write(call: Call, *, read: dict[str, Any]) -> bool:
    """UPDATE the columns a key changes, if the call is still as ``read`` (its step, when
    it ended, when it left the menus); False when another request moved it first."""
    params = [
        *(_db_value(field, getattr(call, field.attname)) for field in _KEY_WRITTEN),
        call.pk,
        read["step"],
        read["completed_at"],
        read["menu_left_at"],
    ]
    with connection.cursor() as cursor:
        prepared_execute(cursor, _KEY_UPDATE, params)
        return bool(cursor.rowcount)
