from django.contrib import admin

from ruam.core.timeline import person
from ruam.programmes import progress
from ruam.programmes.models import (
    Measurement,
    MeasurementEvent,
    PlanIndicator,
    PlanWeight,
    Programme,
    Target,
    TargetEvent,
)


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = ["district", "year", "value", "is_placeholder", "note", "source_url"]
    autocomplete_fields = ["district"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "area", "unit_th", "source", "district", "is_demo"]
    list_filter = ["area", "source", "is_demo"]
    search_fields = ["code", "name_th", "name_en"]
    filter_horizontal = ["plan_items"]
    autocomplete_fields = ["owner", "district", "counts_toward"]
    raw_id_fields = ["issues"]
    inlines = [TargetInline]

    def save_formset(self, request, form, formset, change):
        """Targets changed here are on their timeline as the pages' are (who, from → to), and
        the districts' progress follows them."""
        if formset.model is not Target:
            return super().save_formset(request, form, formset, change)
        before = {f.instance.pk: f.initial.get("value") for f in formset.forms if f.instance.pk}
        saved = formset.save()
        for target in saved:
            old = before.get(target.pk)
            TargetEvent.objects.create(
                target=target,
                kind=TargetEvent.Kind.SET,
                actor=person(request.user),
                from_status="" if old is None else str(old),
                to_status=str(target.value),
                note=target.note,
            )
        districts = {t.district_id for t in [*saved, *formset.deleted_objects]}
        if districts:
            progress.refresh(form.instance, sorted(districts))
        return saved


class EventInline(admin.TabularInline):
    model = MeasurementEvent
    extra = 0
    can_delete = False
    fields = ["kind", "from_status", "to_status", "note", "actor_body", "created"]
    readonly_fields = fields


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    """Figures are corrected by a new entry on the district's page, never edited here."""

    list_display = ["programme", "district", "date", "value", "status", "origin", "is_demo"]
    list_filter = ["status", "origin", "is_demo", "programme"]
    list_select_related = ["programme", "district"]
    inlines = [EventInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PlanIndicator)
class PlanIndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "plan_item", "target", "achieved", "achieved_on", "weight"]
    search_fields = ["code", "name_th"]
    autocomplete_fields = ["programme"]


@admin.register(PlanWeight)
class PlanWeightAdmin(admin.ModelAdmin):
    list_display = ["plan_item", "weight"]
