"""gradflow.run, gradflow.check and load() of a sweep, through the binary (GRADFLOW_EXE)."""
import decimal
import os
import shutil
import stat
import subprocess
import textwrap
import tomllib
import unittest

import gradflow
from gradflow import _transport
from support import EXAMPLES, QUICK_SETS, executable, quick_run, read_csv_plain, scratch

T1_5 = os.path.join(EXAMPLES, "t1_5_taylor.toml")
QUICK = {s.split("=")[0].replace(".", "__"): s.split("=")[1] for s in QUICK_SETS}


def requires_binary(cls):
    return unittest.skipUnless(executable(), "GRADFLOW_EXE not set (ctest sets it)")(cls)


@requires_binary
class Run(unittest.TestCase):
    def test_overrides_reach_the_run(self):
        r = gradflow.run(T1_5, **QUICK)
        try:
            self.assertEqual(r.summary["digits"], 40)
            self.assertEqual(r.config["integrator"]["tolerance"], "1e-32")
            self.assertEqual(r.config["output"]["state"], True)
            self.assertEqual(r.summary["stop_reason"], "loss_below")
            self.assertEqual(len(r.trajectory["t"]), 21)
            self.assertEqual(r.failed, [])
            self.assertTrue(r.path.startswith(os.path.realpath(os.path.dirname(os.path.dirname(r.path)))))
            # The same run made by the binary directly gives the same digits.
            with scratch() as tmp:
                direct = gradflow.load(quick_run(tmp))
                self.assertEqual(direct.exact["loss"], r.exact["loss"])
                self.assertEqual(direct.final_exact, r.final_exact)
        finally:
            shutil.rmtree(os.path.dirname(r.path))

    def test_a_dict_config_is_the_same_run_as_its_file(self):
        with open(T1_5, "rb") as f:
            config = tomllib.load(f)
        with scratch() as tmp:
            from_dict = gradflow.run(config, out=os.path.join(tmp, "a"), **QUICK)
            from_file = gradflow.run(T1_5, out=os.path.join(tmp, "b"), **QUICK)
            self.assertEqual(from_dict.exact, from_file.exact)
            self.assertEqual(from_dict.summary["loss_final"], from_file.summary["loss_final"])
            self.assertEqual(sorted(os.listdir(tmp)), ["a", "b"])  # nothing else left behind

    def test_matrix_override_as_a_list(self):
        with scratch() as tmp:
            r = gradflow.run(T1_5, out=os.path.join(tmp, "r"), model__V0=[["0.2", "0.1"]], **QUICK)
            self.assertEqual(r.config["model"]["V0"], [["0.2", "0.1"]])

    def test_invalid_input_carries_gradflows_message(self):
        argv = [executable(), "run", T1_5, "--set", "precision.digits=5", "--quiet"]
        with scratch() as tmp:
            p = subprocess.run(argv + ["--out", os.path.join(tmp, "x")], capture_output=True, text=True)
            self.assertEqual(p.returncode, 2)
            with self.assertRaises(gradflow.InvalidInput) as e:
                gradflow.run(T1_5, out=os.path.join(tmp, "y"), precision__digits=5)
            self.assertEqual(str(e.exception), p.stderr.strip())
            self.assertIn("precision.digits", str(e.exception))
            self.assertEqual(os.listdir(tmp), [])

    def test_python_floats_and_bad_override_names_are_refused(self):
        with self.assertRaises(gradflow.InvalidInput) as e:
            gradflow.run({"model": {"kind": "diagonal", "alpha": 0.5}})
        self.assertEqual(str(e.exception), 'model.alpha = 0.5 is a Python float: give a decimal string such as '
                                           '"0.5" (a double would cap the precision)')
        with self.assertRaises(gradflow.InvalidInput) as e:
            gradflow.run(T1_5, digits=40)
        self.assertIn("digits = 40: an override is section__key=value", str(e.exception))
        with self.assertRaises(gradflow.InvalidInput) as e:
            gradflow.run("no/such.toml")
        self.assertEqual(str(e.exception), 'config = "no/such.toml": no such file')


