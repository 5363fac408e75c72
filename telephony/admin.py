from django.contrib import admin

from audit.admin import ClientSettingsAudited
from telephony.models import AgentDevice, OfferDial, PhoneNumber


@admin.register(PhoneNumber)
class PhoneNumberAdmin(ClientSettingsAudited):
    list_display = ["number", "client", "country", "default_language", "voice", "sms"]
    list_filter = ["country", "voice", "sms"]
    search_fields = ["number", "client__name"]


@admin.register(AgentDevice)
class AgentDeviceAdmin(admin.ModelAdmin):
    list_display = ["agent", "address", "active"]
    search_fields = ["agent__username", "address"]


@admin.register(OfferDial)
class OfferDialAdmin(admin.ModelAdmin):
    list_display = ["item", "agent", "offered_at", "dialed_at", "agent_call_sid", "error"]
    readonly_fields = ["item", "agent", "offered_at", "dialed_at", "agent_call_sid", "error"]
