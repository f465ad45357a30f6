"""The govkg command line: parse, call the library, turn errors into one-line messages."""

from __future__ import annotations

import functools
from pathlib import Path

import click

from govkg.errors import GovkgError

DEFAULT_STORE = "govkg-store"


def store_option(func):
    return click.option(
        "--store",
        "store_path",
        default=DEFAULT_STORE,
        show_default=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="Folder of the knowledge-graph store (an embedded Oxigraph database), or 'memory' for a "
        "store that lives only as long as the process.",
    )(func)


def friendly_errors(func):
    """Turn govkg's own errors into click's one-line "Error: ..." and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except GovkgError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


def _output(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="govkg")
def main():
    """govkg turns Chinese texts on party-building-led grassroots governance (党建引领基层治理)
    into a knowledge graph of places, mechanisms, adoptions and outcomes, each with its evidence.

    Start with: govkg build FOLDER --store STORE, then govkg trace 1+3+N --store STORE."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@store_option
@click.option(
    "--thesaurus", "thesaurus_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
    help="A Turtle file of extra mechanisms (SKOS concepts) merged with the shipped thesaurus. Repeatable.",
)
@click.option(
    "--workers", type=click.IntRange(min=1), default=None,
    help="Processes that extract facts in parallel (default: one per CPU; used from 32 changed files on).",
)
@friendly_errors
def build(paths, store_path, thesaurus_files, workers):
    """Extract the facts of .txt and .html files (or folders of them) into the store.

    Text may be UTF-8, GBK/GB18030, Big5 or UTF-16; from an HTML page govkg reads the article.

    Building again with the same files changes nothing; a changed file replaces its own facts. If
    anything fails, the store is left as it was."""
    from govkg.graph.build import build as build_store

    report = build_store(paths, store_path, tuple(str(f) for f in thesaurus_files), workers)
    click.echo(
        f"{store_path}: {len(report.added)} added, {len(report.replaced)} replaced, "
        f"{len(report.unchanged)} unchanged documents; {report.triples} triples in the store"
    )


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@friendly_errors
def text(path):
    """Print the text govkg reads from a file: a GBK or Big5 file decoded, the article of an HTML
    page. Evidence offsets count characters of this text."""
    from govkg.extract import read_source

    source = read_source(path)
    click.echo(f"# {source.name}: {source.media_type}, {source.encoding}, {len(source.text)} characters", err=True)
    click.echo(source.text, nl=not source.text.endswith("\n"))


@main.command()
@click.argument("query", required=False)
@store_option
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind ?NAME to VALUE as a string (and ?NAME_key to its folded form). Repeatable.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True, help="How to print the results.")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and what each answers.")
@click.option("--help-query", is_flag=True, help="Show the header of the named query: what it answers, its parameters.")
@friendly_errors
def query(query, store_path, params, fmt, list_queries, help_query):
    """Run a SPARQL query: the NAME of a query of the library, a path to a .rq file, or SPARQL text.

    Queries only read: SPARQL Update is refused."""
    from govkg.graph.store import open_store
    from govkg.queries import named_queries, parse_parameters, resolve_query, run_query
    from govkg.queries.formatting import format_results

    if list_queries:
        queries = named_queries()
        width = max(len(n) for n in queries)
        for name, named in queries.items():
            click.echo(f"{name.ljust(width)}  {named.summary}")
        return
    if not query:
        raise click.UsageError("give a QUERY (a name, a .rq file or SPARQL text), or --list")
    if help_query:
        click.echo(resolve_query(query).header)
        return
    columns, rows = run_query(open_store(store_path), query, parse_parameters(params))
    click.echo(format_results(columns, rows, fmt))


@main.command()
@click.argument("mechanism")
@store_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True)
@friendly_errors
def trace(mechanism, store_path, fmt):
    """Show every place that uses MECHANISM (any label or variant: 1+3+N, “1+3+N”, 四单一目录),
    with its district and city and the evidence sentence."""
    from govkg.graph.store import open_store
    from govkg.queries import run_query
    from govkg.queries.formatting import format_results

    columns, rows = run_query(open_store(store_path), "trace", {"mechanism": mechanism})
    if not rows:
        raise click.ClickException(f"no place in {store_path} uses a mechanism called '{mechanism}'")
    if fmt != "table":
        click.echo(format_results(columns, rows, fmt))
        return
    by_name = [dict(zip(columns, row, strict=True)) for row in rows]
    click.echo(f"{by_name[0]['mechanism_label']}: used by {len({(r['place'], r['district'], r['city']) for r in by_name})} places")
    for row in by_name:
        within = " > ".join(x for x in (row["city"], row["district"]) if x and x != row["place"])
        click.echo(f"\n  {row['place']} ({row['place_level']}){'  in ' + within if within else ''}")
        click.echo(f"    {row['evidence']}")
        click.echo(f"    — {row['doc']}")


