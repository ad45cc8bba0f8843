"""Archiving: find the nearest capture, ask Save Page Now for a new one, or write a local WARC."""

from embedres.archive.archiver import INTERNET_ARCHIVE, Archiver, MementoService, WaybackService

__all__ = ["INTERNET_ARCHIVE", "Archiver", "MementoService", "WaybackService"]
