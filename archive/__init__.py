"""Minutebook: a searchable archive of a community's mailing lists and meetings."""

from archive.errors import MinutebookError
from archive.models import Message, ThreadTree

__all__ = ["Message", "MinutebookError", "ThreadTree"]
