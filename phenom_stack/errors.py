"""Errors raised while starting or using the local stack."""


class StackError(Exception):
    """Base class for local-stack failures."""


class StackStartError(StackError):
    """A part of the local stack did not start; the message says which part and how to fix it."""


class DockerUnavailableError(StackError):
    """--stack docker was asked for but no Docker engine answers."""
