from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from ruam.core.errors import InvalidInput
from ruam.core.web import in_language
from ruam.reports import classifiers, services
from ruam.reports.models import (
    CategoryLabel,
    CategorySuggestion,
    ClassifierSwitch,
    ClassifierVersion,
    ContactAccess,
    Report,
    ReportEvent,
    ReportPhoto,
)


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


@admin.register(ClassifierVersion)
class ClassifierVersionAdmin(admin.ModelAdmin):
    """Category models trained from Ruam's labels: which one answers, switch and roll back.
    Versions are made by ``ruam train-classifier --from-database``, never here."""

    list_display = [
        "__str__",
        "is_active",
        "accepted",
        "micro_f1",
        "macro_f1",
        "active_micro_f1",
        "active_macro_f1",
        "examples",
        "database_labels",
    ]
    list_filter = ["is_active", "accepted"]
    fields = [
        "is_active",
        "accepted",
        "trained",
        "examples",
        "database_labels",
        "test_from",
        "micro_f1",
        "macro_f1",
        "active_micro_f1",
        "active_macro_f1",
        "labels",
        "sha256",
        "note",
        "summary",
    ]
    readonly_fields = [f for f in fields if f != "note"]
    actions = ["make_active", "roll_back"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # The active version answers every suggestion: switch away from it first.
        return obj is None or not obj.is_active

    @admin.action(description=_("Make the selected version answer"))
    def make_active(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose one version."), messages.ERROR)
            return
        version = queryset.get()
        classifiers.switch(version, actor=request.user, via=ClassifierSwitch.Via.ADMIN)
        self.message_user(request, _("%(version)s answers now.") % {"version": version})

    @admin.action(description=_("Go back to the version that answered before the last switch"))
    def roll_back(self, request, queryset):
        try:
            done = classifiers.rollback(actor=request.user, via=ClassifierSwitch.Via.ADMIN)
        except InvalidInput as exc:
            self.message_user(request, in_language(exc.errors["version"]), messages.ERROR)
            return
        now = done.to_version or _("the shipped model")
        self.message_user(request, _("%(version)s answers now.") % {"version": now})


@admin.register(ClassifierSwitch)
class ClassifierSwitchAdmin(admin.ModelAdmin):
    """Who made which classifier answer, and when: read only."""

    list_display = ["created", "from_version", "to_version", "actor", "via", "note"]
    list_filter = ["via"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CategoryLabel)
class CategoryLabelAdmin(admin.ModelAdmin):
    """Categories people confirmed or corrected: what the classifier learns from. Read only."""

    list_display = ["created", "report", "names", "role", "outcome", "actor", "suggestion"]
    list_filter = ["role", "outcome"]
    search_fields = ["report__code"]
    list_select_related = ["report", "actor", "suggestion"]
    date_hierarchy = "created"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CategorySuggestion)
class CategorySuggestionAdmin(admin.ModelAdmin):
    """What the classifier suggested for a report, by which model, and what became of it."""

    list_display = ["created", "report", "__str__", "source", "state", "model"]
    list_filter = ["source", "state"]
    search_fields = ["report__code"]
    list_select_related = ["report"]
    date_hierarchy = "created"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
