"""Reading source files as users have them: legacy Chinese encodings and HTML pages, as real files."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from govkg.cli import main
from govkg.extract import extract_file
from govkg.extract.read import read_source

ARTICLE = "岚州市桐溪区推行“红色物业”模式，推动物业服务企业成立党支部。\n\n荷塘社区探索“双报到”机制，解决问题1200余个。\n"
TRADITIONAL = "臺北市大安區推行網格治理，組織黨員到社區報到，解決問題一千二百餘個。\n"

# An invented news page: a menu, a script, the article with a photo caption, a footer.
PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>岚州市桐溪区：党建引领“红色物业”提升小区治理_岚州市人民政府网</title>
<script>var hot = "重庆市巴南区推行四清单一目录";</script></head>
<body>
<div class="nav"><a href="/">首页</a> | <a href="/x">云梦省人民政府</a> | <a>江北区新闻</a></div>
<div class="article">
<h1>岚州市桐溪区：党建引领“红色物业”提升小区治理</h1>
<p>近年来，云梦省岚州市桐溪区坚持党建引领基层治理，在全区推行“红色物业”模式，推动物业服务企业成立党支部。</p>
<p><img src="a.jpg"></p><p>图为荷塘社区党群服务中心。</p>
<p>柳岸街道荷塘社区探索“双报到”机制，组织320名在职党员到社区报到，解决群众急难愁盼问题1200余个。</p>
</div>
<div class="footer">版权所有：岚州市人民政府办公室 地址：岚州市中山路1号</div>
</body></html>
"""


def write(folder, name, data: bytes):
    path = folder / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "name, data, encoding, text",
    [
        ("utf8.txt", ARTICLE.encode("utf-8"), "UTF-8", ARTICLE),
        ("bom.txt", ARTICLE.encode("utf-8-sig"), "UTF-8", ARTICLE),
        ("gbk.txt", ARTICLE.encode("gbk"), "GB18030", ARTICLE),
        ("gb2312.txt", ARTICLE.replace("“", "").replace("”", "").encode("gb2312"), "GB18030",
         ARTICLE.replace("“", "").replace("”", "")),
        ("utf16.txt", ARTICLE.encode("utf-16"), "UTF-16", ARTICLE),
        ("big5.txt", TRADITIONAL.encode("big5"), "Big5", TRADITIONAL),
    ],
)
def test_text_files_in_chinese_encodings(tmp_path, name, data, encoding, text):
    source = read_source(write(tmp_path, name, data))
    assert (source.text, source.encoding, source.media_type) == (text, encoding, "text/plain")


@pytest.mark.parametrize(
    "name, charset, codec, encoding",
    [
        ("gb2312.html", "gb2312", "gbk", "GB18030"),
        ("utf8.htm", "utf-8", "utf-8", "UTF-8"),
        # A page that declares nothing: the encoding is detected.
        ("undeclared.html", None, "gbk", "GB18030"),
        # A page saved with the wrong extension is still read as a page.
        ("saved-page.txt", "utf-8", "utf-8", "UTF-8"),
    ],
)
def test_html_pages_give_their_article(tmp_path, name, charset, codec, encoding):
    page = PAGE.format(charset=charset) if charset else PAGE.replace(
        '<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n', "")
    source = read_source(write(tmp_path, name, page.encode(codec)))
    assert (source.encoding, source.media_type) == (encoding, "text/html")
    paragraphs = [line for line in source.text.splitlines() if line]
    assert paragraphs[0] == "岚州市桐溪区：党建引领“红色物业”提升小区治理"
    assert "柳岸街道荷塘社区探索“双报到”机制，组织320名在职党员到社区报到，解决群众急难愁盼问题1200余个。" in paragraphs
    # Menus, scripts and footers are not the article.
    for boilerplate in ("首页", "四清单一目录", "版权所有", "江北区新闻"):
        assert boilerplate not in source.text


BROKEN_PAGE = """<html><head><meta charset="utf-8"><title>云山区推行网格治理 - 岚州新闻网</title></head><body>
<div id="menu"><ul><li>首页</li><li>岚州要闻</li><li>江北区动态</li></ul></div>
<div class="TRS_Editor">
&nbsp;&nbsp;岚州市云山区坚持党建引领，推行“1+3+N”网格力量配备模式，全区划分网格326个。<br/><br/>
&nbsp;&nbsp;云山区白沙街道探索“四清单一目录”，<br/>梳理社区工作事项清单86项。<br/><br/>
　　据悉，该区将进一步深化“红色物业”建设。
</div>
<div class="share">分享到：微信 微博</div><div class="footer">岚州新闻网 版权所有</div>
</body></html>
"""


