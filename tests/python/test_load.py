"""gradflow.load against an independent reading of the same files (csv, json, tomllib, Decimal)."""
import decimal
import math
import os
import shutil
import tomllib
import unittest
from fractions import Fraction

import numpy as np

import gradflow
from support import DATA, executable, quick_run, read_csv_plain, read_json_plain, scratch


def exact_value(x):
    """The exact rational value of an mpmath.mpf."""
    sign, man, exp, _ = x._mpf_
    value = Fraction(man) * (Fraction(2) ** exp)
    return -value if sign else value


class LoadDatasets(unittest.TestCase):
    """data/ needs no build: every dataset loads, and its columns are the CSV's."""

    def test_collection_lists_every_dataset(self):
        c = gradflow.load(DATA)
        self.assertIsInstance(c, gradflow.Collection)
        expected = sorted(f"{family}/{name}" for family in os.listdir(DATA)
                          if os.path.isdir(os.path.join(DATA, family))
                          for name in os.listdir(os.path.join(DATA, family))
                          if os.path.isfile(os.path.join(DATA, family, name, "output", "summary.json")))
        self.assertEqual(sorted(c.names), expected)
        self.assertGreaterEqual(len(expected), 5)

    def test_each_dataset_equals_its_files(self):
        for name in gradflow.load(DATA).names:
            with self.subTest(dataset=name):
                folder = os.path.join(DATA, name)
                r = gradflow.load(folder)
                self.assertIsInstance(r, gradflow.Result)
                header, rows = read_csv_plain(os.path.join(folder, "output", "trajectory.csv"))
                self.assertEqual(r.columns, header)
                for j, column in enumerate(header):
                    strings = [row[j] for row in rows]
                    self.assertEqual(r.exact[column], strings)
                    np.testing.assert_array_equal(r.trajectory[column], np.array([float(s) for s in strings]))
                self.assertEqual(r.summary, read_json_plain(os.path.join(folder, "output", "summary.json")))
                # The resolved config the run wrote (defaults filled in), which holds the dataset's keys.
                with open(os.path.join(folder, "output", "config.toml"), "rb") as f:
                    resolved = tomllib.load(f)
                self.assertEqual(r.config, resolved)
                with open(os.path.join(folder, "config.toml"), "rb") as f:
                    for section, keys in tomllib.load(f).items():
                        for key, value in keys.items():
                            self.assertEqual(resolved[section][key], value, f"{section}.{key}")
                for matrix in r.final:
                    with open(os.path.join(folder, "output", "final", matrix + ".csv")) as f:
                        lines = f.read().split()
                    if lines[0][0].isalpha():  # a table (f_grid.csv): its header, then numbers
                        self.assertEqual(r.final_headers[matrix], lines[0].split(","))
                        lines = lines[1:]
                    expected = np.array([[float(v) for v in line.split(",")] for line in lines])
                    np.testing.assert_array_equal(r.final[matrix], expected)

    def test_f64_columns_agree_with_the_exact_ones(self):
        r = gradflow.load(os.path.join(DATA, "linear2", "t1_5"))
        # t_f64 is the float64 the binary printed; trajectory["t"] is Python's correctly rounded float
        # of the exact string: both round the same number, so they agree to the last bit.
        np.testing.assert_array_equal(r.trajectory["t"], r.trajectory["t_f64"])
        np.testing.assert_array_equal(r.trajectory["loss"], r.trajectory["loss_f64"])


