"""`fix --diff`: a unified diff that `git apply` and `patch` accept, made from the files' bytes.

The diff is computed on the bytes, split only at `\\n` (as git and patch split:
a form feed, U+2028 or a lone `\\r` is no line break to them), so that every
line reads exactly as in the file, in the file's own encoding. A last line
without a line break gets git's `\\ No newline at end of file` marker.

A diff is for reading (CI logs), so credentials are masked: string literals that may hold
a password (`python/secrets.py`, on either side of a Python file) and URL or `password=`
text (`redact`); a hunk
that differs after masking no longer applies as shown, and a line before the
file's header says so (git and patch skip text there, so the patch stays
well-formed). The diff travels as text: bytes that are not UTF-8 are carried as
surrogates (`surrogateescape`) and written back as the original bytes by
`write_raw`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from typing import BinaryIO

from timeoutlint.python.secrets import mask_literals, secret_literal_texts
from timeoutlint.redact import redact

NO_NEWLINE = b"\\ No newline at end of file\n"
_LINE = re.compile(rb"[^\n]*\n|[^\n]+\Z")
_NEEDS_QUOTING = re.compile(r'[\x00-\x1f\x7f"\\]')


def split_lines(data: bytes) -> list[bytes]:
    """The lines of `data` as git sees them: each ends at `\\n` (kept), the last one may not."""
    return _LINE.findall(data)


def quote_path(path: str) -> str:
    """A path for a diff header, C-quoted as git writes it when it holds a control character,
    a quote or a backslash (so that it cannot start a new line of the output)."""
    if not _NEEDS_QUOTING.search(path):
        return path
    escapes = {"\n": "\\n", "\t": "\\t", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
    quoted = "".join(
        escapes.get(c, f"\\{ord(c):03o}" if ord(c) < 0x20 or ord(c) == 0x7F else c) for c in path
    )
    return f'"{quoted}"'


def _hunks(before: Sequence[bytes], after: Sequence[bytes]) -> Iterator[list[bytes]]:
    """The diff's hunks: each a header line and its lines, as difflib groups them."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for group in matcher.get_grouped_opcodes(3):
        first, last = group[0], group[-1]
        old = _range(first[1], last[2])
        new = _range(first[3], last[4])
        lines = [f"@@ -{old} +{new} @@\n".encode()]
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [b" " + _ended(line) for line in before[i1:i2]]
                continue
            lines += [b"-" + _ended(line) for line in before[i1:i2]]
            lines += [b"+" + _ended(line) for line in after[j1:j2]]
        yield lines


def _ended(line: bytes) -> bytes:
    return line if line.endswith(b"\n") else line + b"\n" + NO_NEWLINE


def _range(start: int, stop: int) -> str:
    length = stop - start
    beginning = start + 1 if length else start
    return str(beginning) if length == 1 else f"{beginning},{length}"


def unified_diff(path: str, before: bytes, after: bytes) -> str:
    """The diff of one file (`a/path` to `b/path`), credentials masked; "" when equal."""
    if before == after:
        return ""
    literals = secret_literal_texts(before.decode("utf-8", "surrogateescape"))
    literals |= secret_literal_texts(after.decode("utf-8", "surrogateescape"))
    notices: list[str] = []
    hunks: list[str] = []
    for hunk in _hunks(split_lines(before), split_lines(after)):
        text = b"".join(hunk).decode("utf-8", "surrogateescape")
        masked = redact(mask_literals(text, literals))
        if masked != text:
            notices.append(masked_notice(path, text.split(" ", 2)[1][1:].split(",")[0]))
        hunks.append(masked)
    header = f"--- {quote_path('a/' + path)}\n+++ {quote_path('b/' + path)}\n"
    return "".join([*notices, header, *hunks])


def masked_notice(path: str, line: str) -> str:
    """The line before a file's diff that says which of its hunks was masked (git and patch
    skip text before a file's `---` header, so the patch stays well-formed)."""
    return (
        f"timeoutlint: the hunk at line {line} of {quote_path(path)} masks a credential (****),"
        " so it does not apply as shown; `timeoutlint fix` makes the real change\n"
    )


def write_raw(text: str, stream: BinaryIO) -> None:
    """Write diff text to a binary stream, non-UTF-8 bytes as they were in the file."""
    stream.write(text.encode("utf-8", "surrogateescape"))
    stream.flush()
