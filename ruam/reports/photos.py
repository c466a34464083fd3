"""Residents' report photos: check what was uploaded, then keep clean, small JPEG copies.

Pure Python + Pillow (no Django import), so it is fast to test and reuse.

A phone photo is untrusted input that may also give away where a resident lives: its EXIF
carries GPS coordinates, the phone's make and serial numbers, XMP and comments. The stored copies
keep none of it. What we keep is the time it was taken (``taken_at``) and a hash of the original
bytes (``sha256``, to spot the same photo uploaded twice).

Checks, cheapest first, so a hostile upload is refused before its pixels are decoded:

1. empty, or more than ``max_bytes`` (nothing is parsed);
2. the type from the content's magic bytes, never from the file name or the browser's
   Content-Type: JPEG, PNG, WebP and HEIC/HEIF (HEIC only when pillow-heif could register);
3. the dimensions from the header (``Image.open`` is lazy): more than ``max_pixels`` is refused
   before decoding, as is anything Pillow's own decompression-bomb guard refuses;
4. decoding; truncated or corrupt data is refused.

Then the EXIF orientation is applied, transparency is flattened onto white, colours are
converted to sRGB when the photo embeds another RGB ICC profile, and two JPEG copies are encoded
from a fresh image that holds pixels only: ``large`` (longest edge <= ``large_edge``) and
``thumbnail`` (longest edge <= ``thumb_edge``). Images are never upscaled.

Pillow's global settings (``Image.MAX_IMAGE_PIXELS``, ``ImageFile.LOAD_TRUNCATED_IMAGES``) and
the global warning filters are left alone; in particular ``warnings.catch_warnings`` is not used
because it is not thread-safe. Pillow's ``DecompressionBombWarning`` only fires above its own
limit (about 89 million pixels, more than ``MAX_PIXELS``), so our check refuses those images
anyway; where warnings are turned into errors, that error is reported as "too_many_pixels".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import struct
from dataclasses import dataclass, field
from functools import cache

from PIL import Image, ImageFile, ImageOps

try:
    from PIL import ImageCms
except ImportError:  # Pillow built without littlecms: colours are kept as they are
    ImageCms = None


def _register_heif() -> bool:
    """Teach Pillow to open HEIC/HEIF with pillow-heif; False (no HEIC) if that fails."""
    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
    except Exception:  # any failure (missing module, missing libheif) just means "no HEIC"
        return False
    return "HEIF" in Image.OPEN


HEIC_SUPPORTED: bool = _register_heif()

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
# The formats accepted in this process: "heic" only when pillow-heif could be registered.
ALLOWED_FORMATS: frozenset[str] = frozenset(
    {"jpeg", "png", "webp", "heic"} if HEIC_SUPPORTED else {"jpeg", "png", "webp"}
)

CODES = frozenset(
    {"empty", "too_large", "not_an_image", "unsupported_type", "too_many_pixels", "corrupt"}
)

# The Pillow plugin for each sniffed format; Image.open tries only that one.
_PIL_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "heic": "HEIF"}
_FORMAT_LABELS = {"jpeg": "JPEG", "png": "PNG", "webp": "WebP", "heic": "HEIC"}

# ISO-BMFF brands. HEIC proper (HEVC-coded) and the generic HEIF brands; AVIF shares the generic
# "mif1"/"msf1" brands but needs a decoder pillow-heif may lack, so it is told apart explicitly.
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"})
_HEIF_GENERIC_BRANDS = frozenset({b"mif1", b"msf1", b"mif2", b"miaf"})
_AVIF_BRANDS = frozenset({b"avif", b"avis"})

# What Pillow's decoders raise on malformed input (UnidentifiedImageError is an OSError).
_DECODE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    ZeroDivisionError,
    struct.error,
)
_BOMB_ERRORS = (Image.DecompressionBombError, Image.DecompressionBombWarning)

_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 36867
_DATETIME = 306
_EXIF_DATETIME_FORMAT = "%Y:%m:%d %H:%M:%S"


def _size_label(n_bytes: int) -> str:
    if n_bytes >= 1024 * 1024:
        return f"{n_bytes / (1024 * 1024):.3g} MB"
    if n_bytes >= 1024:
        return f"{n_bytes / 1024:.3g} KB"
    return f"{n_bytes} B"


def _formats_label(conjunction: str) -> str:
    labels = [label for fmt, label in _FORMAT_LABELS.items() if fmt in ALLOWED_FORMATS]
    return f"{', '.join(labels[:-1])} {conjunction} {labels[-1]}"


def _messages(code: str, max_bytes: int, max_pixels: int) -> tuple[str, str]:
    """(Thai, English) for a code, worded for a resident uploading from a phone."""
    if code == "empty":
        return (
            "ไฟล์ภาพว่างเปล่า กรุณาเลือกรูปภาพอีกครั้ง",
            "The photo file is empty. Please choose the photo again.",
        )
    if code == "too_large":
        size = _size_label(max_bytes)
        return (
            f"ไฟล์ภาพใหญ่เกินไป (สูงสุด {size})",
            f"The photo file is too large (maximum {size}).",
        )
    if code == "not_an_image":
        return (
            f"ไฟล์นี้ไม่ใช่รูปภาพ กรุณาเลือกไฟล์รูปภาพ ({_formats_label('หรือ')})",
            f"This file is not a photo. Please choose an image ({_formats_label('or')}).",
        )
    if code == "unsupported_type":
        return (
            f"ไม่รองรับรูปภาพประเภทนี้ กรุณาใช้ไฟล์ {_formats_label('หรือ')}",
            f"This type of image is not supported. Please use {_formats_label('or')}.",
        )
    if code == "too_many_pixels":
        megapixels = f"{max_pixels / 1_000_000:.3g}"
        return (
            f"ภาพมีความละเอียดสูงเกินไป (สูงสุด {megapixels} ล้านพิกเซล) กรุณาใช้ภาพที่เล็กลง",
            f"The photo's resolution is too high (maximum {megapixels} megapixels). "
            "Please use a smaller photo.",
        )
    if code == "corrupt":
        return (
            "ไฟล์ภาพเสียหายหรืออัปโหลดไม่ครบ กรุณาลองอัปโหลดอีกครั้ง",
            "The photo file is damaged or incomplete. Please try uploading it again.",
        )
    raise ValueError(f"unknown photo error code: {code!r}")


class PhotoError(ValueError):
    """An upload that cannot be a report photo; ``str(exc)`` is the English message.

    ``code`` is one of ``CODES``; ``message_th`` / ``message_en`` are shown to the resident.
    ``max_bytes`` / ``max_pixels`` only fill in the limits quoted by "too_large" and
    "too_many_pixels".
    """

    code: str
    message_th: str
    message_en: str

    def __init__(
        self, code: str, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS
    ) -> None:
        self.message_th, self.message_en = _messages(code, max_bytes, max_pixels)
        self.code = code
        super().__init__(self.message_en)

    def __reduce__(self):
        # Exceptions pickle as cls(*args); rebuild from the stored fields instead.
        return (_rebuild_photo_error, (self.code, self.message_th, self.message_en))


def _rebuild_photo_error(code: str, message_th: str, message_en: str) -> PhotoError:
    exc = PhotoError(code)
    exc.message_th, exc.message_en = message_th, message_en
    exc.args = (message_en,)
    return exc


@dataclass(frozen=True)
class ProcessedPhoto:
    content_type: str  # of the stored copies: "image/jpeg"
    extension: str  # "jpg"
    large: bytes = field(repr=False)  # longest edge <= large_edge, no metadata
    thumbnail: bytes = field(repr=False)  # longest edge <= thumb_edge, no metadata
    width: int  # of `large`
    height: int
    source_format: str  # "jpeg" | "png" | "webp" | "heic"
    taken_at: dt.datetime | None  # EXIF DateTimeOriginal (else DateTime), naive as written
    sha256: str  # hex digest of the original bytes, for spotting duplicate uploads


def sniff(data: bytes) -> str | None:
    """The format from the content's magic bytes ("jpeg", "png", "webp", "heic"), never the
    file name; None otherwise."""
    head = bytes(data[:64])
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if _is_heic(data):
        return "heic"
    return None


def _ftyp_brands(data: bytes) -> tuple[bytes, list[bytes]] | None:
    """(major brand, compatible brands) of an ISO-BMFF "ftyp" box at the start, else None."""
    if len(data) < 16 or data[4:8] != b"ftyp":
        return None
    box_size = int.from_bytes(data[:4], "big")
    if box_size < 16:
        return None
    end = min(box_size, len(data), 4096)
    compatible = [bytes(data[i : i + 4]) for i in range(16, end - 3, 4)]
    return bytes(data[8:12]), compatible


def _is_heic(data: bytes) -> bool:
    brands = _ftyp_brands(data)
    if brands is None:
        return False
    major, compatible = brands
    if major in _HEIC_BRANDS:
        return True
    if major in _HEIF_GENERIC_BRANDS:
        # A generic HEIF container: HEIC unless its brands say it is AVIF.
        return not any(brand in _AVIF_BRANDS for brand in compatible)
    return False


def _is_other_image(data: bytes) -> bool:
    """Image types we recognise but do not accept (GIF, SVG, BMP, TIFF, AVIF, ...)."""
    head = bytes(data[:64])
    if head.startswith(
        (
            b"GIF87a",
            b"GIF89a",
            b"II*\x00",  # TIFF, little-endian
            b"MM\x00*",  # TIFF, big-endian
            b"\x00\x00\x01\x00",  # ICO
            b"8BPS",  # Photoshop
            b"\xff\x0a",  # JPEG XL codestream
            b"\x00\x00\x00\x0cJXL \r\n\x87\n",  # JPEG XL container
            b"\x00\x00\x00\x0cjP  \r\n\x87\n",  # JPEG 2000
            b"\xffO\xffQ",  # JPEG 2000 codestream
            b"qoif",
        )
    ):
        return True
    if head[:2] == b"BM" and head[6:10] == b"\x00\x00\x00\x00":  # BMP: reserved words are 0
        return True
    if head[:4] == b"RIFF":  # some other RIFF (AVI, WAV) is not an image at all
        return False
    brands = _ftyp_brands(data)
    if brands is not None:  # reached only when not HEIC: AVIF or an unknown HEIF flavour
        return brands[0] in _AVIF_BRANDS | _HEIF_GENERIC_BRANDS
    text = bytes(data[:4096]).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith(b"<") and b"<svg" in text


def process_photo(
    data: bytes,
    *,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
    large_edge: int = 1600,
    thumb_edge: int = 320,
    quality: int = 82,
) -> ProcessedPhoto:
    """Check an uploaded photo and return clean JPEG copies, or raise PhotoError."""
    if large_edge < 1 or thumb_edge < 1:
        raise ValueError("large_edge and thumb_edge must be positive")
    if not 1 <= quality <= 100:
        raise ValueError("quality must be between 1 and 100")

    data = bytes(data)
    if not data:
        raise PhotoError("empty")
    if len(data) > max_bytes:
        raise PhotoError("too_large", max_bytes=max_bytes)

    source_format = sniff(data)
    if source_format is None:
        raise PhotoError("unsupported_type" if _is_other_image(data) else "not_an_image")
    if source_format not in ALLOWED_FORMATS:
        raise PhotoError("unsupported_type")

    def too_many_pixels() -> PhotoError:
        return PhotoError("too_many_pixels", max_pixels=max_pixels)

    try:
        img = Image.open(io.BytesIO(data), formats=[_PIL_FORMATS[source_format]])
    except _BOMB_ERRORS as exc:
        raise too_many_pixels() from exc
    except _DECODE_ERRORS as exc:  # claims to be the format, but its header does not parse
        raise PhotoError("corrupt") from exc

    with img:
        width, height = img.size
        if width < 1 or height < 1:
            raise PhotoError("corrupt")
        # Decided from the header alone: no pixel has been decoded yet.
        if width * height > max_pixels:
            raise too_many_pixels()

        if source_format == "jpeg":
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when that is still big enough.
            img.draft(None, _fit((width, height), large_edge))
        if ImageFile.LOAD_TRUNCATED_IMAGES:
            # Another library (WeasyPrint does, on import) may have told Pillow to accept cut-off
            # files for the whole process; an upload must be whole.
            ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            img.load()
        except _BOMB_ERRORS as exc:
            raise too_many_pixels() from exc
        except _DECODE_ERRORS as exc:
            raise PhotoError("corrupt") from exc

        taken_at = _taken_at(img)
        icc_profile = img.info.get("icc_profile")
        with contextlib.suppress(*_DECODE_ERRORS):  # unreadable EXIF: keep pixels as stored
            ImageOps.exif_transpose(img, in_place=True)
        rgb = _to_rgb(img)
        # Inside the `with`: closing `img` also invalidates `rgb` when it is the same image.
        large = rgb.resize(_fit(rgb.size, large_edge), Image.Resampling.LANCZOS, reducing_gap=3.0)

    large = _pixels_only(_to_srgb(large, icc_profile))
    # reducing_gap: halved by a box filter first, then Lanczos; it differs from a fair resize by
    # a quarter of a level of 255 on average and takes half the time (bench/photos.py).
    thumbnail = _pixels_only(
        large.resize(_fit(large.size, thumb_edge), Image.Resampling.LANCZOS, reducing_gap=2.0)
    )

    return ProcessedPhoto(
        content_type="image/jpeg",
        extension="jpg",
        large=_encode_jpeg(large, quality),
        thumbnail=_encode_jpeg(thumbnail, quality),
        width=large.width,
        height=large.height,
        source_format=source_format,
        taken_at=taken_at,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _fit(size: tuple[int, int], edge: int) -> tuple[int, int]:
    """``size`` scaled so its longest edge is at most ``edge``; never larger than it was."""
    width, height = size
    longest = max(width, height)
    if longest <= edge:
        return width, height
    scale = edge / longest
    return max(1, round(width * scale)), max(1, round(height * scale))


def _taken_at(img: Image.Image) -> dt.datetime | None:
    """EXIF DateTimeOriginal (Exif IFD), else DateTime (IFD0), as the camera wrote it (naive)."""
    try:
        exif = img.getexif()
        candidates = [exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL), exif.get(_DATETIME)]
    except Exception:  # metadata is optional: malformed EXIF never rejects a photo
        return None
    for raw in candidates:
        parsed = _parse_exif_datetime(raw)
        if parsed is not None:
            return parsed
    return None


def _parse_exif_datetime(raw: object) -> dt.datetime | None:
    if isinstance(raw, bytes):
        raw = raw.decode("ascii", "replace")
    if not isinstance(raw, str):
        return None
    text = raw.strip("\x00 \t\r\n")
    if len(text) != 19:
        return None
    try:
        return dt.datetime.strptime(text, _EXIF_DATETIME_FORMAT)  # naive, as the camera wrote it
    except ValueError:  # e.g. "0000:00:00 00:00:00" from a camera whose clock was never set
        return None


def _to_rgb(img: Image.Image) -> Image.Image:
    """An RGB image: 16-bit greys scaled down, transparency flattened onto white."""
    if img.mode == "I" or img.mode.startswith("I;16"):
        img = img.point(lambda value: value / 256).convert("L")
    if img.has_transparency_data:
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return img if img.mode == "RGB" else img.convert("RGB")


@cache
def _srgb_profile():
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _to_srgb(img: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Convert from an embedded RGB ICC profile (e.g. Display P3) to sRGB, so the copies can
    drop the profile without their colours shifting. Any problem keeps the pixels as they are."""
    if not icc_profile or ImageCms is None:
        return img
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        if source.profile.xcolor_space.strip() != "RGB":
            return img
        converted = ImageCms.profileToProfile(img, source, _srgb_profile(), outputMode="RGB")
    except (ImageCms.PyCMSError, *_DECODE_ERRORS):
        return img
    return converted if converted is not None else img


def _pixels_only(img: Image.Image) -> Image.Image:
    """A fresh RGB image with the same pixels and no ``info`` (no EXIF, ICC, XMP, comment)."""
    return Image.frombytes("RGB", img.size, img.tobytes())


def _encode_jpeg(img: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()
