#!/usr/bin/env python3
"""Tests of scripts/stats-svg on small synthetic statistics files (Python unittest, stdlib only)."""
import copy
import json
import os
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ElementTree

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "stats-svg")
SVG = "{http://www.w3.org/2000/svg}"


def position(chip_x, x, y):
    return {"chip": [chip_x, 0], "x": x, "y": y}


def link(source, target, utilisation):
    return {"name": "test link", "from": source, "to": target, "flits": 10, "bytes": 640,
            "busy_cycles": 10, "utilisation": utilisation}


def synthetic_stats():
    """Two chips side by side, each of 3x2 positions with (1, 1) disabled: 10 cores."""
    cores = []
    for chip_x in range(2):
        for y in range(2):
            for x in range(3):
                if (x, y) != (1, 1):
                    rank = len(cores)
                    cores.append({"hartid": rank, "rank": rank, "position": position(chip_x, x, y),
                                  "state": "halted", "instructions": 100 * (rank + 1),
                                  "cycles": 2000, "stall_cycles": 50, "wfi_cycles": 100 * rank})
    links = [
        link(position(0, 0, 0), position(0, 1, 0), 0.05),   # east, lightly used
        link(position(0, 1, 0), position(0, 0, 0), 0.05),   # its opposite direction, same use
        link(position(0, 0, 0), position(0, 0, 1), 0.95),   # south, busy
        link(position(0, 2, 0), position(1, 0, 0), 0.5),    # chip to chip
        link(position(0, 0, 0), position(0, 0, 0), 0.2),    # an injection port: not drawn
    ]
    return {
        "format": "dojo-vp statistics 1",
        "tile": {"chips_x": 2, "chips_y": 1, "mesh_width": 3, "mesh_height": 2,
                 "disabled_cores": [[1, 1]], "core_clock_hz": 2000000000,
                 "noc_clock_hz": 2000000000, "flit_bytes": 64},
        "outcome": "exited", "exit_status": 0, "simulated_time_ps": 1000000, "wall_time_s": 0.01,
        "instructions": sum(core["instructions"] for core in cores), "mips": 0.5,
        "cores": cores, "links": links,
        "packets": {"count": 16, "flits": 40, "average_latency": 13.5, "max_latency": 70,
                    "bucket_cycles": 8, "latency_histogram": [0, 5, 7, 0, 3, 0, 0, 1]},
        "dma": [{"hartid": 0, "descriptors": 1, "bytes": 256, "errors": 0, "busy_cycles": 40}],
    }


def text_box(element):
    """(left, right, top, bottom) of an SVG <text>, its width taken generously as 0.64 em per
    character (the digits of DejaVu Sans, the usual sans-serif), and the text itself."""
    content, size = element.text, float(element.get("font-size"))
    x, y, length = float(element.get("x")), float(element.get("y")), 0.64 * size * len(content)
    if "rotate(-90" in (element.get("transform") or ""):  # upright text turned a quarter left
        return (x - 0.8 * size, x + 0.3 * size, y - length / 2, y + length / 2), content
    start = {"start": x, "middle": x - length / 2, "end": x - length}[element.get("text-anchor")]
    return (start, start + length, y - 0.8 * size, y + 0.3 * size), content


def overlap(a, b):
    return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]


