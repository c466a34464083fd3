"""One gzip file written in pieces, by several processes at once.

A gzip file is a header, one deflate stream and a trailer holding the CRC-32 and the length of
the text. A deflate stream may be cut wherever its compressor was flushed with ``Z_SYNC_FLUSH``
(the flush ends on a byte boundary and leaves the stream open): pieces compressed on their own,
each ended so, and put end to end are one stream, provided only the last piece is finished. The
trailer's CRC is worked out from the pieces' own CRCs and lengths (``crc32_combine``), so the
text never has to pass through one process. This is how ``pigz`` compresses on many cores.

The result is a single gzip member, not several members concatenated (also valid gzip): some
HTTP clients, browsers among them, stop reading a ``Content-Encoding: gzip`` body after the
first member, and open data is served that way. Plain Python, no Django.
"""

from __future__ import annotations

import struct
import time
import zlib
from dataclasses import dataclass
from typing import BinaryIO

LEVEL = 1  # the fastest: the files are large and written anew every day


@dataclass(frozen=True)
class Piece:
    """What a piece held before compression: its CRC-32 and its length in bytes."""

    crc: int = 0
    size: int = 0

    def then(self, other: Piece) -> Piece:
        """The CRC and length of this piece's text followed by ``other``'s."""
        return Piece(crc32_combine(self.crc, other.crc, other.size), self.size + other.size)


class Deflater:
    """Bytes in, one piece of raw deflate out to ``file``."""

    def __init__(self, file: BinaryIO, level: int = LEVEL) -> None:
        self.file = file
        self.zip = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS, zlib.DEF_MEM_LEVEL, 0)
        self.crc = 0
        self.size = 0

    def write(self, data: bytes) -> None:
        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)
        self.file.write(self.zip.compress(data))

    def end(self, *, last: bool = False) -> Piece:
        """Flush: ``last`` finishes the stream; otherwise another piece may follow."""
        self.file.write(self.zip.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH))
        return Piece(self.crc, self.size)


def header(level: int = LEVEL, mtime: float | None = None) -> bytes:
    """A gzip header without a file name (RFC 1952): magic, deflate, flags, time, speed, OS."""
    extra = 4 if level == 1 else 2 if level == 9 else 0
    stamp = int(time.time() if mtime is None else mtime) & 0xFFFFFFFF
    return b"\x1f\x8b\x08\x00" + struct.pack("<L", stamp) + bytes([extra, 255])


def trailer(whole: Piece) -> bytes:
    return struct.pack("<LL", whole.crc & 0xFFFFFFFF, whole.size & 0xFFFFFFFF)


# crc32_combine as zlib computes it (zlib's crc32.c, the version with GF(2) matrices): appending
# len2 bytes to a text whose CRC is crc1 moves crc1 through the CRC's register len2 × 8 times
# with zeros coming in, which is a linear map; it is built by squaring the one-bit map.
_POLY = 0xEDB88320


def _times(matrix: list[int], vector: int) -> int:
    total, row = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[row]
        vector >>= 1
        row += 1
    return total


def _square(matrix: list[int]) -> list[int]:
    return [_times(matrix, matrix[n]) for n in range(32)]


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """The CRC-32 of A + B, given ``crc1`` of A, ``crc2`` of B and B's length."""
    if len2 <= 0:
        return crc1
    odd = [_POLY] + [1 << n for n in range(31)]  # one zero bit
    even = _square(odd)  # two zero bits
    odd = _square(even)  # four zero bits
    while True:
        even = _square(odd)  # first time round: one zero byte
        if len2 & 1:
            crc1 = _times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _square(even)
        if len2 & 1:
            crc1 = _times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2