class Transport(unittest.TestCase):
    """Exit codes to exceptions, with a stand-in executable (no binary needed)."""

    def stand_in(self, tmp, script):
        path = os.path.join(tmp, "gradflow")
        with open(path, "w") as f:
            f.write("#!/bin/sh\n" + textwrap.dedent(script))
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
        os.environ["GRADFLOW_EXE"] = path
        _transport.reset()

    def setUp(self):
        self.saved = {k: os.environ.get(k) for k in ("GRADFLOW_EXE", "GRADFLOW_TRANSPORT")}
        os.environ["GRADFLOW_TRANSPORT"] = "cli"  # the stand-in is an executable, whatever is built

    def tearDown(self):
        for k, v in self.saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        _transport.reset()

    def test_exit_codes(self):
        with scratch() as tmp:
            self.stand_in(tmp, 'echo "gradflow: integration failed at t = 1: step size underflow" >&2; exit 1\n')
            with self.assertRaises(gradflow.IntegrationError) as e:
                gradflow.run(T1_5, out=os.path.join(tmp, "o"))
            self.assertEqual(str(e.exception),
                             "gradflow run exited 1: gradflow: integration failed at t = 1: step size underflow")
            self.stand_in(tmp, 'echo "gradflow: bad" >&2; exit 2\n')
            with self.assertRaises(gradflow.InvalidInput):
                gradflow.run(T1_5, out=os.path.join(tmp, "o"))
            self.stand_in(tmp, "exit 130\n")
            with self.assertRaises(KeyboardInterrupt):
                gradflow.run(T1_5, out=os.path.join(tmp, "o"))
            # Exit 1 with a new summary.json: a failed check, returned as a Result.
            self.stand_in(tmp, f'mkdir -p "$4" && cp -r {os.path.join(os.path.dirname(EXAMPLES), "data", "linear2", "t1_5", "output")}/. "$4"/; exit 1\n')
            r = gradflow.run(T1_5, out=os.path.join(tmp, "o"))
            self.assertEqual(r.summary["model"], "linear2")
            os.environ["GRADFLOW_EXE"] = os.path.join(tmp, "missing")
            _transport.reset()
            with self.assertRaises(gradflow.ExecutableNotFound):
                gradflow.run(T1_5, out=os.path.join(tmp, "p"))


@requires_binary
class Interrupt(unittest.TestCase):
    def test_ctrl_c_stops_the_run_cleanly_and_raises_keyboardinterrupt(self):
        # A long rk78 run; SIGINT to the Python process only (as a terminal's Ctrl-C reaches it, the
        # run being in its own process group): run() forwards one SIGINT, gradflow stops after its
        # step and writes complete files (stop_reason = "interrupted"), and KeyboardInterrupt reaches
        # the caller.
        import signal
        import sys
        import time
        with scratch() as tmp:
            out = os.path.join(tmp, "out")
            code = textwrap.dedent(f"""
                import sys, gradflow
                try:
                    gradflow.run({os.path.join(EXAMPLES, "t1_5.toml")!r}, out={out!r}, stop__t_end="1000000",
                                 integrator__tolerance="1e-40")
                except KeyboardInterrupt:
                    print(gradflow.load({out!r}).summary["stop_reason"])
                    sys.exit(130)
                print("finished")
                """)
            # Both transports: the executable, and the compiled module in this process when built.
            for transport in ("cli", "compiled"):
                with self.subTest(transport=transport):
                    shutil.rmtree(out, ignore_errors=True)
                    env = dict(os.environ, GRADFLOW_TRANSPORT=transport)
                    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                                         env=env)
                    # Wait until the run has started (its work directory beside out), then interrupt.
                    deadline = time.time() + 30
                    while (not any(n.startswith(".gradflow-") and os.path.isdir(os.path.join(tmp, n))
                                   for n in os.listdir(tmp))
                           and time.time() < deadline):
                        time.sleep(0.05)
                    time.sleep(0.3)
                    p.send_signal(signal.SIGINT)
                    stdout, _ = p.communicate(timeout=60)
                    self.assertEqual((p.returncode, stdout), (130, "interrupted\n"))


