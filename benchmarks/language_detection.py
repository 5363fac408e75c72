"""Benchmark of language detection on the labelled evaluation set (languages/evaluation/).

Run from the repository root::

    .venv/bin/python benchmarks/language_detection.py [--json PATH]

No database is needed. It prints, per catalog language, the accuracy on normal texts
(longer than 20 characters, with their diacritics: plain, mangled, mixed and quoted
replies), on unaccented texts (longer than 20 characters, typed without diacritics) and on
short texts (up to 20 characters). A short text alone cannot be judged, so short texts are
counted twice: without priors, and with the priors this benchmark supplies, those a client
in the language's country and its neighbour's country gives (a Czech text as if sent to a
client selling in CZ and SK: the prior does not pick between the two). Then the texts in
languages outside the catalog (how many become "und", how many a confident catalog
language), the client mode (a client serving the language, its neighbour and English; a
German-and-English client for the unsupported texts), the time per message after start-up
(p50, p99; its floor: lingua with the catalog's languages only, on the same texts in the
same run), the start-up time and the process's peak RSS, and whether the targets are met:
>= 98 % on supported languages overall (short texts with the priors), cs/sk >= 97 %
including unaccented text (the same), >= 90 % of unsupported texts -> "und", < 2 ms per
message (p50).
"""

import argparse
import resource
import sys
import time
from collections import Counter, defaultdict

from _report import Report, json_option
from lingua import IsoCode639_1, LanguageDetectorBuilder
from lingua import Language as LinguaLanguage

from languages.catalog import CATALOG
from languages.cleaning import text_for_detection
from languages.detection import (
    UNDETERMINED,
    detect_language,
    detect_language_for_client,
    detector_load,
)
from languages.evaluation import Sample, samples, unsupported_samples
from languages.priors import Priors

NEIGHBOUR = {
    "cs": "sk",
    "sk": "cs",
    "hr": "sl",
    "sl": "hr",
    "es": "pt",
    "pt": "es",
    "it": "es",
    "fr": "it",
    "nl": "de",
    "de": "nl",
    "pl": "cs",
    "ro": "it",
    "bg": "hr",
    "el": "bg",
    "hu": "de",
    "en": "nl",
}


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percent(hits: int, total: int) -> str:
    return f"{100 * hits / total:5.1f}%" if total else "    - "


def share(hits: list[bool]) -> float:
    return 100 * sum(hits) / len(hits) if hits else 0.0


def kind(sample: Sample) -> str:
    if sample.short:
        return "short"
    return "unaccented" if sample.variant == "no_diacritics" else "normal"


def client_priors(language: str) -> Priors:
    """A client selling in the language's first country and its neighbour's."""
    return Priors(
        client_countries=(
            CATALOG[language].countries[0],
            CATALOG[NEIGHBOUR[language]].countries[0],
        )
    )


