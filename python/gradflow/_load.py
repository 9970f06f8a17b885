"""Reading gradflow's outputs: run directories, sweep directories, datasets and collections of them.

Pure Python (the standard library, NumPy; mpmath only for Result.mpf), so it works on a machine with
no build. Every file is read when first asked for and kept; errors are LoadError naming the path.
"""
import csv
import json
import math
import os
import tomllib

import numpy as np

from ._errors import LoadError


def _read_text(path):
    try:
        with open(path, encoding="utf-8", newline="") as f:
            return f.read()
    except FileNotFoundError:
        raise LoadError(path, "missing") from None
    except IsADirectoryError:
        raise LoadError(path, "is a directory, expected a file") from None
    except UnicodeDecodeError as e:
        raise LoadError(path, f"not UTF-8 text ({e})") from None
    except OSError as e:
        raise LoadError(path, e.strerror or str(e)) from None


def _read_json(path):
    try:
        return json.loads(_read_text(path))
    except json.JSONDecodeError as e:
        raise LoadError(path, f"not valid JSON: {e}") from None


def _read_toml(path):
    try:
        return tomllib.loads(_read_text(path))
    except tomllib.TOMLDecodeError as e:
        raise LoadError(path, f"not valid TOML: {e}") from None


def _is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def read_csv(path):
    """(header or None, rows of strings). A first row that is not all numbers is the header."""
    rows = [r for r in csv.reader(_read_text(path).splitlines()) if r and not r[0].startswith("#")]
    if not rows:
        raise LoadError(path, "empty: no rows")
    header = None
    if not all(_is_number(cell) for cell in rows[0]):
        header, rows = rows[0], rows[1:]
    width = len(header) if header is not None else len(rows[0])
    for i, row in enumerate(rows):
        if len(row) != width:
            line = i + (2 if header is not None else 1)
            raise LoadError(path, f"line {line} has {len(row)} fields, expected {width}")
    return header, rows


def to_float64(strings):
    """Decimal strings -> float64, each correctly rounded (Python's float); '' and 'nan' give NaN."""
    return np.array([float(s) if s != "" else math.nan for s in strings], dtype=np.float64)


def log10_exact(text):
    """log10 |x| of a decimal string at any exponent (1e-100000 included): -inf for 0, NaN for NaN."""
    s = text.strip().lower()
    mantissa, _, exponent = s.partition("e")
    try:
        m = abs(float(mantissa))
        e = int(exponent) if exponent else 0
    except ValueError:
        return math.nan
    if m == 0:
        return -math.inf
    if math.isnan(m) or math.isinf(m):
        return math.nan if math.isnan(m) else math.inf
    return math.log10(m) + e


