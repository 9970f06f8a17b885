"""The exceptions of the gradflow package."""


class GradflowError(Exception):
    """Base class of every error the gradflow package raises."""


class LoadError(GradflowError):
    """A directory or file could not be read as gradflow output; the message names the path."""

    def __init__(self, path, message):
        super().__init__(f"{path}: {message}")
        self.path = str(path)


class InvalidInput(GradflowError, ValueError):
    """gradflow refused the input (exit code 2); the message is gradflow's own, one line."""


class IntegrationError(GradflowError, RuntimeError):
    """The run failed without writing output (exit code 1: step size underflow, non-finite state,
    output not writable); the message is gradflow's."""


class ExecutableNotFound(GradflowError, FileNotFoundError):
    """No gradflow executable: set GRADFLOW_EXE, build it (scripts/quickstart) or put it on PATH."""
