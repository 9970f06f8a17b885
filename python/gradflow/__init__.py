"""gradflow from Python: read run, sweep and dataset directories, run configs, judge trajectories.

    import gradflow
    r = gradflow.run("examples/t1_5_taylor.toml", precision__digits=60, integrator__tolerance="1e-50")
    r.trajectory["loss"]        # NumPy float64 array (correctly rounded from the exact column)
    r.exact["loss"]             # the decimal strings as written, every working digit
    r.mpf("loss")               # mpmath.mpf values at the run's precision
    r.summary, r.checks, r.final["product"], r.manifest, r.config
    gradflow.load("data/linear2/t1_5")        # any run, sweep or dataset directory
    gradflow.check("out/dop853").verdicts     # gradflow check --json

load() is pure Python (NumPy; mpmath for mpf) and needs no build. run() goes through the compiled
module gradflow._gradflow when a build made it (the library run API in this process), else, like
check(), through the gradflow executable (GRADFLOW_EXE, else the build tree beside this package, else
PATH); see _transport.py.
"""
import os
import shutil
import tempfile

from ._errors import ExecutableNotFound, GradflowError, IntegrationError, InvalidInput, LoadError
from . import _toml
from ._transport import find_executable, transport

_LAZY = ("load", "Result", "Sweep", "Collection")


def __getattr__(name):
    # The readers need NumPy; importing them on first use lets `python3 -m gradflow.plot` say in one
    # line which package is missing.
    if name in _LAZY:
        from . import _load
        return getattr(_load, name)
    raise AttributeError(f"module 'gradflow' has no attribute {name!r}")

__all__ = ["load", "run", "check", "Result", "Sweep", "Collection", "CheckReport", "GradflowError",
           "LoadError", "InvalidInput", "IntegrationError", "ExecutableNotFound", "find_executable"]


def _overrides(overrides):
    out = []
    for name, value in overrides.items():
        section, sep, key = name.partition("__")
        if not sep or not section or not key:
            raise InvalidInput(f"{name} = {value!r}: an override is section__key=value "
                               "(e.g. integrator__tolerance=\"1e-40\" for --set integrator.tolerance=1e-40)")
        dotted = f"{section}.{key}"
        out.append(f"{dotted}={_toml.value_text(dotted, value)}")
    return out


def run(config, out=None, quiet=True, resume=False, **overrides):
    """Runs a config and returns its Result.

    config: a path to a TOML file, or a dict {section: {key: value}} (numbers as decimal strings or
    ints; a Python float is refused, as gradflow refuses TOML floats; a string ending in .csv is a path,
    relative to the working directory). overrides: section__key=value, each passed as
    `--set section.key=value` (precision__digits=60, integrator__tolerance="1e-50", model__U0=[["1"]]).
    out: the output directory (gradflow's rules: replaced only if empty or an earlier gradflow output);
    None: a fresh directory under the temporary directory, kept (Result.path says where).
    quiet=False: progress lines on stderr. resume=True: go on from the checkpoint a run into the same
    `out` left when it was interrupted, killed or stopped by stop__wall_seconds (gradflow run --resume;
    none: start at t = 0).
    Raises InvalidInput (exit 2, gradflow's message), IntegrationError (exit 1, nothing written),
    KeyboardInterrupt (Ctrl-C: the run stops after its current step). A failed theorem check is not an
    exception: see Result.failed.
    """
    sets = _overrides(overrides)
    if not isinstance(config, dict):
        config_path = os.fspath(config)
        if not os.path.isfile(config_path):
            raise InvalidInput(f"config = \"{config_path}\": no such file")
        config_text = None
    else:
        config_text = _toml.dumps(_toml.absolutise_csv_paths(config, os.getcwd()))
    # The scratch directory holds a dict config's TOML and, without `out`, the run; it is kept only
    # when the run is in it.
    scratch = tempfile.mkdtemp(prefix="gradflow-run-") if config_text is not None or out is None else None
    try:
        if config_text is not None:
            config_path = os.path.join(scratch, "config.toml")
            with open(config_path, "w", encoding="utf-8") as f:
                f.write(config_text)
        out = os.path.abspath(os.fspath(out)) if out is not None else os.path.join(scratch, "run")
        transport().run(config_path, out, sets, quiet, resume)
    finally:
        if scratch is not None and not os.path.isdir(os.path.join(scratch, "run")):
            shutil.rmtree(scratch, ignore_errors=True)
    from ._load import load
    return load(out)


class CheckReport:
    """What `gradflow check DIR` found: checks [{id, instance, verdict, measured, bound, detail,
    seconds}], verdicts {id: verdict}, failed (ids), passed (no check failed), exit_code, table."""

    def __init__(self, exit_code, report):
        self.exit_code = exit_code
        self.dir = report.get("dir")
        self.checks = report.get("checks", [])
        self.table = report.get("table", "")
        self.verdicts = {c["id"]: c["verdict"] for c in self.checks}
        self.failed = [c["id"] for c in self.checks if c["verdict"] == "fail"]
        self.passed = not self.failed

    def __repr__(self):
        return f"<gradflow.CheckReport {self.dir}: {self.verdicts}>"


def check(dir, ids=None, tolerance=None):
    """Judges DIR/trajectory.csv under DIR/config.toml (gradflow check --json): a CheckReport.
    ids: check ids to run (default all of the model's); tolerance: the claimed accuracy (a decimal
    string; default integrator.tolerance of the config). Raises InvalidInput on bad input (exit 2)."""
    path = os.fspath(dir)
    if isinstance(ids, str):
        ids = [ids]
    code, report = transport().check(path, list(ids or []), None if tolerance is None else str(tolerance))
    return CheckReport(code, report)
