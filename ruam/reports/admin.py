from django.contrib import admin

from ruam.reports import services
from ruam.reports.models import ContactAccess, Report, ReportEvent, ReportPhoto


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    fields = ["created", "kind", "from_status", "to_status", "actor", "actor_body", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        # Events are the audit trail: written by the services, never by hand.
        return False


class ReportPhotoInline(admin.TabularInline):
    model = ReportPhoto
    extra = 0
    fields = ["kind", "image", "taken_at", "created"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Reports are read here; every change of status goes through the inbox (the services)."""

    list_display = ["code", "status", "district", "responsible", "channel", "created", "deadline"]
    list_filter = ["status", "channel", "district__group", "categories"]
    search_fields = ["code", "description", "external_id"]
    list_select_related = ["district", "responsible"]
    date_hierarchy = "created"
    readonly_fields = [
        f.name for f in Report._meta.concrete_fields if f.name != "reporter_key_hash"
    ] + ["categories", "invited"]
    exclude = ["reporter_key_hash"]
    inlines = [ReportPhotoInline, ReportEventInline]

    def has_add_permission(self, request) -> bool:
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        report = self.get_object(request, object_id)
        if report is not None:
            # The change page shows the contact fields: a view of personal data, logged.
            services.log_contact_access(
                report, viewer=request.user, where=ContactAccess.Where.ADMIN
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(ContactAccess)
class ContactAccessAdmin(admin.ModelAdmin):
    """Who saw which reporter's contact details, when and where (PDPA): read only."""

    list_display = ["created", "report", "viewer", "where"]
    list_filter = ["where"]
    search_fields = ["report__code", "viewer__username"]
    list_select_related = ["report", "viewer"]
    date_hierarchy = "created"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
