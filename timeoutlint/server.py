"""`timeoutlint server`: a language server over stdio (pygls 2, lsprotocol).

A translation layer only: an editor buffer goes to `run.check_source` / `run.fix_source`
and their findings and bytes come back as LSP diagnostics, code actions and hovers. The
server owns no analysis, so the editor shows what `timeoutlint check` prints for the same
text and settings. A code action replaces the editor's text; nothing is written to disk.

Each workspace folder has its own session (configuration + project context), rebuilt when a
file that feeds the project context changes (`didChangeWatchedFiles`) or the settings do.
Nothing here raises into pygls: an internal error becomes a `window/logMessage`.
"""

from __future__ import annotations

import asyncio
import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from timeoutlint import __version__
from timeoutlint.findings import Applicability, Finding
from timeoutlint.redact import redact
from timeoutlint.report.sarif import DOCS_URI
from timeoutlint.run import Session, SessionError, build_session, check_source, fix_source

SOURCE = "timeoutlint"
FIX_ALL_KIND = "source.fixAll.timeoutlint"
DEBOUNCE_SECONDS = 0.3
WATCHED_GLOBS = (
    "**/pyproject.toml",
    "**/timeoutlint.toml",
    "**/.timeoutlint.toml",
    "**/requirements*.txt",
    "**/*.lock",
    "**/Pipfile*",
    "**/setup.cfg",
    "**/setup.py",
    "**/*compose*.y*ml",
    "**/.env*",
    "**/*.env",
    "**/*.py",
)
_SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning}

T = TypeVar("T")


