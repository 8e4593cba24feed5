"""`python cli.py ahp`: CSV in, weights and consistency out (JSON and text), refused input -> exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import cli

ROOT = Path(__file__).resolve().parent.parent

# Saaty (1990), EJOR 48:9-26, the house example (see tests/test_ahp.py): weights .173 .054 .188
# .018 .031 .036 .167 .333, lambda_max 9.669, CI 0.238, CR 0.169. Written as a user would, with fractions.
HOUSE_CSV = """,size,transport,neighbourhood,age,yard,modern,condition,financing
size,1,5,3,7,6,6,1/3,1/4
transport,1/5,1,1/3,5,3,3,1/5,1/7
neighbourhood,1/3,3,1,6,3,4,6,1/5
age,1/7,1/5,1/6,1,1/3,1/4,1/7,1/8
yard,1/6,1/3,1/3,3,1,1/2,1/5,1/6
modern,1/6,1/3,1/4,4,2,1,1/5,1/6
condition,3,5,1/6,7,5,5,1,1/2
financing,4,7,5,8,6,6,2,1
"""


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_json_output_on_saaty_house(tmp_path, capsys):
    status = cli.main(["ahp", "--matrix", str(_write(tmp_path, "house.csv", HOUSE_CSV)), "--json"])
    assert status == 0
    out = json.loads(capsys.readouterr().out)
    weights = [round(out["weights"][n], 3) for n in out["objectives"]]
    assert weights == [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]
    assert round(out["lambda_max"], 3) == 9.669
    assert round(out["consistency_index"], 3) == 0.238
    assert round(out["consistency_ratio"], 3) == 0.169
    assert out["acceptable"] is False and out["method"] == "eigen"
    assert out["most_inconsistent"]["row"] == "neighbourhood" and out["most_inconsistent"]["column"] == "condition"


def test_text_output_and_fix_hint(tmp_path, capsys):
    assert cli.main(["ahp", "--matrix", str(_write(tmp_path, "house.csv", HOUSE_CSV))]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["financing", "0.3332"]
    assert "CR 0.1691" in lines[8]
    assert "neighbourhood vs condition" in lines[9]


def test_blank_cells_and_one_triangle(tmp_path, capsys):
    # Upper triangle only, growth vs compliance missing: completed to 2 x 3 = 6, weights 0.6/0.3/0.1.
    text = ",growth,efficiency,compliance\ngrowth,1,2,\nefficiency,,1,3\ncompliance,,,1\n"
    assert cli.main(["ahp", "--matrix", str(_write(tmp_path, "m.csv", text)), "--json", "--method", "geometric"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["weights"] == pytest.approx({"growth": 0.6, "efficiency": 0.3, "compliance": 0.1})
    assert out["missing"] == [["growth", "compliance"]] and out["consistency_ratio"] == 0.0
    assert out["completed_matrix"][0][2] == pytest.approx(6.0)


def test_group_of_three_files_and_gb18030(tmp_path, capsys):
    # Cell by cell geometric means: (2*4*8)^(1/3) = 4, (9*3*1)^(1/3) = 3, (1/2*1*2)^(1/3) = 1.
    names = ",增长,效率,合规\n"
    people = ["增长,1,2,9\n效率,,1,1/2\n合规,,,1\n", "增长,1,4,3\n效率,,1,1\n合规,,,1\n", "增长,1,8,1\n效率,,1,2\n合规,,,1\n"]
    files = [_write(tmp_path, f"p{i}.csv", names + body, encoding="gb18030") for i, body in enumerate(people)]
    args = ["ahp", "--json"] + [x for f in files for x in ("--matrix", str(f))]
    assert cli.main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["matrices"] == 3 and out["objectives"] == ["增长", "效率", "合规"]
    assert out["completed_matrix"][0] == pytest.approx([1.0, 4.0, 3.0])
    assert out["completed_matrix"][1][2] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (",a,b\na,1,3\nb,1/2,1\n", "reciprocals"),
        (",a,b\na,1,x\nb,,1\n", "Cannot read"),
        (",a,b\nb,1,2\na,,1\n", "row names"),
        (",a,b\na,1,-2\nb,,1\n", "positive"),
        (",a\na,1\n", "between 2 and 15"),
        ("", "is empty"),
    ],
)
def test_refused_input_exits_2_with_a_message(tmp_path, capsys, text, message):
    file = _write(tmp_path, "bad.csv", text)
    assert cli.main(["ahp", "--matrix", str(file)]) == 2
    captured = capsys.readouterr()
    assert message in captured.err, captured.err
    assert captured.out == ""


def test_missing_file(tmp_path, capsys):
    assert cli.main(["ahp", "--matrix", str(tmp_path / "nope.csv")]) == 2
    assert "Cannot open" in capsys.readouterr().err


def test_message_in_chinese(tmp_path, capsys):
    file = _write(tmp_path, "bad.csv", ",a,b\na,1,3\nb,1/2,1\n")
    assert cli.main(["ahp", "--matrix", str(file), "--lang", "zh"]) == 2
    assert "互为倒数" in capsys.readouterr().err


def test_runs_as_a_script(tmp_path):
    file = _write(tmp_path, "house.csv", HOUSE_CSV)
    done = subprocess.run([sys.executable, "cli.py", "ahp", "--matrix", str(file), "--json"], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    assert round(json.loads(done.stdout)["consistency_ratio"], 3) == 0.169
