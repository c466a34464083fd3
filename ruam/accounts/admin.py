from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from ruam.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "email", "is_staff", "is_demo"]
    list_filter = ["is_staff", "is_superuser", "is_active", "is_demo"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Ruam"), {"fields": ("display_name", "phone", "is_demo")}),
    )
