"""Tables for analysts: query answers as pandas DataFrames with typed columns, and the tables
`govkg table` writes (adoptions, outcomes, places, documents), each row carrying its place's
code, district, city and province.

Types: numbers are Int64 or Float64, flags boolean, dates stay ISO text as precise as known
(2023, 2023-06, 2023-06-03) with a `year` column (Int64) beside them, everything else text
(pandas' string type; missing values are <NA>, not empty strings).
"""

from __future__ import annotations

from govkg.errors import QueryError

TABLES = {
    # name: (named query, what it is)
    "adoptions": ("adoptions", "one row per document, place and mechanism, with the document's date and the claims"),
    "outcomes": ("outcomes", "one row per reported result, with its value, unit and place"),
    "places": ("places", "one row per place, with its level, code and parents"),
    "documents": ("documents", "one row per document, with its date, where the date came from, title and counts"),
}
FORMATS = ("csv", "tsv", "json", "parquet", "dta", "xlsx")
DATE_COLUMNS = ("date", "first_date")


def dataframe(columns: list[str], rows: list[list]):
    """Rows of plain values as a DataFrame with a type per column (see the module's docstring)."""
    import pandas as pd

    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    for column in columns:
        values = [v for v in frame[column] if v is not None]
        if values and all(isinstance(v, bool) for v in values):
            frame[column] = frame[column].astype("boolean")
        elif values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            frame[column] = frame[column].astype("Int64")
        elif values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            frame[column] = frame[column].astype("Float64")
        else:
            frame[column] = frame[column].astype("string")
    for column in DATE_COLUMNS:
        if column in frame.columns and "year" not in frame.columns:
            frame.insert(frame.columns.get_loc(column) + 1, "year",
                         frame[column].str.slice(0, 4).astype("Int64"))
            break
    return frame


def query_df(store, name: str, **params):
    """A named query's answer (or a .rq file's, or SPARQL text's) as a pandas DataFrame with typed
    columns. `store`: a path, a GraphStore or a SparqlEndpoint.

    >>> query_df("govkg-store", "trace", mechanism="1+3+N")   # doctest: +SKIP
    """
    from govkg.graph.store import open_store
    from govkg.queries import run_query

    if isinstance(store, str) or hasattr(store, "__fspath__"):
        store = open_store(store)
    columns, rows = run_query(store, name, {k: str(v) for k, v in params.items()})
    return dataframe(columns, rows)


def table(store, name: str):
    """One of TABLES as a DataFrame."""
    if name not in TABLES:
        raise QueryError(f"no table called '{name}'; the tables are {', '.join(TABLES)}")
    return query_df(store, TABLES[name][0])


def format_of(path, given: str | None) -> str:
    """The table format: given, or from the file's extension."""
    if given:
        return given
    suffix = str(path).rsplit(".", 1)[-1].lower() if "." in str(path) else ""
    if suffix in FORMATS:
        return suffix
    raise QueryError(f"{path}: cannot tell the format from the extension; give --format ({', '.join(FORMATS)})")


def for_stata(frame):
    """The frame as Stata wants it: text without missing values (Stata's are ""), flags as 0/1,
    column names Stata accepts (letters, digits, _; at most 32 characters)."""
    import pandas as pd

    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        series = frame[column]
        if str(series.dtype) == "boolean":
            out[column[:32]] = series.astype("Int8")
        elif str(series.dtype) == "string":
            out[column[:32]] = series.fillna("").astype(object)
        else:
            out[column[:32]] = series
    return out