@main.command()
@store_option
@click.option("--mechanism", help="Show the places that use this mechanism (any spelling).")
@click.option("--place", help="Show this place, the places within it and their mechanisms.")
@click.option("--all", "show_all", is_flag=True, help="Show every adoption in the store.")
@click.option("--bipartite", is_flag=True, help="Show places and mechanisms only, places rolled up to --level.")
@click.option("--level", type=click.Choice(["province", "city", "district", "street", "community"]),
              default="district", show_default=True, help="With --bipartite: the level places are rolled up to.")
@click.option("--max-nodes", default=5000, show_default=True, type=click.IntRange(10),
              help="Larger graphs are cut down to their best connected nodes (the page says so).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file to write.")
@friendly_errors
def view(store_path, mechanism, place, show_all, bipartite, level, max_nodes, output):
    """Write an interactive HTML view of the graph that opens in any browser, offline.

    Hover or click a node or an edge for its details; an adoption shows its evidence sentence
    and document. Search and filter by kind, level and category on the page."""
    from govkg.graph.analysis import adoption_graph, place_mechanism_graph
    from govkg.graph.store import open_store
    from govkg.graph.views import render_view

    chosen = [x for x in (mechanism, place, show_all or None, bipartite or None) if x]
    if len(chosen) != 1:
        raise click.UsageError("choose exactly one of --mechanism M, --place P, --all or --bipartite")
    store = open_store(store_path)
    if bipartite:
        graph = place_mechanism_graph(store, level)
        title = f"地点–机制 places and mechanisms, by {level}"
    else:
        graph = adoption_graph(store, mechanism=mechanism, place=place)
        title = f"机制 {mechanism}" if mechanism else f"地点 {place}" if place else "全部采用 all adoptions"
    places = sum(1 for _, d in graph.nodes(data=True) if d["kind"] == "place")
    mechanisms = graph.number_of_nodes() - places
    adoptions = sum(1 for *_, d in graph.edges(data=True) if d["kind"] == "adoption")
    summary = f"{places} places, {mechanisms} mechanisms, {adoptions} place–mechanism links. Hover or click an edge for its evidence."
    _output(render_view(graph, title, summary, max_nodes=max_nodes), output)
    click.echo(f"{output}: {summary}")


@main.command(name="export")
@store_option
@click.option("--format", "fmt", type=click.Choice(["turtle", "trig", "nquads", "jsonld", "graphml", "gexf"]),
              default="trig", show_default=True,
              help="RDF (trig, nquads and jsonld keep one named graph per document), or graphml/gexf "
                   "for Gephi and Cytoscape.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: print).")
@friendly_errors
def export(store_path, fmt, output):
    """Write the whole store as RDF, or its graph of places, mechanisms, organizations and
    outcomes as GraphML or GEXF."""
    from govkg.graph.store import open_store

    if fmt in ("graphml", "gexf"):
        from govkg.graph.analysis import knowledge_graph, network_file

        data = network_file(knowledge_graph(open_store(store_path)), fmt)
    else:
        data = open_store(store_path).dump(fmt)
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(data)
        click.echo(f"{output}: written ({fmt})")


@main.command()
@store_option
@click.option("--level", type=click.Choice(["province", "city", "district", "street", "community"]),
              help="Roll places up to this level before comparing them (e.g. district).")
@click.option("--top", default=20, show_default=True, type=click.IntRange(1), help="Rows per list.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@friendly_errors
def analyze(store_path, level, top, fmt):
    """Mechanisms by reach (distinct places), the most similar pairs of places (Jaccard of their
    mechanisms), clusters of mechanisms used together, and the most connected organizations."""
    from govkg.graph.analysis import analysis_report
    from govkg.graph.store import open_store
    from govkg.queries.formatting import format_results

    report = analysis_report(open_store(store_path), level=level, top=top)
    if fmt == "json":
        import json

        click.echo(json.dumps(
            {name: [dict(zip(columns, row, strict=True)) for row in rows] for name, (columns, rows) in report.items()},
            ensure_ascii=False, indent=2,
        ))
        return
    for index, (name, (columns, rows)) in enumerate(report.items()):
        click.echo(("\n" if index else "") + (f"# {name}" if fmt == "csv" else f"{name}:"))
        click.echo(format_results(columns, rows, fmt))


@main.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@store_option
@click.option("--format", "fmt", type=click.Choice(["turtle", "trig", "nquads", "jsonld"]),
              help="RDF format (default: from the file's extension).")
@friendly_errors
def import_(file, store_path, fmt):
    """Load an RDF file (for example one made by govkg export) into the store."""
    from govkg.errors import InputError
    from govkg.graph.store import open_store

    extensions = {".ttl": "turtle", ".trig": "trig", ".nq": "nquads", ".jsonld": "jsonld", ".json": "jsonld"}
    fmt = fmt or extensions.get(file.suffix.lower())
    if fmt is None:
        raise InputError(f"{file}: cannot tell the RDF format from the extension; give --format")
    if not file.is_file():
        raise InputError(f"{file}: no such file")
    try:
        count = open_store(store_path).load(file.read_bytes(), fmt)
    except GovkgError as exc:
        raise InputError(f"{file}: {exc}") from exc
    click.echo(f"{store_path}: {count} quads in the store after importing {file}")


@main.command()
@store_option
@friendly_errors
def validate(store_path):
    """Check the store against the govkg SHACL shapes and list every violation in plain words."""
    from govkg.graph.store import open_store
    from govkg.graph.validate import union_graph, validate_graph

    violations = validate_graph(union_graph(open_store(store_path).dataset()))
    if violations:
        for violation in violations:
            click.echo(str(violation))
        raise click.ClickException(f"{store_path}: {len(violations)} violations of the govkg shapes")
    click.echo(f"{store_path}: conforms to the govkg shapes")


@main.command()
@store_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True)
@friendly_errors
def candidates(store_path, fmt):
    """List the mechanisms discovered in the texts that no thesaurus has yet, with how often they
    occur and an example sentence. To curate one, describe it as a SKOS concept in a Turtle file
    and build again with --thesaurus FILE.ttl."""
    from govkg.graph.store import open_store
    from govkg.queries import run_query
    from govkg.queries.formatting import format_results

    columns, rows = run_query(open_store(store_path), "candidates")
    click.echo(format_results(columns, rows, fmt))


