"""The Extractor: one object owning its tagger, matcher and thesaurus; named steps; a build that
reads the thesaurus once; no state shared between extractors."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from govkg.cli import main
from govkg.errors import ExtractionError
from govkg.extract import Extractor, SourceDocument
from govkg.extract.segment import Token, walk_back
from govkg.graph.build import build
from govkg.graph.store import GraphStore
from govkg.ontology import MECHANISM, SCHEME, Mechanism, label_key, load_vocabulary
from govkg.queries import run_records

from .conftest import ROOT, assert_told_to_add_a_main_guard, default_extractor

THESAURUS = """@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix m: <https://w3id.org/govkg/mechanism/> .
@prefix cat: <https://w3id.org/govkg/category/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
m:{name} a skos:Concept, gk:Mechanism ; skos:inScheme m:scheme ;
    skos:prefLabel "{label}"@zh, "Neighbourhood council"@en ;
    skos:altLabel "邻里议事会制度"@zh ;
    skos:definition "Residents of a neighbourhood meet to settle shared matters."@en ;
    gk:category cat:participation .
"""


def doc(text: str, name: str = "t.txt") -> SourceDocument:
    return SourceDocument(name, text, "0" * 64)


def test_editing_the_thesaurus_and_building_again_in_one_process_gives_the_new_label(tmp_path):
    corpus, store, mine = tmp_path / "corpus", tmp_path / "store", tmp_path / "mine.ttl"
    corpus.mkdir()
    (corpus / "a.txt").write_text("桐溪区推行邻里议事会制度。\n", encoding="utf-8")
    mine.write_text(THESAURUS.format(name="council-a", label="邻里议事会"), encoding="utf-8")
    build([corpus], store, (str(mine),))
    first = run_records(GraphStore(store), "trace", {"mechanism": "邻里议事会制度"})
    assert {r["mechanism_label"] for r in first} == {"邻里议事会"}

    mine.write_text(THESAURUS.format(name="council-b", label="邻里议事会议"), encoding="utf-8")
    build([corpus], store, (str(mine),))
    rows = run_records(GraphStore(store), "trace", {"mechanism": "邻里议事会制度"})
    assert [(r["mechanism_label"], r["place"], r["evidence"]) for r in rows] == [
        ("邻里议事会议", "桐溪区", "桐溪区推行邻里议事会制度。")
    ]


def test_two_extractors_keep_their_own_thesaurus_words(tmp_path):
    mine = tmp_path / "mine.ttl"
    mine.write_text(THESAURUS.format(name="council", label="邻坊恳谈堂"), encoding="utf-8")
    extended = Extractor(load_vocabulary((str(mine),)).thesaurus)
    shipped = default_extractor()
    sentence = "桐溪区推行邻坊恳谈堂。"
    assert "邻坊恳谈堂" in [t.word for t in extended.tagger(sentence)]
    assert "邻坊恳谈堂" not in [t.word for t in shipped.tagger(sentence)]
    assert [a.place.name for a in extended(doc(sentence)).adoptions] == ["桐溪区"]
    assert shipped(doc(sentence)).adoptions == []


def test_steps_have_names_and_a_subset_runs_alone():
    extractor = default_extractor()
    assert extractor.step_names == (
        "normalize", "dates", "sentences", "places", "mechanisms", "discover", "adoptions", "organizations", "outcomes",
    )
    facts = extractor(doc("桐溪区推行“红色物业”。"), steps=["normalize", "sentences", "places"])
    assert [p.name for p in facts.places] == ["桐溪区"]
    assert facts.mechanism_mentions == [] and facts.adoptions == []


@pytest.mark.parametrize(
    "steps, message",
    [
        (["places"], "step places needs step sentences before it"),
        (["normalize", "sentences", "adoptions"], "step adoptions needs step places, discover before it"),
        (["normalise"], "no step called normalise; the steps are normalize, dates, sentences, places, mechanisms, "
                        "discover, adoptions, organizations, outcomes"),
    ],
)
def test_a_subset_without_what_it_needs_is_refused(steps, message):
    with pytest.raises(ExtractionError) as error:
        default_extractor()(doc("桐溪区推行“红色物业”。"), steps=steps)
    assert str(error.value) == message


def test_every_step_is_timed():
    extractor = Extractor(default_extractor().thesaurus)
    extractor(doc("桐溪区推行“红色物业”，组建红色物业服务队12支。"))
    assert set(extractor.timings) == set(extractor.step_names)
    assert all(seconds > 0 for seconds in extractor.timings.values())


def test_build_profile_prints_seconds_per_step(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("桐溪区推行“红色物业”。\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(corpus), "--store", str(tmp_path / "s"), "--profile"])
    assert result.exit_code == 0, result.output
    phases = [line.split()[0] for line in result.output.splitlines()[3:-1]]
    assert phases == (["read", "prepare", "extractor"] + [f"extract:{name}" for name in default_extractor().step_names]
                      + ["rdf", "load", "write"])
    for line in result.output.splitlines()[3:-1]:
        float(line.split()[1])


def tokens(*words: str) -> list[Token]:
    out, position = [], 0
    for word in words:
        out.append(Token(word, position, "n"))
        position += len(word)
    return out


@pytest.mark.parametrize(
    "words, stop, expected",
    [
        (("在", "竹溪", "区"), {"在"}, 1),   # stops at a word that is not part of the name
        (("竹溪", "区"), set(), 0),          # runs to the start of the sentence
        (("在", "区"), {"在"}, 1),           # takes nothing: the index itself
    ],
)
def test_walk_back_stops_where_the_step_says(words, stop, expected):
    items = tokens(*words)
    assert walk_back(items, len(items) - 1, lambda j: None if items[j].word in stop else j) == expected


def test_walk_back_takes_a_span_whole():
    items = tokens("在", "“", "先锋", "”", "队")
    # A step that jumps from a closing quote to its opening takes the quoted name as one word.
    jump = {3: 1}
    assert walk_back(items, 4, lambda j: jump.get(j, j if items[j].word != "在" else None)) == 1


def test_extract_package_holds_no_module_level_state():
    """No cache or global in govkg/extract: every name bound at module level is a constant
    (upper case), a function, a class, an import or a frozen value."""
    for path in sorted((ROOT / "govkg" / "extract").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            assert not isinstance(node, ast.Global), f"{path.name}: global statement"
            if isinstance(node, ast.FunctionDef):
                names = {ast.unparse(d) for d in node.decorator_list}
                assert not names & {"lru_cache", "functools.lru_cache", "cache", "functools.cache"} and not any(
                    n.startswith(("lru_cache(", "functools.lru_cache(")) for n in names
                ), f"{path.name}: {node.name} is cached at module level"
        for node in tree.body:
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    name = ast.unparse(target)
                    assert name == "__all__" or name.lstrip("_").isupper() or name == "CommonWord", (
                        f"{path.name}: module-level name {name} is not a constant"
                    )


def test_graph_and_queries_do_not_reach_into_extraction_internals():
    for folder in ("graph", "queries"):
        for path in sorted((ROOT / "govkg" / folder).glob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("govkg.extract"):
                    assert node.module in ("govkg.extract", "govkg.extract.model"), (
                        f"{folder}/{path.name} imports {node.module}"
                    )


def test_no_query_text_outside_the_queries_package():
    for path in sorted((ROOT / "govkg").rglob("*.py")):
        if "queries" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (r"\bSELECT\s+(DISTINCT\s+)?[?*(]", r"\bPREFIX\s+\w*:\s*<", r"\bWHERE\s*\{"):
            assert not re.search(pattern, text), f"{path.relative_to(ROOT)} holds SPARQL ({pattern})"


def test_no_query_file_declares_its_prefixes_and_each_has_a_header():
    files = sorted((ROOT / "govkg" / "queries").rglob("*.rq"))
    assert len(files) > 20
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert "PREFIX" not in text, path.name
        assert text.startswith(f"# {path.stem}: "), path.name
        assert "# Parameters:" in text and "# Columns:" in text, path.name


def test_prefixes_are_declared_once_for_what_a_query_uses():
    from govkg.queries import with_prefixes

    text = with_prefixes("PREFIX gk: <urn:mine#>\nSELECT ?x WHERE { ?x gk:a skos:Concept ; rdfs:label ?l }")
    assert "PREFIX gk: <https://w3id.org" not in text
    assert text.count("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>") == 1
    assert "PREFIX rdfs:" in text and "PREFIX oa:" not in text
    assert Path(ROOT / "govkg" / "queries" / "internal").is_dir()


TAGGER_SENTENCES = [
    "岚州市桐溪区推行“1+3+N”网格力量配备模式，组建红色物业服务队12支。",
    "芦花镇400户、漾川市50户参加，满意率达到98.5%，解决问题1200余个。",
    "青石县阿勒腾席热镇和余村建立“村村联建”机制，ABC平台上线2.0版。",
    "社区书记说：“我们把党员组织起来，户户全覆盖。”\n\n第二段\t有制表符",
    "户",
    "",
    "1+X党建联建、四单一目录和双报到一起推进，新冠疫情期间下沉干部300名。",
]


@pytest.mark.parametrize("text", TAGGER_SENTENCES)
def test_the_tagger_gives_jieba_posseg_tokens_and_tags(text):
    tagger = default_extractor().tagger
    assert tagger.pairs(text) == tagger.reference_pairs(text)
    tokens = tagger(text)
    assert "".join(t.word for t in tokens) == text
    assert all(text[t.start : t.end] == t.word for t in tokens)
    # Rare: a word of jieba's dictionary seldom seen there, and no thesaurus word.
    assert [t.rare for t in tokens] == [jieba_rare(t.word, tagger) for t in tokens]


def jieba_rare(word: str, tagger) -> bool:
    import jieba

    from govkg.extract.segment import RARE_WORD

    jieba.dt.initialize()
    frequency = jieba.get_FREQ(word)
    return frequency is not None and 0 < frequency < RARE_WORD and word not in tagger.domain


def test_a_thesaurus_word_jieba_knows_with_another_tag_is_tagged_nz_and_is_no_common_word():
    tagger = default_extractor().tagger
    assert {"店小二", "联席会议"} <= tagger.domain
    text = "街道召开联席会议，干部当好店小二。"
    pairs = tagger.pairs(text)
    assert ("联席会议", "nz") in pairs and ("店小二", "nz") in pairs
    assert pairs == tagger.reference_pairs(text)
    # 店小二 is a frequent word of jieba's (a noun), but as a thesaurus word it names something.
    assert not tagger.common_word("店小二") and tagger.common_word("社区")
    # A character of a run of the route that is a dictionary word as a whole (a Latin letter of
    # B超 taken alone) has its own tag, x where the dictionary lacks it.
    assert [tagger._character_tag(ch) for ch in "B超1社"] == ["x", "v", "x", "n"]


HMM_STRETCHES = [
    "户", "个项", "户个项", "鑫", "㐀㐁㐂", "岚州桐溪", "王小明书记", "网格员走访群众",
    "红色物业服务队", "邻坊恳谈堂议事", "项户个", "莺歌燕舞", "乾坤朗朗",
]


def test_the_numpy_viterbi_gives_jieba_posseg_paths_and_ties():
    import random

    import jieba.posseg as posseg

    from govkg.extract.segment import PossegHmm, posseg_tables

    hmm = PossegHmm(*posseg_tables())
    # Shuffled characters of the sentences above reach states and ties that prose seldom does.
    characters = [ch for text in TAGGER_SENTENCES + HMM_STRETCHES for ch in text if "\u4e00" <= ch <= "\u9fd5"]
    rng = random.Random(7)
    stretches = HMM_STRETCHES + ["".join(rng.sample(characters, rng.randint(1, 25))) for _ in range(300)]
    for text in stretches:
        expected = posseg.viterbi(text, posseg.char_state_tab_P, posseg.start_P, posseg.trans_P, posseg.emit_P)[1]
        assert hmm(text) == expected, text


def test_the_tagger_uses_jieba_posseg_tables_and_patterns_without_importing_it():
    import subprocess
    import sys

    import jieba
    import jieba.posseg as posseg

    from govkg.extract import segment

    assert posseg_tables_equal(segment.posseg_tables(), posseg)
    for ours, theirs in [(segment.HAN_INTERNAL, posseg.re_han_internal), (segment.SKIP_INTERNAL, posseg.re_skip_internal),
                         (segment.HAN_DETAIL, posseg.re_han_detail), (segment.SKIP_DETAIL, posseg.re_skip_detail),
                         (segment.NUMBER, posseg.re_num), (segment.LATIN, posseg.re_eng)]:
        assert (ours.pattern, ours.flags) == (theirs.pattern, theirs.flags)
    frequent, unseen = segment.read_jieba_dictionary()
    # The frequent words and their tags as jieba's own tokenizer and jieba.posseg read them, from
    # the same file.
    tags = posseg.dt.word_tag_tab
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    counted = {word: tokenizer.FREQ[word] for word in tags}
    assert frequent == {word: tags[word] for word, count in counted.items() if count >= segment.RARE_WORD}
    assert unseen == {word for word, count in counted.items() if count == 0}
    assert "社区" in frequent and "思明" in tags and "思明" not in frequent and len(frequent) < len(tags) / 10
    # rjieba, which gives the other words their tags, holds the same dictionary: every word, and
    # the same tag for each word that is one token alone (a word that is not is never one of a
    # route: the route through it alone is the route through it anywhere).
    router = segment.rjieba_class()()
    alone = [router.tag(word, False) for word in tags]
    assert all(map(router.has_word, tags))
    assert all(pairs[0][1] == tags[pairs[0][0]] for pairs in alone if len(pairs) == 1)
    assert sum(len(pairs) == 1 for pairs in alone) > 0.95 * len(tags)
    # Making an extractor imports neither jieba nor jieba.posseg (each reads the dictionary again),
    # nor the rjieba package, whose import makes a default Jieba of the whole dictionary; rjieba
    # imported afterwards is the same module, and works.
    code = ("import sys; from govkg.extract import Extractor; extractor = Extractor(); "
            "print('jieba' in sys.modules, 'rjieba' in sys.modules); "
            "import rjieba; print(rjieba.Jieba is type(extractor.tagger._router), rjieba.cut('我们推行网格化'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.stdout == "False False\nTrue ['我们', '推行', '网格化']\n", done.stderr


def test_stretches_the_cpp_viterbi_cuts_short_are_tagged_by_jieba_s_own_loop_before_numpy_is_imported():
    import subprocess
    import sys

    from govkg.extract.segment import LOOP_CHARACTERS

    # 镇, 户 and 个项 (after a name, between numbers): the C++ Viterbi drops their last characters.
    text = "芦花镇400户、漾川市50户参加，个项"
    code = ("import sys; from govkg.extract import Extractor; tagger = Extractor().tagger; "
            f"print(tagger.pairs({text!r})); print(tagger._looped, 'numpy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    tagger = default_extractor().tagger
    assert done.stdout == f"{tagger.reference_pairs(text)}\n4 False\n", done.stderr  # 镇, 户, 个项 by the loop
    # Past LOOP_CHARACTERS characters, numpy's Viterbi, which gives the same words.
    tagger = Extractor().tagger
    long = "王小明书记"
    for _ in range(LOOP_CHARACTERS // len(long) + 1):
        assert tagger._hmm_words(long) == (("王小明", "nr"), ("书记", "n"))
    assert tagger._hmm is not None


def test_the_words_the_hmm_gives_a_stretch_are_kept_for_its_next_time_up_to_a_bound(monkeypatch):
    from govkg.extract import segment

    tagger = Extractor(default_extractor().thesaurus).tagger
    calls = []
    fast = tagger._fast_viterbi
    tagger._fast_viterbi = lambda text: calls.append(text) or fast(text)
    text = "岚州桐溪的王小明书记和李红梅主任走访芦花镇400户"
    first = tagger.pairs(text)
    assert first == tagger.reference_pairs(text) and calls
    asked = len(calls)
    assert tagger.pairs(text) == first and len(calls) == asked  # every stretch kept
    monkeypatch.setattr(segment, "STRETCHES_KEPT", 2)
    tagger._stretches.clear()
    tagger.pairs(text)
    assert len(tagger._stretches) <= 2 and tagger.pairs(text) == first
    monkeypatch.setattr(segment, "KEPT_STRETCH_CHARS", 0)
    tagger._stretches.clear()
    asked = len(calls)
    assert tagger.pairs(text) == first and not tagger._stretches and len(calls) > asked


def posseg_tables_equal(tables, posseg) -> bool:
    return list(tables) == [posseg.start_P, posseg.trans_P, posseg.emit_P, posseg.char_state_tab_P]


def test_the_tagger_agrees_with_jieba_posseg_on_the_example_corpus():
    from govkg.extract.normalize import normalize, split_sentences

    tagger = default_extractor().tagger
    for path in sorted((ROOT / "examples" / "corpus").glob("*.txt")):
        normalized = normalize(SourceDocument(path.name, path.read_text(encoding="utf-8"), "0" * 64))
        for sentence in split_sentences(normalized):
            text = normalized.fold[sentence.start : sentence.end]
            assert tagger.pairs(text) == tagger.reference_pairs(text), text


def test_every_thesaurus_concept_has_labels_a_definition_and_a_category():
    import rdflib
    from rdflib.namespace import SKOS

    from govkg.ontology import CATEGORY, GK, SCHEME, ontology_path

    graph = rdflib.Graph().parse(ontology_path("mechanisms.ttl"), format="turtle")
    concepts = set(graph.subjects(SKOS.inScheme, rdflib.URIRef(SCHEME)))
    assert len(concepts) >= 250
    categories = set(graph.subjects(SKOS.inScheme, rdflib.URIRef(CATEGORY + "scheme")))
    for concept in concepts:
        languages = sorted(label.language for label in graph.objects(concept, SKOS.prefLabel))
        assert languages == ["en", "zh"], concept
        definition = graph.value(concept, SKOS.definition)
        assert definition is not None and len(str(definition)) > 30, concept
        assert graph.value(concept, rdflib.URIRef(GK + "category")) in categories, concept


def test_no_spelling_is_claimed_by_two_concepts():
    from govkg.ontology import label_key, load_thesaurus

    thesaurus = load_thesaurus()
    owners: dict[str, set[str]] = {}
    for mechanism in thesaurus.mechanisms.values():
        for label in mechanism.labels:
            owners.setdefault(label_key(label), set()).add(mechanism.iri)
    shared = {key: iris for key, iris in owners.items() if len(iris) > 1}
    # Only a spelling whose concepts all say by which words they are meant may be shared.
    unresolved = {
        key: iris for key, iris in shared.items()
        if not all(thesaurus.mechanisms[iri].context_words for iri in iris)
    }
    assert not unresolved, unresolved
    assert "1+3+n" in shared



@pytest.mark.parametrize(
    "text, expected",
    [
        ("桐溪区按照“1+3+N”模式配备网格力量，每个网格配齐网格长。", "“1+3+N”网格力量配备模式"),
        ("桐溪区按照“1+3+N”模式建立街道实体化综合治理中心，派驻公安、城管队伍常驻街道。", "街道实体化综合治理中心"),
        # No context word at all: the concept that claimed the formula first.
        ("桐溪区推行“1+3+N”模式。", "“1+3+N”网格力量配备模式"),
    ],
)
def test_a_shared_formula_is_told_apart_by_its_context(text, expected):
    extractor = default_extractor()
    facts = extractor(doc(text))
    assert [extractor.thesaurus.mechanisms[a.mechanism].pref_label for a in facts.adoptions] == [expected]


def test_a_script_that_extracts_with_workers_without_a_main_guard_is_told_so(tmp_path):
    script = tmp_path / "no_guard.py"
    script.write_text(
        "from govkg.extract import Extractor\n"
        "from govkg.extract.model import SourceDocument\n"
        "docs = [SourceDocument(f'{i}.txt', '桐溪区推行积分制管理。', '0' * 64) for i in range(20)]\n"
        "print(len(list(Extractor().pipe(docs, workers=2))))\n",
        encoding="utf-8",
    )
    # Once, multiprocessing hung here for ever: the workers died starting, the script waited.
    assert_told_to_add_a_main_guard(script)


def test_the_vocabulary_is_the_files_as_rdflib_reads_them_with_a_key_for_every_label(tmp_path):
    import rdflib
    from rdflib.compare import isomorphic
    from rdflib.namespace import SKOS

    from govkg.ontology import GK, ONTOLOGY_FILES, ontology_path

    mine = tmp_path / "mine.ttl"
    mine.write_text(MY_THESAURUS, encoding="utf-8")
    expected = rdflib.Graph()
    for path in [*(ontology_path(name) for name in ONTOLOGY_FILES), mine]:
        expected.parse(path, format="turtle")
    for concept in set(expected.subjects(SKOS.inScheme, rdflib.URIRef(SCHEME))):
        for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
            for label in list(expected.objects(concept, prop)):
                expected.add((concept, rdflib.URIRef(GK + "labelKey"), rdflib.Literal(label_key(str(label)))))
    vocabulary = load_vocabulary((str(mine),))
    assert len(vocabulary.triples) == len(expected)
    assert isomorphic(vocabulary.graph, expected)


MY_THESAURUS = """\
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix m: <https://w3id.org/govkg/mechanism/> .
@prefix cat: <https://w3id.org/govkg/category/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
m:my-council a skos:Concept ; skos:inScheme m:scheme ; gk:category cat:deliberation ;
    skos:prefLabel "邻里议事会"@zh , "Neighbourhood council"@en ;
    skos:altLabel "邻里议事会制度" , "“邻里”议事会" ; skos:hiddenLabel "邻里议事厅" ;
    gk:contextWord "议事" , "协商" ;
    gk:candidate false .
