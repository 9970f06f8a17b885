"""Shared helpers of the Python tests: paths, the binary, an independent CSV/JSON reader and a
quick run made once per test module."""
import csv
import json
import os
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "examples")
DATA = os.path.join(ROOT, "data")


def executable():
    """The gradflow binary ctest names in GRADFLOW_EXE (None when run without it)."""
    exe = os.environ.get("GRADFLOW_EXE")
    return exe if exe and os.access(exe, os.X_OK) else None


def read_csv_plain(path):
    """(header, rows) by the csv module alone: the oracle for gradflow.load."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.reader(f) if r]
    return rows[0], rows[1:]


def read_json_plain(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# T1.5 (examples/t1_5_taylor.toml) at 40 digits to loss 1e-25 with the state along the path:
# about 0.1 s, every file gradflow writes, and checks that pass.
QUICK_SETS = ["precision.digits=40", "integrator.tolerance=1e-32", "stop.loss_below=1e-25",
              "output.samples=21", "output.spacing=loss", "output.state=true"]


def quick_run(directory):
    """Runs the quick T1.5 config with the binary into directory/run; returns that path."""
    out = os.path.join(directory, "run")
    argv = [executable(), "run", os.path.join(EXAMPLES, "t1_5_taylor.toml"), "--out", out, "--quiet"]
    for s in QUICK_SETS:
        argv += ["--set", s]
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return out


def scratch():
    return tempfile.TemporaryDirectory(prefix="gradflow-pytest-")