@dataclass(frozen=True)
class Settings:
    """The client's settings for one workspace folder (`timeoutlint.*`)."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    unsafe_fixes: bool = False
    config_path: str | None = None

    @classmethod
    def of(cls, raw: object) -> Settings:
        if not isinstance(raw, dict):
            return cls()
        if isinstance(raw.get("timeoutlint"), dict):
            raw = raw["timeoutlint"]
            assert isinstance(raw, dict)

        def codes(key: str) -> tuple[str, ...]:
            value = raw.get(key)
            return tuple(str(v) for v in value) if isinstance(value, list) else ()

        unsafe = raw.get("unsafeFixes", raw.get("unsafe-fixes", False))
        config = raw.get("configPath", raw.get("config-path"))
        return cls(codes("select"), codes("ignore"), unsafe is True, config or None)


class TimeoutlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("timeoutlint", __version__)
        self.default_settings = Settings()
        self.folder_settings: dict[str, Settings] = {}
        self.sessions: dict[str, Session] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.findings: dict[str, list[Finding]] = {}

    # --- sessions -------------------------------------------------------------------------

    def root_of(self, path: Path) -> str:
        """The workspace folder holding `path` (the innermost), else the file's directory."""
        best = ""
        for folder in self.workspace.folders.values():
            root = to_fs_path(folder.uri) or ""
            if root and (str(path) + os.sep).startswith(root.rstrip(os.sep) + os.sep):
                best = max(best, root, key=len)
        if not best and self.workspace.root_path:
            root = self.workspace.root_path
            if (str(path) + os.sep).startswith(root.rstrip(os.sep) + os.sep):
                best = root
        return best or str(path.parent)

    def settings_for(self, root: str) -> Settings:
        return self.folder_settings.get(root, self.default_settings)

    def session_for(self, path: Path) -> Session | None:
        root = self.root_of(path)
        if root not in self.sessions:
            settings = self.settings_for(root)
            try:
                self.sessions[root] = build_session(
                    (Path(root),),
                    select=settings.select,
                    ignore=settings.ignore,
                    config_file=Path(settings.config_path) if settings.config_path else None,
                    warn=lambda message: self.log(types.MessageType.Warning, message),
                )
            except SessionError as exc:
                self.log(types.MessageType.Error, f"{root}: {exc}")
                return None
        return self.sessions[root]

    def forget_sessions(self) -> None:
        self.sessions.clear()

    # --- safety ---------------------------------------------------------------------------

    def log(self, kind: types.MessageType, message: str) -> None:
        try:
            self.window_log_message(types.LogMessageParams(kind, f"timeoutlint: {message}"))
        except Exception:  # no client to tell: nothing else to do
            pass

    def guarded(self, what: str, default: T, work: Callable[[], T]) -> T:
        """`work()`, or `default` with the error logged: the editor never sees a crash."""
        try:
            return work()
        except Exception as exc:
            detail = redact("".join(traceback.format_exception(exc)))
            self.log(types.MessageType.Error, f"internal error while {what}: {detail}")
            return default

    # --- diagnostics ----------------------------------------------------------------------

    def document(self, uri: str) -> tuple[Path, bytes] | None:
        path = to_fs_path(uri)
        if path is None:
            return None
        return Path(path), self.workspace.get_text_document(uri).source.encode("utf-8")

    def check(self, uri: str) -> list[Finding]:
        def work() -> list[Finding]:
            document = self.document(uri)
            if document is None:
                return []
            session = self.session_for(document[0])
            if session is None:
                return []
            return check_source(session, *document)

        self.findings[uri] = self.guarded(f"checking {uri}", [], work)
        return self.findings[uri]

    def diagnostics(self, uri: str) -> list[types.Diagnostic]:
        document = self.document(uri)
        session = self.session_for(document[0]) if document else None
        rules = session.rules if session else {}
        return [diagnostic(finding, rules.get(finding.rule_id)) for finding in self.check(uri)]

    def safe_diagnostics(self, uri: str) -> list[types.Diagnostic]:
        none: list[types.Diagnostic] = []
        return self.guarded(f"checking {uri}", none, lambda: self.diagnostics(uri))

    def publish(self, uri: str) -> None:
        items = self.safe_diagnostics(uri)
        version = self.workspace.get_text_document(uri).version
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, items, version))

    def publish_later(self, uri: str) -> None:
        """Debounce: diagnostics for the text as it is `DEBOUNCE_SECONDS` after the last edit."""
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()

        async def later() -> None:
            await asyncio.sleep(DEBOUNCE_SECONDS)
            self.pending.pop(uri, None)
            self.publish(uri)

        self.pending[uri] = asyncio.ensure_future(later())

    def refresh_all(self) -> None:
        """New settings or project context: every open document again."""
        self.forget_sessions()
        self.findings.clear()
        if not _pull_supported(self):
            for uri in list(self.workspace.text_documents):
                self.publish(uri)
        elif self.client_capabilities.workspace and getattr(
            self.client_capabilities.workspace.diagnostics, "refresh_support", False
        ):
            self.workspace_diagnostic_refresh(None)


def diagnostic(finding: Finding, rule: Any) -> types.Diagnostic:
    related = [
        types.DiagnosticRelatedInformation(
            types.Location(from_fs_path(os.path.abspath(place.path)) or "", lsp_range(place)),
            place.message,
        )
        for place in finding.related
    ]
    return types.Diagnostic(
        range=lsp_range(finding),
        message=finding.message,
        severity=_SEVERITY.get(getattr(rule, "severity", ""), types.DiagnosticSeverity.Warning),
        code=finding.rule_id,
        code_description=types.CodeDescription(DOCS_URI.format(id=finding.rule_id)),
        source=SOURCE,
        related_information=related or None,
        data={"fixable": finding.fix is not None},
    )


def lsp_range(item: Any) -> types.Range:
    """A finding's span (1-based lines and columns) as an LSP range (0-based)."""
    start, end = item.span.start, item.span.end
    return types.Range(
        types.Position(max(start.line - 1, 0), max(start.column - 1, 0)),
        types.Position(max(end.line - 1, 0), max(end.column - 1, 0)),
    )


def _overlaps(a: types.Range, b: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return (p.line, p.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def whole_document_edit(uri: str, version: int | None, old: str, new: str) -> types.WorkspaceEdit:
    """Replace the editor's text with `new` (one edit: the fix loop's verified result)."""
    lines = old.split("\n")
    end = types.Position(len(lines) - 1, len(lines[-1].encode("utf-16-le")) // 2)
    edit = types.TextEdit(types.Range(types.Position(0, 0), end), new)
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                types.OptionalVersionedTextDocumentIdentifier(uri, version), [edit]
            )
        ]
    )


