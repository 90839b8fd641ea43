"""Pipelines: one function per user task, reading from the store and calling pure analyses."""
