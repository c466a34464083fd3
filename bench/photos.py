#!/usr/bin/env python
"""What a resident's photo costs at intake: ``ruam.reports.photos.process_photo`` on phone-sized
pictures, and where its time goes.

Three made-up photos (smooth shapes with grain, the way a camera's JPEG compresses, not noise):
a phone's 4000×3000, a 1600×1200 already at the size kept, and the 800×600 of bench/load.py. For
each: the CPU of the whole check-and-copy (best of --runs), then of its steps done alone —
decoding (at libjpeg's reduced scale), the large copy's resize, the thumbnail's resize and the two
JPEG encodings. It asserts nothing about timings.

    .venv/bin/python bench/photos.py [--runs 5] [--record]

--record appends the table to bench/RESULTS.md with the date and the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import platform
import sys
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ruam.reports import photos  # noqa: E402 - after the project is on the path


def picture(width: int, height: int) -> bytes:
    """A JPEG at quality 90 that compresses like a photo: shapes, gradients and fine grain."""
    canvas = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(canvas)
    for n in range(40):
        x, y = (n * 7919) % width, (n * 104729) % height
        size = width // 8 + (n * 31) % (width // 6)
        draw.ellipse((x, y, x + size, y + size // 2), fill=((n * 53) % 256, (n * 97) % 256, 90))
    grain = Image.effect_noise((width, height), 12).convert("RGB")
    canvas = Image.blend(canvas.filter(ImageFilter.GaussianBlur(3)), grain, 0.15)
    buffer = io.BytesIO()
    canvas.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def best(runs: int, work) -> float:
    """The least CPU (ms) of ``runs`` calls of ``work``."""
    times = []
    for _ in range(runs):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return min(times) * 1000


def steps(data: bytes, runs: int) -> dict[str, float]:
    large_edge, thumb_edge = 1600, 320

    def decoded() -> Image.Image:
        img = Image.open(io.BytesIO(data))
        img.draft(None, photos._fit(img.size, large_edge))
        img.load()
        return img.convert("RGB")

    img = decoded()
    large = img.resize(photos._fit(img.size, large_edge), Image.Resampling.LANCZOS, reducing_gap=3)
    thumb_size = photos._fit(large.size, thumb_edge)
    thumbnail = large.resize(thumb_size, Image.Resampling.LANCZOS, reducing_gap=2)
    return {
        "whole": best(runs, lambda: photos.process_photo(data)),
        "decode": best(runs, decoded),
        "large resize": best(
            runs,
            lambda: img.resize(
                photos._fit(img.size, large_edge), Image.Resampling.LANCZOS, reducing_gap=3
            ),
        ),
        "thumbnail, fair": best(runs, lambda: large.resize(thumb_size, Image.Resampling.LANCZOS)),
        "thumbnail, reducing_gap 2": best(
            runs, lambda: large.resize(thumb_size, Image.Resampling.LANCZOS, reducing_gap=2)
        ),
        "encode large": best(runs, lambda: photos._encode_jpeg(large, 82)),
        "encode thumbnail": best(runs, lambda: photos._encode_jpeg(thumbnail, 82)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    sizes = [(4000, 3000), (1600, 1200), (800, 600)]
    rows = {}
    for width, height in sizes:
        data = picture(width, height)
        rows[f"{width}×{height} ({len(data) // 1024} KB)"] = steps(data, args.runs)
    columns = list(next(iter(rows.values())))
    table = "| photo | " + " | ".join(columns) + " |\n|---|" + "---:|" * len(columns) + "\n"
    for name, row in rows.items():
        table += f"| {name} | " + " | ".join(f"{row[c]:.1f}" for c in columns) + " |\n"
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"{when}, {machine}; ms of CPU, best of {args.runs}\n\n{table}")
    if args.record:
        with (ROOT / "bench" / "RESULTS.md").open("a", encoding="utf-8") as out:
            out.write(
                f"\n### A photo at intake (`bench/photos.py`, {when})\n"
                f"{machine}; ms of CPU, best of {args.runs}; `whole` is `process_photo` as "
                f"shipped, the other columns its steps done alone.\n\n{table}"
            )


if __name__ == "__main__":
    main()
