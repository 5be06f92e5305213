"""Error types: every refusal of input is an IadsimError the CLI prints without a traceback."""

from __future__ import annotations

from dataclasses import dataclass


class IadsimError(Exception):
    """Base of every error iadsim raises on purpose; the CLI prints it and exits 2."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file: where it is, which field, and what was expected."""

    file: str
    line: int | None
    column: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class InputError(IadsimError):
    """A bad input file or value: carries one or more located problems."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(file="<input>", line=None, column=None, field="", message=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ScenarioError(InputError):
    """A scenario file that does not parse or does not validate."""


# What a caller can do about an output that cannot be written, in each caller's terms: the
# command line's flags, or the Python API's words (the API has no `force`: that clause goes).
REMEDIES = {
    "out": "choose another {out}",
    "empty": "or empty the directory",
    "force": "or {force} to move it aside (kept as a backup) and start a new store",
}
CLI_TERMS = {"out": "--out", "force": "pass --force"}
API_TERMS = {"out": "output directory", "force": None}


class OutputError(IadsimError):
    """An output that cannot be written (read-only file system, disk full, not a directory,
    a foreign file in the way): the message names the path and the cause; `todo` names what
    the caller can do (keys of REMEDIES), spelt in the caller's terms by `in_terms` (the
    command line prints `in_terms(CLI_TERMS)`; `str()` is the API's)."""

    def __init__(self, message: str, todo: tuple[str, ...] = ()):
        self.message, self.todo = message, tuple(todo)
        super().__init__(self.in_terms(API_TERMS))

    def in_terms(self, terms: dict[str, str | None]) -> str:
        """The message with its remedies spelt with `terms` (a remedy whose term is None is
        not available to that caller and is left out)."""
        parts = []
        for key in self.todo:
            needs = [k for k in ("out", "force") if "{" + k + "}" in REMEDIES[key]]
            if any(terms.get(k) is None for k in needs):
                continue
            parts.append(REMEDIES[key].format(**{k: terms[k] for k in needs}))
        return self.message + ("; " + ", ".join(parts) if parts else "")


class ValueRangeError(IadsimError, ValueError):
    """A numeric argument outside its physical or mathematical domain (e.g. Pfa not in (0, 1)).

    `parameter` names the argument of the function called (the API's name, e.g. "workers");
    the command line maps it to its own flag (`--workers`) before printing."""

    def __init__(self, message: str, parameter: str | None = None):
        self.parameter, self.message = parameter, message
        super().__init__(f"{parameter}: {message}" if parameter else message)
