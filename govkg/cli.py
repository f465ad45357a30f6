"""The govkg command line: parse, call the library, turn errors into one-line messages."""

from __future__ import annotations

import contextlib
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


OUTPUT_FORMATS = ("table", "csv", "tsv", "json")


def output_option(func):
    """The --format option of every command that prints rows."""
    return click.option(
        "--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default="table", show_default=True,
        help="How to print the rows: an aligned table, CSV, TSV or JSON.",
    )(func)


def echo_tables(tables, fmt: str) -> None:
    """Print rows through the one renderer (govkg.queries.formatting.render)."""
    from govkg.queries.formatting import render

    click.echo(render(tables, fmt))


class Stopped(BaseException):
    """SIGTERM, turned into an exception so that what is being written is abandoned cleanly."""


def _stop_on_sigterm(signum, frame):
    raise Stopped()


def friendly_errors(func):
    """Turn govkg's own errors into click's one-line "Error: ..." and exit status 1; Ctrl-C
    (SIGINT) and SIGTERM into one line and exit status 130 and 143, the store left as it was."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        import signal
        import threading

        previous = None
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
        try:
            return func(*args, **kwargs)
        except GovkgError as exc:
            raise click.ClickException(str(exc)) from exc
        except KeyboardInterrupt:
            click.echo("Stopped (Ctrl-C): nothing was changed.", err=True)
            raise SystemExit(130) from None
        except Stopped:
            click.echo("Stopped (SIGTERM): nothing was changed.", err=True)
            raise SystemExit(143) from None
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)

    return wrapper


@contextlib.contextmanager
def stop_quietly(message: str):
    """For commands that run until stopped (serve): Ctrl-C and SIGTERM are the normal way to end
    them, so they print `message` and exit 0."""
    try:
        yield
    except (KeyboardInterrupt, Stopped):
        click.echo(message, err=True)


def wait_options(func):
    """The --no-wait option of every command that writes a store."""
    return click.option(
        "--no-wait", "no_wait", is_flag=True,
        help="If another govkg process is writing this store, stop at once instead of waiting for it.",
    )(func)


def _say_waiting(line: str) -> None:
    click.echo(line + " …", err=True)


def _write_text(text: str, output: Path) -> None:
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
    help="A Turtle file of extra mechanisms (SKOS concepts) merged with the shipped thesaurus. Repeatable. "
    "The store keeps them: later builds use them again unless given others or --no-extra-thesaurus.",
)
@click.option("--no-extra-thesaurus", is_flag=True,
              help="Drop the extra thesaurus files an earlier build kept in the store.")
@click.option(
    "--workers", type=click.IntRange(min=1), default=None,
    help="Processes that extract facts in parallel (default: one per CPU; used from 32 changed files on).",
)
@click.option("--sync", "sync", is_flag=True,
              help="Also remove the documents once built from these folders whose files are gone.")
@click.option("--skip-unreadable", is_flag=True,
              help="Build the files that can be read and list the others, instead of building nothing.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; only the summary line (and errors).")
@click.option("--profile", is_flag=True, help="Also print the seconds each phase and extraction step took.")
@click.option("--manifest", "manifest_file", type=click.Path(dir_okay=False, path_type=Path),
              help="A CSV or JSON file with a row per document: file (as govkg names it, e.g. 2021/a.txt), "
                   "date, title, url, publisher; other columns are kept as the document's metadata. "
                   "Its dates come before those of the pages and texts.")
@wait_options
@friendly_errors
def build(paths, store_path, thesaurus_files, no_extra_thesaurus, workers, sync, skip_unreadable, quiet, profile,
          manifest_file, no_wait):
    """Extract the facts of .txt, .md, .html, .docx and .pdf files (or folders of them) into the store.

    Text may be UTF-8, GBK/GB18030, Big5 or UTF-16; from an HTML page govkg reads the article, from
    a PDF its text layer. A document is named by its path inside the folder given (2021/a.txt).

    Building again changes only what changed: new and changed files are extracted, unchanged
    ones are not. Every file is checked first; one that cannot be read stops the build before
    anything is extracted, listed with all the others. Another build of the same store is waited
    for. If anything fails or the build is stopped, the store is left as it was."""
    from govkg.graph.build import build as build_store
    from govkg.graph.manifest import read_manifest

    manifest = read_manifest(manifest_file) if manifest_file else None
    if no_extra_thesaurus and thesaurus_files:
        raise click.UsageError("give --thesaurus files or --no-extra-thesaurus, not both")
    extra = () if no_extra_thesaurus else (tuple(str(f) for f in thesaurus_files) or None)
    with _build_progress(quiet) as progress:
        report = build_store(
            paths, store_path, extra, workers, sync=[p for p in paths if Path(p).is_dir()] if sync else (),
            skip_unreadable=skip_unreadable, wait=not no_wait, on_wait=_say_waiting, progress=progress,
            manifest=manifest,
        )
    if report.manifest_unmatched:
        shown = ", ".join(report.manifest_unmatched[:5]) + (" …" if len(report.manifest_unmatched) > 5 else "")
        click.echo(f"{manifest_file}: {len(report.manifest_unmatched)} rows name no document of this build: {shown}", err=True)
    for path, why in report.skipped:
        click.echo(f"skipped {path}: {why}", err=True)
    if report.thesaurus_kept:
        click.echo(f"using the extra thesaurus kept in the store: {', '.join(report.thesaurus_kept)} "
                   "(--no-extra-thesaurus drops it)", err=True)
    click.echo(
        f"{store_path}: {len(report.added)} added, {len(report.replaced)} changed, "
        f"{len(report.unchanged)} unchanged, {len(report.removed)} removed, {len(report.skipped)} skipped documents; "
        + (f"{report.triples} quads in the store" if report.triples is not None else f"{report.quads_loaded} quads loaded")
        + f"; {report.seconds:.1f} s"
    )
    if profile:
        from govkg.queries.formatting import Table

        rows = [[phase, round(seconds, 3)] for phase, seconds in report.timings.items()]
        echo_tables([Table("profile", ["phase", "seconds"], rows)], "table")


@contextlib.contextmanager
def _build_progress(quiet: bool):
    """On a terminal, progress bars (tqdm) of files read and extracted; else nothing."""
    import sys

    if quiet or not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}
    labels = {"read": "read", "extracted": "extracted", "loaded": "loaded"}

    def progress(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=total, desc=labels[stage], unit="file", leave=False,
                                     position=len(bars), dynamic_ncols=True)
        bar.update(done - bar.n)

    try:
        yield progress
    finally:
        for bar in bars.values():
            bar.close()


@main.command()
@click.argument("documents", nargs=-1, required=True)
@store_option
@wait_options
@friendly_errors
def remove(documents, store_path, no_wait):
    """Take documents' facts out of the store, by their names in the doc column (2021/a.txt)."""
    from govkg.graph.build import remove_documents

    removed = remove_documents(store_path, documents, wait=not no_wait, on_wait=_say_waiting)
    click.echo(f"{store_path}: {len(removed)} documents removed")


