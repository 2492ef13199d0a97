"""Fixes: declarative operations, the libcst codemods and text edits that carry them out, and the writer."""
