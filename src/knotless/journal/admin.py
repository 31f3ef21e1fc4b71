from django.contrib import admin

from knotless.journal.models import CheckIn, Knot


class CheckInInline(admin.TabularInline[CheckIn, Knot]):
    model = CheckIn
    extra = 0
    fields = ("moment", "pain", "note")


@admin.register(Knot)
class KnotAdmin(admin.ModelAdmin[Knot]):
    list_display = ("id", "user", "region", "side", "status", "first_felt")
    list_filter = ("status", "side")
    search_fields = ("user__username", "region", "muscle")
    inlines = [CheckInInline]
