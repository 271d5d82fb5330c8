"""Exceptions raised by annc: annc's own messages, did-you-mean included."""


class AnncError(Exception):
    """An error reported by annc or by a compiled model."""


class CompileError(AnncError):
    """The model has errors (the message holds annc's file:line:col diagnostics)."""


class UnknownNameError(AnncError, AttributeError, KeyError):
    """A path, population, projection, monitor or variable the model does not have."""

    def __str__(self):  # KeyError would quote the message
        return self.args[0] if self.args else ""


class InvalidValueError(AnncError, ValueError):
    """A value that does not fit (wrong number of elements, bad distribution, ...)."""


def error_from_message(msg):
    """The exception for an error message of the C API."""
    if msg.startswith("unknown ") or ": unknown " in msg or "does not record" in msg:
        return UnknownNameError(msg)
    if "network was freed" in msg or msg.startswith("internal error"):
        return AnncError(msg)
    return InvalidValueError(msg)
