"""Text in, facts out: pure functions from a document to facts with offsets (no RDF here)."""

from govkg.extract.model import DocumentFacts, SourceDocument
from govkg.extract.pipeline import PIPELINE, extract_document, extract_documents, extract_file
from govkg.extract.read import find_sources, read_source

__all__ = [
    "PIPELINE",
    "DocumentFacts",
    "SourceDocument",
    "extract_document",
    "extract_documents",
    "extract_file",
    "find_sources",
    "read_source",
]
