"""A client's menus kept in each process under their version, read in the same statement as
the call (telephony.voice.services.menu_cache): kept while nobody edits them, read again
on the very next request after an edit, never kept from inside a transaction, never served
to another client."""

from datetime import UTC, datetime

import pytest
from django.db import transaction

from telephony.voice.models import Call, Menu, NumberMenu, Option
from telephony.voice.services import call_rows, menu_cache
from tests.support.tenancy import in_schema

RINGING = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
NUMBER = "+420228886666"


class _Rollback(Exception):
    pass


@pytest.fixture
def committed(two_clients, django_db_blocker):
    """Client A's menus (mc-main, whose * goes back; mc-sub) and a call in mc-sub, committed
    (menus read inside a transaction are not kept); client B's own mc-main."""
    a, b = two_clients.a, two_clients.b
    menu_cache.forget()
    with django_db_blocker.unblock():
        with in_schema(a):
            main = Menu.objects.create(key="mc-main", prompt_cs="Hlavní.")
            sub = Menu.objects.create(key="mc-sub", prompt_cs="Podmenu.")
            Option.objects.create(menu=main, key="1", action="submenu", target=sub)
            Option.objects.create(menu=sub, key="*", action="back")
            Call.objects.create(
                call_sid="CAmc",
                from_number="+420601000111",
                to_number=NUMBER,
                ringing_at=RINGING,
                menu=sub,
                menu_stack=[main.pk],
                step=2,
            )
        with in_schema(b):
            Menu.objects.create(key="mc-main", prompt_pl="Główne.")
        try:
            yield two_clients
        finally:
            for client in (a, b):
                with in_schema(client):
                    Call.objects.filter(call_sid="CAmc").delete()
                    NumberMenu.objects.filter(number=NUMBER).delete()
                    Option.objects.filter(menu__key__startswith="mc-").delete()
                    Menu.objects.filter(key__startswith="mc-").delete()
            menu_cache.forget()


def test_menus_nobody_edited_are_built_once_per_process(committed, django_db_blocker):
    with django_db_blocker.unblock(), in_schema(committed.a):
        first, again = call_rows.call_with_menu("CAmc"), call_rows.call_with_menu("CAmc")
        assert first.menu.key == "mc-sub" and first.menu_before.key == "mc-main"
        assert again.menu is first.menu and again.menu_before is first.menu_before
        assert [o.key for o in again.menu_before.options.all()] == ["1"]
        assert again.menu_before.options.all()[0].target is first.menu
        assert again is not first  # the call itself is read each time


def test_an_edit_is_read_on_the_very_next_request(committed, django_db_blocker):
    with django_db_blocker.unblock(), in_schema(committed.a):
        assert call_rows.call_with_menu("CAmc").menu.prompt_cs == "Podmenu."
        Menu.objects.filter(key="mc-sub").update(prompt_cs="Nové podmenu.")
        assert call_rows.call_with_menu("CAmc").menu.prompt_cs == "Nové podmenu."
        sub = Menu.objects.get(key="mc-sub")
        Option.objects.create(menu=sub, key="9", action="repeat")
        assert [o.key for o in call_rows.call_with_menu("CAmc").menu.options.all()] == ["*", "9"]
        Option.objects.filter(menu=sub, key="9").delete()
        assert [o.key for o in call_rows.call_with_menu("CAmc").menu.options.all()] == ["*"]
        assert call_rows.entry_menu_and_earlier(NUMBER, "CAnew")[0] is None  # no "main" menu
        NumberMenu.objects.create(number=NUMBER, menu=sub)
        assert call_rows.entry_menu_and_earlier(NUMBER, "CAnew")[0].key == "mc-sub"


def test_menus_read_inside_a_transaction_are_not_kept(committed, django_db_blocker):
    with django_db_blocker.unblock(), in_schema(committed.a):
        assert call_rows.call_with_menu("CAmc").menu.prompt_cs == "Podmenu."
        with pytest.raises(_Rollback), transaction.atomic():
            Menu.objects.filter(key="mc-sub").update(prompt_cs="Never committed.")
            assert call_rows.call_with_menu("CAmc").menu.prompt_cs == "Never committed."
            raise _Rollback
        assert call_rows.call_with_menu("CAmc").menu.prompt_cs == "Podmenu."


def test_one_clients_menus_are_never_served_to_another(committed, django_db_blocker):
    with django_db_blocker.unblock():
        for client in (committed.a, committed.b):
            with in_schema(client):
                NumberMenu.objects.create(number=NUMBER, menu=Menu.objects.get(key="mc-main"))
        with in_schema(committed.a):
            assert call_rows.entry_menu_and_earlier(NUMBER, "CAnew")[0].prompt_cs == "Hlavní."
        with in_schema(committed.b):
            assert call_rows.entry_menu_and_earlier(NUMBER, "CAnew")[0].prompt_pl == "Główne."
        with in_schema(committed.a):
            assert call_rows.entry_menu_and_earlier(NUMBER, "CAnew")[0].prompt_cs == "Hlavní."
