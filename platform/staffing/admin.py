from django.contrib import admin

from staffing.models import Absence, ClientEvent, Shift, StaffingSettings


@admin.register(StaffingSettings)
class StaffingSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "call_service_level", "call_answer_seconds", "shrinkage")


@admin.register(ClientEvent)
class ClientEventAdmin(admin.ModelAdmin):
    list_display = ("name", "client", "starts_on", "ends_on", "uplift_percent")
    list_filter = ("client",)


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ("agent", "starts_at", "ends_at", "source")
    list_filter = ("source",)


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ("agent", "kind", "starts_at", "ends_at")
    list_filter = ("kind",)