def catalog_only_detector():
    """The floor: lingua with the catalog's 16 languages only (detection before issue #19),
    timed on the same texts in the same run, one after the other, to see the load's part."""
    languages = [
        LinguaLanguage.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in CATALOG
    ]
    detector = (
        LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()
    )
    detector.compute_language_confidence_values("Dobrý den, where is my parcel?")
    return detector


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    json_option(parser)
    args = parser.parse_args()
    data, unsupported = samples(), unsupported_samples()
    if not data:
        print("no evaluation samples found in languages/evaluation/")
        return 1
    before = rss_mib()
    started = time.perf_counter()
    detector_load()
    startup_seconds = time.perf_counter() - started
    loaded = rss_mib()

    floor_detector = catalog_only_detector()
    timings, floor_timings = [], []
    found: dict[int, str] = {}  # sample index -> language, no priors
    for index, sample in enumerate([*data, *unsupported]):
        started = time.perf_counter()
        found[index] = detect_language(sample.text).language
        timings.append(time.perf_counter() - started)
        started = time.perf_counter()
        floor_detector.compute_language_confidence_values(text_for_detection(sample.text))
        floor_timings.append(time.perf_counter() - started)
    with_priors = {
        index: detect_language(sample.text, priors=client_priors(sample.language)).language
        for index, sample in enumerate(data)
        if sample.short
    }

    table: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    confusions: Counter = Counter()
    overall: list[bool] = []  # short texts with the priors
    overall_bare: list[bool] = []  # every text without priors
    cssk: list[bool] = []
    by_variant: dict[str, list[bool]] = defaultdict(list)
    for index, sample in enumerate(data):
        hit = found[index] == sample.language
        table[sample.language][kind(sample)].append(hit)
        overall_bare.append(hit)
        if sample.short:
            hit = with_priors[index] == sample.language
            table[sample.language]["short, priors"].append(hit)
        else:
            by_variant[sample.variant].append(hit)
        overall.append(hit)
        if sample.language in ("cs", "sk"):
            cssk.append(hit)
        if not hit:
            confusions[(sample.language, with_priors.get(index, found[index]))] += 1

    columns = ("normal", "unaccented", "short", "short, priors")
    print(f"{len(data)} texts in {len(table)} catalog languages, {len(unsupported)} in others\n")
    print(f"{'language':9}" + "".join(f"{name:>20}" for name in columns))
    for language in sorted(table):
        cells = [table[language][name] for name in columns]
        print(
            f"{language:9}" + "".join(f"{percent(sum(c), len(c)):>13} ({len(c):3})" for c in cells)
        )
    totals = {name: [h for row in table.values() for h in row[name]] for name in columns}
    print(
        f"{'all':9}"
        + "".join(f"{percent(sum(c), len(c)):>13} ({len(c):3})" for c in totals.values())
    )
    print("\nvariant (texts over 20 characters): ", end="")
    print(
        ", ".join(
            f"{v} {percent(sum(h), len(h))} ({len(h)})" for v, h in sorted(by_variant.items())
        )
    )
    print(
        f"overall, short texts with the client's countries as priors: "
        f"{percent(sum(overall), len(overall))} of {len(overall)}; without priors "
        f"{percent(sum(overall_bare), len(overall_bare))}"
    )
    print(f"cs/sk including unaccented (short with priors): {percent(sum(cssk), len(cssk))}")
    print("most frequent confusions (true -> detected): ", end="")
    print(", ".join(f"{t}->{p} {n}" for (t, p), n in confusions.most_common(12)) or "none")

    offset = len(data)
    und: dict[str, list[str]] = defaultdict(list)
    for index, sample in enumerate(unsupported):
        und[sample.source_language].append(found[offset + index])
    und_hits = [code == UNDETERMINED for codes in und.values() for code in codes]
    print(
        f"\nunsupported languages -> und: {percent(sum(und_hits), len(und_hits))} of "
        f"{len(und_hits)} in {len(und)} languages; per language: "
        + ", ".join(
            f"{lang} {sum(c == UNDETERMINED for c in codes)}/{len(codes)}"
            for lang, codes in sorted(und.items())
        )
    )
    wrong = Counter(code for codes in und.values() for code in codes if code != UNDETERMINED)
    print("  taken for: " + (", ".join(f"{c} {n}" for c, n in wrong.most_common()) or "none"))

    restricted: Counter = Counter()
    for sample in data:
        served = [sample.language, NEIGHBOUR[sample.language], "en"]
        detection = detect_language_for_client(sample.text, languages=served, default="und")
        if not detection.certain:
            restricted["uncertain"] += 1
        elif detection.language == sample.language:
            restricted["right"] += 1
        else:
            restricted["wrong"] += 1
    german_english = Counter(
        "certain" if found_.certain else "default"
        for found_ in (
            detect_language_for_client(s.text, languages=["de", "en"], default="de")
            for s in unsupported
        )
    )
    print(
        "\nclient mode (serves the language, its neighbour and en): "
        f"right {percent(restricted['right'], len(data))}, uncertain (default language, "
        f"agent corrects) {percent(restricted['uncertain'], len(data))}, wrong and certain "
        f"{percent(restricted['wrong'], len(data))}"
    )
    print(
        "unsupported texts to a de+en client: default language, uncertain "
        f"{percent(german_english['default'], len(unsupported))}; a confident de or en "
        f"{percent(german_english['certain'], len(unsupported))}"
    )

    ordered = sorted(timings)
    p50_ms = ordered[len(ordered) // 2] * 1000
    p99_ms = ordered[int(0.99 * (len(ordered) - 1))] * 1000
    floors = sorted(floor_timings)
    floor_p50 = floors[len(floors) // 2] * 1000
    floor_p99 = floors[int(0.99 * (len(floors) - 1))] * 1000
    print(
        f"\ntime per message after start-up ({len(timings)} texts, no priors): "
        f"p50 {p50_ms:.3f} ms, p99 {p99_ms:.3f} ms, max {ordered[-1] * 1000:.3f} ms; "
        f"floor (lingua with the catalog only, cleaned text): p50 {floor_p50:.3f} ms, "
        f"p99 {floor_p99:.3f} ms"
    )
    print(
        f"start-up (detector built, models loaded): {startup_seconds:.2f} s; peak RSS "
        f"{before:.0f} MiB before, {loaded:.0f} MiB after start-up, {rss_mib():.0f} MiB at the end"
    )

    report = Report(
        "language_detection",
        {"texts": len(data), "languages": len(table), "unsupported texts": len(unsupported)},
    )
    report.figure(
        "accuracy, supported (short with priors)", share(overall), "%", better="higher", target=98
    )
    report.figure("accuracy, supported, no priors", share(overall_bare), "%", better="higher")
    report.figure("accuracy, normal texts", share(totals["normal"]), "%", better="higher")
    report.figure("accuracy, unaccented texts", share(totals["unaccented"]), "%", better="higher")
    report.figure("accuracy, short, no priors", share(totals["short"]), "%", better="higher")
    report.figure(
        "accuracy, short, client's countries", share(totals["short, priors"]), "%", better="higher"
    )
    report.figure("accuracy cs/sk incl. unaccented", share(cssk), "%", better="higher", target=97)
    report.figure("unsupported -> und", share(und_hits), "%", better="higher", target=90)
    report.figure("time per message, p50", p50_ms, "ms", floor=floor_p50, target=2)
    report.figure("time per message, p99", p99_ms, "ms", floor=floor_p99)
    report.figure("start-up", startup_seconds, "s")
    report.figure("peak RSS", rss_mib(), "MiB")
    for figure in report.figures:
        if figure.verdict:
            print(f"{'MET' if figure.verdict == 'pass' else 'MISSED'} {figure.name}")
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
