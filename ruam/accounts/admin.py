from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from ruam.accounts.forms import AdminSignInForm
from ruam.accounts.models import ApiKey, User

# The admin's sign-in counts and refuses failed attempts like every other (accounts.lockout).
admin.site.login_form = AdminSignInForm


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "email", "is_staff", "is_demo"]
    list_filter = ["is_staff", "is_superuser", "is_active", "is_demo"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Ruam"), {"fields": ("display_name", "phone", "is_demo")}),
    )


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are created with `ruam apikey create NAME` (the key is shown once); here they are
    listed, attached to a body, or revoked by unticking "active"."""

    list_display = ["name", "prefix", "body", "is_active", "created", "last_used", "revoked"]
    list_filter = ["is_active", "client_collects_consent"]
    fields = [
        "name",
        "prefix",
        "body",
        "is_active",
        "client_collects_consent",
        "created",
        "last_used",
        "revoked",
    ]
    readonly_fields = ["name", "prefix", "created", "last_used", "revoked"]
    autocomplete_fields = ["body"]

    def has_add_permission(self, request) -> bool:
        return False
