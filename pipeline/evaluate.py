"""Evaluation command: ``python -m pipeline.evaluate [--shared DIR] [--only PART] [--errors] [--external]``.

Prints the seed-article checks, NewsMTSC macro-F1 (3 classes), PolNeAR speaker accuracy on direct
quotes, the whole chain on the dyads_dev development set (actor, directed-pair and dyad-with-sign
F1, quote speakers; ``--errors`` lists the items it gets wrong) and the face validity of a year of
headlines (monthly means of USA→UKR, RUS→UKR, UKR→RUS; several minutes), each from the data
under ``DIR`` (default ``../shared``); parts whose data is absent are skipped with the reason.
``--external`` (not part of the default run) rank-correlates what UN General Debate speakers say
about each other with ICEWS events; its first run analyses about 2,100 speeches into ``--cache``.
``--corrections DATASET`` (or ``--corrections-store DIR``) prints the DSE figures of the relation model
without that dataset's analysts' corrections (the shipped model, which ``python -m pipeline.train
relations`` rebuilds byte for byte, or ``--baseline PATH``) and of one trained now with them (or
``--model PATH``), and how often each agrees with the corrections themselves.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

from pipeline import datasets
from pipeline.evaluation import external_validity as external
from pipeline.evaluation import face_validity
from pipeline.evaluation.directed_dyads import evaluate_dyads_dev
from pipeline.evaluation.directed_sentiment import evaluate_dse
from pipeline.evaluation.quote_speakers import evaluate_polnear
from pipeline.evaluation.seed import evaluate_seed
from pipeline.evaluation.target_sentiment import evaluate_newsmtsc
from pipeline.icews import read_icews
from pipeline.relations.feedback import correction_examples
from pipeline.relations.model import load_model
from pipeline.resources import default_resources
from pipeline.train import train_relations

DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared"


def _seed(shared: Path) -> None:
    result = evaluate_seed(shared / "seed")
    print(f"seed mentions found      {result['mentions_found']}/{result['mentions_total']}"
          f"  missed: {result['mentions_missed'] or '-'}")
    print(f"seed look-alikes as actor {len(result['lookalikes_resolved'])}  {result['lookalikes_resolved'] or ''}")
    print(f"seed quote speakers right {result['quotes_right']}/{result['quotes_total']}")
    for wrong in result["quotes_wrong"]:
        print(f"    wrong: {wrong}")
    print(f"seed dyad signs right     {result['dyad_signs_right']}/{result['dyad_signs_total']}")
    for d in result["dyad_signs"]:
        print(f"    {d['pair']:9} expected {d['expected']}  mean {d['mean']}  {'ok' if d['right'] else 'WRONG'}")


def _newsmtsc(shared: Path) -> None:
    for split in ("devtest_rw", "devtest_mt"):
        result = evaluate_newsmtsc(shared / "data" / "newsmtsc", split)
        print(f"NewsMTSC {split:10} macro-F1 {result['macro_f1']:.3f}  accuracy {result['accuracy']:.3f}"
              f"  (n={result['targets']})")


def _polnear(shared: Path) -> None:
    for split in ("dev", "test"):
        result = evaluate_polnear(shared / "data" / "polnear", split)
        print(f"PolNeAR {split:4} speaker accuracy (direct quotes) {result['speaker_accuracy']:.3f}"
              f"  quote recall {result['quote_recall']:.3f}  precision {result['quote_precision']:.3f}"
              f"  (gold direct quotes={result['gold_direct_quotes']})")


def _dev(shared: Path, errors: bool = False) -> None:
    result = evaluate_dyads_dev(shared / "data" / "dyads_dev")
    print(f"dyads_dev ({result['items']} items)")
    for name in ("actors", "directed_pairs", "dyad_sign"):
        figures = result[name]
        print(f"    {name:15} F1 {figures['f1']:.3f}  precision {figures['precision']:.3f}"
              f"  recall {figures['recall']:.3f}")
    speakers = result["quote_speakers"]
    print(f"    quote speakers  {speakers['right']}/{speakers['total']}")
    for error in result["errors"] if errors else []:
        print(f"  {error['id']}: {error['text'][:160]!r}")
        print(f"      gold  {', '.join(error['gold']) or '-'}")
        print(f"      found {', '.join(error['found']) or '-'}")
        for label in ("actors_missed", "actors_extra", "speakers_missed"):
            if error[label]:
                print(f"      {label.replace('_', ' ')}: {error[label]}")


def _rss(shared: Path) -> None:
    path = shared / "data" / "rss_news_headlines" / "rss_news_2023_international.csv.gz"
    table = face_validity.monthly_means(face_validity.directed_dyads(path), face_validity.DEFAULT_PAIRS)
    print("RSS 2023 monthly means of directed dyads (co-mentions left out)")
    for pair in face_validity.DEFAULT_PAIRS:
        if ("mean", pair) not in table:
            print(f"    {pair}: no rows")
            continue
        means = table[("mean", pair)].dropna()
        shown = " ".join(f"{m:+.2f}" for m in means)
        print(f"    {pair:8} {int((means > 0).sum()):2} months positive, {int((means < 0).sum()):2} negative"
              f" ({int(table[('count', pair)].sum())} rows): {shown}")


def _dse(shared: Path, corrections: Path | None = None, trained: Path | None = None,
         baseline: Path | None = None) -> None:
    models = {"": load_model()}
    if corrections is not None:
        if trained is None:
            trained = Path(tempfile.mkdtemp()) / "with.npz"
            train_relations(shared / "data" / "dse", trained, corrections)
        models = {" without corrections": load_model(baseline) if baseline else load_model(),
                  " with corrections": load_model(trained)}
    for name, model in models.items():
        for split in ("valid", "test"):
            result = evaluate_dse(shared / "data" / "dse", split, model)
            per_class = "  ".join(f"{label} {f1:.3f}" for label, f1 in result["f1"].items())
            print(f"DSE{name} {split:5} macro-F1 {result['macro_f1']:.3f}  accuracy {result['accuracy']:.3f}"
                  f"  (n={result['n']})  F1: {per_class}")
    if corrections is not None:
        examples, labels, skipped = correction_examples(corrections)
        for name, model in models.items():
            agreed = int((model.predict(examples) == labels).sum()) if examples else 0
            print(f"corrections of {corrections}: the model{name} agrees with {agreed} of {len(labels)}"
                  f" ({len(skipped)} corrections give no example)")


def _external(shared: Path, cache: Path) -> None:
    data = shared / "data"
    began = time.perf_counter()
    store, report = external.ungd_store(data / "un_general_debates", cache)
    built = f"built in {time.perf_counter() - began:.0f}s: {report.accounting_line()}" if report else "cached"
    print(f"UN General Debate {external.YEARS[0]}–{external.YEARS[1]}: store {store} ({built})")
    events, unmapped = read_icews(data / "icews_tkg_sample" / external.ICEWS_FILE, default_resources().dictionary)
    icews_years = external.icews_years(events)
    print(f"ICEWS country names mapped to no actor ({len(unmapped)} names, {unmapped.sum()} event ends): "
          + ", ".join(f"{name} {count}" for name, count in unmapped.items()))
    named = external.named_in_speeches(store, icews_years)
    print(f"ICEWS dyad-years with ≥{external.MIN_EVENTS} events: {len(named)}; the source's speech of that year "
          f"names the target at least once in {int((named >= 1).sum())}, at least {external.MIN_ROWS} times in "
          f"{int((named >= external.MIN_ROWS).sum())} (the most dyad-years any reading of the speeches can compare)")
    print(f"dyad-years with ≥{external.MIN_ROWS} of our rows whose source is the speaker (how many we have), "
          f"and ≥{external.MIN_EVENTS} ICEWS events:")
    results = {}
    for kinds in (external.DIRECTED_KINDS, ("author",), ("quote", "statement")):
        our_years, rows = external.ours(store, kinds)
        results[kinds] = external.compare(our_years, icews_years), rows
        comparison = results[kinds][0]
        print(f"    kinds {'+'.join(kinds):22} Spearman rho {comparison.rho:+.3f} over "
              f"{len(comparison.dyad_years)} dyad-years ({int((our_years['rows'] >= external.MIN_ROWS).sum())})")
    comparison, rows = results[external.DIRECTED_KINDS]
    print(f"ten largest disagreements (kinds {'+'.join(external.DIRECTED_KINDS)}; rank as a fraction, 1 = most "
          "positive):")
    ranks_ours = comparison.dyad_years["ours"].rank(pct=True)
    ranks_icews = comparison.dyad_years["icews"].rank(pct=True)
    for index, dyad_year in enumerate(comparison.dyad_years.head(10).itertuples()):
        print(f"  {dyad_year.source_actor}>{dyad_year.target_actor} {dyad_year.year}: ours {dyad_year.ours:+.2f} "
              f"({dyad_year.rows} rows, rank {ranks_ours[index]:.2f})  ICEWS {dyad_year.icews:+.2f} "
              f"({dyad_year.events} events, rank {ranks_icews[index]:.2f})")
        for row in external.evidence(rows, dyad_year).itertuples():
            shown = " ".join(row.evidence.split())
            print(f"      {row.kind} {row.score:+.2f} “{shown[:180]}{'…' if len(shown) > 180 else ''}”")


SECTIONS = {"seed": (_seed, "seed/gold.json"), "newsmtsc": (_newsmtsc, "data/newsmtsc/original/devtest_rw.jsonl"),
            "polnear": (_polnear, "data/polnear/polnear_attributions.jsonl.gz"),
            "dev": (_dev, "data/dyads_dev/dev.jsonl"),
            "rss": (_rss, "data/rss_news_headlines/rss_news_2023_international.csv.gz"),
            "dse": (_dse, "data/dse/original/test.tsv"),
            "external": (_external, "data/un_general_debates/" + external.UNGD_FILES[0],
                         "data/un_general_debates/" + external.UNGD_FILES[1],
                         "data/icews_tkg_sample/" + external.ICEWS_FILE)}
DEFAULT_PARTS = [name for name in SECTIONS if name != "external"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="folder holding seed/ and data/")
    parser.add_argument("--only", choices=sorted(SECTIONS), action="append", help="run only these parts")
    parser.add_argument("--errors", action="store_true", help="list the dev items the chain gets wrong")
    parser.add_argument("--external", action="store_true",
                        help="only the external validity (UN General Debate vs ICEWS; same as --only external)")
    parser.add_argument("--cache", type=Path, default=external.default_cache(),
                        help="where --external keeps the analysed speeches (default %(default)s)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--corrections", metavar="DATASET",
                        help="DSE figures without and with this dataset's corrections in training")
    source.add_argument("--corrections-store", type=Path, metavar="DIR", help="the same for the store in DIR")
    parser.add_argument("--model", type=Path, help="the model trained with the corrections (default: train one)")
    parser.add_argument("--baseline", type=Path, help="the model without them (default: the shipped model)")
    args = parser.parse_args(argv)
    corrections = datasets.dataset_dir(args.corrections) if args.corrections else args.corrections_store
    parts = (args.only or []) + (["external"] if args.external else [])
    for name in parts or DEFAULT_PARTS:
        run, *needed = SECTIONS[name]
        if absent := [args.shared / path for path in needed if not (args.shared / path).exists()]:
            print(f"{name}: skipped — {absent[0]} is absent")
            continue
        if name == "dev":
            run(args.shared, args.errors)
        elif name == "external":
            run(args.shared, args.cache)
        elif name == "dse":
            run(args.shared, corrections, args.model, args.baseline)
        else:
            run(args.shared)
    return 0


if __name__ == "__main__":
    sys.exit(main())
