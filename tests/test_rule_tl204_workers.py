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
