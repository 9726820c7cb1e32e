from __future__ import annotations


class DomainError(Exception):
    """A request that is understood but cannot be carried out."""


class NotAllowed(DomainError):
    """The actor may see the object but may not do this (403)."""


class InvalidState(DomainError):
    """Not valid in the object's current state (409)."""


class StaleVersion(InvalidState):
    """The object changed since the client read it (409)."""


def require(condition: bool, message: str) -> None:
    """Refuse (403 on the pages and in the API) unless ``condition`` holds."""
    if not condition:
        raise NotAllowed(message)
