from django.contrib import admin

from ruam.bodies.models import Body, DivisionType, Membership


@admin.register(DivisionType)
class DivisionTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "order"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "role", "title_th", "start", "end"]


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name_th", "kind", "district", "group", "is_demo"]
    list_filter = ["kind", "group", "is_demo"]
    search_fields = ["code", "name_th", "name_en"]
    autocomplete_fields = ["district", "parent"]
    list_select_related = ["district", "group"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "role", "body", "start", "end"]
    list_filter = ["role", "body__kind"]
    search_fields = ["person__username", "person__display_name", "body__name_th"]
    autocomplete_fields = ["person", "body"]
    list_select_related = ["person", "body"]
