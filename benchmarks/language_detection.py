"""Benchmark of language detection on the labelled evaluation set.

Run from the repository root::

    .venv/bin/python benchmarks/language_detection.py

No database is needed. It prints, for the whole catalog (16 languages): accuracy per
language on every message and on messages of 8+ words (counted after quoted history and
signatures are removed), accuracy per variant (plain, no diacritics, mojibake), the most
frequent confusions, then the client-restricted mode (each message sent to a client that
serves its language, its closest neighbour and English), the time per message and the
memory of the loaded detector, and whether the targets are met:
>= 97 % overall and >= 90 % for cs/sk on messages of 8+ words, < 2 ms per message.
"""

import argparse
import resource
import statistics
import sys
import time
from collections import Counter, defaultdict

from _report import Report, json_option

from languages.cleaning import text_for_detection
from languages.detection import detect_language, detect_language_for_client, detector_load
from languages.evaluation import samples

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
    return f"{100 * hits / total:5.1f}%" if total else "   - "


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    json_option(parser)
    args = parser.parse_args()
    data = samples()
    if not data:
        print("no evaluation samples found in languages/evaluation/")
        return 1
    before = rss_mib()
    started = time.perf_counter()
    detector_load()
    load_seconds = time.perf_counter() - started
    loaded = rss_mib()
    detect_language("warm up")

    rows = []
    timings = []
    for sample in data:
        words = len(text_for_detection(sample.text).split())
        started = time.perf_counter()
        found = detect_language(sample.text)
        timings.append(time.perf_counter() - started)
        rows.append((sample, words, found.language))

    by_language: dict[str, list[tuple[bool, int]]] = defaultdict(list)
    by_variant: dict[str, list[bool]] = defaultdict(list)
    confusions: Counter = Counter()
    for sample, words, predicted in rows:
        hit = predicted == sample.language
        by_language[sample.language].append((hit, words))
        by_variant[sample.variant].append(hit)
        if not hit:
            confusions[(sample.language, predicted)] += 1

    print(f"{len(data)} messages in {len(by_language)} languages\n")
    print("language   all messages    8+ words")
    total_long = hits_long = 0
    for language in sorted(by_language):
        results = by_language[language]
        long = [hit for hit, words in results if words >= 8]
        total_long += len(long)
        hits_long += sum(long)
        print(
            f"{language:8} {percent(sum(h for h, _ in results), len(results))} "
            f"({len(results):3})  {percent(sum(long), len(long))} ({len(long):3})"
        )
    overall_long = hits_long / total_long if total_long else 0.0
    print(f"overall, 8+ words: {percent(hits_long, total_long)} of {total_long}")
    print("\nvariant          accuracy")
    for variant, hits in sorted(by_variant.items()):
        print(f"{variant:16} {percent(sum(hits), len(hits))} ({len(hits)})")
    print("\nmost frequent confusions (true -> detected): ", end="")
    print(", ".join(f"{t}->{p} {n}" for (t, p), n in confusions.most_common(12)) or "none")

    cssk = [
        hit
        for s, w, p in rows
        for hit in [p == s.language]
        if s.language in ("cs", "sk") and w >= 8
    ]
    cssk_accuracy = sum(cssk) / len(cssk) if cssk else 0.0
    print(f"cs/sk, 8+ words: {percent(sum(cssk), len(cssk))} of {len(cssk)}")

    restricted = Counter()
    for sample in data:
        served = [sample.language, NEIGHBOUR[sample.language], "en"]
        found = detect_language_for_client(sample.text, languages=served, default="und")
        if not found.certain:
            restricted["uncertain"] += 1
        elif found.language == sample.language:
            restricted["right"] += 1
        else:
            restricted["wrong"] += 1
    print(
        "\nclient-restricted (serves the language, its neighbour and en): "
        f"right {percent(restricted['right'], len(data))}, "
        f"uncertain (default language, agent corrects) "
        f"{percent(restricted['uncertain'], len(data))}, "
        f"wrong and certain {percent(restricted['wrong'], len(data))}"
    )

    mean_ms = statistics.fmean(timings) * 1000
    p95_ms = sorted(timings)[int(0.95 * (len(timings) - 1))] * 1000
    print(
        f"\ntime per message: mean {mean_ms:.3f} ms, median "
        f"{statistics.median(timings) * 1000:.3f} ms, p95 {p95_ms:.3f} ms, "
        f"max {max(timings) * 1000:.3f} ms"
    )
    print(
        f"detector: loaded in {load_seconds:.2f} s, peak RSS {before:.0f} MiB before, "
        f"{loaded:.0f} MiB after loading, {rss_mib():.0f} MiB at the end"
    )

    report = Report("language_detection", {"messages": len(data), "languages": len(by_language)})
    all_hits = sum(hit for results in by_language.values() for hit, _ in results)
    report.figure("accuracy, 8+ words", 100 * overall_long, "%", better="higher", target=97)
    report.figure("accuracy cs/sk, 8+ words", 100 * cssk_accuracy, "%", better="higher", target=90)
    report.figure("accuracy, all messages", 100 * all_hits / len(data), "%", better="higher")
    report.figure("time per message, mean", mean_ms, "ms", target=2)
    report.figure("time per message, p95", p95_ms, "ms")
    report.figure("peak RSS", rss_mib(), "MiB")
    for figure in report.figures:
        if figure.verdict:
            print(f"{'MET' if figure.verdict == 'pass' else 'MISSED'} {figure.name}")
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