@requires_binary
class Check(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = scratch()
        cls.dir = quick_run(cls.tmp.name)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_check_passes_on_the_run_and_selects_ids(self):
        report = gradflow.check(self.dir)
        self.assertEqual(report.exit_code, 0)
        self.assertTrue(report.passed)
        self.assertEqual(report.verdicts["flow.path_defect"], "pass")
        self.assertLessEqual(set(report.verdicts), set(gradflow.load(self.dir).verdicts) | {"flow.path_defect"})
        only = gradflow.check(self.dir, ids=["min2021.imbalance"])
        self.assertEqual(list(only.verdicts), ["min2021.imbalance"])

    def test_tolerance_is_passed_on(self):
        report = gradflow.check(self.dir, ids=["flow.path_defect"], tolerance="1e-10")
        self.assertTrue(report.passed)
        self.assertIn("tolerance 1e-10", report.table)

    def test_a_retimed_path_fails(self):
        # Every t scaled by 1 + 1e-6 (examples/scipy_dop853.py --retime): flow.path_defect must fail.
        retimed = os.path.join(self.tmp.name, "retimed")
        shutil.copytree(self.dir, retimed)
        header, rows = read_csv_plain(os.path.join(retimed, "trajectory.csv"))
        j = header.index("t")
        with decimal.localcontext() as ctx:
            ctx.prec = 60
            for row in rows:
                row[j] = str(decimal.Decimal(row[j]) * (1 + decimal.Decimal("1e-6")))
        with open(os.path.join(retimed, "trajectory.csv"), "w") as f:
            f.write(",".join(header) + "\n" + "".join(",".join(r) + "\n" for r in rows))
        report = gradflow.check(retimed, ids=["flow.path_defect"])
        self.assertEqual(report.exit_code, 1)
        self.assertEqual(report.failed, ["flow.path_defect"])

    def test_bad_input(self):
        with scratch() as tmp:
            with self.assertRaises(gradflow.InvalidInput) as e:
                gradflow.check(tmp)
            self.assertIn("config.toml", str(e.exception))


@requires_binary
class LoadSweep(unittest.TestCase):
    def test_sweep_directory(self):
        with scratch() as tmp:
            sweep_file = os.path.join(tmp, "sweep.toml")
            with open(sweep_file, "w") as f:
                f.write(f'base = "{T1_5}"\n[axes]\n"precision.digits" = [40, 50]\n[set]\n'
                        '"integrator.tolerance" = "1e-32"\n"stop.loss_below" = "1e-25"\n"output.samples" = 11\n')
            out = os.path.join(tmp, "out")
            subprocess.run([executable(), "sweep", sweep_file, "--out", out, "--jobs", "2", "--quiet"],
                           check=True, stdout=subprocess.DEVNULL)
            s = gradflow.load(out)
            self.assertIsInstance(s, gradflow.Sweep)
            header, rows = read_csv_plain(os.path.join(out, "sweep.csv"))
            self.assertEqual(s.columns, header)
            self.assertEqual(s.axes, ["precision.digits"])
            self.assertEqual(len(s), 2)
            self.assertEqual(s.exact["loss_final"], [r[header.index("loss_final")] for r in rows])
            self.assertEqual(list(s.table["precision.digits"]), [40.0, 50.0])
            self.assertEqual(s.table["run"], ["run-0000", "run-0001"])
            for i, digits in enumerate((40, 50)):
                self.assertEqual(s[i].summary["digits"], digits)
                self.assertEqual(s[i].summary["loss_final"], s.rows[i]["loss_final"])
            self.assertEqual([r.summary["digits"] for r in s], [40, 50])


if __name__ == "__main__":
    unittest.main()
