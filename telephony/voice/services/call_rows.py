"""The IVR's hot statements, as SQL written once and prepared once per connection
(telephony.voice.prepared): an incoming call's first menu and its INSERT, a key press's
read of the call and its UPDATE.

Each reads or writes what the ORM statements it replaced did, column for column: the
columns come from the models' metadata, so a field added to Call, Menu or Option is read
and written here too. A menu comes with its options (and each option's target) as one JSON
array; a key press also reads the menu the caller came from, when the call's menu has a
"back" option, so that going back is no statement more.
"""

import json
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Field, Model

from telephony.voice.models import Call, Menu, NumberMenu, Option
from telephony.voice.prepared import prepared_execute

_CALL, _MENU = Call._meta.db_table, Menu._meta.db_table
_OPTION, _NUMBER_MENU = Option._meta.db_table, NumberMenu._meta.db_table


def _columns(model: type[Model], alias: str) -> str:
    return ", ".join(f'{alias}."{field.column}"' for field in model._meta.concrete_fields)


def _options_of(menu_id: str) -> str:
    """The options of the menu whose id is ``menu_id`` (SQL), each with its target menu, as
    one JSON array (ordered in Python, as Option.Meta orders)."""
    return (
        "(SELECT coalesce(jsonb_agg(to_jsonb(o) || jsonb_build_object('target_row', to_jsonb(t))),"  # noqa: S608
        f' \'[]\') FROM "{_OPTION}" o LEFT JOIN "{_MENU}" t ON t.id = o.target_id'
        f" WHERE o.menu_id = {menu_id})"
    )


# Only names from the models' metadata and constants of this module go into the SQL; the
# values are the statements' parameters.
_ENTRY_MENU = (
    f"SELECT {_columns(Menu, 'm')}, {_options_of('m.id')},"  # noqa: S608
    f' (SELECT last_twiml FROM "{_CALL}" WHERE call_sid = %s LIMIT 1)'
    " FROM (VALUES (1)) one LEFT JOIN LATERAL ("
    f' SELECT * FROM "{_MENU}" WHERE id IN (SELECT menu_id FROM "{_NUMBER_MENU}" WHERE number = %s)'
    " OR key = 'main'"
    f' ORDER BY EXISTS (SELECT FROM "{_NUMBER_MENU}" n WHERE n.number = %s'
    f' AND n.menu_id = "{_MENU}".id) DESC LIMIT 1'
    ") m ON true"
)

_CALL_WITH_MENU = (
    f"SELECT {_columns(Call, 'c')}, {_columns(Menu, 'm')}, {_options_of('c.menu_id')},"  # noqa: S608
    # The menu at the top of the stack, read only when "back" is one of the menu's options.
    f" (SELECT to_jsonb(b) || jsonb_build_object('option_rows', {_options_of('b.id')})"
    f' FROM "{_MENU}" b WHERE b.id = (c.menu_stack ->> -1)::bigint AND EXISTS'
    f' (SELECT FROM "{_OPTION}" x WHERE x.menu_id = c.menu_id'
    f" AND x.action = '{Option.Action.BACK.value}'))"
    f' FROM "{_CALL}" c LEFT JOIN "{_MENU}" m ON m.id = c.menu_id WHERE c.call_sid = %s'
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


def _attnames(model: type[Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def _converters(model: type[Model]) -> list[Any]:
    return [getattr(field, "from_db_value", None) for field in model._meta.concrete_fields]


_CALL_FIELDS, _MENU_FIELDS = _attnames(Call), _attnames(Menu)
_CALL_CONVERTERS, _MENU_CONVERTERS = _converters(Call), _converters(Menu)
_CALL_WIDTH, _MENU_WIDTH = len(_CALL_FIELDS), len(_MENU_FIELDS)


def _from_columns[M: Model](
    model: type[M], fields: list[str], converters: list[Any], values: Any
) -> M:
    """A model from its columns as the driver gave them (JSON as text, as Django reads it)."""
    converted = [
        value if convert is None or value is None else convert(value, None, connection)
        for convert, value in zip(converters, values, strict=True)
    ]
    return model.from_db(DEFAULT_DB_ALIAS, fields, converted)


def _from_json[M: Model](model: type[M], row: dict[str, Any]) -> M:
    fields = _attnames(model)
    return model.from_db(DEFAULT_DB_ALIAS, fields, [row[name] for name in fields])


def _menu_with_options(menu: Menu, rows: list[dict[str, Any]]) -> Menu:
    """Give ``menu`` its options read in the same statement as itself: ``menu.options.all()``
    then answers from memory, as after a ``prefetch_related``."""
    options = []
    for row in rows:
        option = _from_json(Option, row)
        target = row["target_row"]  # null: no target (the LEFT JOIN found no menu)
        option.target = _from_json(Menu, target) if target is not None else None
        options.append(option)
    options.sort(key=lambda option: (option.position, option.key))  # as Option.Meta orders
    kept = menu.options.all()
    kept._result_cache = options
    kept._prefetch_done = True  # type: ignore[attr-defined]  # Django's flag, as a prefetch sets
    menu._prefetched_objects_cache = {"options": kept}  # type: ignore[attr-defined]
    return menu


def _fetch(sql: str, params: list[Any]) -> tuple[Any, ...] | None:
    with connection.cursor() as cursor:
        prepared_execute(cursor, sql, params)
        row: tuple[Any, ...] | None = cursor.fetchone()
        return row


def entry_menu_and_earlier(number: str, call_sid: str) -> tuple[Menu | None, str | None]:
    """The number's first menu (else the menu keyed ``main``) with its options, and the
    answer already given to this call (a retried first request), in one statement; the
    menu is None when there is none."""
    row = _fetch(_ENTRY_MENU, [call_sid, number, number])
    assert row is not None  # one row, whatever the tables hold
    menu_columns, options, earlier = row[:_MENU_WIDTH], row[_MENU_WIDTH], row[-1]
    if menu_columns[0] is None:
        return None, earlier
    menu = _from_columns(Menu, _MENU_FIELDS, _MENU_CONVERTERS, menu_columns)
    return _menu_with_options(menu, json.loads(options)), earlier


def call_with_menu(call_sid: str) -> Call | None:
    """The call with its menu and the menu's options, in one statement; None when the
    client has no such call. ``call.menu_before`` (set when the menu has a "back" option):
    the menu at the top of its stack, with its options, or None when it is gone."""
    row = _fetch(_CALL_WITH_MENU, [call_sid])
    if row is None:
        return None
    call = _from_columns(Call, _CALL_FIELDS, _CALL_CONVERTERS, row[:_CALL_WIDTH])
    menu_columns = row[_CALL_WIDTH : _CALL_WIDTH + _MENU_WIDTH]
    options, before = row[-2], row[-1]
    if menu_columns[0] is not None:
        menu = _from_columns(Menu, _MENU_FIELDS, _MENU_CONVERTERS, menu_columns)
        call.menu = _menu_with_options(menu, json.loads(options))
    if before is not None:
        before = json.loads(before)
        call.menu_before = _menu_with_options(_from_json(Menu, before), before["option_rows"])  # type: ignore[attr-defined]
    elif call.menu is not None and any(
        option.action == Option.Action.BACK for option in call.menu.options.all()
    ):
        call.menu_before = None  # type: ignore[attr-defined]  # read: gone, or no stack
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
