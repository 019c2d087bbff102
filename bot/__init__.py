"""Trợ lý số: a Vietnamese assistant for citizens using digital services."""

__version__ = "0.1.0"
