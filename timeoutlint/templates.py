"""Files that are templates (Jinja, cookiecutter, copier), not code or YAML until rendered.

A project generator keeps `{% if cookiecutter.use_celery == 'y' %}` and `{{ project_slug }}` in
files that look like `settings.py` or `docker-compose.yml`. They cannot be parsed, and
reporting that (TL001, TL002) tells the maintainer nothing: the rendered file is what runs.
The test is asked only of a file that failed to parse, about the line it failed at.
"""

from __future__ import annotations

import re

_JINJA = re.compile(
    r"\{%-?\s*(?:if|elif|else|endif|for|endfor|set|endset|block|endblock|include|import|from"
    r"|macro|endmacro|raw|endraw|extends|with|endwith|filter|endfilter)\b"
    r"|\{\{-?\s*[A-Za-z_][\w.]*(?:\[[^\]\n]*\])?\s*(?:\|[^}\n]*)?-?\}\}"
)


def fails_at_a_template_tag(text: str, line: int, lines_before: int = 0) -> bool:
    """Whether the parse error at `line` (1-based) is at a Jinja statement tag or a
    `{{ name }}` expression, on that line or the `lines_before` before it (a YAML parser often
    stops at the token after the tag). Asking about the failing line, not the whole file, keeps
    the real syntax error of a file that also holds `f"{{name}}"` reported."""
    lines = text.splitlines()
    nearby = lines[max(0, line - 1 - lines_before) : max(0, line)]
    return any(_JINJA.search(candidate) for candidate in nearby)
