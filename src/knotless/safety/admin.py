from django.contrib import admin

from knotless.safety.models import Screening


@admin.register(Screening)
class ScreeningAdmin(admin.ModelAdmin[Screening]):
    list_display = ("user", "created_at", "areas", "outcome", "knot")
    list_filter = ("outcome",)
    search_fields = ("user__username",)
    readonly_fields = ("created_at",)
