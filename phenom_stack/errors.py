"""Errors raised while starting or using the local stack; `phenom-stack up` prints any of them as one message with
a hint instead of a traceback."""


class StackError(Exception):
    """Base class for local-stack failures."""


class StackStartError(StackError):
    """A part of the local stack did not start; the message says which part and how to fix it."""


class DockerUnavailableError(StackError):
    """--stack docker was asked for but no Docker engine answers."""


class DockerError(StackError):
    """The Docker engine refused or failed a step of the docker stack; the message names the step and the answer."""


class ImagePullError(DockerError):
    """An image the docker stack runs is not on this machine and could not be pulled."""