@main.command()
@store_option
@click.option("--mechanism", help="Only the outcomes tied to this mechanism (any spelling).")
@click.option("--place", help="Only the outcomes of this place and the places within it.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True)
@friendly_errors
def outcomes(store_path, mechanism, place, fmt):
    """Show the numbers the texts report (value, unit, what they count), by place and mechanism.

    Totals add values only where both the indicator and the unit are the same."""
    from govkg.graph.store import open_store
    from govkg.queries.formatting import format_results
    from govkg.queries.outcome_table import COLUMNS, TOTAL_COLUMNS, outcome_table

    rows, totals = outcome_table(open_store(store_path), mechanism=mechanism, place=place)
    if fmt == "json":
        import json

        click.echo(json.dumps(
            {"outcomes": [dict(zip(COLUMNS, r, strict=True)) for r in rows],
             "totals": [dict(zip(TOTAL_COLUMNS, t, strict=True)) for t in totals]},
            ensure_ascii=False, indent=2,
        ))
        return
    click.echo(format_results(COLUMNS, rows, fmt))
    if totals and fmt == "table":
        click.echo("\nTotals (same indicator and unit only):")
        click.echo(format_results(TOTAL_COLUMNS, totals, fmt))


@main.command()
@store_option
@click.option("--port", default=7878, show_default=True, type=click.IntRange(1, 65535),
              help="Port on 127.0.0.1 to listen on.")
@click.option("--writable", is_flag=True, help="Accept SPARQL Update too (read-only by default).")
@friendly_errors
def serve(store_path, port, writable):
    """Serve the store over the SPARQL 1.1 protocol at http://127.0.0.1:PORT/query (Oxigraph server).

    Stop it with Ctrl-C. All graphs are queried as one by default."""
    import subprocess

    from govkg.graph.remote import serve_command
    from govkg.graph.store import open_store

    store = open_store(store_path)
    if str(store_path) == "memory":
        raise click.UsageError("serve needs a store on disk: build one with --store FOLDER")
    if not store.exists():
        raise store._missing()
    click.echo(f"SPARQL endpoint: http://127.0.0.1:{port}/query ({'read-write' if writable else 'read-only'}); Ctrl-C stops it", err=True)
    try:
        completed = subprocess.run(serve_command(store_path, port, writable), check=False)
    except KeyboardInterrupt:
        return
    if completed.returncode not in (0, -2, 130):
        raise click.ClickException(f"the oxigraph server stopped with status {completed.returncode}")


@main.command()
@store_option
@click.option("--endpoint", required=True,
              help="SPARQL 1.1 Graph Store endpoint, e.g. http://127.0.0.1:7878/store (Oxigraph) or "
                   "http://localhost:3030/DATASET/data (Fuseki).")
@click.option("--user", help="User name, for servers that need a login.")
@click.option("--password", help="Password, with --user.", envvar="GOVKG_PASSWORD")
@friendly_errors
def push(store_path, endpoint, user, password):
    """Upload the store to a SPARQL server, one named graph per document.

    Each graph is replaced (HTTP PUT), so pushing again updates and never duplicates."""
    from govkg.graph.remote import push as push_store
    from govkg.graph.store import open_store

    report = push_store(open_store(store_path), endpoint, user, password)
    click.echo(f"{endpoint}: {report.graphs} graphs, {report.triples} triples pushed")


@main.command(name="eval")
@click.option("--gold", "gold_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="A gold annotation in the format of corpus-gold.json.")
@store_option
@click.option("--summary", is_flag=True, help="Print only the scores, not the misses and extras.")
@friendly_errors
def evaluate(gold_file, store_path, summary):
    """Score the store's adoptions, outcomes and places against a gold annotation: precision,
    recall and F1, then every miss and every extra."""
    from govkg.graph.store import open_store
    from govkg.queries.evaluation import evaluate as score
    from govkg.queries.evaluation import format_scores, load_gold

    click.echo(format_scores(score(open_store(store_path), load_gold(gold_file)), details=not summary))


if __name__ == "__main__":  # pragma: no cover
    main()
