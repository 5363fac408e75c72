from django.contrib import admin

from telephony.models import PhoneNumber


@admin.register(PhoneNumber)
class PhoneNumberAdmin(admin.ModelAdmin):
    list_display = ["number", "client", "country", "default_language", "voice", "sms"]
    list_filter = ["country", "voice", "sms"]
    search_fields = ["number", "client__name"]