def test_a_line_break_inside_a_paragraph_of_a_page_is_layout(tmp_path):
    facts = extract_file(write(tmp_path, "br.html", BROKEN_PAGE.encode("utf-8")))
    sentences = {a.evidence.text for a in facts.adoptions}
    assert "云山区白沙街道探索“四清单一目录”，梳理社区工作事项清单86项。" in sentences
    assert "据悉，该区将进一步深化“红色物业”建设。" in sentences
    for menu in ("首页", "江北区", "分享到"):
        assert menu not in facts.source.text


def test_build_reads_gbk_files_and_html_pages_with_their_evidence(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write(corpus, "tongxi-page.html", PAGE.format(charset="gb2312").encode("gbk"))
    write(corpus, "yunshan-gbk.txt", "云梦省岚州市云山区：网格治理\n\n云山区推行“1+3+N”网格力量配备模式，配备网格员320名。\n".encode("gbk"))
    store = tmp_path / "store"
    runner = CliRunner()
    result = runner.invoke(main, ["build", str(corpus), "--store", str(store)])
    assert result.exit_code == 0, result.output

    trace = json.loads(runner.invoke(main, ["trace", "红色物业", "--store", str(store), "--format", "json"]).output)
    assert [(row["place"], row["doc"]) for row in trace] == [("桐溪区", "tongxi-page.html")]
    assert trace[0]["evidence"] == "近年来，云梦省岚州市桐溪区坚持党建引领基层治理，在全区推行“红色物业”模式，推动物业服务企业成立党支部。"
    grid = json.loads(runner.invoke(main, ["trace", "1+3+N", "--store", str(store), "--format", "json"]).output)
    assert [(row["place"], row["doc"]) for row in grid] == [("云山区", "yunshan-gbk.txt")]

    documents = json.loads(runner.invoke(main, [
        "query", "--store", str(store), "--format", "json",
        "PREFIX gk: <https://w3id.org/govkg/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/> "
        "SELECT ?doc ?format ?encoding WHERE { ?d gk:fileName ?doc ; dcterms:format ?format ; gk:encoding ?encoding } "
        "ORDER BY ?doc",
    ]).output)
    assert documents == [
        {"doc": "tongxi-page.html", "format": "text/html", "encoding": "GB18030"},
        {"doc": "yunshan-gbk.txt", "format": "text/plain", "encoding": "GB18030"},
    ]


def test_text_command_prints_what_offsets_count(tmp_path):
    page = write(tmp_path, "page.html", PAGE.format(charset="gb2312").encode("gbk"))
    result = CliRunner().invoke(main, ["text", str(page)])
    assert result.exit_code == 0, result.output
    assert result.stdout == read_source(page).text
    assert result.stderr == f"# page.html: text/html, GB18030, {len(read_source(page).text)} characters\n"
    missing = CliRunner().invoke(main, ["text", str(tmp_path / "nope.txt")])
    assert (missing.exit_code, missing.output) == (1, f"Error: {tmp_path / 'nope.txt'}: cannot be read (No such file or directory)\n")


def test_windows_line_ends_and_a_short_wrapped_line(tmp_path):
    text = "岚州市桐溪区：网格治理\r\n\r\n岚州市桐溪区推行“1+3+N”网格力量配备模式，\r\n配备网格员320名。\r\n"
    facts = extract_file(write(tmp_path, "win.txt", text.encode("gbk")))
    (adoption,) = facts.adoptions
    evidence = adoption.evidence
    assert evidence.text == "岚州市桐溪区推行“1+3+N”网格力量配备模式，配备网格员320名。"
    assert text[evidence.start : evidence.end].replace("\r\n", "") == evidence.text


def test_a_folder_gives_its_source_files_by_relative_path_in_path_order(tmp_path):
    from govkg.extract import find_sources

    for name in ["a/1.txt", "a-c.txt", "a-c/2.TXT", "a.txt", "Z.txt", ".hidden/3.txt", "b/.deep/4.txt",
                 "b/.5.txt", "b/c/6.md", "b/7.html", "b/8.pdf", "b/9.docx", "b/10.doc", "b/notes"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("桐溪区推行邻里议事会制度。", encoding="utf-8")
    (tmp_path / "b" / "link").symlink_to(tmp_path / "a", target_is_directory=True)  # not followed
    (tmp_path / "b" / "file-link.txt").symlink_to(tmp_path / "a" / "1.txt")
    (tmp_path / "b" / "broken.txt").symlink_to(tmp_path / "nowhere.txt")
    found = find_sources([tmp_path])
    # Sorted by parts, as paths are: a/1.txt before a-c.txt, though "/" sorts after "-".
    assert [s.name for s in found] == ["Z.txt", "a/1.txt", "a-c/2.TXT", "a-c.txt", "a.txt", "b/7.html", "b/8.pdf",
                                       "b/9.docx", "b/c/6.md", "b/file-link.txt"]
    assert [s.path for s in found] == [tmp_path / s.name for s in found]
    assert {s.folder for s in found} == {tmp_path.resolve()}
