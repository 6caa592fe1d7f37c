#!/usr/bin/env python3
"""Draw BakeryBot's Teams app icons with the standard library only (zlib + struct).

    python3 manifests/teams/make-icons.py

writes, next to this script:

* color.png   192x192 full colour: a chocolate-chip cookie with a bite out of it on a brown rounded
              square (the manifest's accentColor is the same brown).
* outline.png 32x32 outline: the same cookie drawn in white on a transparent background, as Teams
              asks for (white only; partial alpha at the edges for antialiasing, never another colour).

The output is deterministic, so regenerating the icons without changing this script changes no bytes.
"""

from __future__ import annotations

import math
import os
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))

# Colours (r, g, b).
BACKGROUND = (0x6B, 0x3E, 0x26)  # the manifest's accentColor, #6B3E26
DOUGH = (0xF0, 0xB9, 0x6B)
DOUGH_EDGE = (0xC9, 0x8A, 0x45)
CHIP = (0x4A, 0x2C, 0x17)
WHITE = (0xFF, 0xFF, 0xFF)

SUPERSAMPLE = 4  # samples per axis per pixel, for smooth edges


# --- shapes, in a unit square: (0, 0) top left, (1, 1) bottom right ---------------------------------

COOKIE_CENTRE = (0.5, 0.5)
BITE_CENTRE = (0.74, 0.26)  # a bite out of the top right
CHIPS = [  # (x, y, radius)
    (0.36, 0.36, 0.045),
    (0.58, 0.47, 0.040),
    (0.38, 0.62, 0.048),
    (0.62, 0.68, 0.042),
    (0.26, 0.50, 0.030),
    (0.50, 0.71, 0.030),
]


def inside_circle(x: float, y: float, cx: float, cy: float, r: float) -> bool:
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def inside_rounded_square(x: float, y: float, radius: float) -> bool:
    """The unit square with corners rounded by `radius`."""
    if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
        return False
    cx = min(max(x, radius), 1.0 - radius)
    cy = min(max(y, radius), 1.0 - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius * radius


def colour_sample(x: float, y: float) -> tuple[int, int, int, int]:
    """One sample of the colour icon: RGBA."""
    if not inside_rounded_square(x, y, 0.16):
        return (0, 0, 0, 0)
    cookie_r, bite_r, edge = 0.32, 0.10, 0.025
    in_cookie = inside_circle(x, y, *COOKIE_CENTRE, cookie_r)
    in_bite = inside_circle(x, y, *BITE_CENTRE, bite_r)
    if not in_cookie or in_bite:
        return (*BACKGROUND, 255)
    # A darker rim along the cookie's edge and the bite's edge.
    near_edge = not inside_circle(x, y, *COOKIE_CENTRE, cookie_r - edge) or inside_circle(
        x, y, *BITE_CENTRE, bite_r + edge
    )
    if near_edge:
        return (*DOUGH_EDGE, 255)
    if any(inside_circle(x, y, cx, cy, r) for cx, cy, r in CHIPS):
        return (*CHIP, 255)
    return (*DOUGH, 255)


def outline_sample(x: float, y: float) -> tuple[int, int, int, int]:
    """One sample of the outline icon: white or transparent."""
    cookie_r, bite_r, stroke = 0.45, 0.17, 0.085
    # The cookie's outline: a ring, broken by the bite, whose own edge is drawn as an arc.
    in_ring = inside_circle(x, y, *COOKIE_CENTRE, cookie_r) and not inside_circle(
        x, y, *COOKIE_CENTRE, cookie_r - stroke
    )
    bite = (0.84, 0.16)
    in_bite = inside_circle(x, y, *bite, bite_r)
    in_bite_arc = (
        inside_circle(x, y, *bite, bite_r + stroke)
        and not in_bite
        and inside_circle(x, y, *COOKIE_CENTRE, cookie_r)
    )
    chips = [(0.37, 0.40, 0.075), (0.60, 0.56, 0.075), (0.38, 0.67, 0.070)]
    in_chip = any(inside_circle(x, y, cx, cy, r) for cx, cy, r in chips)
    if (in_ring and not in_bite) or in_bite_arc or in_chip:
        return (*WHITE, 255)
    return (*WHITE, 0)


# --- rendering ---------------------------------------------------------------------------------------


def render(size: int, sample) -> list[bytes]:
    """Rows of RGBA pixels; each pixel averages SUPERSAMPLE^2 samples (colour weighted by alpha)."""
    rows = []
    n = SUPERSAMPLE
    for py in range(size):
        row = bytearray()
        for px in range(size):
            r = g = b = a = 0
            for sy in range(n):
                for sx in range(n):
                    x = (px + (sx + 0.5) / n) / size
                    y = (py + (sy + 0.5) / n) / size
                    sr, sg, sb, sa = sample(x, y)
                    r += sr * sa
                    g += sg * sa
                    b += sb * sa
                    a += sa
            if a == 0:
                row += bytes((0, 0, 0, 0)) if sample is colour_sample else bytes((255, 255, 255, 0))
            else:
                row += bytes(
                    (
                        round(r / a),
                        round(g / a),
                        round(b / a),
                        round(a / (n * n)),
                    )
                )
        rows.append(bytes(row))
    return rows


def png(size: int, rows: list[bytes]) -> bytes:
    """An 8-bit RGBA, non-interlaced PNG; every row uses filter type 0 (none)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    raw = b"".join(b"\x00" + row for row in rows)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main() -> int:
    out_dir = sys.argv[1] if len(sys.argv) > 1 else HERE
    for name, size, sample in (("color.png", 192, colour_sample), ("outline.png", 32, outline_sample)):
        path = os.path.join(out_dir, name)
        with open(path, "wb") as f:
            f.write(png(size, render(size, sample)))
        print(f"wrote {path} ({size}x{size})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
