"""ICEWS events mapped to actor ids, and their conversion into the dashboard's external events format."""

import pandas as pd

from pipeline.actors import load_dictionary
from pipeline.dashboard.external import read_external
from pipeline.icews import main, read_icews

INVENTED = (
    "source,relation,target,date,source_country,target_country,goldstein\n"
    "Army (Russia),Threaten,Army (Ukraine),2014-03-04,Russia,Ukraine,-7.0\n"
    "Cabinet (Ukraine),Praise,Cabinet (Chile),2014-05-01,Ukraine,Chile,3.4\n"
    "Some Party,Praise,Cabinet (Chile),2014-05-02,Atlantis,Chile,1.0\n"
    "Police (Chile),Arrest,Citizen (Chile),2014-05-03,Chile,Chile,-2.0\n"
    "Cabinet (Israel),Accuse,Citizen,2014-05-04,Israel,\"Palestinian Territory, Occupied\",-2.0\n"
)


def test_country_names_become_actor_ids_and_what_does_not_map_is_listed(tmp_path):
    path = tmp_path / "icews.csv"
    path.write_text(INVENTED, encoding="utf-8")
    events, unmapped = read_icews(path, load_dictionary())
    assert events[["source", "target", "goldstein"]].values.tolist() == [
        ["RUS", "UKR", -7.0], ["UKR", "CHL", 3.4], ["ISR", "PSE", -2.0]]  # Chile→Chile is not a dyad
    assert unmapped.to_dict() == {"Atlantis": 1}


def test_the_conversion_writes_the_dashboard_format(tmp_path, capsys):
    source = tmp_path / "icews.csv"
    source.write_text(INVENTED, encoding="utf-8")
    out = tmp_path / "events_external" / "icews.csv.gz"
    assert main([str(source), "--out", str(out)]) == 0
    assert "wrote 3 events" in capsys.readouterr().out
    events, problem = read_external(out.parent)
    assert problem is None and events["date"].tolist()[0] == pd.Timestamp("2014-03-04", tz="UTC")
    assert main([str(tmp_path / "absent.csv"), "--out", str(out)]) == 2
    assert capsys.readouterr().err.count("\n") == 1
