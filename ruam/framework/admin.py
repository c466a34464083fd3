from django.contrib import admin

from ruam.framework.models import Area, Category, PlanItem, PlanKind, RoutingRule


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["number", "name_th", "name_en", "slogan_th"]


@admin.register(PlanKind)
class PlanKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "order"]
    list_editable = ["order"]


class PlanItemChildInline(admin.TabularInline):
    model = PlanItem
    fk_name = "parent"
    extra = 0
    fields = ["kind", "code", "number", "name_th", "name_en"]


@admin.register(PlanItem)
class PlanItemAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "name_th", "name_en"]
    autocomplete_fields = ["parent"]
    inlines = [PlanItemChildInline]


class RoutingRuleInline(admin.TabularInline):
    model = RoutingRule
    extra = 0
    autocomplete_fields = ["district", "department"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_th", "name_en", "area", "plan_item", "deadline_days", "is_active"]
    list_filter = ["area", "is_active"]
    search_fields = ["name_th", "name_en"]
    inlines = [RoutingRuleInline]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["category", "district", "division_type", "department", "deadline_days"]
    list_filter = ["division_type", "department"]
    autocomplete_fields = ["district", "department"]
