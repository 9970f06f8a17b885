"""output.npz / --format npz through the binary: every archive member is the float64 nearest to the
decimal the CSV beside it holds (Python's float() is correctly rounded, an independent conversion)."""
import os
import subprocess
import unittest
import zipfile

import numpy as np
from support import EXAMPLES, QUICK_SETS, executable, read_csv_plain, scratch


def run(config, out, *extra):
    argv = [executable(), "run", config, "--out", out, "--quiet", *extra]
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return out


def nearest(entries):
    return np.array([float(e) for e in entries], dtype=np.float64)


@unittest.skipUnless(executable(), "GRADFLOW_EXE not set (ctest sets it)")
class Npz(unittest.TestCase):
    def assert_same(self, a, b, what):
        self.assertEqual(a.dtype, np.float64, what)
        self.assertEqual(a.shape, b.shape, what)
        self.assertTrue(np.array_equal(a, b, equal_nan=True), what)

    def assert_columns(self, npz_path, csv_path):
        header, rows = read_csv_plain(csv_path)
        with np.load(npz_path) as archive:
            self.assertEqual(sorted(archive.files), sorted(header))
            for k, name in enumerate(header):
                self.assert_same(archive[name], nearest(r[k] for r in rows), f"{npz_path}: {name}")

    def test_quick_run_archives_match_its_csvs(self):
        with scratch() as tmp:
            sets = [a for s in QUICK_SETS for a in ("--set", s)]
            out = run(os.path.join(EXAMPLES, "t1_5_taylor.toml"), os.path.join(tmp, "run"), "--format", "npz",
                      *sets)
            self.assert_columns(os.path.join(out, "trajectory.npz"), os.path.join(out, "trajectory.csv"))
            finals = sorted(f[:-4] for f in os.listdir(os.path.join(out, "final")) if f.endswith(".csv"))
            with np.load(os.path.join(out, "final.npz")) as archive:
                self.assertEqual(sorted(archive.files), finals)
                for name in finals:
                    with open(os.path.join(out, "final", name + ".csv"), encoding="utf-8") as f:
                        rows = [line.strip().split(",") for line in f if line.strip()]
                    expected = np.array([[float(v) for v in row] for row in rows], dtype=np.float64)
                    self.assert_same(archive[name], expected, name)
            with zipfile.ZipFile(os.path.join(out, "final.npz")) as z:  # stored members, intact CRCs
                self.assertIsNone(z.testzip())
                self.assertTrue(all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist()))
            # The flag is recorded in the resolved config, which reruns to the same archives.
            again = run(os.path.join(out, "config.toml"), os.path.join(tmp, "again"))
            for name in ("trajectory.npz", "final.npz"):
                with open(os.path.join(out, name), "rb") as a, open(os.path.join(again, name), "rb") as b:
                    self.assertEqual(a.read(), b.read(), name)

    def test_tables_and_values_beyond_float64(self):
        with scratch() as tmp:
            # f_grid.csv and spline_grid.csv (tables with headers) get archives of their own.
            relu = run(os.path.join(EXAMPLES, "relu_fig1.toml"), os.path.join(tmp, "relu"),
                       "--set", "stop.loss_below=1e-8", "--set", "output.samples=11", "--set", "output.npz=true")
            for table in ("f_grid", "spline_grid"):
                self.assert_columns(os.path.join(relu, "final", table + ".npz"),
                                    os.path.join(relu, "final", table + ".csv"))
            # Losses to 1e-1000 and a nan at t = 0 (beta_over_margin): ±0 and nan, as float() gives.
            exp = run(os.path.join(EXAMPLES, "moroshko_1e1000.toml"), os.path.join(tmp, "exp"),
                      "--set", "output.npz=true", "--set", "output.samples=11")
            self.assert_columns(os.path.join(exp, "trajectory.npz"), os.path.join(exp, "trajectory.csv"))
            with np.load(os.path.join(exp, "trajectory.npz")) as archive:
                self.assertEqual(archive["loss"][-1], 0.0)
                self.assertTrue(np.isnan(archive["beta_over_margin_1"][0]))

    def test_without_the_flag_no_archive(self):
        with scratch() as tmp:
            out = run(os.path.join(EXAMPLES, "t1_5_taylor.toml"), os.path.join(tmp, "run"),
                      "--set", "precision.digits=30", "--set", "integrator.tolerance=1e-25",
                      "--set", "stop.loss_below=1e-10")
            self.assertFalse([f for f in os.listdir(out) if f.endswith(".npz")])


if __name__ == "__main__":
    unittest.main()
