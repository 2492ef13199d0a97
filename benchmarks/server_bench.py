"""`timeoutlint server`: diagnostics latency after an edit, and memory with many open files.

Not a test (the numbers depend on the machine). Starts the real server over stdio with a
pytest-lsp client (the `dev` extra) in a temporary project and measures:

- the time from `didChange` to the answer of a pull `textDocument/diagnostic` for a
  2,000-line Python file (median of `--runs` warm runs; the publish path adds the 300 ms
  debounce on top, by design);
- the server's resident memory (VmRSS) after opening 200 such files of 200 lines.

    python benchmarks/server_bench.py [--runs 20]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient
from pytest_lsp.client import make_test_lsp_client

BLOCK = '''

def fetch_{n}(session, url):
    """Fetch a page; the timeout is missing on purpose every fourth block."""
    response = requests.get(url{timeout})
    response.raise_for_status()
    client = redis.Redis(host="cache", port=6379, socket_timeout=5)
    client.set("page:{n}", response.text)
    return len(response.text)
'''


def python_file(lines: int) -> str:
    head = "import redis\nimport requests\n"
    blocks = []
    n = 0
    while head.count("\n") + sum(b.count("\n") for b in blocks) < lines:
        blocks.append(BLOCK.format(n=n, timeout="" if n % 4 == 0 else ", timeout=10"))
        n += 1
    return head + "".join(blocks)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def main(runs: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "pyproject.toml").write_text('[project]\nname = "bench"\n\n[tool.timeoutlint]\n')
        client: LanguageClient = make_test_lsp_client()
        await client.start_io(sys.executable, "-m", "timeoutlint", "server")
        await client.initialize_session(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(
                    text_document=types.TextDocumentClientCapabilities(
                        diagnostic=types.DiagnosticClientCapabilities()
                    )
                ),
                workspace_folders=[types.WorkspaceFolder(root.as_uri(), "bench")],
            )
        )
        pid = client._server.pid  # type: ignore[union-attr]
        big = python_file(2000)
        uri = (root / "big.py").as_uri()
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, big))
        )
        ident = types.TextDocumentIdentifier(uri)
        first = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(ident))
        count = len(getattr(first, "items", []))
        timings = []
        for version in range(2, runs + 3):
            edited = big.replace("page:0", f"page:0-{version}")
            start = time.perf_counter()
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    types.VersionedTextDocumentIdentifier(version=version, uri=uri),
                    [types.TextDocumentContentChangeWholeDocument(edited)],
                )
            )
            await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(ident))
            timings.append(time.perf_counter() - start)
        warm = timings[2:]
        before = rss_kib(pid)
        small = python_file(200)
        for i in range(200):
            other = (root / f"m{i}.py").as_uri()
            client.text_document_did_open(
                types.DidOpenTextDocumentParams(types.TextDocumentItem(other, "python", 1, small))
            )
            await client.text_document_diagnostic_async(
                types.DocumentDiagnosticParams(types.TextDocumentIdentifier(other))
            )
        after = rss_kib(pid)
        await client.shutdown_session()
        await client.stop()
    print(f"2,000-line file ({big.count(chr(10))} lines, {count} findings):")
    print(
        f"  diagnostics after an edit: median {statistics.median(warm) * 1000:.1f} ms"
        f" over {len(warm)} warm runs (min {min(warm) * 1000:.1f}, max {max(warm) * 1000:.1f})"
    )
    print(f"RSS: {before / 1024:.1f} MiB with 1 file open, {after / 1024:.1f} MiB with 201")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    asyncio.run(main(parser.parse_args().runs))
