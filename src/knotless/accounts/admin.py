from django.contrib import admin

from knotless.accounts.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin[Profile]):
    list_display = ("user", "time_zone", "units")
    search_fields = ("user__username",)
