"""Research data from invented articles: document dates (manifest, page metadata, date lines),
first adoptions per unit, self-claim and planned flags, diffusion tables and panels, and the
tables analysts read in pandas, R, Stata and Excel."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from govkg.cli import main
from govkg.extract import SourceDocument, parse_date
from govkg.extract.claims import with_claims
from govkg.extract.dates import date_in_text
from govkg.extract.model import Adoption, Evidence, Place

ARTICLES = {
    "2019/tongxi-points.txt": "桐溪区积分制管理见成效\n\n云梦省岚州市桐溪区在全省率先推行积分制管理，居民参与社区事务的积极性明显提高。\n",
    "zhuxi-points.txt": "竹溪区推行积分制管理\n发布时间：2021年4月8日 来源：岚州日报\n\n岚州市竹溪区全面推行积分制管理，全区128个小区建立积分超市。\n",
    "tongxi-page.html": (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>桐溪区深化积分制管理</title>'
        '<meta property="article:published_time" content="2020-05-06T09:00:00+08:00"></head>'
        "<body><article><h1>桐溪区深化积分制管理</h1><p>岚州市桐溪区深入推行积分制管理，把积分制管理延伸到每个网格，"
        "群众参与度持续提升，社区治理更加有序，居民满意度明显提高。</p></article></body></html>\n"
    ),
    "qingshi-plan.txt": "青石县部署积分制管理\n\n湖安省漾川市青石县计划推行积分制管理，力争年内覆盖全部村（社区）。\n",
    "baishui-undated.txt": "白水县推行积分制管理\n\n湖安省漾川市白水县推行积分制管理，群众参与更积极。\n",
}
MANIFEST = "file,date,title,url,publisher,batch\n2019/tongxi-points.txt,2019-03-02,,https://example.org/a,岚州日报,第一批\n"


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("research") / "corpus"
    for name, text in ARTICLES.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    (folder.parent / "manifest.csv").write_text(MANIFEST, encoding="utf-8-sig")  # as Excel saves it
    return folder


@pytest.fixture(scope="module")
def store(corpus) -> Path:
    store = corpus.parent / "store"
    result = invoke("build", str(corpus), "--store", str(store), "--manifest", str(corpus.parent / "manifest.csv"), "--quiet")
    assert result.exit_code == 0, result.output
    return store


def rows_of(*args: str) -> list[dict]:
    result = invoke(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_each_document_has_its_date_and_where_it_came_from(store):
    documents = {row["doc"]: row for row in rows_of("query", "documents", "--store", str(store))}
    assert {name: (row["date"], row["date_source"]) for name, row in documents.items()} == {
        "2019/tongxi-points.txt": ("2019-03-02", "manifest"),
        "tongxi-page.html": ("2020-05-06", "page"),
        "zhuxi-points.txt": ("2021-04-08", "text"),
        "qingshi-plan.txt": (None, None),
        "baishui-undated.txt": (None, None),
    }
    assert documents["2019/tongxi-points.txt"]["publisher"] == "岚州日报"
    assert documents["2019/tongxi-points.txt"]["url"] == "https://example.org/a"


def test_the_first_adoption_of_each_unit_with_its_claims(store):
    rows = rows_of("diffusion", "积分制管理", "--store", str(store))
    assert [(r["unit"], r["level"], r["city"], r["first_date"], r["date_source"], r["doc"], r["self_claim"], r["planned"])
            for r in rows] == [
        ("桐溪区", "district", "岚州市", "2019-03-02", "manifest", "2019/tongxi-points.txt", True, False),
        ("竹溪区", "district", "岚州市", "2021-04-08", "text", "zhuxi-points.txt", False, False),
        ("白水县", "county", "漾川市", None, None, "baishui-undated.txt", False, False),
        ("青石县", "county", "漾川市", None, None, "qingshi-plan.txt", False, True),
    ]
    by_city = rows_of("diffusion", "积分制管理", "--store", str(store), "--level", "city")
    assert [(r["unit"], r["first_date"], r["province"], r["city"]) for r in by_city] == [
        ("岚州市", "2019-03-02", "云梦省", None), ("漾川市", None, "湖安省", None)]


def test_the_first_dated_mention_of_each_place(store):
    rows = rows_of("diffusion", "积分制管理", "--store", str(store), "--level", "place")
    first = {r["unit"]: (r["first_date"], r["doc"]) for r in rows}
    # 桐溪区 is named in 2019 (manifest) and 2020 (page): the first is kept.
    assert first["桐溪区"] == ("2019-03-02", "2019/tongxi-points.txt")
    assert first["竹溪区"] == ("2021-04-08", "zhuxi-points.txt")
    assert {r["unit"]: r["level"] for r in rows}["青石县"] == "county"
    refused = invoke("diffusion", "积分制管理", "--store", str(store), "--level", "place", "--panel", "2018-2020")
    assert refused.exit_code == 1
    assert refused.output == "Error: a panel is made of counties, cities or provinces: give --level county, city or province\n"


def test_the_panel_of_a_unit_that_adopts_in_2019(store):
    rows = rows_of("diffusion", "积分制管理", "--store", str(store), "--panel", "2017-2021")
    tongxi = [(r["year"], r["adopted"], r["years_since_adoption"]) for r in rows if r["unit"] == "桐溪区"]
    assert tongxi == [(2017, 0, None), (2018, 0, None), (2019, 1, 0), (2020, 1, 1), (2021, 1, 2)]
    zhuxi = [r["adopted"] for r in rows if r["unit"] == "竹溪区"]
    assert zhuxi == [0, 0, 0, 0, 1]
    # Adopted with no known date, or only planned: unknown in every year, not 0.
    assert {r["adopted"] for r in rows if r["unit"] in ("白水县", "青石县")} == {None}
    assert len(rows) == 4 * 5


def test_a_changed_manifest_row_rewrites_the_document(corpus, tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(corpus, folder)
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps([{"file": "2019/tongxi-points.txt", "date": "2018年5月"}], ensure_ascii=False), encoding="utf-8")
    store = tmp_path / "store"
    assert invoke("build", str(folder), "--store", str(store), "--manifest", str(manifest), "--quiet").exit_code == 0
    same = invoke("build", str(folder), "--store", str(store), "--manifest", str(manifest), "--quiet")
    assert same.output.startswith(f"{store}: 0 added, 0 changed, 5 unchanged")  # the row's digest is kept
    manifest.write_text(json.dumps([{"file": "2019/tongxi-points.txt", "date": "2017"}]), encoding="utf-8")
    again = invoke("build", str(folder), "--store", str(store), "--manifest", str(manifest), "--quiet")
    assert again.output.startswith(f"{store}: 0 added, 1 changed, 4 unchanged")
    rows = rows_of("diffusion", "积分制管理", "--store", str(store))
    assert rows[0]["unit"] == "桐溪区" and rows[0]["first_date"] == "2017"


@pytest.mark.parametrize("manifest, content, message", [
    ("m.csv", "name,date\na.txt,2020\n", "the manifest has no 'file' column (its columns: name, date)"),
    ("m.csv", "file,date\na.txt,2020-13-01\n", "row 2: date '2020-13-01' is not a date (write 2023-06-03, 2023-06 or 2023)"),
    ("m.csv", "file,date\na.txt,2020\na.txt,2021\n", "row 3: a.txt is listed twice"),
    ("m.json", '{"file": "a.txt"}', "a JSON manifest is a list of objects, one per document"),
    ("m.json", "[{", "not valid JSON (line 1: Expecting property name enclosed in double quotes)"),
    ("m.xml", "<x/>", "a manifest is a .csv or .json file"),
])
def test_a_bad_manifest_is_one_line_and_nothing_is_built(tmp_path, manifest, content, message):
    (tmp_path / "a.txt").write_text("桐溪区推行积分制管理。\n", encoding="utf-8")
    (tmp_path / manifest).write_text(content, encoding="utf-8")
    result = invoke("build", str(tmp_path / "a.txt"), "--store", str(tmp_path / "store"), "--manifest", str(tmp_path / manifest))
    assert result.exit_code == 1
    assert result.output == f"Error: {tmp_path / manifest}: {message}\n"
    assert not (tmp_path / "store").exists()


def test_manifest_rows_naming_no_document_are_said(tmp_path):
    (tmp_path / "a.txt").write_text("桐溪区推行积分制管理。\n", encoding="utf-8")
    (tmp_path / "m.csv").write_text("file,date\na.txt,2020\nb.txt,2021\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(tmp_path / "a.txt"), "--store", str(tmp_path / "s"),
                                       "--manifest", str(tmp_path / "m.csv"), "--quiet"])
    assert result.exit_code == 0
    assert f"{tmp_path / 'm.csv'}: 1 rows name no document of this build: b.txt" in result.output


@pytest.mark.parametrize("text, expected", [
    ("2023-06-03", ("2023-06-03", "day")),
    ("2023/6/3", ("2023-06-03", "day")),
    ("2023年6月3日", ("2023-06-03", "day")),
    ("二〇二三年六月", ("2023-06", "month")),
    ("二〇二三年十二月三十一日", ("2023-12-31", "day")),
    ("2023.06", ("2023-06", "month")),
    ("20230603", ("2023-06-03", "day")),
    ("2021", ("2021", "year")),
    ("2023-06-03T10:00:00+08:00", ("2023-06-03", "day")),
    ("2023-02-30", None),
    ("去年", None),
    ("1899", None),
])
def test_dates_as_written(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("题目\n发布时间：2023-06-03 10:20 来源：某报\n正文。", ("2023-06-03", "day")),
    ("题目\n日期：2022年5月\n正文。", ("2022-05", "month")),
    ("题目\n（2024年3月12日）\n正文。", ("2024-03-12", "day")),
    ("题目\n正文。\n二〇二二年五月\n", ("2022-05", "month")),
    # A date inside a sentence says when something happened, not when the text was written.
    ("题目\n正文2019年6月以来推行积分制。\n", None),
    ("题目\n截至2023年底，全区建成驿站12个。\n", None),
])
def test_a_date_line_of_the_text(text, expected):
    found = date_in_text(text)
    assert (found and (found.value, found.precision)) == expected or (found is None and expected is None)
    if found:
        assert found.source == "text"


@pytest.mark.parametrize("sentence, surface, self_claim, planned", [
    ("桐溪区在全省率先推行积分制管理，成效明显。", "积分制管理", True, False),
    ("桐溪区首创“街巷议事会”制度。", "“街巷议事会”制度", True, False),
    ("桐溪区推行积分制管理，在全市属首个。", "积分制管理", True, False),
    ("桐溪区推行积分制管理，为全省首家。", "积分制管理", True, False),
    ("桐溪区推行积分制管理，纳入全市首批示范。", "积分制管理", False, False),  # a first batch: no claim
    ("青石县计划推行积分制管理。", "积分制管理", False, True),
    ("青石县将在全县推广积分制管理。", "积分制管理", False, True),
    ("明年，青石县力争实现积分制管理全覆盖。", "积分制管理", False, True),
    ("青石县将积分制管理纳入考核。", "积分制管理", False, False),  # 将 as a preposition
    ("青石县推行积分制管理，计划明年推广到全市。", "积分制管理", False, False),  # the plan is about later
])
def test_self_claims_and_plans(sentence, surface, self_claim, planned):
    place = Place(("桐溪区",), "district")
    adoption = Adoption(place, "urn:m", surface, Evidence(sentence, 0, len(sentence)))
    (flagged,) = with_claims([adoption])
    assert (flagged.self_claim, flagged.planned) == (self_claim, planned)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "parquet", "dta", "xlsx"])
def test_every_table_format_reads_back_with_chinese_intact(store, tmp_path, fmt):
    output = tmp_path / f"adoptions.{fmt}"
    result = invoke("table", "adoptions", "--store", str(store), "-o", str(output))
    assert result.exit_code == 0, result.output
    read = {
        "csv": lambda p: pd.read_csv(p, encoding="utf-8-sig"),
        "tsv": lambda p: pd.read_csv(p, sep="\t"),
        "json": lambda p: pd.read_json(p, orient="records", dtype=False),
        "parquet": pd.read_parquet,
        "dta": pd.read_stata,
        "xlsx": pd.read_excel,
    }[fmt](output)
    assert len(read) == 5
    assert set(read["place"]) == {"桐溪区", "竹溪区", "青石县", "白水县"}
    assert set(read["mechanism"]) == {"积分制管理"}
    assert {"code", "district", "city", "province", "date", "year", "self_claim", "planned"} <= set(read.columns)
    tongxi = read[read["doc"] == "2019/tongxi-points.txt"].iloc[0]
    assert tongxi["city"] == "岚州市" and tongxi["province"] == "云梦省" and int(tongxi["year"]) == 2019
    if fmt == "parquet":  # the types as stated
        assert str(read["year"].dtype) in ("Int64", "int64") and str(read["self_claim"].dtype) in ("boolean", "bool")
        assert str(read["place"].dtype) in ("string", "str", "object")
    if fmt == "dta":
        assert set(read["self_claim"]) == {0, 1}


def test_query_df_has_typed_columns(store):
    from govkg import query_df

    frame = query_df(store, "outcomes")
    assert str(frame["value"].dtype) in ("Int64", "Float64")
    assert str(frame["approx"].dtype) == "boolean"
    assert str(frame["place"].dtype) == "string"
    trace = query_df(store, "trace", mechanism="积分制管理")
    assert set(trace["place"]) == {"桐溪区", "竹溪区", "青石县", "白水县"}


def test_a_table_format_unknown_from_the_extension_is_one_line(store, tmp_path):
    result = invoke("table", "places", "--store", str(store), "-o", str(tmp_path / "places.dat"))
    assert result.exit_code == 1
    assert result.output == (f"Error: {tmp_path / 'places.dat'}: cannot tell the format from the extension; "
                             "give --format (csv, tsv, json, parquet, dta, xlsx)\n")


def test_the_page_date_comes_from_the_pages_metadata(tmp_path):
    from govkg.extract import read_source

    page = tmp_path / "p.html"
    page.write_text(ARTICLES["tongxi-page.html"], encoding="utf-8")
    source = read_source(page)
    assert isinstance(source, SourceDocument) and source.page_date == "2020-05-06"


def test_a_first_batch_in_another_clause_is_no_claim_of_being_first():
    sentence = "桐溪区推行积分制管理，各社区积极参与，3个社区纳入全市首批示范项目。"
    place = Place(("桐溪区",), "district")
    (flagged,) = with_claims([Adoption(place, "urn:m", "积分制管理", Evidence(sentence, 0, len(sentence)))])
    assert not flagged.self_claim


def test_a_labelled_date_far_along_a_long_line_is_not_taken():
    text = "来源：某报 " + "桐溪区推行积分制管理，" * 10 + "2019年3月2日召开推进会。\n正文。"
    assert date_in_text(text) is None