m:my-stewards a skos:Concept ; skos:inScheme m:scheme ; skos:prefLabel "楼道管家" ;
    gk:candidate "true"^^xsd:boolean ; skos:note [ skos:prefLabel "a blank node of its own" ] .
"""


def test_a_thesaurus_file_reads_as_plain_mechanisms(tmp_path):
    mine = tmp_path / "mine.ttl"
    mine.write_text(MY_THESAURUS, encoding="utf-8")
    thesaurus = load_vocabulary((str(mine),)).thesaurus
    council = thesaurus.mechanisms[MECHANISM + "my-council"]
    assert council == Mechanism(MECHANISM + "my-council", "邻里议事会", ("邻里议事会", "“邻里”议事会", "邻里议事会制度", "邻里议事厅"),
                                "deliberation", "Neighbourhood council", False, context_words=("协商", "议事"))
    stewards = thesaurus.mechanisms[MECHANISM + "my-stewards"]
    assert (stewards.pref_label, stewards.labels, stewards.category, stewards.candidate) == (
        "楼道管家", ("楼道管家",), "other", True)
    assert thesaurus.lookup("邻里 议事会").iri == council.iri


@pytest.mark.parametrize(("value", "candidate"), [
    ("true", True), ("false", False), ('"1"^^xsd:boolean', True), ('"0"^^xsd:boolean', False),
    ('"yes"', True), ('""', False), ("0", False), ("2", True), ("m:somewhere", True),
])
def test_what_a_candidate_flag_says(tmp_path, value, candidate):
    mine = tmp_path / "mine.ttl"
    mine.write_text(MY_THESAURUS.split("m:my-council")[0]
                    + f'm:flagged skos:inScheme m:scheme ; skos:prefLabel "楼道议事" ; gk:candidate {value} .\n',
                    encoding="utf-8")
    assert load_vocabulary((str(mine),)).thesaurus.mechanisms[MECHANISM + "flagged"].candidate is candidate
