"""Tiny but real files for upload tests, built here rather than kept as binaries."""

import struct
import zlib


def png(width: int = 2, height: int = 2) -> bytes:
    """A valid PNG of red pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\xcc\x22\x22" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


# A 1×1 baseline JPEG (as a browser's canvas writes it, without its colour profile).
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300100b0c0e0c0a100e0d0e1211101318"
    "281a181616183123251d283a333d3c3933383740485c4e404457453738506d51575f626768673e4d"
    "71797064785c656763ffdb0043011112121815182f1a1a2f63423842636363636363636363636363"
    "6363636363636363636363636363636363636363636363636363636363636363636363636363ffc0"
    "0011080001000103012200021101031101ffc4001500010100000000000000000000000000000005"
    "ffc40014100100000000000000000000000000000000ffc400150101010000000000000000000000"
    "0000000406ffc40014110100000000000000000000000000000000ffda000c03010002110311003f"
    "0092002a87ffd9"
)
# A 1×1 lossless WebP.
WEBP = bytes.fromhex("524946461a000000574542505650384c0d0000002f00000010071011118888fe0700")
PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
)
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
LINUX_PROGRAM = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
SCRIPT = b"#!/bin/sh\nrm -rf ~\n"
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 20


def voice_form(**overrides) -> dict:
    """A complete public submission; override fields to vary it."""
    data = {
        "subject": "望江路路灯不亮",
        "body": "望江路北段三盏路灯一周没亮，晚上行人看不清路。",
        "kind": "complaint",
        "place": "望江路北段",
        "area": "",
        "name": "李建国",
        "phone": "138 1234 5678",
        "address": "江北区望江路20号",
        "consent_to_publish": "on",
    }
    data.update(overrides)
    return data
