"""Diagnostics in the `file:line: severity: message` form every gen command prints."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int
    severity: str  # "error" or "warning"
    message: str
    clause_id: str = ""  # the clause the problem is in, if any (--keep-going skips it)

    def __str__(self):
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


class GenError(Exception):
    """Malformed input: generation must stop (never emit a table from a page it misread)."""

    def __init__(self, path, line, message):
        super().__init__(f"{path}:{line}: error: {message}")
        self.diagnostic = Diagnostic(path, line, "error", message)