@main.command()
@store_option
@friendly_errors
def status(store_path):
    """What a store holds and how it was built: documents, quads, thesaurus, version, last build, size."""
    from govkg.graph.build import store_status

    info = store_status(store_path)
    extra = ", ".join(info.extra_thesaurus) if info.extra_thesaurus else "none"
    click.echo("\n".join([
        f"store:          {store_path}",
        f"documents:      {info.documents}",
        f"quads:          {info.quads}",
        f"thesaurus:      shipped with govkg {info.govkg_version or '?'} (fingerprint {info.thesaurus}); extra files: {extra}",
        f"last build:     {info.last_build or 'unknown'}",
        f"size on disk:   {info.bytes_on_disk / 1e6:.1f} MB",
    ]))


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
@output_option
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and what each answers.")
@click.option("--help-query", is_flag=True, help="Show the header of the named query: what it answers, its parameters.")
@click.option("--endpoint", metavar="URL",
              help="Ask a SPARQL server instead of the store, e.g. http://localhost:8890/sparql (Virtuoso) "
                   "or http://localhost:3030/DATASET/query (Fuseki); the named queries work on any server.")
@click.option("--user", help="User name, with --endpoint, for servers that need a login.")
@click.option("--password", help="Password, with --user.", envvar="GOVKG_PASSWORD")
@friendly_errors
def query(query, store_path, params, fmt, list_queries, help_query, endpoint, user, password):
    """Run a SPARQL query: the NAME of a query of the library, a path to a .rq file, or SPARQL text.

    Queries only read: SPARQL Update is refused."""
    from govkg.graph.store import open_store
    from govkg.queries import named_queries, parse_parameters, resolve_query, run_query
    from govkg.queries.formatting import Table

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
    if endpoint:
        from govkg.graph.remote import SparqlEndpoint

        source = SparqlEndpoint(endpoint, user=user, password=password)
    else:
        source = open_store(store_path)
    columns, rows = run_query(source, query, parse_parameters(params))
    echo_tables([Table(query, columns, rows)], fmt)