server = TimeoutlintServer()


@server.feature(types.INITIALIZE)
def _initialize(ls: TimeoutlintServer, params: types.InitializeParams) -> None:
    ls.default_settings = Settings.of(params.initialization_options)


@server.feature(types.INITIALIZED)
async def _initialized(ls: TimeoutlintServer, params: types.InitializedParams) -> None:
    capabilities = ls.client_capabilities.workspace
    if capabilities and capabilities.configuration:
        await _pull_settings(ls)
    watching = getattr(capabilities, "did_change_watched_files", None)
    if watching and watching.dynamic_registration:
        watchers = [types.FileSystemWatcher(glob_pattern=glob) for glob in WATCHED_GLOBS]
        registration = types.Registration(
            "timeoutlint-watched-files",
            types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            types.DidChangeWatchedFilesRegistrationOptions(watchers),
        )
        try:
            await ls.client_register_capability_async(types.RegistrationParams([registration]))
        except Exception as exc:
            ls.log(types.MessageType.Warning, f"cannot watch the project's files: {exc}")


async def _pull_settings(ls: TimeoutlintServer) -> None:
    """`workspace/configuration` for the section `timeoutlint`, once per workspace folder."""
    roots = [to_fs_path(folder.uri) or "" for folder in ls.workspace.folders.values()]
    items = [
        types.ConfigurationItem(scope_uri=folder.uri, section="timeoutlint")
        for folder in ls.workspace.folders.values()
    ]
    if not items:
        return
    try:
        answers = await ls.workspace_configuration_async(types.ConfigurationParams(items))
    except Exception as exc:
        ls.log(types.MessageType.Warning, f"cannot read the client's settings: {exc}")
        return
    for root, answer in zip(roots, answers or [], strict=False):
        if isinstance(answer, dict) and answer:
            ls.folder_settings[root] = Settings.of(answer)


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def _settings_changed(
    ls: TimeoutlintServer, params: types.DidChangeConfigurationParams
) -> None:
    if isinstance(params.settings, dict) and params.settings:
        ls.default_settings = Settings.of(params.settings)
        ls.folder_settings.clear()
    capabilities = ls.client_capabilities.workspace
    if capabilities and capabilities.configuration:
        await _pull_settings(ls)
    ls.refresh_all()


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def _watched_changed(ls: TimeoutlintServer, params: types.DidChangeWatchedFilesParams) -> None:
    ls.refresh_all()


@server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
def _folders_changed(ls: TimeoutlintServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
    ls.refresh_all()


def _pull_supported(ls: TimeoutlintServer) -> bool:
    document = ls.client_capabilities.text_document
    return bool(document and document.diagnostic)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def _opened(ls: TimeoutlintServer, params: types.DidOpenTextDocumentParams) -> None:
    if not _pull_supported(ls):
        ls.publish(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def _changed(ls: TimeoutlintServer, params: types.DidChangeTextDocumentParams) -> None:
    if not _pull_supported(ls):
        ls.publish_later(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def _saved(ls: TimeoutlintServer, params: types.DidSaveTextDocumentParams) -> None:
    if not _pull_supported(ls):
        ls.publish(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def _closed(ls: TimeoutlintServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.findings.pop(uri, None)
    if not _pull_supported(ls):
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))


@server.feature(
    types.TEXT_DOCUMENT_DIAGNOSTIC,
    types.DiagnosticOptions(
        identifier=SOURCE, inter_file_dependencies=True, workspace_diagnostics=False
    ),
)
def _pull(
    ls: TimeoutlintServer, params: types.DocumentDiagnosticParams
) -> types.RelatedFullDocumentDiagnosticReport:
    uri = params.text_document.uri
    items = ls.safe_diagnostics(uri)
    return types.RelatedFullDocumentDiagnosticReport(items=items)


def _findings(ls: TimeoutlintServer, uri: str) -> list[Finding]:
    return ls.findings[uri] if uri in ls.findings else ls.check(uri)


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND]),
)
def _code_actions(
    ls: TimeoutlintServer, params: types.CodeActionParams
) -> list[types.CodeAction] | None:
    return ls.guarded("making code actions", None, lambda: _make_code_actions(ls, params))


