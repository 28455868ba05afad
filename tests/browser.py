"""Headless Chromium for the tests of the HTML report: find it, run it, read what it makes.

Chromium is Debian's ``chromium`` package, which ``.ci/run`` installs when it is absent;
where it cannot be installed the tests that need it are skipped with :data:`SKIP_MESSAGE`.
The screenshot is decoded here with the standard library (zlib and the five PNG row
filters), and a printed PDF is read for its page size and page count.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
SKIP_MESSAGE = "chromium not found: .ci/run installs it (apt-get install chromium)"
TIMEOUT = 60  # seconds for one run of Chromium

# No network, no first-run work, a throwaway profile: a run depends on the page alone.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def find_chromium() -> str | None:
    """The path of a Chromium (or Chrome) executable, or ``None``."""
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass(frozen=True)
class Chromium:
    """One Chromium executable, run with a fresh profile in ``workdir`` each time."""

    executable: str
    workdir: Path

    def run(self, args: Sequence[str], *, timeout: int = TIMEOUT) -> bytes:
        """Run Chromium with the test flags and ``args``; its standard output.

        Fails the test (not an error) with Chromium's standard error when it times out
        or exits with a failure."""
        profile = self.workdir / "chromium-profile"
        command = [self.executable, *FLAGS, f"--user-data-dir={profile}", *args]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as err:
            stderr = (err.stderr or b"").decode("utf-8", "replace")
            pytest.fail(f"chromium did not finish within {timeout} s: {' '.join(command)}\n{_tail(stderr)}")
        if done.returncode != 0:
            stderr = done.stderr.decode("utf-8", "replace")
            pytest.fail(f"chromium exited with {done.returncode}: {' '.join(command)}\n{_tail(stderr)}")
        return done.stdout

    def screenshot(self, page: Path, png: Path, size: tuple[int, int] = (1200, 1600)) -> Image:
        """The top of ``page`` in a window of ``size`` pixels, decoded."""
        self.run([f"--screenshot={png}", f"--window-size={size[0]},{size[1]}", page.as_uri()])
        if not png.exists():
            pytest.fail(f"chromium wrote no screenshot to {png}")
        return decode_png(png.read_bytes())

    def dump_dom(self, page: Path) -> str:
        """The DOM of ``page`` after loading, serialized as HTML."""
        return self.run(["--dump-dom", page.as_uri()]).decode("utf-8")

    def print_pdf(self, page: Path, pdf: Path) -> bytes:
        """``page`` printed to PDF with its own ``@page`` size, no header or footer."""
        self.run([f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri()])
        if not pdf.exists():
            pytest.fail(f"chromium wrote no PDF to {pdf}")
        return pdf.read_bytes()


def _tail(text: str, lines: int = 30) -> str:
    """The end of Chromium's standard error, without the D-Bus noise of a machine without one."""
    kept = [line for line in text.splitlines() if "dbus" not in line.lower()]
    return "\n".join(kept[-lines:]) or "(no standard error)"


# --- PNG --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Image:
    """Decoded 8-bit pixels: ``rows[y]`` holds ``width * channels`` bytes."""

    width: int
    height: int
    channels: int  # 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA
    rows: tuple[bytes, ...]

    def rgb(self, x: int, y: int) -> tuple[int, int, int]:
        row, c = self.rows[y], self.channels
        if c in (1, 2):
            grey = row[x * c]
            return grey, grey, grey
        return row[x * c], row[x * c + 1], row[x * c + 2]

    def pixels(self, step: int = 1) -> list[tuple[int, int, int]]:
        """Every ``step``-th pixel of every ``step``-th row, as RGB."""
        return [self.rgb(x, y) for y in range(0, self.height, step) for x in range(0, self.width, step)]

    def count(self, colour: tuple[int, int, int]) -> int:
        """How many pixels are exactly ``colour``."""
        if self.channels not in (3, 4):
            return sum(1 for p in self.pixels() if p == colour)
        c = self.channels
        target = bytes(colour)
        total = 0
        for row in self.rows:
            start = row.find(target)
            while start != -1:
                if start % c == 0:
                    total += 1
                start = row.find(target, start + 1)
        return total


_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # PNG colour type -> samples per pixel


def decode_png(data: bytes) -> Image:
    """Decode a non-interlaced 8-bit PNG (grey, RGB, with or without alpha)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, header, idat = 8, b"", []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if zlib.crc32(kind + body) != struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])[0]:
            raise ValueError(f"PNG chunk {kind!r}: bad CRC")
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or colour not in _CHANNELS or interlace != 0:
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {colour}, interlace {interlace}")
    channels = _CHANNELS[colour]
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows: list[bytes] = []
    prior = bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], raw[start + 1 : start + 1 + stride]
        prior = _unfilter(kind, line, prior, channels)
        rows.append(prior)
    return Image(width, height, channels, tuple(rows))


def _unfilter(kind: int, line: bytes, prior: bytes, bpp: int) -> bytes:
    """Undo one row's filter (PNG specification, section 9): None, Sub, Up, Average, Paeth."""
    if kind == 0:
        return bytes(line)
    if kind == 2:
        return bytes((a + b) & 0xFF for a, b in zip(line, prior, strict=True))
    out = bytearray(line)
    if kind == 1:
        for i in range(bpp, len(out)):
            out[i] = (out[i] + out[i - bpp]) & 0xFF
    elif kind == 3:
        for i in range(len(out)):
            left = out[i - bpp] if i >= bpp else 0
            out[i] = (out[i] + ((left + prior[i]) >> 1)) & 0xFF
    elif kind == 4:
        for i in range(len(out)):
            a = out[i - bpp] if i >= bpp else 0
            b = prior[i]
            c = prior[i - bpp] if i >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            predictor = a if pa <= pb and pa <= pc else b if pb <= pc else c
            out[i] = (out[i] + predictor) & 0xFF
    else:
        raise ValueError(f"unknown PNG filter type {kind}")
    return bytes(out)


# --- PDF ----------------------------------------------------------------------------------------


def pdf_page_count(pdf: bytes) -> int:
    """Pages of a PDF whose page objects are not compressed (Chromium's are not)."""
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", pdf))


def pdf_media_boxes(pdf: bytes) -> list[tuple[Decimal, Decimal]]:
    """The width and height, in points, of every ``/MediaBox`` of a PDF."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]", pdf)
    return [
        (Decimal(x1.decode()) - Decimal(x0.decode()), Decimal(y1.decode()) - Decimal(y0.decode()))
        for x0, y0, x1, y1 in boxes
    ]