@main.command()
@click.argument("mechanism")
@store_option
@output_option
@friendly_errors
def trace(mechanism, store_path, fmt):
    """Show every place that uses MECHANISM (any label or variant: 1+3+N, “1+3+N”, 四单一目录),
    with its district and city and the evidence sentence."""
    from govkg.graph.store import open_store
    from govkg.queries.formatting import Table
    from govkg.queries.lookup import trace as trace_rows

    columns, rows = trace_rows(open_store(store_path), mechanism)
    if not rows:
        raise click.ClickException(f"no place in {store_path} uses a mechanism called '{mechanism}'")
    if fmt != "table":
        echo_tables([Table("trace", columns, rows)], fmt)
        return
    by_name = [dict(zip(columns, row, strict=True)) for row in rows]
    labels = " | ".join(dict.fromkeys(r["mechanism_label"] for r in by_name))
    click.echo(f"{labels}: used by {len({(r['place'], r['district'], r['city']) for r in by_name})} places")
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
              help="Roll places up to this level: with --all, a readable picture of a large corpus "
                   "(--all --level city); with --bipartite (default district).")
@click.option("--max-nodes", default=5000, show_default=True, type=click.IntRange(10),
              help="Larger graphs are cut down to their best connected nodes (the page says so).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file to write.")
@friendly_errors
def view(store_path, mechanism, place, show_all, bipartite, level, max_nodes, output):
    """Write an interactive HTML view of the graph that opens in any browser, offline.

    Hover or click a node or an edge for its details; an adoption shows its evidence sentence
    and document. Search and filter by kind, level and category on the page."""
    from govkg.graph.store import open_store
    from govkg.graph.views import VIEW_CHOICE, one_view_chosen, view_of_store

    if not one_view_chosen(mechanism, place, show_all, bipartite):
        raise click.UsageError(VIEW_CHOICE)
    page = view_of_store(open_store(store_path), mechanism=mechanism, place=place, show_all=show_all,
                         bipartite=bipartite, level=level, max_nodes=max_nodes)
    _write_text(page.html, output)
    click.echo(f"{output}: {page.summary}")


@main.command(name="export")
@store_option
@click.option("--format", "fmt", type=click.Choice(["turtle", "trig", "nquads", "ntriples", "jsonld", "graphml", "gexf"]),
              default=None,
              help="RDF (trig, nquads and jsonld keep one named graph per document), or graphml/gexf "
                   "for Gephi and Cytoscape. Default: from the extension of -o (.ttl .trig .nq .nt .jsonld "
                   ".graphml .gexf), else trig.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: print).")
