"""Order update kinds and states by their translated names (order_updates.labels)."""

from django import template

from order_updates.labels import kind_label, state_label

register = template.Library()
register.filter("order_update_kind", kind_label)
register.filter("order_update_state", state_label)
