"""Detection quality on the labelled evaluation set (languages/evaluation/): the targets of
the languages issue, checked on every run. Timing is the benchmark's job, not a test's."""

from collections import Counter

from languages.catalog import CATALOG
from languages.cleaning import text_for_detection
from languages.detection import detect_language
from languages.evaluation import samples


def test_the_set_covers_every_catalog_language_with_enough_messages():
    counts = Counter(sample.language for sample in samples())
    assert set(counts) == set(CATALOG)
    assert min(counts.values()) >= 50
    variants = Counter(sample.variant for sample in samples())
    assert variants["no_diacritics"] >= 50 and variants["mojibake"] >= 30


def test_accuracy_targets_on_messages_of_eight_words_or_more():
    results = [
        (sample.language, detect_language(sample.text).language)
        for sample in samples()
        if len(text_for_detection(sample.text).split()) >= 8
    ]
    overall = sum(true == found for true, found in results) / len(results)
    czech_slovak = [(t, f) for t, f in results if t in ("cs", "sk")]
    cs_sk = sum(t == f for t, f in czech_slovak) / len(czech_slovak)

    assert overall >= 0.97, f"overall {overall:.3f}"
    assert cs_sk >= 0.90, f"cs/sk {cs_sk:.3f}"