@friendly_errors
def export(store_path, fmt, output):
    """Write the whole store as RDF, or its graph of places, mechanisms, organizations and
    outcomes as GraphML or GEXF."""
    from govkg.graph.io import export_data, format_of
    from govkg.graph.store import open_store

    fmt = fmt or (format_of(output) if output is not None else "trig")
    data = export_data(open_store(store_path), fmt)
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
@output_option
@friendly_errors
def analyze(store_path, level, top, fmt):
    """Mechanisms by reach (distinct places), the most similar pairs of places (Jaccard of their
    mechanisms), clusters of mechanisms used together, and the most connected organizations."""
    from govkg.graph.analysis import analysis_report
    from govkg.graph.store import open_store
    from govkg.queries.formatting import Table

    report = analysis_report(open_store(store_path), level=level, top=top)
    echo_tables([Table(name, columns, rows) for name, (columns, rows) in report.items()], fmt)


@main.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@store_option
@click.option("--format", "fmt", type=click.Choice(["turtle", "trig", "nquads", "jsonld"]),
              help="RDF format (default: from the file's extension).")
@wait_options
@friendly_errors
def import_(file, store_path, fmt, no_wait):
    """Load an RDF file (for example one made by govkg export) into the store."""
    from govkg.graph.io import import_file
    from govkg.graph.store import open_store

    count = import_file(open_store(store_path), file, fmt, wait=not no_wait, on_wait=_say_waiting)
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
@output_option
@friendly_errors
def candidates(store_path, fmt):
    """List the mechanisms discovered in the texts that no thesaurus has yet, with how often they
    occur and an example sentence. To curate one, describe it as a SKOS concept in a Turtle file
    and build again with --thesaurus FILE.ttl."""
    from govkg.graph.store import open_store
    from govkg.queries import run_query
    from govkg.queries.formatting import Table

    columns, rows = run_query(open_store(store_path), "candidates")
    echo_tables([Table("candidates", columns, rows)], fmt)


@main.command()
@store_option
@click.option("--mechanism", help="Only the outcomes tied to this mechanism (any spelling).")
@click.option("--place", help="Only the outcomes of this place and the places within it.")
@output_option
@friendly_errors
def outcomes(store_path, mechanism, place, fmt):
    """Show the numbers the texts report (value, unit, what they count), by place and mechanism.

    Totals add values only where both the indicator and the unit are the same."""
    from govkg.graph.store import open_store
    from govkg.queries.formatting import Table
    from govkg.queries.outcome_table import COLUMNS, TOTAL_COLUMNS, outcome_table

    rows, totals = outcome_table(open_store(store_path), mechanism=mechanism, place=place)
    tables = [Table("outcomes", COLUMNS, rows)]
    if totals or fmt == "json":
        tables.append(Table("totals (same indicator and unit only)" if fmt != "json" else "totals",
                            TOTAL_COLUMNS, totals, derived=True))
    echo_tables(tables, fmt)


@main.command()
@click.argument("mechanism")
@store_option
@click.option("--level", type=click.Choice(["place", "county", "city", "province"]), default="county", show_default=True,
              help="The units to roll places up to: county (districts and counties), city or province; "
                   "place for each place itself (its first dated mention).")
@click.option("--panel", "years", metavar="FROM-TO",
              help="A unit-year panel over these years (e.g. 2015-2025) instead of one row per adopting unit.")
