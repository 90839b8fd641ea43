"""One error hierarchy for the whole package.

Every error a user can cause is a subclass of :class:`XinzhiError` whose message is written in
Chinese (with the English term where it helps). Surfaces catch ``XinzhiError`` and show the
message; the CLI exits with status 2.
"""

from __future__ import annotations


class XinzhiError(Exception):
    """Base class of all user-facing errors."""


class DataUnavailableError(XinzhiError):
    """A public dataset is neither in the mirror nor downloadable."""


class IntegrityError(XinzhiError):
    """A file does not have the sha256 the registry expects."""


class RegionError(XinzhiError):
    """A region name or code cannot be resolved."""


class AmbiguousRegionError(RegionError):
    """A name matches several regions; ``candidates`` lists them."""

    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message)
        self.candidates = candidates


class RegionSplitError(RegionError):
    """An old code was split into several successors; ``successors`` lists them."""

    def __init__(self, message: str, successors: list[str]) -> None:
        super().__init__(message)
        self.successors = successors


class InputError(XinzhiError):
    """A user file or argument is malformed."""


class NotFoundError(InputError):
    """Something the user named (an evaluation, a year of it, a county) does not exist."""


class ConfigError(XinzhiError):
    """An indicator system, YAML mapping or option is invalid."""


class ComputationError(XinzhiError):
    """An analysis cannot be computed on the given data (degenerate input)."""
