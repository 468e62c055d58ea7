"""Named datasets: safe names, resolution with a warning, `--dataset` on the command line (the demo is
never extended), and uploads kept unchanged in the dataset's `raw/` folder."""

import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import datasets
from pipeline.run import run, run_uploads
from pipeline.store import read_manifest, read_table, store_version

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = (
    "date,title,text,source,url\n"
    "2025-03-04T09:00:00Z,Talks,Chile and Peru resumed talks on water rights.,Wire,https://e.example/1\n"
    "2025-03-05T09:00:00Z,Praise,Norway praised Iceland for its fisheries policy.,Wire,https://e.example/2\n"
)
MORE = "date,title,text\n2025-04-01T09:00:00Z,Thanks,Kenya thanked Ghana for the invitation.\n"


@pytest.mark.parametrize("name", ["demo", "gulf", "ukraine-desk", "desk_2", "a", "x" * datasets.MAX_NAME])
def test_safe_slugs_are_names(name):
    assert datasets.check_name(name) == name
    assert datasets.dataset_dir(name, Path("/r")) == Path("/r") / name


@pytest.mark.parametrize("name", ["", "..", ".", "../etc", "a/b", "/abs", "Gulf", "-x", "_x", "a.b", "a b",
                                  "x" * (datasets.MAX_NAME + 1), "desk\n", "été"])
def test_unsafe_names_are_refused_in_one_line(name):
    with pytest.raises(ValueError, match="lowercase letters") as caught:
        datasets.dataset_dir(name, Path("/r"))
    assert "\n" not in str(caught.value)


def test_available_lists_the_demo_first_then_built_datasets(tmp_path):
    assert datasets.available(tmp_path / "absent") == ["demo"]
    for name in ("zulu", "gulf"):
        run([_csv(tmp_path / f"{name}.csv", ARTICLES)], tmp_path / "root" / name)
    (tmp_path / "root" / "empty").mkdir()  # no store version: not openable
    (tmp_path / "root" / "Bad.Name").mkdir()
    assert datasets.available(tmp_path / "root") == ["demo", "gulf", "zulu"]


def test_a_run_never_extends_the_demo_dataset(tmp_path, monkeypatch):
    monkeypatch.setenv(datasets.DATASETS_ENV, str(tmp_path))
    with pytest.raises(ValueError, match="never extended.*--dataset NAME"):
        run([_csv(tmp_path / "a.csv", ARTICLES)], tmp_path / "demo")
    with pytest.raises(ValueError, match="never extended"):
        run_uploads([("a.csv", ARTICLES.encode())], tmp_path / "x" / ".." / "demo")
    assert not (tmp_path / "demo" / "current").exists() and not (tmp_path / "demo" / "raw").exists()


def test_uploads_are_kept_unchanged_in_raw_and_named_by_the_manifest(tmp_path):
    store = tmp_path / "gulf"
    packed = gzip.compress(MORE.encode())
    report = run_uploads([("../../my export.csv", ARTICLES.encode()), ("more.csv.gz", packed)], store)
    assert (report.read, report.accepted) == (3, 3)
    raw = store / datasets.RAW
    assert (raw / "my export.csv").read_bytes() == ARTICLES.encode()
    assert (raw / "more.csv.gz").read_bytes() == packed
    assert read_manifest(store)["inputs"] == [str(raw / "my export.csv"), str(raw / "more.csv.gz")]
    assert set(read_table(store, "articles")["input_file"]) == {"my export.csv", "more.csv.gz"}

    changed = ARTICLES.replace("water rights", "fishing rights") + "2025-05-01,Late,Peru thanked Chile.,W,u\n"
    run_uploads([("my export.csv", changed.encode()), ("more.csv.gz", packed)], store)
    assert (raw / "my export.csv").read_bytes() == ARTICLES.encode()  # never overwritten
    [renamed] = [path for path in raw.iterdir() if path.name.endswith("-my export.csv")]
    assert renamed.read_bytes() == changed.encode()
    assert sorted(read_manifest(store)["inputs"]) == sorted(map(str, raw.iterdir()))

    rebuilt = run(sorted(raw.iterdir()), tmp_path / "rebuilt")  # the raw folder rebuilds the dataset
    assert rebuilt.accepted == len(read_table(store, "articles"))


def test_a_failed_upload_keeps_no_raw_file_and_no_new_version(tmp_path):
    store = tmp_path / "gulf"
    run_uploads([("a.csv", ARTICLES.encode())], store)
    version = store_version(store)
    with pytest.raises(ValueError, match=r"^broken\.parquet: ") as caught:
        run_uploads([("broken.parquet", b"PAR1 not parquet")], store)
    assert str(tmp_path) not in str(caught.value)
    assert sorted(path.name for path in (store / "raw").iterdir()) == ["a.csv"]
    assert store_version(store) == version


def _cli(*args: str, root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={**os.environ, datasets.DATASETS_ENV: str(root)})


def test_cli_dataset_creates_then_extends_a_named_dataset(tmp_path):
    root = tmp_path / "stores"
    first = _cli("run", str(_csv(tmp_path / "a.csv", ARTICLES)), "--dataset", "gulf", root=root)
    assert first.returncode == 0, first.stderr
    assert f"store: {root / 'gulf'}/versions/" in first.stdout
    second = _cli("run", str(_csv(tmp_path / "b.csv", MORE)), "--dataset", "gulf", root=root)
    assert second.returncode == 0, second.stderr
    assert "accepted 1 = new 1 + unchanged 0" in second.stdout
    assert len(read_table(root / "gulf", "articles")) == 3
    assert datasets.available(root) == ["demo", "gulf"]
    dry = _cli("validate", str(tmp_path / "b.csv"), "--dataset", "gulf", root=root)
    assert "accepted 1 = new 0 + unchanged 1" in dry.stdout


def test_cli_refuses_the_demo_bad_names_and_a_run_without_a_dataset(tmp_path):
    root = tmp_path / "stores"
    articles = str(_csv(tmp_path / "a.csv", ARTICLES))
    for args in (["--dataset", "demo"], ["--store", str(root / "demo")]):
        refused = _cli("run", articles, *args, root=root)
        assert refused.returncode == 2
        assert refused.stderr.splitlines() == [f"error: {datasets.DEMO_REFUSAL}"]
    bad = _cli("run", articles, "--dataset", "../demo", root=root)
    assert bad.returncode == 2 and len(bad.stderr.splitlines()) == 1 and "lowercase letters" in bad.stderr
    both = _cli("run", articles, "--dataset", "gulf", "--store", str(tmp_path / "s"), root=root)
    assert both.returncode == 2 and "not allowed with" in both.stderr
    missing = _cli("run", articles, root=root)
    assert missing.returncode == 2 and "--dataset NAME" in missing.stderr and len(missing.stderr.splitlines()) == 1
    assert not root.exists()
    alone = _cli("validate", articles, root=root)  # a dry run without a dataset checks the inputs alone
    assert alone.returncode == 0 and "would accept: read 2 = accepted 2" in alone.stdout


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_the_readme_loads_own_articles_into_named_datasets_never_the_demo():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    runs = [" ".join(command.split()) for command in
            re.findall(r"python -m pipeline run (?:[^\n]|\\\n)+", readme.replace("\\\n", " "))]
    assert len(runs) >= 4
    for command in runs:
        [name] = re.findall(r"--dataset (\S+)", command)
        assert datasets.valid_name(name) and name != datasets.DEMO, command
        assert "--store" not in command, command
