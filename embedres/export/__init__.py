"""Exports of citations: CSL-JSON, hand-written styles, BibTeX, wikitext, Markdown, static HTML."""
