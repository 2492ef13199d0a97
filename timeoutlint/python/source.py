"""Turning a Python file's bytes into text the way the interpreter does.

The encoding comes from the BOM or the PEP 263 cookie, and everything the
fixer needs to write the file back unchanged (encoding, BOM) is kept.
"""

from __future__ import annotations

import codecs
import io
import re
import tokenize
from dataclasses import dataclass

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class SourceDecodeError(Exception):
    """The bytes are not valid text in the file's declared encoding."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


@dataclass(frozen=True)
class DecodedSource:
    text: str
    encoding: str
    has_bom: bool

    def encode(self, text: str) -> bytes:
        data = text.encode(self.encoding)
        return codecs.BOM_UTF8 + data if self.has_bom else data


def decode_python(data: bytes) -> DecodedSource:
    has_bom = data.startswith(codecs.BOM_UTF8)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise SourceDecodeError(str(exc)) from None
    if encoding == "utf-8-sig":
        encoding = "utf-8"
    body = data[len(codecs.BOM_UTF8) :] if has_bom else data
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        column = exc.start - (body.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SourceDecodeError(
            f"file is not valid {encoding}: byte 0x{body[exc.start]:02x} cannot be decoded",
            line,
            column,
        ) from None
    except LookupError:
        raise SourceDecodeError(f"unknown encoding {encoding!r} in the coding cookie") from None
    return DecodedSource(text=text, encoding=encoding, has_bom=has_bom)


def character_column(line: str, byte_offset: int) -> int:
    """The 0-based character column of an `ast` column (a UTF-8 byte offset) in `line`."""
    if line.isascii():
        return byte_offset
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8", "replace"))


def split_lines(text: str) -> list[str]:
    """Lines as the Python tokenizer counts them (only \\r\\n, \\r and \\n break a line)."""
    return _LINE_BREAK.split(text)
