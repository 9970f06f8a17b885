"""How run() and check() reach gradflow: today the `gradflow` executable.

The public API (gradflow.run, gradflow.check) calls only `transport()`, whose object has

    run(config_path: str, out: str, overrides: list[str], quiet: bool, resume: bool) -> None
        writes a complete run directory at `out`; raises InvalidInput (bad input, exit 2),
        IntegrationError (failed, nothing written) or KeyboardInterrupt; a failed check is not an error.
    check(directory: str, ids: list[str], tolerance: str | None) -> (exit_code: int, report: dict)
        report = gradflow check --json's {"dir", "checks": [...]}; raises InvalidInput.

The compiled module `gradflow._gradflow` (pybind11 over the library run API, python/src/bindings.cpp),
when a build made it, runs configs in this process instead (CompiledTransport) without changing the
public API; GRADFLOW_TRANSPORT=cli forces the executable.
"""
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

from ._errors import ExecutableNotFound, IntegrationError, InvalidInput

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_REPO_DIR = os.path.dirname(os.path.dirname(_PACKAGE_DIR))


def find_executable():
    """GRADFLOW_EXE, else the build tree beside this package (build/release, then any build/*),
    else `gradflow` on PATH."""
    exe = os.environ.get("GRADFLOW_EXE")
    if exe:
        if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
            raise ExecutableNotFound(f"GRADFLOW_EXE = \"{exe}\" is not an executable file")
        return exe
    candidates = [os.path.join(_REPO_DIR, "build", "release", "gradflow")]
    candidates += sorted(glob.glob(os.path.join(_REPO_DIR, "build", "*", "gradflow")),
                         key=lambda p: -os.path.getmtime(p))
    for c in candidates:
        if os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    on_path = shutil.which("gradflow")
    if on_path:
        return on_path
    raise ExecutableNotFound("no gradflow executable: set GRADFLOW_EXE, build it (scripts/quickstart "
                             f"writes {candidates[0]}) or put gradflow on PATH")


def _message(stderr_text):
    lines = [l for l in stderr_text.splitlines() if l.strip()]
    return "\n".join(lines) if lines else "(no message on stderr)"


def _communicate(argv, quiet):
    """Runs argv; relays its stderr when not quiet; returns (exit code, stderr text, stdout text).

    The child has its own process group, so a terminal's Ctrl-C reaches only Python: on
    KeyboardInterrupt exactly one SIGINT is forwarded (gradflow then stops after its current step and
    writes complete files), Python waits for it and re-raises; a second Ctrl-C forwards a second SIGINT
    (gradflow ends at once, writing nothing)."""
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace",
                               process_group=0)
    collected = []
    try:
        if quiet:
            stdout, err = process.communicate()
            collected.append(err)
        else:  # stdout is one line (where the results are): it cannot fill its pipe meanwhile
            for line in process.stderr:
                collected.append(line)
                sys.stderr.write(line)
            stdout = process.stdout.read()
        code = process.wait()
    except KeyboardInterrupt:
        process.send_signal(signal.SIGINT)
        try:
            process.communicate()
        except KeyboardInterrupt:
            process.send_signal(signal.SIGINT)
            process.communicate()
        raise
    return code, "".join(collected), stdout


def _stamp(out):
    """Identity of out/summary.json (None when absent): a run renames a new directory into place."""
    try:
        st = os.stat(os.path.join(out, "summary.json"))
        return (st.st_ino, st.st_mtime_ns)
    except OSError:
        return None


class CliTransport:
    """The `gradflow` executable as a subprocess."""

    name = "cli"

    def __init__(self, executable=None):
        self.executable = executable or find_executable()

    def run(self, config_path, out, overrides, quiet=True, resume=False):
        argv = [self.executable, "run", config_path, "--out", out]
        for o in overrides:
            argv += ["--set", o]
        if quiet:
            argv.append("--quiet")
        if resume:
            argv.append("--resume")
        before = _stamp(out)
        code, err, _ = _communicate(argv, quiet)
        if code == 130:
            raise KeyboardInterrupt(f"gradflow run interrupted: {_message(err)}")
        if code == 2:
            raise InvalidInput(_message(err))
        if code == 1 and _stamp(out) not in (None, before):
            return  # files written (a new summary.json): a check failed, the Result says which
        if code != 0:
            raise IntegrationError(f"gradflow run exited {code}: {_message(err)}")

    def check(self, directory, ids, tolerance=None):
        with tempfile.TemporaryDirectory(prefix="gradflow-check-") as tmp:
            json_path = os.path.join(tmp, "check.json")
            argv = [self.executable, "check", directory, "--json", json_path, "--quiet"]
            if tolerance is not None:
                argv += ["--tolerance", str(tolerance)]
            argv += list(ids)
            code, err, stdout = _communicate(argv, True)
            if code == 130:
                raise KeyboardInterrupt("gradflow check interrupted")
            if code == 2:
                raise InvalidInput(_message(err))
            if code not in (0, 1) or not os.path.isfile(json_path):
                raise IntegrationError(f"gradflow check exited {code}: {_message(err)}")
            with open(json_path, encoding="utf-8") as f:
                report = json.load(f)
            report["table"] = stdout
            return code, report


class CompiledTransport:
    """The compiled module gradflow._gradflow: run() in this process through the library run API
    (progress lines on stderr unless quiet, memory refused up front, checkpoints and resume as
    `gradflow run`; Ctrl-C stops after the current step with complete files, then raises
    KeyboardInterrupt); check() through the executable."""

    name = "compiled"

    def __init__(self, module):
        self.module = module
        self._cli = None

    def run(self, config_path, out, overrides, quiet=True, resume=False):
        self.module.run(config_path, out, list(overrides), quiet, resume)

    def check(self, directory, ids, tolerance=None):
        if self._cli is None:
            self._cli = CliTransport()
        return self._cli.check(directory, ids, tolerance)


def _module_directories():
    """Where a build put gradflow/_gradflow*.so: GRADFLOW_MODULE_DIR, else build/release and build/test
    beside this package (never build/asan: a sanitized module does not load into python3)."""
    if os.environ.get("GRADFLOW_MODULE_DIR"):
        return [os.environ["GRADFLOW_MODULE_DIR"]]
    return [os.path.join(_REPO_DIR, "build", b, "python") for b in ("release", "test")]


def _compiled_module():
    """The module of the first build that has one and loads (a module built for another Python does
    not: the executable is used then); None without one."""
    import importlib.util
    if "gradflow._gradflow" in sys.modules:
        return sys.modules["gradflow._gradflow"]
    for directory in _module_directories():
        for path in sorted(glob.glob(os.path.join(directory, "gradflow", "_gradflow*.so"))):
            spec = importlib.util.spec_from_file_location("gradflow._gradflow", path)
            module = importlib.util.module_from_spec(spec)
            try:
                spec.loader.exec_module(module)
            except ImportError:
                continue
            sys.modules["gradflow._gradflow"] = module
            return module
    return None


_transport = None


def transport():
    """The compiled module when one is built (and GRADFLOW_TRANSPORT is not "cli"), else the
    executable."""
    global _transport
    if _transport is None:
        if os.environ.get("GRADFLOW_TRANSPORT") != "cli":
            module = _compiled_module()
            if module is not None:
                _transport = CompiledTransport(module)
        if _transport is None:
            _transport = CliTransport()
    return _transport


def reset():
    """Forget the chosen transport (after changing GRADFLOW_EXE)."""
    global _transport
    _transport = None
