#!/usr/bin/env python3
"""scripts/noc-sweep end to end on a small mesh: both network models on one picture, each curve
up to its first saturated run, and options it does not know passed to noc-sim (Python unittest)."""
import os
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ElementTree

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "noc-sweep")
SVG = "{http://www.w3.org/2000/svg}"
DOJO_VP = None  # from the command line


def sweep(*arguments):
    with tempfile.TemporaryDirectory() as scratch:
        out = os.path.join(scratch, "sweep.svg")
        result = subprocess.run([sys.executable, SCRIPT, "--dojo-vp", DOJO_VP, "--mesh", "4x4", "--measure", "2000",
                                 "--min-rate", "0.1", "--max-rate", "0.9", "--step", "0.2", "--out", out, *arguments],
                                capture_output=True, text=True)
        svg = ElementTree.parse(out).getroot() if result.returncode == 0 else None
        return result, svg


class NocSweep(unittest.TestCase):
    def test_both_models_on_one_picture(self):
        result, svg = sweep("--traffic", "uniform", "transpose")
        self.assertEqual(result.returncode, 0, result.stderr)
        curves = svg.findall(f".//{SVG}g[@class]")
        self.assertEqual(sorted(g.get("class") for g in curves),
                         ["transpose cycle", "transpose ideal", "uniform cycle", "uniform ideal"])
        texts = [t.text for t in svg.iter(f"{SVG}text")]
        self.assertIn("uniform, cycle", texts)
        self.assertIn("transpose, ideal", texts)
        # Transpose saturates below 0.9 under both models, each curve stopping there; uniform
        # (bound 1 on 4x4) only under the cycle model.
        for model in ("ideal", "cycle"):
            self.assertRegex(result.stderr, rf"transpose\s+{model} offered \S+ .* saturated\n(?!transpose\s+{model})")
        self.assertRegex(result.stderr, r"uniform\s+cycle offered 0.900 .* saturated")
        self.assertNotRegex(result.stderr, r"uniform\s+ideal .* saturated")
        self.assertTrue(any(t and t.startswith("saturated at 0.") for t in texts))

    def test_one_model_and_noc_sim_options(self):
        result, svg = sweep("--model", "cycle", "--vcs", "4")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual([g.get("class") for g in svg.findall(f".//{SVG}g[@class]")], ["uniform cycle"])
        result, _ = sweep("--vcs", "0")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("noc.vcs", result.stderr)


if __name__ == "__main__":
    DOJO_VP = sys.argv.pop(sys.argv.index("--dojo-vp") + 1)
    sys.argv.remove("--dojo-vp")
    unittest.main()