class StatsSvgTest(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory()
        self.addCleanup(self.directory.cleanup)

    def run_script(self, stats, *options):
        """Runs the script on `stats` (a dict, or text written as is) and returns the result."""
        path = os.path.join(self.directory.name, "run.json")
        with open(path, "w", encoding="utf-8") as file:
            file.write(stats if isinstance(stats, str) else json.dumps(stats))
        return subprocess.run([sys.executable, SCRIPT, path, "--out-dir", self.directory.name,
                               *options], capture_output=True, text=True)

    def draw(self, stats=None, *options):
        """Both pictures of `stats` (default: the synthetic run) as parsed XML roots."""
        result = self.run_script(stats or synthetic_stats(), *options)
        self.assertEqual(result.returncode, 0, result.stderr)
        roots = []
        for kind in ("links", "latency"):
            path = os.path.join(self.directory.name, f"{kind}-run.svg")
            self.assertIn(path, result.stdout)
            roots.append(ElementTree.parse(path).getroot())  # raises unless well-formed
        return roots

    @staticmethod
    def group(root, name):
        found = root.find(f".//{SVG}g[@id='{name}']")
        if found is None:
            raise AssertionError(f"no <g id='{name}'>")
        return found

    def test_writes_both_pictures_as_svg(self):
        heatmap, latency = self.draw()
        self.assertEqual(heatmap.tag, f"{SVG}svg")
        self.assertEqual(latency.tag, f"{SVG}svg")
        self.assertIn("exited with status 0", "".join(heatmap.itertext()))

    def test_one_square_per_core_and_a_crossed_square_per_disabled_position(self):
        heatmap, _ = self.draw()
        self.assertEqual(len(self.group(heatmap, "cores").findall(f".//{SVG}rect")), 10)
        disabled = self.group(heatmap, "disabled-cores")
        self.assertEqual(len(disabled.findall(f".//{SVG}rect")), 2)  # one per chip
        crosses = disabled.findall(f"{SVG}path")
        self.assertEqual(len(crosses), 1)
        self.assertEqual(crosses[0].get("d").count("M"), 2)

    def test_links_coloured_by_utilisation_and_ports_left_out(self):
        heatmap, _ = self.draw()
        paths = self.group(heatmap, "links").findall(f"{SVG}path")
        colours = [path.get("stroke") for path in paths]
        self.assertEqual(len(colours), 3)  # 0.05 twice, 0.5 and 0.95: three buckets
        self.assertEqual(len(set(colours)), 3)
        self.assertEqual(sum(path.get("d").count("M") for path in paths), 4)

    def test_opposite_directions_do_not_overlap(self):
        heatmap, _ = self.draw()
        paths = self.group(heatmap, "links").findall(f"{SVG}path")
        pair = [path.get("d") for path in paths if path.get("d").count("M") == 2][0]
        # Two horizontal segments "Mx yHx2": the same span of x, at different heights.
        (x0, y0, x1), (x2, y2, x3) = [[float(v) for v in part.replace("H", " ").split()]
                                      for part in pair.split("M")[1:]]
        self.assertEqual(sorted([x0, x1]), sorted([x2, x3]))
        self.assertNotEqual(y0, y2)

    def test_log_scale_separates_light_loads(self):
        stats = synthetic_stats()
        stats["links"][0]["utilisation"] = 0.001
        stats["links"][1]["utilisation"] = 0.01
        linear, _ = self.draw(stats)
        log, _ = self.draw(stats, "--scale", "log")
        count = lambda root: len(self.group(root, "links").findall(f"{SVG}path"))
        self.assertEqual(count(linear), 3)
        self.assertEqual(count(log), 4)

    def test_fixed_scale_top_is_shown_as_clipped(self):
        heatmap, _ = self.draw(None, "--max-utilisation", "0.4")
        texts = "".join(heatmap.itertext())
        self.assertIn("≥ 40%", texts)

    def test_core_fill_follows_instructions(self):
        heatmap, _ = self.draw(None, "--core-fill", "instructions")
        fills = {group.get("fill") for group in self.group(heatmap, "cores").findall(f"{SVG}g")}
        self.assertGreater(len(fills), 5)

    def test_histogram_bars_overflow_and_markers(self):
        _, latency = self.draw()
        bars = self.group(latency, "bars").findall(f"{SVG}rect")
        self.assertEqual(len(bars), 3)  # non-empty regular buckets 1, 2 and 4
        overflow = latency.find(f".//{SVG}rect[@id='overflow']")
        self.assertIsNotNone(overflow)
        texts = list(latency.itertext())
        self.assertIn("average 13.5", texts)
        self.assertIn("max 70", texts)
        self.assertIn("≥ 56", texts)

    def test_tick_labels_do_not_overlap(self):
        """Over very different latency ranges and counts, no two axis labels (nor the rotated axis
        title) overlap and every one lies inside the picture."""
        cases = {
            # bucket_cycles, histogram
            "one-cycle buckets, overflow after 255": (1, [0] * 4 + [150] * 251 + [90]),
            "every bucket used, no overflow": (16, [100] * 255 + [0]),
            "huge buckets, tall overflow cut": (1_000_000, [5] * 11 + [10_000]),
            "counts of millions": (3, [5_000_000] * 39 + [2]),
            "four buckets": (7, [1, 2, 3, 0]),
            "the longest labels": (1_000_000, [1] * 65_535 + [3]),
            "overflow only": (16, [0] * 255 + [40]),
        }
        for label, (bucket, histogram) in cases.items():
            with self.subTest(label):
                stats = synthetic_stats()
                stats["packets"].update(count=sum(histogram), bucket_cycles=bucket,
                                        latency_histogram=histogram,
                                        max_latency=len(histogram) * bucket)
                _, latency = self.draw(stats)
                width = float(latency.get("viewBox").split()[2])
                boxes = [text_box(element) for group in ("x-ticks", "y-ticks")
                         for element in self.group(latency, group).iter(f"{SVG}text")]
                self.assertGreater(len(boxes), 4)
                boxes.append(text_box(latency.find(f".//{SVG}text[@id='y-title']")))
                for index, (box, content) in enumerate(boxes):
                    self.assertGreaterEqual(box[0], 0, content)
                    self.assertLessEqual(box[1], width, content)
                    for other, other_content in boxes[index + 1:]:
                        self.assertFalse(overlap(box, other),
                                         f"'{content}' {box} overlaps '{other_content}' {other}")

    def test_small_mesh_drawn_at_a_readable_size(self):
        """The 2x2 mini mesh is enlarged: each core's square at least 60 pixels on screen (it
        was 20), and a D1 chip still fits the display width of 1000 pixels."""
        stats = synthetic_stats()
        stats["tile"].update(chips_x=1, mesh_width=2, mesh_height=2, disabled_cores=[])
        stats["cores"] = [core for core in stats["cores"]
                          if core["position"]["chip"] == [0, 0] and core["position"]["x"] < 2]
        stats["links"] = [stats["links"][0]]
        heatmap, _ = self.draw(stats)
        scale = float(heatmap.get("width")) / float(heatmap.get("viewBox").split()[2])
        squares = self.group(heatmap, "cores").findall(f".//{SVG}rect")
        self.assertEqual(len(squares), 3)
        self.assertGreaterEqual(float(squares[0].get("width")) * scale, 60)
        chip = self.group(heatmap, "chips").find(f"{SVG}rect")
        self.assertGreaterEqual(float(chip.get("width")) * scale, 250)
        self.assertGreaterEqual(float(heatmap.get("height")), 400)

        stats["tile"].update(mesh_width=18, mesh_height=20)
        heatmap, _ = self.draw(stats)
        self.assertLessEqual(float(heatmap.get("width")), 1000)

    def test_no_packets_still_draws_a_histogram(self):
        stats = synthetic_stats()
        stats["packets"].update(count=0, flits=0, latency_histogram=[0] * 8)
        _, latency = self.draw(stats)
        self.assertIn("no packet crossed the network", "".join(latency.itertext()))

    def test_prefix_names_the_files(self):
        result = self.run_script(synthetic_stats(), "--prefix", "d1-demo")
        self.assertEqual(result.returncode, 0, result.stderr)
        for kind in ("links", "latency"):
            self.assertTrue(os.path.exists(os.path.join(self.directory.name, f"{kind}-d1-demo.svg")))

    def assert_fails(self, result, *fragments):
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("stats-svg: error:", result.stderr)
        for fragment in fragments:
            self.assertIn(fragment, result.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.directory.name, "links-run.svg")))

    def test_missing_file(self):
        missing = os.path.join(self.directory.name, "missing.json")
        result = subprocess.run([sys.executable, SCRIPT, missing], capture_output=True, text=True)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("missing.json: cannot read", result.stderr)

    def test_not_json(self):
        self.assert_fails(self.run_script("<html>"), "not a dojo-vp statistics file")

    def test_other_json(self):
        self.assert_fails(self.run_script({"format": "something else"}),
                          "not a dojo-vp statistics file", '"something else"')

    def test_missing_field_is_named(self):
        stats = synthetic_stats()
        del stats["tile"]["mesh_width"]
        self.assert_fails(self.run_script(stats), "'tile.mesh_width'")

    def test_core_outside_the_tile_is_named(self):
        stats = synthetic_stats()
        stats["cores"][3]["position"]["x"] = 7
        self.assert_fails(self.run_script(stats), "cores[3]", "outside")

    def test_bad_histogram_is_named(self):
        stats = synthetic_stats()
        stats["packets"]["latency_histogram"][2] = "many"
        self.assert_fails(self.run_script(stats), "packets.latency_histogram")

    def test_missing_output_directory(self):
        path = os.path.join(self.directory.name, "run.json")
        with open(path, "w", encoding="utf-8") as file:
            json.dump(synthetic_stats(), file)
        result = subprocess.run([sys.executable, SCRIPT, path, "--out-dir",
                                 os.path.join(self.directory.name, "nowhere")],
                                capture_output=True, text=True)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("nowhere: no such directory", result.stderr)


if __name__ == "__main__":
    unittest.main()
