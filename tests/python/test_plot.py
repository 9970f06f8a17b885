"""gradflow plot (the CLI, which runs python3 -m gradflow.plot): each kind gives a PNG that is not
blank, and bad input exits 2 with one message, leaving files it did not write alone."""
import os
import subprocess
import unittest

import matplotlib

matplotlib.use("Agg")
import matplotlib.image  # noqa: E402
import numpy as np  # noqa: E402

from support import DATA, EXAMPLES, executable, quick_run, scratch  # noqa: E402


def coloured_pixels(path):
    """Pixels whose colour is not a grey (channel spread > 0.2): the curves, bars and points.
    Axes, ticks, grid, text and background are black or grey, so an empty figure has none
    (measured: 0 for titled, gridded empty axes; 1596 for the sparsest figure here, a sweep of two
    points per line)."""
    image = matplotlib.image.imread(path)[..., :3]
    return int(((image.max(axis=2) - image.min(axis=2)) > 0.2).sum())


def plot_in_process(*args):
    """gradflow.plot.main, the entry `gradflow plot` runs, without a new interpreter per figure."""
    import contextlib
    import io
    import gradflow.plot
    with contextlib.redirect_stdout(io.StringIO()):
        return gradflow.plot.main(list(args))


@unittest.skipUnless(executable(), "GRADFLOW_EXE not set (ctest sets it)")
class Plot(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = scratch()
        cls.run_dir = quick_run(cls.tmp.name)
        sweep_file = os.path.join(cls.tmp.name, "sweep.toml")
        with open(sweep_file, "w") as f:
            f.write(f'base = "{os.path.join(EXAMPLES, "t1_5_taylor.toml")}"\n[axes]\n'
                    '"precision.digits" = [40, 60, 80]\n[set]\n"integrator.tolerance" = "1e-32"\n'
                    '"stop.loss_below" = "1e-25"\n"output.samples" = 11\n')
        cls.sweep_dir = os.path.join(cls.tmp.name, "sweep")
        subprocess.run([executable(), "sweep", sweep_file, "--out", cls.sweep_dir, "--jobs", "2", "--quiet"],
                       check=True, stdout=subprocess.DEVNULL)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def plot(self, *args):
        return subprocess.run([executable(), "plot", *args], capture_output=True, text=True)

    def assert_picture(self, path):
        self.assertGreater(os.path.getsize(path), 10000, path)
        self.assertGreater(coloured_pixels(path), 1000, path)

    def test_each_kind_of_a_run(self):
        for what in ("loss", "rate", "invariants", "checks"):
            with self.subTest(what=what):
                out = os.path.join(self.tmp.name, f"{what}.png")
                self.assertEqual(plot_in_process(self.run_dir, "--what", what, "-o", out), 0)
                self.assert_picture(out)

    def test_through_the_cli_and_replacing_its_own_png(self):
        out = os.path.join(self.tmp.name, "cli.png")
        for _ in range(2):  # the second replaces the PNG the first wrote
            p = self.plot(self.run_dir, "--what", "rate", "-o", out)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(p.stdout, f"gradflow: wrote {out}\n")
            self.assert_picture(out)

    def test_sweep_and_dataset(self):
        out = os.path.join(self.tmp.name, "sweep.png")
        self.assertEqual(plot_in_process(self.sweep_dir, "--what", "sweep", "--y", "steps", "-o", out), 0)
        self.assert_picture(out)
        out = os.path.join(self.tmp.name, "sweep_loss.png")
        self.assertEqual(plot_in_process(self.sweep_dir, "--what", "loss", "-o", out), 0)
        self.assert_picture(out)
        out = os.path.join(self.tmp.name, "dataset.png")
        self.assertEqual(plot_in_process(os.path.join(DATA, "linear_deep", "random_depth4"), "--what",
                                         "invariants", "-o", out), 0)
        self.assert_picture(out)

    def test_axes_and_bounds_follow_the_run(self):
        import gradflow.plot as gp
        # T1.5 carries min2021.rate and min2021.exp_bound: both bounds are drawn, dashed.
        fig = gp.figure(self.run_dir, "rate")
        legend = " | ".join(t.get_text() for t in fig.axes[0].get_legend().get_texts())
        self.assertIn("min2021.rate bound on its tightest interval", legend)
        self.assertIn("min2021.exp_bound: λ_r c(0)", legend)
        # A run whose checks have no rate bound: none is drawn and the title says so.
        with scratch() as tmp:
            out = os.path.join(tmp, "mor")
            subprocess.run([executable(), "run", os.path.join(EXAMPLES, "moroshko_1e1000.toml"), "--out", out,
                            "--quiet", "--set", "stop.loss_below=1e-60", "--set", "output.samples=11"],
                           check=True, stdout=subprocess.DEVNULL)
            fig = gp.figure(out, "rate")
            ax = fig.axes[0]
            self.assertIn("no rate bound among this run's checks", ax.get_title())
            self.assertEqual(len(ax.get_legend().get_texts()), 1)
            # time_change = "loss": t reaches 1e56 here (1e996 in the example), so the axis is log10 t.
            fig = gp.figure(out, "loss")
            self.assertEqual(fig.axes[0].get_xlabel(), "log10 t")
            x = fig.axes[0].get_lines()[0].get_xdata()
            # log10 of the exact t string against summary.json's log10_t_final (computed by gradflow).
            import gradflow
            expected = float(gradflow.load(out).summary["log10_t_final"])
            self.assertLess(abs(float(x[-1]) - expected), 1e-12 * expected)

    def test_the_fitted_slope(self):
        # The legend's slope is the least-squares slope of log10 steps against log10 digits.
        import gradflow
        import gradflow.plot as gp
        s = gradflow.load(self.sweep_dir)
        fig = gp.figure(self.sweep_dir, "sweep", x="precision.digits", y="steps")
        legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
        x, y = np.log10(s.table["precision.digits"]), np.log10(s.table["steps"])
        slope = np.polyfit(x, y, 1)[0]
        self.assertEqual(legend, [f"all runs: slope {slope:.3f}"])

    def test_bad_input_exits_2_with_one_message(self):
        out = os.path.join(self.tmp.name, "bad.png")
        cases = [
            ((self.run_dir, "--what", "speed", "-o", out),
             'gradflow: --what = "speed" must be one of loss, rate, invariants, checks, sweep\n'),
            ((os.path.join(self.tmp.name, "nowhere"), "-o", out),
             f'gradflow: DIR = "{os.path.join(self.tmp.name, "nowhere")}": no such directory\n'),
            ((self.run_dir, "-o", os.path.join(self.tmp.name, "x.jpg")),
             f'gradflow: -o = "{os.path.join(self.tmp.name, "x.jpg")}" must end in .png\n'),
            ((self.run_dir, "--what", "sweep", "-o", out),
             f'gradflow: --what = "sweep" needs a sweep directory (sweep.csv); {self.run_dir} is a run\n'),
            ((self.sweep_dir, "--what", "sweep", "--y", "nope", "-o", out), None),
            ((self.tmp.name, "-o", out), None),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                p = self.plot(*args)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
                if message is not None:
                    self.assertEqual(p.stderr, message)
                self.assertFalse(os.path.exists(out))

    def test_a_file_it_did_not_write_is_left_alone(self):
        for content in (b"notes\n", b"\x89PNG\r\n\x1a\n" + b"\0" * 32):
            with self.subTest(content=content[:4]):
                out = os.path.join(self.tmp.name, "mine.png")
                with open(out, "wb") as f:
                    f.write(content)
                p = self.plot(self.run_dir, "-o", out)
                self.assertEqual(p.returncode, 2)
                self.assertEqual(p.stderr, f'gradflow: -o = "{out}" exists and is not a PNG written by '
                                           'gradflow plot: not replaced (remove it or choose another name)\n')
                with open(out, "rb") as f:
                    self.assertEqual(f.read(), content)
        leftovers = [n for n in os.listdir(self.tmp.name) if n.startswith(".gradflow-plot-")]
        self.assertEqual(leftovers, [])

    def test_missing_matplotlib_is_one_message(self):
        # A matplotlib that cannot be imported (shadowed on PYTHONPATH, which gradflow plot keeps
        # after its own package directory) stands for one that is not installed.
        shadow = os.path.join(self.tmp.name, "shadow", "matplotlib")
        os.makedirs(shadow, exist_ok=True)
        with open(os.path.join(shadow, "__init__.py"), "w") as f:
            f.write("raise ImportError('not installed')\n")
        env = dict(os.environ, PYTHONPATH=os.path.dirname(shadow))
        out = os.path.join(self.tmp.name, "m.png")
        p = subprocess.run([executable(), "plot", self.run_dir, "-o", out], capture_output=True, text=True,
                           env=env)
        self.assertEqual(p.returncode, 2)
        self.assertEqual(p.stderr, "gradflow: plot needs python3-matplotlib for /usr/bin/python3 (Debian "
                                   "packages; scripts/install-deps installs them)\n")
        self.assertFalse(os.path.exists(out))

    def test_help_lists_plot(self):
        p = subprocess.run([executable(), "--help"], capture_output=True, text=True)
        self.assertIn("\n  plot ", p.stdout)
        p = subprocess.run([executable(), "plot", "--help"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0)
        self.assertIn("--what", p.stdout)

    def test_missing_python_package_directory(self):
        env = dict(os.environ, GRADFLOW_PYTHON_DIR=os.path.join(self.tmp.name, "nowhere"))
        p = subprocess.run([executable(), "plot", self.run_dir, "-o", os.path.join(self.tmp.name, "n.png")],
                           capture_output=True, text=True, env=env)
        self.assertEqual(p.returncode, 2)
        self.assertEqual(len(p.stderr.splitlines()), 1)
        self.assertIn("GRADFLOW_PYTHON_DIR", p.stderr)


if __name__ == "__main__":
    unittest.main()
