"""Exceptions raised while reading infra/."""


class InfraConfigError(Exception):
    """infra/ lacks a block or argument that a contract or the local stack relies on."""