class LoadRun(unittest.TestCase):
    """A run made by the binary: every file load() reads equals the same file read independently."""

    @classmethod
    def setUpClass(cls):
        if not executable():
            raise unittest.SkipTest("GRADFLOW_EXE not set (ctest sets it)")
        cls.tmp = scratch()
        cls.dir = quick_run(cls.tmp.name)
        cls.r = gradflow.load(cls.dir)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_files_equal_an_independent_reading(self):
        r = self.r
        self.assertEqual(r.summary, read_json_plain(os.path.join(self.dir, "summary.json")))
        self.assertEqual(r.manifest, read_json_plain(os.path.join(self.dir, "manifest.json")))
        with open(os.path.join(self.dir, "config.toml"), "rb") as f:
            self.assertEqual(r.config, tomllib.load(f))
        self.assertEqual(r.checks, r.summary["checks"])
        header, rows = read_csv_plain(os.path.join(self.dir, "trajectory.csv"))
        self.assertEqual(r.columns, header)
        self.assertIn("U_1_1", header)  # output.state = true
        self.assertEqual(len(r.trajectory["t"]), len(rows))
        for j, column in enumerate(header):
            self.assertEqual(r.exact[column], [row[j] for row in rows])
            np.testing.assert_array_equal(r.trajectory[column], np.array([float(row[j]) for row in rows]))
        for name in ("U", "V", "product"):
            with open(os.path.join(self.dir, "final", name + ".csv")) as f:
                lines = [line.rstrip("\n").split(",") for line in f if line.strip()]
            self.assertEqual(r.final_exact[name], lines)
            np.testing.assert_array_equal(r.final[name], np.array([[float(v) for v in l] for l in lines]))
        self.assertEqual(r.final["product"].shape, (3, 1))

    def test_exact_strings_round_trip_through_mpf(self):
        # Each string is read at the run's precision (summary.json bits) and printed back with as many
        # significant digits as it has: the same decimal comes back (MPFR wrote round-trip digits), and
        # the value read is within half an ulp of the decimal (correct rounding), checked in rationals.
        bits = self.r.summary["bits"]
        self.assertEqual(self.r.bits, bits)
        for column in ("t", "loss", "imbalance_drift", "U_1_1"):
            for s, x in zip(self.r.exact[column], self.r.mpf(column)):
                exact = exact_value(x)
                mantissa = s.lower().split("e")[0].lstrip("-").replace(".", "").lstrip("0")
                digits = max(len(mantissa), 1)
                with decimal.localcontext() as ctx:
                    ctx.prec = digits
                    back = +(decimal.Decimal(exact.numerator) / decimal.Decimal(exact.denominator))
                    self.assertEqual(back, +decimal.Decimal(s), f"{column}: {s}")
                d = Fraction(decimal.Decimal(s))
                if d != 0:
                    ulp = Fraction(2) ** (math.floor(math.log2(abs(d))) + 1 - bits)
                    self.assertLessEqual(abs(exact - d), ulp / 2, f"{column}: {s}")

    def test_mpf_precision_and_log10(self):
        import mpmath
        loss = self.r.mpf("loss")
        with mpmath.workprec(self.r.bits):
            self.assertEqual(loss[-1], mpmath.mpf(self.r.summary["loss_final"]))
        # log10 from the exact strings at any exponent: 1e-100000 is beyond float64, not beyond this.
        np.testing.assert_allclose(self.r.log10("loss"), np.log10(self.r.trajectory["loss"]), rtol=1e-14)
        from gradflow._load import log10_exact
        self.assertEqual(log10_exact("1e-100000"), -100000.0)
        self.assertEqual(log10_exact("0.0e+00"), -math.inf)

    def test_verdicts_and_failed(self):
        self.assertEqual(self.r.failed, [])
        self.assertEqual(self.r.verdicts["min2021.imbalance"], "pass")
        self.assertEqual(self.r.verdicts["flow.path_defect"], "pass")


class ReadmeMatchesTheCode(unittest.TestCase):
    def test_every_name_of_the_python_block_exists(self):
        # README "Python": each gradflow.X, r.X (a Result) and s.X (a Sweep) the block names is real.
        import re
        with open(os.path.join(os.path.dirname(DATA), "README.md"), encoding="utf-8") as f:
            readme = f.read()
        block = readme.split("## Python\n", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
        owners = {"gradflow": gradflow, "r": gradflow.Result, "s": gradflow.Sweep}
        names = re.findall(r"\b(gradflow|r|s)\.([A-Za-z_]\w*)", block)
        self.assertGreater(len(names), 15)
        for owner, name in names:
            self.assertTrue(hasattr(owners[owner], name), f"{owner}.{name}")
        for name in re.findall(r"CheckReport \(([^)]*)\)", block)[0].split(", "):
            report = gradflow.CheckReport(0, {"checks": []})
            self.assertTrue(hasattr(report, name), f"CheckReport.{name}")


class LoadErrors(unittest.TestCase):
    def test_errors_name_the_path_and_what_is_missing(self):
        with scratch() as tmp:
            with self.assertRaises(gradflow.LoadError) as e:
                gradflow.load(os.path.join(tmp, "nothing"))
            self.assertEqual(str(e.exception), os.path.join(tmp, "nothing") + ": no such directory")
            with self.assertRaises(gradflow.LoadError) as e:
                gradflow.load(tmp)
            self.assertIn(tmp + ": not a gradflow output: no summary.json", str(e.exception))
            run = os.path.join(tmp, "run")
            shutil.copytree(os.path.join(DATA, "linear2", "t1_5", "output"), run)
            os.remove(os.path.join(run, "trajectory.csv"))
            r = gradflow.load(run)
            with self.assertRaises(gradflow.LoadError) as e:
                r.trajectory
            self.assertEqual(str(e.exception), os.path.join(run, "trajectory.csv") + ": missing")
            with open(os.path.join(run, "trajectory.csv"), "w") as f:
                f.write("t,loss\n0,1\n1\n")
            r = gradflow.load(run)
            with self.assertRaises(gradflow.LoadError) as e:
                r.exact
            self.assertEqual(str(e.exception), os.path.join(run, "trajectory.csv") +
                             ": line 3 has 1 fields, expected 2")
            with open(os.path.join(run, "trajectory.csv"), "w") as f:
                f.write("t,loss\n0,1\n")
            with self.assertRaises(gradflow.LoadError) as e:
                gradflow.load(run).mpf("nope")
            self.assertIn("no column 'nope' (columns: t, loss)", str(e.exception))
            with open(os.path.join(run, "summary.json"), "w") as f:
                f.write("{")
            with self.assertRaises(gradflow.LoadError) as e:
                gradflow.load(run).summary
            self.assertIn(os.path.join(run, "summary.json") + ": not valid JSON", str(e.exception))


if __name__ == "__main__":
    unittest.main()
