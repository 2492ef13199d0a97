"""timeoutlint: find and fix network-timeout and Redis-connection mistakes."""

__version__ = "0.2.0"
