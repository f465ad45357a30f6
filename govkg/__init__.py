"""govkg: a knowledge graph of party-building-led grassroots governance from Chinese texts."""

__version__ = "0.1.0"


def query_df(store, name: str, **params):
    """A named query's answer as a pandas DataFrame with typed columns, for notebooks:
    `govkg.query_df("my-store", "trace", mechanism="1+3+N")` (see govkg.queries.tables)."""
    from govkg.queries.tables import query_df as run

    return run(store, name, **params)
