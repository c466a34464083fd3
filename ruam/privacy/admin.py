from django.contrib import admin

from ruam.privacy.models import Erasure


@admin.register(Erasure)
class ErasureAdmin(admin.ModelAdmin):
    """The record of erasures (PDPA): what and when, never whose. Read only."""

    list_display = ["created", "kind", "subject", "details"]
    list_filter = ["kind"]
    date_hierarchy = "created"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
