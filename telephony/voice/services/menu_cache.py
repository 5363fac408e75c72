"""A client's menus kept in each process, under the version of its menus read in the same
statement as the call (migration voice 0010: the id of the last transaction that changed a
menu, an option or a number's first menu, written by a trigger).

A webhook's statement sends the version this process holds for the client's schema and
gets the menus back only when the database holds another one: a key press reads the call
and a short text, and builds no menu or option, until someone edits the menus; the next
webhook in each process then reads them all again, in the same statement, so an edit is
heard on the very next key press. Menus read inside a transaction are used but not kept
(the transaction may yet change them, or be rolled back).
"""

import contextlib
import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Model

from telephony.voice.models import Menu, NumberMenu, Option
from telephony.voice.services.menu_twiml import KEPT_ATTRIBUTE
from tenants.current import schema_name_current

# Clients whose menus a process keeps, the least recently used dropped first.
MAX_CLIENTS = 1000

VERSION_TABLE = "voice_menu_version"
_MENU, _OPTION, _NUMBER_MENU = Menu._meta.db_table, Option._meta.db_table, NumberMenu._meta.db_table

# The version of the schema's menus, as a one-row table ``v`` to select from (null: none).
VERSION_ROW = f'(SELECT (SELECT xid FROM "{VERSION_TABLE}") AS xid) v'  # noqa: S608
# Every menu, option and number's first menu of the schema, unless the version is the
# parameter's (the one this process holds): then null.
MENUS_UNLESS_HELD = (
    "CASE WHEN v.xid IS DISTINCT FROM %s THEN jsonb_build_array("  # noqa: S608
    f"(SELECT coalesce(jsonb_agg(to_jsonb(m)), '[]') FROM \"{_MENU}\" m),"
    f" (SELECT coalesce(jsonb_agg(to_jsonb(o)), '[]') FROM \"{_OPTION}\" o),"
    f" (SELECT coalesce(jsonb_object_agg(n.number, n.menu_id), '{{}}') FROM \"{_NUMBER_MENU}\" n)"
    ") END"
)


@dataclass(frozen=True)
class Menus:
    """A client's menus, each with its options (``menu.options.all()`` answers from
    memory, each option with its target); shared by the requests: read, never change."""

    by_id: dict[int, Menu]
    first_of_number: dict[str, int]

    def entry(self, number: str) -> Menu | None:
        """The number's first menu, else the menu keyed ``main``."""
        if number in self.first_of_number:
            return self.by_id.get(self.first_of_number[number])
        return next((menu for menu in self.by_id.values() if menu.key == "main"), None)


_held: OrderedDict[str, tuple[str, Menus]] = OrderedDict()


def held() -> tuple[str, Menus] | None:
    """The version of the current schema's menus this process holds, with those menus;
    None for none. The statement is sent the version (``held()[0]``, '' for none) and the
    menus returned with it given to ``menus_of``, so that another request dropping them
    from the process in between changes nothing."""
    return _held.get(schema_name_current())


def menus_of(held: tuple[str, Menus] | None, version: str | None, dump: str | None) -> Menus:
    """The current schema's menus: the ones ``held`` (``dump`` None: the statement found
    their version still current), else built from ``dump`` and kept under ``version``."""
    schema = schema_name_current()
    if dump is None:
        if held is None:  # '' was sent, and no version is '': the statement sends the menus
            raise LookupError(f"the menus of {schema} were neither held nor read")
        with contextlib.suppress(KeyError):  # dropped meanwhile: nothing to move
            _held.move_to_end(schema)
        return held[1]
    menus = _built(json.loads(dump))
    if version is not None and not connection.in_atomic_block:
        _held[schema] = (version, menus)
        _held.move_to_end(schema)
        while len(_held) > MAX_CLIENTS:
            _held.popitem(last=False)
    return menus


def forget() -> None:
    """Forget every client's menus (tests)."""
    _held.clear()


def _from_json[M: Model](model: type[M], row: dict[str, Any]) -> M:
    fields = [field.attname for field in model._meta.concrete_fields]
    return model.from_db(DEFAULT_DB_ALIAS, fields, [row[name] for name in fields])


def _built(dump: list[Any]) -> Menus:
    menu_rows, option_rows, first_of_number = dump
    by_id = {row["id"]: _from_json(Menu, row) for row in menu_rows}
    for menu in by_id.values():
        # Each menu's TwiML, kept with it (menu_twiml): it goes when these menus go.
        setattr(menu, KEPT_ATTRIBUTE, {})
    options_of: dict[int, list[Option]] = {menu_id: [] for menu_id in by_id}
    for row in option_rows:
        option = _from_json(Option, row)
        option.target = by_id.get(row["target_id"]) if row["target_id"] is not None else None
        options_of[option.menu_id].append(option)
    for menu_id, options in options_of.items():
        options.sort(key=lambda option: (option.position, option.key))  # as Option.Meta orders
        with_options(by_id[menu_id], options)
    return Menus(by_id=by_id, first_of_number=first_of_number)


def with_options(menu: Menu, options: list[Option]) -> Menu:
    """Give ``menu`` its ``options``: ``menu.options.all()`` then answers from memory, as
    after a ``prefetch_related``."""
    kept = menu.options.all()
    kept._result_cache = options
    kept._prefetch_done = True  # type: ignore[attr-defined]  # Django's flag, as a prefetch sets
    menu._prefetched_objects_cache = {"options": kept}  # type: ignore[attr-defined]
    return menu
