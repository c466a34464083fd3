"""Background work for figures: large exports, and the daily refresh and open data."""

from __future__ import annotations

from django.core.files.base import File
from django.http import QueryDict
from django.utils import timezone
from django_tasks import task


@task()
def make_export(export_id: str) -> int:
    """Write an ``Export``'s file (a long list as XLSX) and mark it ready, or failed."""
    import tempfile

    from ruam.core import exports
    from ruam.geo.models import District
    from ruam.insights import lists
    from ruam.insights.models import Export

    export = Export.objects.filter(pk=export_id).first()
    if export is None or export.state == Export.State.DONE:
        return 0
    Export.objects.filter(pk=export.pk).update(state=Export.State.RUNNING)
    try:
        district = District.objects.get(code=export.params["district"])
        chosen = lists.ReportFilters.read(QueryDict(export.params.get("query", "")), district)

        def progress(rows: int) -> None:
            Export.objects.filter(pk=export.pk).update(rows=rows)

        with tempfile.TemporaryFile() as out:
            rows = exports.write_workbook(
                out,
                [lists.report_table(chosen.queryset())],
                chosen.described(),
                on_row=progress,
            )
            out.seek(0)
            export.file.save(f"ruam-{district.code}-reports.xlsx", File(out), save=False)
        export.rows, export.state, export.finished = rows, Export.State.DONE, timezone.now()
        export.save(update_fields=["file", "rows", "state", "finished"])
        return rows
    except Exception:
        Export.objects.filter(pk=export.pk).update(
            state=Export.State.FAILED, finished=timezone.now()
        )
        raise


@task()
def daily() -> dict:
    """The daily refresh (cron: ``ruam export-open-data --enqueue``): the tallies' days folded
    into months and ratings counted, then the open-data files written anew."""
    from ruam.insights import cube, opendata

    cells = cube.refresh()
    manifest = opendata.export_all()
    return {"cells": cells, "files": len(manifest["files"])}
