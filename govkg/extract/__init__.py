"""Text in, facts out: the Extractor and its steps, plain dataclasses with offsets (no RDF here)."""

from govkg.extract.dates import parse_date
from govkg.extract.model import DocumentDate, DocumentFacts, SourceDocument
from govkg.extract.pipeline import (
    Extractor,
    Step,
    extract_document,
    extract_file,
    pipe_in_workers,
    refuse_in_a_starting_worker,
)
from govkg.extract.quantities import base_amount
from govkg.extract.read import SourceFile, find_sources, read_source

__all__ = [
    "DocumentDate",
    "parse_date",
    "DocumentFacts",
    "Extractor",
    "SourceDocument",
    "SourceFile",
    "Step",
    "base_amount",
    "extract_document",
    "extract_file",
    "find_sources",
    "pipe_in_workers",
    "read_source",
    "refuse_in_a_starting_worker",
]
