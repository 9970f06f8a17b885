"""The compiled module gradflow._gradflow (python/src/bindings.cpp): gradflow.run through the library
run API in this process writes the very files the executable writes (the oracle: `gradflow run`, a
separate process through the CLI), and raises the same exceptions with the same messages."""
import glob
import json
import os
import unittest

import gradflow
from gradflow import _transport
from support import EXAMPLES, scratch

T1_5_TAYLOR = os.path.join(EXAMPLES, "t1_5_taylor.toml")


def with_transport(name, call):
    saved = os.environ.get("GRADFLOW_TRANSPORT")
    os.environ["GRADFLOW_TRANSPORT"] = name
    _transport.reset()
    try:
        return _transport.transport().name, call()
    finally:
        if saved is None:
            os.environ.pop("GRADFLOW_TRANSPORT", None)
        else:
            os.environ["GRADFLOW_TRANSPORT"] = saved
        _transport.reset()


@unittest.skipUnless(_transport._compiled_module() is not None, "gradflow._gradflow is not built")
class Compiled(unittest.TestCase):
    def test_the_module_writes_the_executables_files(self):
        with scratch() as tmp:
            overrides = dict(precision__digits=60, integrator__tolerance="1e-50", stop__loss_below="1e-40")
            outs = {}
            for name in ("compiled", "cli"):
                out = os.path.join(tmp, name)
                used, _ = with_transport(name, lambda: gradflow.run(T1_5_TAYLOR, out=out, **overrides))
                self.assertEqual(used, name)
                outs[name] = out
            for f in ("trajectory.csv", "config.toml", "final/U.csv", "final/V.csv", "final/product.csv"):
                with open(os.path.join(outs["compiled"], f)) as a, open(os.path.join(outs["cli"], f)) as b:
                    self.assertEqual(a.read(), b.read(), f)
            summaries = []
            for name in ("compiled", "cli"):
                with open(os.path.join(outs[name], "summary.json")) as f:
                    s = json.load(f)
                s.pop("wall_seconds")
                summaries.append(s)
            self.assertEqual(summaries[0], summaries[1])
            with open(os.path.join(outs["compiled"], "manifest.json")) as f:
                self.assertEqual(json.load(f)["command_line"][:2], ["python3", "gradflow.run"])

    def test_a_capped_run_resumes_to_the_uninterrupted_result(self):
        # The oracle is the same config run in one go; the checkpoint lives beside out.
        overrides = dict(precision__digits=60, integrator__tolerance="1e-50", stop__loss_below="1e-40",
                         output__state=True)
        with scratch() as tmp:
            whole = gradflow.run(T1_5_TAYLOR, out=os.path.join(tmp, "whole"), **overrides)
            for name in ("compiled", "cli"):
                out = os.path.join(tmp, name)
                checkpoints = lambda: glob.glob(os.path.join(tmp, ".gradflow-*.checkpoint"))
                _, part = with_transport(name, lambda: gradflow.run(T1_5_TAYLOR, out=out, stop__max_steps=3,
                                                                    **overrides))
                self.assertEqual(part.summary["stop_reason"], "max_steps")
                self.assertEqual(len(checkpoints()), 1, name)
                _, done = with_transport(name, lambda: gradflow.run(T1_5_TAYLOR, out=out, resume=True,
                                                                    **overrides))
                self.assertEqual(done.summary["stop_reason"], "loss_below")
                self.assertEqual(done.summary["loss_final"], whole.summary["loss_final"], name)
                self.assertEqual(done.exact, whole.exact, name)
                self.assertEqual(done.manifest["resumed_from"]["steps"], 3, name)
                self.assertEqual(checkpoints(), [], name)

    def test_bad_input_and_failed_integration_raise_as_from_the_executable(self):
        with scratch() as tmp:
            messages = {}
            for name in ("compiled", "cli"):
                def bad():
                    with self.assertRaises(gradflow.InvalidInput) as e:
                        gradflow.run(T1_5_TAYLOR, out=os.path.join(tmp, "bad"), precision__digits=3)
                    return str(e.exception)
                messages[name] = with_transport(name, bad)[1]
            self.assertEqual(messages["compiled"], messages["cli"])
            self.assertEqual(messages["compiled"], "gradflow: precision.digits = 3 violates 10 <= digits <= 100000")
            self.assertFalse(os.path.exists(os.path.join(tmp, "bad")))
            # A run that cannot fit in memory is refused up front, in this process too (no bad_alloc).
            def huge():
                with self.assertRaises(gradflow.InvalidInput) as e:
                    gradflow.run(T1_5_TAYLOR, out=os.path.join(tmp, "huge"), precision__digits=100000,
                                 output__samples=10000000)
                return str(e.exception)
            message = with_transport("compiled", huge)[1]
            self.assertTrue(message.startswith("gradflow: output.samples = 10000000 needs about "), message)
            self.assertFalse(os.path.exists(os.path.join(tmp, "huge")))
            # A loss of about 1e400 at X = 1e200: step size underflow, nothing written.
            def failing():
                with self.assertRaises(gradflow.IntegrationError) as e:
                    gradflow.run(T1_5_TAYLOR, out=os.path.join(tmp, "fail"),
                                 model__X=[["1e200", "0", "0"], ["0", "2", "0"]])
                return str(e.exception)
            message = with_transport("compiled", failing)[1]
            self.assertTrue(message.startswith("gradflow: integration failed: "), message)
            self.assertFalse(os.path.exists(os.path.join(tmp, "fail")))


if __name__ == "__main__":
    unittest.main()
