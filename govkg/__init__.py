"""govkg: a knowledge graph of party-building-led grassroots governance from Chinese texts."""

__version__ = "0.1.0"
