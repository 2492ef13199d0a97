"""Premise tests: the facts the rules rely on, shown on the real libraries and a real server."""