class Result:
    """One run: a `gradflow run` output directory (or a dataset: config.toml beside output/).

    summary, checks, manifest, config, trajectory, exact, final and final_exact are read on first use.
    """

    def __init__(self, path, dataset_config=None):
        self.path = os.path.abspath(path)
        self._dataset_config = dataset_config
        self._cache = {}
        if not (os.path.isfile(self._file("summary.json")) or os.path.isfile(self._file("trajectory.csv"))):
            raise LoadError(self.path, "not a run directory: neither summary.json nor trajectory.csv")

    def __repr__(self):
        s = self.summary if os.path.isfile(self._file("summary.json")) else {}
        return (f"<gradflow.Result {self.path}: {s.get('model', '?')}, {s.get('stop_reason', '?')}, "
                f"loss_final {s.get('loss_final', '?')[:12]}>")

    def _file(self, *parts):
        return os.path.join(self.path, *parts)

    def _cached(self, key, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    # -- JSON and TOML -------------------------------------------------------------------------------
    @property
    def summary(self):
        """summary.json as a dict (decimal strings stay strings)."""
        return self._cached("summary", lambda: _read_json(self._file("summary.json")))

    @property
    def manifest(self):
        """manifest.json as a dict."""
        return self._cached("manifest", lambda: _read_json(self._file("manifest.json")))

    @property
    def config(self):
        """The config as a dict: config.toml of the run directory (the resolved config), else a
        dataset's config.toml beside output/, else manifest.json's resolved config."""
        def make():
            if os.path.isfile(self._file("config.toml")):
                return _read_toml(self._file("config.toml"))
            if self._dataset_config is not None:
                return _read_toml(self._dataset_config)
            manifest = self.manifest
            if "config" not in manifest:
                raise LoadError(self._file("manifest.json"), "no config.toml and no \"config\" in manifest.json")
            return manifest["config"]
        return self._cached("config", make)

    @property
    def checks(self):
        """summary.json's checks: [{id, verdict, measured, bound, detail}] (measured, bound strings)."""
        return self.summary.get("checks", [])

    @property
    def verdicts(self):
        """{check id: verdict}."""
        return {c["id"]: c["verdict"] for c in self.checks}

    @property
    def failed(self):
        """Ids of the checks whose verdict is fail (a failed check is a result, not an exception)."""
        return [c["id"] for c in self.checks if c["verdict"] == "fail"]

    @property
    def time_change(self):
        return self.summary.get("time_change", "none")

    @property
    def bits(self):
        """Working precision in bits (summary.json `bits`; 53 for float64 runs)."""
        s = self.summary
        if "bits" in s:
            return int(s["bits"])
        if s.get("precision") == "float64":
            return 53
        return math.ceil(int(s["digits"]) * math.log2(10)) + 1

    @property
    def eps(self):
        """Unit roundoff 2^(1 - bits) as a float (0 when below float64's range)."""
        return math.ldexp(1.0, 1 - self.bits)

    # -- trajectory ----------------------------------------------------------------------------------
    def _trajectory_table(self):
        def make():
            path = self._file("trajectory.csv")
            header, rows = read_csv(path)
            if header is None:
                raise LoadError(path, "no header row")
            return header, rows
        return self._cached("trajectory_table", make)

    @property
    def columns(self):
        """trajectory.csv's column names, in order."""
        return list(self._trajectory_table()[0])

    @property
    def exact(self):
        """trajectory.csv, column -> list of decimal strings exactly as written."""
        def make():
            header, rows = self._trajectory_table()
            return {name: [row[j] for row in rows] for j, name in enumerate(header)}
        return self._cached("exact", make)

    @property
    def trajectory(self):
        """trajectory.csv, column -> float64 array, each value the correctly rounded float64 of the
        exact decimal string (so beyond float64's range: inf or 0, e.g. t ~ 1e996 with the time change;
        use exact, mpf or log10 there)."""
        return self._cached("trajectory", lambda: {k: to_float64(v) for k, v in self.exact.items()})

    def log10(self, column):
        """log10 |value| of a trajectory column from its exact strings, at any exponent (float64 array)."""
        return np.array([log10_exact(s) for s in self._column(column)], dtype=np.float64)

    def _column(self, column):
        exact = self.exact
        if column not in exact:
            raise LoadError(self._file("trajectory.csv"),
                            f"no column {column!r} (columns: {', '.join(exact)})")
        return exact[column]

    def mpf(self, column, prec=None):
        """A trajectory column as mpmath.mpf values read at the run's precision (bits, or `prec`)."""
        import mpmath
        strings = self._column(column)
        with mpmath.workprec(prec or self.bits):
            return [mpmath.mpf(s) if s != "" else mpmath.nan for s in strings]

    # -- final/ ---------------------------------------------------------------------------------------
    def _final_tables(self):
        def make():
            folder = self._file("final")
            if not os.path.isdir(folder):
                raise LoadError(folder, "missing (no final matrices)")
            tables = {}
            for name in sorted(os.listdir(folder)):
                if name.endswith(".csv"):
                    tables[name[:-4]] = read_csv(os.path.join(folder, name))
            return tables
        return self._cached("final_tables", make)

    @property
    def final_exact(self):
        """final/<name>.csv, name -> list of rows of decimal strings (a header row, if any, left out:
        see final_headers)."""
        return {k: rows for k, (_, rows) in self._final_tables().items()}

    @property
    def final_headers(self):
        """final/<name>.csv, name -> its header (list of names) or None when the file has none."""
        return {k: header for k, (header, _) in self._final_tables().items()}

    @property
    def final(self):
        """final/<name>.csv, name -> 2-D float64 array (one matrix row per line)."""
        def make():
            return {k: np.array([to_float64(r) for r in rows], dtype=np.float64).reshape(len(rows), -1)
                    for k, rows in self.final_exact.items()}
        return self._cached("final", make)


class Sweep:
    """A `gradflow sweep` output: sweep.csv and run-XXXX directories (loaded when asked for)."""

    def __init__(self, path):
        self.path = os.path.abspath(path)
        header, rows = read_csv(os.path.join(self.path, "sweep.csv"))
        if header is None or "run" not in header:
            raise LoadError(os.path.join(self.path, "sweep.csv"), "no header with a \"run\" column")
        self._columns = header
        self._rows = [dict(zip(header, r)) for r in rows]
        self._results = {}

    @property
    def columns(self):
        """sweep.csv's header: the axes, run, stop_reason, …, one column per check id."""
        return list(self._columns)

    @property
    def rows(self):
        """One dict per grid point (column -> string), in grid order."""
        return self._rows

    @property
    def axes(self):
        """The axis columns (the keys of [axes], in the order written)."""
        return self._columns[: self._columns.index("run")]

    def __repr__(self):
        return f"<gradflow.Sweep {self.path}: {len(self)} points, axes {', '.join(self.axes)}>"

    def __len__(self):
        return len(self.rows)

    @property
    def exact(self):
        """sweep.csv, column -> list of strings as written."""
        return {c: [r[c] for r in self.rows] for c in self.columns}

    @property
    def table(self):
        """sweep.csv, column -> float64 array when every non-empty cell is a number (empty: NaN),
        else the list of strings (run names, stop reasons, verdicts)."""
        out = {}
        for c, values in self.exact.items():
            if all(v == "" or _is_number(v) for v in values) and any(v != "" for v in values):
                out[c] = to_float64(values)
            else:
                out[c] = values
        return out

    def result(self, i):
        """The Result of point i (0-based, grid order), loaded on first use."""
        if i not in self._results:
            name = self.rows[i]["run"]
            self._results[i] = Result(os.path.join(self.path, name))
        return self._results[i]

    def __getitem__(self, i):
        return self.result(range(len(self))[i])

    def __iter__(self):
        return (self.result(i) for i in range(len(self)))

    @property
    def results(self):
        """Every point's Result (reads each directory's summary lazily)."""
        return list(self)


class Collection:
    """A directory of runs, sweeps or datasets (e.g. data/): name (relative path) -> item."""

    def __init__(self, path, names):
        self.path = os.path.abspath(path)
        self.names = names
        self._items = {}

    def __repr__(self):
        return f"<gradflow.Collection {self.path}: {', '.join(self.names)}>"

    def __len__(self):
        return len(self.names)

    def __iter__(self):
        return iter(self.names)

    def __contains__(self, name):
        return name in self.names

    def __getitem__(self, name):
        if name not in self.names:
            raise KeyError(f"{name!r} is not in {self.path} (items: {', '.join(self.names)})")
        if name not in self._items:
            self._items[name] = load(os.path.join(self.path, name))
        return self._items[name]

    def items(self):
        return ((n, self[n]) for n in self.names)


def _kind(path):
    if os.path.isfile(os.path.join(path, "sweep.csv")):
        return "sweep"
    if os.path.isfile(os.path.join(path, "summary.json")) or os.path.isfile(os.path.join(path, "trajectory.csv")):
        return "run"
    if os.path.isfile(os.path.join(path, "output", "summary.json")):
        return "dataset"
    return None


def _find(path, prefix="", depth=3):
    names = []
    try:
        entries = sorted(os.listdir(path))
    except OSError:
        return names
    for e in entries:
        full = os.path.join(path, e)
        if e.startswith(".") or not os.path.isdir(full):
            continue
        if _kind(full):
            names.append(prefix + e)
        elif depth > 1:
            names += _find(full, prefix + e + "/", depth - 1)
    return names


def load(path):
    """Reads a run directory (Result), a sweep directory (Sweep), a dataset directory of data/
    (config.toml and output/: Result) or a directory holding any of these (Collection)."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise LoadError(path, "no such directory")
    if not os.path.isdir(path):
        raise LoadError(path, "is a file; give the directory that holds summary.json or sweep.csv")
    kind = _kind(path)
    if kind == "sweep":
        return Sweep(path)
    if kind == "run":
        return Result(path)
    if kind == "dataset":
        config = os.path.join(path, "config.toml")
        return Result(os.path.join(path, "output"), dataset_config=config if os.path.isfile(config) else None)
    names = _find(path)
    if not names:
        raise LoadError(path, "not a gradflow output: no summary.json or trajectory.csv (a run), "
                              "no sweep.csv (a sweep), no output/summary.json (a dataset), "
                              "and no subdirectory holding one")
    return Collection(path, names)