def _make_code_actions(
    ls: TimeoutlintServer, params: types.CodeActionParams
) -> list[types.CodeAction] | None:
    from timeoutlint.add_noqa import add_noqa
    from timeoutlint.run import source_file

    uri = params.text_document.uri
    document = ls.document(uri)
    if document is None:
        return None
    path, data = document
    session = ls.session_for(path)
    if session is None:
        return None
    text_document = ls.workspace.get_text_document(uri)
    old, version = text_document.source, text_document.version
    unsafe = ls.settings_for(ls.root_of(path)).unsafe_fixes
    only = params.context.only
    wants_quickfix = not only or any(k.startswith("quickfix") for k in only)
    wants_fix_all = not only or any(FIX_ALL_KIND.startswith(k) for k in only)
    findings = check_source(session, path, data)
    actions: list[types.CodeAction] = []

    def edit_to(new: bytes) -> types.WorkspaceEdit:
        return whole_document_edit(uri, version, old, new.decode("utf-8"))

    for finding in findings:
        where = lsp_range(finding)
        if not wants_quickfix or not _overlaps(where, params.range):
            continue
        shown = diagnostic(finding, session.rules.get(finding.rule_id))
        fix = finding.fix
        if fix is not None and (fix.applicability is Applicability.SAFE or unsafe):
            label = "safe" if fix.applicability is Applicability.SAFE else "unsafe"
            new = fix_source(session, path, data, unsafe, finding.__eq__)
            if new != data:
                actions.append(
                    types.CodeAction(
                        title=f"{finding.rule_id}: {fix.message} ({label} fix)",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[shown],
                        is_preferred=label == "safe",
                        edit=edit_to(new),
                    )
                )
        kind = source_file(session, path).kind
        suppressed = add_noqa(kind, data, [finding])
        if suppressed.added:
            actions.append(
                types.CodeAction(
                    title=f"{finding.rule_id}: suppress with `# noqa: {finding.rule_id}`",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[shown],
                    edit=edit_to(suppressed.data),
                )
            )
    if wants_fix_all and any(
        f.fix is not None and f.fix.applicability is Applicability.SAFE for f in findings
    ):
        new = fix_source(session, path, data, unsafe=False)
        if new != data:
            actions.append(
                types.CodeAction(
                    title="timeoutlint: fix all safe findings",
                    kind=FIX_ALL_KIND,
                    edit=edit_to(new),
                )
            )
    return actions


@server.feature(types.TEXT_DOCUMENT_HOVER)
def _hover(ls: TimeoutlintServer, params: types.HoverParams) -> types.Hover | None:
    return ls.guarded("making a hover", None, lambda: _make_hover(ls, params))


def _make_hover(ls: TimeoutlintServer, params: types.HoverParams) -> types.Hover | None:
    uri = params.text_document.uri
    document = ls.document(uri)
    session = ls.session_for(document[0]) if document else None
    if session is None:
        return None
    here = types.Range(params.position, params.position)
    parts = []
    for finding in _findings(ls, uri):
        rule = session.rules.get(finding.rule_id)
        if rule is None or not _overlaps(lsp_range(finding), here):
            continue
        link = DOCS_URI.format(id=rule.id)
        parts.append(
            f"**{rule.id} {rule.name}**: {rule.summary.strip()}\n\n"
            f"{rule.why.strip()}\n\n[{rule.id} rule page]({link})"
        )
    if not parts:
        return None
    contents = types.MarkupContent(types.MarkupKind.Markdown, "\n\n---\n\n".join(parts))
    return types.Hover(contents)


def serve() -> None:
    """Serve over stdin/stdout until the client says exit."""
    server.start_io()
