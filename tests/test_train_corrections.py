"""Training and evaluating the relation model with a dataset's corrections, on a tiny DSE-like set of our
own sentences (the real DSE is not needed) and the three Gulf articles."""

import itertools

import numpy as np
import pytest
from test_dashboard_datasets import gulf_articles

from pipeline import corrections, evaluate, train
from pipeline.evaluation.directed_sentiment import evaluate_dse
from pipeline.relations.feedback import correction_examples
from pipeline.relations.model import CLASSES, load_model
from pipeline.run import run
from pipeline.store import open_version, read_table

COUNTRIES = ["France", "Germany", "Spain", "Italy", "Chile", "Peru", "Japan", "Korea", "Norway", "Sweden", "Kenya",
             "Ghana"]
PATTERNS = [
    ("[{p}] praised [{q}] for its help .", 1),
    ("[{p}] was thanked by [{q}] after the summit .", 2),
    ("[{p}] condemned [{q}] over the dispute .", 3),
    ("[{p}] was accused by [{q}] of spying .", 4),
    ("[{p}] and [{q}] held talks on trade .", 0),
]


def tiny_dse(folder):
    """``folder/data/dse/original/{train,valid,test}.tsv`` in DSE's format, from PATTERNS and COUNTRIES."""
    pairs = [(p, q) for p, q in itertools.permutations(COUNTRIES, 2)]
    target = folder / "data" / "dse" / "original"
    target.mkdir(parents=True)
    for split, chosen in (("train", pairs[:12]), ("valid", pairs[40:46]), ("test", pairs[80:86])):
        lines = [f"{pattern.format(p=p, q=q)}\t{p}\t{q}\t{label}\n" for p, q in chosen for pattern, label in PATTERNS]
        (target / f"{split}.tsv").write_text("".join(lines), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def corrected_store(tmp_path_factory):
    """The Gulf store with a correction of each verdict on its rows."""
    folder = tmp_path_factory.mktemp("train-corrections")
    store = folder / "gulf"
    run([gulf_articles(folder)], store)
    rows = read_table(store, "dyads").sort_values("article_id").to_dict("records")
    verdicts = [(rows[0], "wrong_direction"), (rows[1], "wrong_sign"), (rows[2], "not_relation"),
                (rows[2], "wrong_speaker")]
    for row, verdict in verdicts:
        corrections.correct(store, row, verdict, "ana", "", corrections.stored_rows(open_version(store), row))
    return store


def test_corrections_become_examples_with_the_corrected_labels(corrected_store):
    examples, labels, skipped = correction_examples(corrected_store)
    named = {(doc.text[p[0]:p[1]], doc.text[q[0]:q[1]]): CLASSES[label] for (doc, p, q), label in zip(examples, labels)}
    assert named == {
        ("Riyadh", "a spokesman for the Qatari foreign ministry"): "p→q positive",  # QAT>SAU reversed: SAU→QAT
        ("Oman", "Kuwait"): "p→q negative",  # "praised", its sign flipped
    }
    # the wrong speaker superseded the not-relation verdict of the third row: skipped with its reason
    assert list(skipped["reason"]) == ["a wrong speaker does not say who spoke"]


def test_train_adds_the_corrections_and_evaluate_prints_both_models(corrected_store, tmp_path, capsys):
    shared = tiny_dse(tmp_path / "shared")
    with_out, without_out = tmp_path / "with.npz", tmp_path / "without.npz"
    result = train.train_relations(shared / "data" / "dse", with_out, corrected_store, c_grid=(1.0,))
    assert result["corrections"] == 2
    assert train.train_relations(shared / "data" / "dse", without_out, None, c_grid=(1.0,))["corrections"] == 0
    examples, labels, _ = correction_examples(corrected_store)
    learnt = load_model(with_out).predict(examples)
    assert (learnt == labels).sum() >= (load_model(without_out).predict(examples) == labels).sum()
    assert np.array_equal(learnt, labels)
    capsys.readouterr()
    assert evaluate.main(["--shared", str(shared), "--only", "dse", "--corrections-store", str(corrected_store),
                          "--model", str(with_out), "--baseline", str(without_out)]) == 0
    printed = capsys.readouterr().out
    for line in ("DSE without corrections valid", "DSE without corrections test", "DSE with corrections valid",
                 "DSE with corrections test"):
        assert line in printed
    assert "the model with corrections agrees with 2 of 2 (1 corrections give no example)" in printed
    without_test = evaluate_dse(shared / "data" / "dse", "test", load_model(without_out))["macro_f1"]
    assert f"DSE without corrections test  macro-F1 {without_test:.3f}" in printed


def test_train_with_corrections_needs_out_and_names_a_missing_dataset(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ENTENTE_DATASETS", str(tmp_path))
    with pytest.raises(SystemExit) as stopped:
        train.main(["relations", "--corrections", "gulf"])
    assert stopped.value.code == 2 and "--out is required" in capsys.readouterr().err
    assert train.main(["relations", "--corrections", "gulf", "--out", str(tmp_path / "m.npz"),
                       "--shared", str(tiny_dse(tmp_path / "shared"))]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("error: ") and "gulf" in line