@output_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the rows to this file (the format from its extension: .csv .tsv .json .parquet .dta .xlsx).")
@friendly_errors
def diffusion(mechanism, store_path, level, years, fmt, output):
    """How MECHANISM (any spelling) spread: for each county, city or province, its first dated
    adoption (unit, code, level, province, city, first_date, date_source, doc, evidence,
    self_claim, planned), earliest first; with --panel, one row per unit and year (adopted 0/1,
    years_since_adoption) over every unit of that level the corpus covers."""
    from govkg.graph.store import open_store
    from govkg.queries.diffusion import diffusion as spread
    from govkg.queries.diffusion import panel, parse_years
    from govkg.queries.formatting import Table

    store = open_store(store_path)
    if years:
        columns, rows = panel(store, mechanism, level, parse_years(years))
    else:
        columns, rows = spread(store, mechanism, level)
    if output is not None:
        from govkg.queries.tables import dataframe

        _write_frame(dataframe(columns, rows), output, None if fmt == "table" else fmt)
        click.echo(f"{output}: {len(rows)} rows", err=True)
        return
    echo_tables([Table("diffusion", columns, rows)], fmt)


def _write_frame(frame, output: Path, fmt: str | None) -> None:
    """Write a typed table (govkg.queries.tables) in the format asked or the extension's."""
    from govkg.queries.tables import for_stata, format_of

    fmt = format_of(output, fmt)
    output.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        frame.to_csv(output, index=False, encoding="utf-8-sig")  # the BOM makes Excel read UTF-8
    elif fmt == "tsv":
        frame.to_csv(output, index=False, sep="\t", encoding="utf-8")
    elif fmt == "json":
        output.write_text(frame.to_json(orient="records", force_ascii=False, indent=1) + "\n", encoding="utf-8")
    elif fmt == "parquet":
        frame.to_parquet(output, index=False)
    elif fmt == "dta":
        for_stata(frame).to_stata(output, write_index=False, version=118)  # 118: Unicode text
    elif fmt == "xlsx":
        frame.to_excel(output, index=False, engine="openpyxl")


@main.command()
@click.argument("name", type=click.Choice(["adoptions", "outcomes", "places", "documents"]))
@store_option
@click.option("--format", "fmt", type=click.Choice(["csv", "tsv", "json", "parquet", "dta", "xlsx"]),
              help="The file format (default: from the extension of -o).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write, e.g. adoptions.parquet, adoptions.dta (Stata), adoptions.xlsx.")
@friendly_errors
def table(name, store_path, fmt, output):
    """Write a table for pandas, R, Stata or Excel: adoptions, outcomes, places or documents, with
    each place's code, district, city and province, and typed columns (numbers, dates as ISO
    text with a year column, true/false flags)."""
    from govkg.graph.store import open_store
    from govkg.queries.tables import TABLES
    from govkg.queries.tables import table as make_table

    frame = make_table(open_store(store_path), name)
    _write_frame(frame, output, fmt)
    click.echo(f"{output}: {len(frame)} rows ({TABLES[name][1]})", err=True)


@main.command()
@store_option
@click.option("--port", default=7878, show_default=True, type=click.IntRange(1, 65535),
              help="Port on 127.0.0.1 to listen on.")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(0.1, None),
              help="Seconds a query may run; a longer one is stopped and answered with an error.")
@click.option("--allow-service", is_flag=True,
              help="Let queries use SERVICE, which makes the server fetch from other URLs (refused by default).")
@click.option("--cors", "cors_origin", metavar="ORIGIN",
              help="Let web pages from ORIGIN (e.g. https://yasgui.example.org, or * for any) query the server.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Queries answered at the same time (one process each).")
@friendly_errors
def serve(store_path, port, timeout, allow_service, cors_origin, workers):
    """Serve the store, read-only, over the SPARQL 1.1 protocol at http://127.0.0.1:PORT/query.

    All graphs are queried as one by default. When a build replaces the store, the server answers
    from the new one. Stop it with Ctrl-C (or SIGTERM)."""
    from govkg.graph.serve import ServeOptions, StoreServer, check_servable, describe
    from govkg.graph.store import open_store

    if str(store_path) == "memory":
        raise click.UsageError("serve needs a store on disk: build one with --store FOLDER")
    check_servable(open_store(store_path))
    options = ServeOptions(port=port, timeout=timeout, allow_service=allow_service,
                           cors_origin=cors_origin, workers=workers)
    server = StoreServer(store_path, options)
    with stop_quietly("govkg serve stopped."):
        server.serve_forever(on_ready=lambda _: click.echo(describe(options), err=True))


