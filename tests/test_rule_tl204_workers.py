"""TL204 rq-worker-socket-timeout: which RQ workers wait on their connection, and which connection."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import lint_files
from tests.test_prefilter_guards import rule_ids, run

RQ1 = {"rq_version": "==1.16.2"}


WORKER_MODULE = """
from rq.worker import SimpleWorker


class ResilientWorker(SimpleWorker):
    def handle_exception(self, job, *exc_info):
        return True
"""

RUNNER = """
from redis import Redis

from app.workers import ResilientWorker

conn = Redis(host="redis", socket_timeout=30)
ResilientWorker(["default"], connection=conn).work(with_scheduler=True)
"""


def test_a_worker_subclass_of_another_project_module_is_a_worker(tmp_path: Path) -> None:
    findings = lint_files(
        tmp_path,
        {"app/workers.py": WORKER_MODULE, "app/run.py": RUNNER},
        select="TL204",
        **RQ1,
    )
    assert [
        (Path(f.path).relative_to(tmp_path).as_posix(), f.span.start.line) for f in findings
    ] == [("app/run.py", 7)]
    assert findings[0].message.startswith(
        "`ResilientWorker()` uses a connection with socket_timeout=30 (line 6), below the 415 s"
    )


def test_the_prefilter_admits_a_file_that_uses_a_worker_subclass_of_another_module(
    tmp_path: Path,
) -> None:
    files = {"app/workers.py": WORKER_MODULE, "app/run.py": RUNNER, "requirements.txt": "rq<2\n"}
    linted = run(tmp_path, files, "TL204")
    assert linted.admitted["app/run.py"] is True
    assert rule_ids(linted.findings["app/run.py"]) == ["TL204"]


def test_the_prefilter_admits_a_connection_keyword_written_across_a_comment_and_a_line(
    tmp_path: Path,
) -> None:
    """The file never says rq: its `connection` keyword is what lets it through."""
    runner = RUNNER.replace("connection=conn", "connection  # the shared one\n    = conn").replace(
        "app.workers", "app.jobs"
    )
    files = {"app/jobs.py": WORKER_MODULE, "app/run.py": runner, "requirements.txt": "rq<2\n"}
    linted = run(tmp_path, files, "TL204")
    assert linted.admitted["app/run.py"] is True
    assert rule_ids(linted.findings["app/run.py"]) == ["TL204"]


def test_a_file_that_says_connection_but_passes_no_connection_keyword_is_rejected(
    tmp_path: Path,
) -> None:
    """No `rq` in the file and no `connection=`: no worker call of it can have a connection."""
    runner = RUNNER.replace(", connection=conn", "").replace("app.workers", "app.jobs")
    runner += "pool = conn.connection_pool\n"
    files = {"app/jobs.py": WORKER_MODULE, "app/run.py": runner, "requirements.txt": "rq<2\n"}
    assert run(tmp_path, files, "TL204").admitted["app/run.py"] is False
    forced = run(tmp_path, files, "TL204", forced=True)
    assert forced.findings["app/run.py"] == []
