"""The one exception hierarchy: every error Minutebook raises on purpose."""


class MinutebookError(Exception):
    """Base of every error Minutebook raises on purpose."""


class ConfigError(MinutebookError):
    """The configuration or data directory is unusable."""


class IngestError(MinutebookError):
    """A source could not be read or a format could not be recognised."""


class UnknownFormatError(IngestError):
    """No importer recognises the file or folder."""


class MessageRejected(IngestError):
    """One message cannot be imported (too large, too deep, unparseable); it is quarantined."""


class StoreError(MinutebookError):
    """The database refused an operation."""


class NotFound(MinutebookError):
    """The requested message, thread or list does not exist."""


class SearchError(MinutebookError):
    """The search index is missing, locked or failed."""


class QueryError(SearchError):
    """A search query could not be understood (the search still returns best effort)."""


class AccountError(MinutebookError):
    """A user could not be created or changed as asked."""


class Gone(NotFound):
    """The message was removed by an admin (its permalink answers 410 Gone)."""


class PublishError(MinutebookError):
    """Minutes could not be published as given (another series' log, nothing in them)."""
