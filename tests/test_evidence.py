from claim_helpers import FOURMAN, TEICH, seed_record

from claimcheck.verify.evidence import BM25Retriever, expand, record_sentences, split_sentences


def test_labelled_sections_become_sentence_labels(seed_records):
    sentences = record_sentences(seed_record(seed_records, TEICH))
    labels = [s.label for s in sentences]
    assert labels[0] == "TITLE"
    assert {"CONTEXT", "OBJECTIVE", "DESIGN", "RESULTS", "CONCLUSIONS"} <= set(labels)
    results = [s.text for s in sentences if s.label == "RESULTS"]
    # "2- to 10-fold" and "5.8-8.1 d." stay inside their sentences.
    assert any("2- to 10-fold" in text for text in results)
    assert any(text.startswith("The estimated half-life of CJC-1295 was 5.8-8.1 d") for text in results)


def test_elided_text_does_not_hide_the_next_label():
    abstract = (
        "RESULTS: Fasting glucose increased at 2 weeks with place[bo ...] [...] "
        "Conclusions and Relevance: In this preliminary study, fat fell."
    )
    sentences = split_sentences(abstract)
    assert sentences[-1].label == "CONCLUSIONS AND RELEVANCE"
    assert sentences[-1].text == "In this preliminary study, fat fell."


def test_abbreviations_do_not_end_sentences():
    sentences = split_sentences("Fat fell (-24 vs. 2 cm, P < 0.001). Weight did not change.")
    assert len(sentences) == 2


def test_ranking_finds_the_sentence_with_the_claimed_figures(seed_records):
    record = seed_record(seed_records, FOURMAN)
    claim = (
        "Tesamorelin: Clinical studies have consistently shown that can reduce VAT by 15-20% "
        "over a period of 26 to 52 weeks."
    )
    best = BM25Retriever().rank(claim, record_sentences(record), k=1)[0]
    assert best.sentence.label == "BACKGROUND"
    assert "15%-20%" in best.sentence.text


def test_abbreviations_meet_their_expansions():
    assert "visceral adipose tissue" in expand("reduce VAT by 15%")
    assert "hba1c" in expand("glycated haemoglobin fell").lower()
