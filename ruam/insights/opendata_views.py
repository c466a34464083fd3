"""/open-data/: the files, their schema and licence; each file gzipped to clients that take it."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ruam.insights import opendata

TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    manifest = opendata.manifest()
    files = {f["name"]: f for f in (manifest or {}).get("files", [])}
    datasets = [
        {"dataset": d, "fields": opendata.fields_of(d), "file": files.get(d.name)}
        for d in opendata.SCHEMA
    ]
    return render(
        request,
        "insights/open_data.html",
        {"manifest": manifest, "datasets": datasets, "sensitive": opendata.sensitive_categories()},
    )


@require_safe
def download(request: HttpRequest, name: str) -> HttpResponse:
    """``reports.csv``, ``reports.json``, ``issues.csv`` …: as stored (gzip) when the client
    accepts it, else uncompressed as it streams out."""
    stem, _, ext = name.rpartition(".")
    path = opendata.open_file(stem, ext)
    if path is None:
        raise Http404
    filename = f"ruam-{stem}.{ext}"
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = FileResponse(path.open("rb"), content_type=TYPES[ext])
        response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(path.stat().st_size)
    else:
        response = StreamingHttpResponse(opendata.text_of(stem, ext), content_type=TYPES[ext])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Vary"] = "Accept-Encoding"
    response["Access-Control-Allow-Origin"] = "*"
    return response
