"""The small family of errors govkg raises. The CLI turns each into a one-line message."""


class GovkgError(Exception):
    """Base class: something the user can fix, described in one line."""


class InputError(GovkgError):
    """A source file or path cannot be read as govkg input."""


class StoreError(GovkgError):
    """The store is missing, locked or cannot be written."""


class QueryError(GovkgError):
    """A SPARQL query is unknown, malformed, not allowed or has bad parameters."""


class ExtractionError(GovkgError):
    """Extraction could not run: a worker process died, or a step was asked for without the
    steps it needs."""