@main.command()
@store_option
@click.option("--endpoint", required=True,
              help="SPARQL 1.1 Graph Store endpoint, e.g. http://127.0.0.1:7878/store (Oxigraph), "
                   "http://localhost:3030/DATASET/data (Fuseki) or http://localhost:8890/sparql-graph-crud-auth (Virtuoso).")
@click.option("--query-endpoint", metavar="URL",
              help="The server's SPARQL query endpoint, used to list its graphs (by default the one beside "
                   "--endpoint: /query for Oxigraph and Fuseki, /sparql for Virtuoso).")
@click.option("--graph-prefix", metavar="IRI",
              help="Put the store's graphs under this prefix (e.g. urn:govkg:survey-2024:), to keep "
                   "several stores apart in one dataset; only graphs under it are ever replaced or deleted.")
@click.option("--dry-run", is_flag=True, help="List what would be added, replaced and deleted; change nothing.")
@click.option("--user", help="User name, for servers that need a login.")
@click.option("--password", help="Password, with --user.", envvar="GOVKG_PASSWORD")
@friendly_errors
def push(store_path, endpoint, query_endpoint, graph_prefix, dry_run, user, password):
    """Make the server's copy of the store equal to the store: each graph of the store replaced
    whole (HTTP PUT), govkg graphs the store no longer has (removed documents) deleted.

    Graphs not from govkg (not under the graph prefix) are never touched. Two stores in one
    dataset need two --graph-prefix values; otherwise the second push replaces the first."""
    from govkg.graph.remote import GRAPH_BASE, SparqlEndpoint, query_endpoint_for
    from govkg.graph.remote import push as push_store
    from govkg.graph.store import open_store

    store = open_store(store_path)
    with store.reading():  # a missing store is said before the server is asked anything
        pass
    server = SparqlEndpoint(query_endpoint or query_endpoint_for(endpoint), endpoint, user=user, password=password)
    plan = push_store(store, server, graph_prefix=graph_prefix or GRAPH_BASE, dry_run=dry_run)
    if dry_run:
        for line in plan.lines():
            click.echo(line)
        click.echo(f"{endpoint}: would add {len(plan.added)}, replace {len(plan.replaced)} and delete "
                   f"{len(plan.deleted)} graphs (dry run: nothing changed)")
        return
    click.echo(f"{endpoint}: {len(plan.added)} graphs added, {len(plan.replaced)} replaced, "
               f"{len(plan.deleted)} deleted; {plan.triples} triples pushed")


@main.command(name="eval")
@click.option("--gold", "gold_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="A gold annotation in the format of corpus-gold.json.")
@store_option
@click.option("--summary", is_flag=True, help="Print only the scores, not the misses and extras.")
@click.option("--explain", is_flag=True,
              help="After the scores, the adoption errors sorted into classes (place not found, wrong "
                   "edges, wrong unit, mechanism missed, spurious mechanism ...) with an example of each.")
@friendly_errors
def evaluate(gold_file, store_path, summary, explain):
    """Score the store against a gold annotation: adoptions, adopters (document and place),
    mechanisms (document and mechanism), outcomes and places, with precision, recall and F1,
    then every miss and every extra. A gold place written with its parents matches on its most
    specific unit."""
    from govkg.graph.store import open_store
    from govkg.queries.evaluation import evaluate as score
    from govkg.queries.evaluation import explain as explain_errors
    from govkg.queries.evaluation import format_scores, load_gold

    store, gold = open_store(store_path), load_gold(gold_file)
    click.echo(format_scores(score(store, gold), details=not summary and not explain))
    if explain:
        click.echo("\nadoption errors by class:")
        click.echo(explain_errors(store, gold))


if __name__ == "__main__":  # pragma: no cover
    main()
