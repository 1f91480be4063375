import csv

import pytest

from claimcheck.verify.checks.strength import (
    CAUSAL,
    CONDITIONAL,
    CORRELATIONAL,
    NONE,
    STRONG_CAUSAL,
    strength,
)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Sentences of the bundled article.
        (
            "This demonstrates that the metabolic benefits are a direct consequence of reducing "
            "the pathogenic visceral fat mass.",
            CAUSAL,
        ),
        (
            "Some research also indicates that Ipamorelin itself may directly stimulate insulin secretion.",
            CONDITIONAL,
        ),
        (
            "This reduction in VAT is not merely a cosmetic change; it is directly correlated with "
            "a significant improvement in the metabolic profile.",
            CORRELATIONAL,
        ),
        (
            "Peptides are short chains of amino acids, which are the fundamental building blocks "
            "of proteins.",
            NONE,
        ),
        # Edge cases written for the test.
        ("Further studies are needed to determine whether the drug reduces weight.", NONE),
        ("Patients with obesity had higher HbA1c than those without.", CORRELATIONAL),
        # A reporting verb is not a hedge: the claim under "suggest" keeps its own strength.
        ("Our findings suggest that the drug reduces weight in adults.", CAUSAL),
        ("Our findings suggest that the drug may reduce weight in adults.", CONDITIONAL),
        # Calls for more work state no finding.
        ("Larger trials are required to confirm the effect on weight.", NONE),
        ("There is a clear need for programmes that improve adherence.", NONE),
        # A present-tense causal verb governs the sentence even beside an association word.
        ("Treatment with metformin reduces HbA1c, a marker of glycaemic control.", CAUSAL),
        ("The diet was more effective than usual care for weight loss.", CAUSAL),
        ("The supplement did not reduce the risk of fracture.", CAUSAL),
        # A change over time or a noun "increase in" reports a difference, not an effect.
        ("There was an increase in obesity prevalence over time in both sexes.", CORRELATIONAL),
        # Usefulness under a hedge is a conditional effect; the same word stated flatly is not.
        ("Tesamorelin may be useful for reducing visceral fat in these patients.", CONDITIONAL),
        ("The data provide a quantitative look at their impact.", NONE),
        # A null comparison is still a statement about a relationship; "treated with" names a group.
        ("There were no significant differences in HbA1c between the two groups.", CORRELATIONAL),
        ("Patients treated with statins had higher HDL levels than those who were not.", CORRELATIONAL),
        ("Patients treated with tesamorelin were enrolled at two sites.", NONE),
        ("This binding acts like a key in a lock, opening a gateway for glucose to enter the cell "
         "and be used for energy.", NONE),
    ],
)
def test_strength_of_article_sentences(sentence, expected):
    assert strength(sentence) == expected


def test_strong_causal_wording_is_found_in_the_article():
    assert STRONG_CAUSAL.search(
        "This reduction in VAT is directly linked to improvements in metabolic markers."
    )
    assert not STRONG_CAUSAL.search(
        "Tesamorelin is a synthetic analogue of growth hormone-releasing hormone."
    )


def test_strength_lexicon_on_the_yu_sentences(shared):
    """A regression guard on the labelled PubMed conclusions (read at run time; the full
    measurement is eval/evaluate.py): most direct-causal and correlational sentences are told apart."""
    path = shared / "datasets" / "claim_strength_yu" / "data__pubmed_causal_language_use.csv"
    if not path.exists():
        pytest.skip("the claim-strength dataset is not in ../shared/datasets")
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    # This file's encoding: 1 direct causal, 3 correlational.
    causal = [r for r in rows if r["label"] == "1"]
    correlational = [r for r in rows if r["label"] == "3"]
    assert sum(strength(r["sentence"]) == CAUSAL for r in causal) / len(causal) > 0.5
    assert sum(strength(r["sentence"]) == CORRELATIONAL for r in correlational) / len(correlational) > 0.6
