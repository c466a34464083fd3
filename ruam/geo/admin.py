from django.contrib import admin

from ruam.geo.models import Community, District, DistrictGroup, Subdistrict


class SubdistrictInline(admin.TabularInline):
    model = Subdistrict
    extra = 0
    fields = ["code", "name_th", "name_en", "postal_code"]


@admin.register(DistrictGroup)
class DistrictGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "group", "area_km2"]
    list_filter = ["group"]
    search_fields = ["code", "name_th", "name_en"]
    inlines = [SubdistrictInline]


@admin.register(Subdistrict)
class SubdistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "district", "postal_code"]
    list_filter = ["district__group", "district"]
    search_fields = ["code", "name_th", "name_en"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name_th", "kind", "district", "subdistrict"]
    list_filter = ["kind", "district"]
    search_fields = ["name_th"]
    list_select_related = ["district", "subdistrict"]
