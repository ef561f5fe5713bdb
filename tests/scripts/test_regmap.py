#!/usr/bin/env python3
"""models/support/regmap.py: one register map makes the model's constants, the SDK's header and
the docs' table, together; a bad map is refused with its file and register named; a stale table
in the docs is found (Python unittest, stdlib and PyYAML)."""
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
REGMAP = REPO / "models" / "support" / "regmap.py"
DMA_MAP = REPO / "models" / "dma" / "dma_registers.yaml"


def regmap(*arguments):
    return subprocess.run([sys.executable, str(REGMAP), *map(str, arguments)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)


class RegmapTest(unittest.TestCase):
    def setUp(self):
        self.folder = Path(tempfile.mkdtemp(prefix="regmap-test-"))

    def generate(self, spec):
        outputs = [self.folder / name for name in ("regs.h", "regs_cpp.h", "table.md")]
        run = regmap(spec, "--c-header", outputs[0], "--cpp-header", outputs[1],
                     "--markdown", outputs[2])
        self.assertEqual(run.returncode, 0, run.stderr)
        return [path.read_text() for path in outputs]

    def test_one_offset_changes_model_sdk_and_docs_together(self):
        c_header, cpp_header, table = self.generate(DMA_MAP)
        self.assertIn("#define DOJO_DMA_STATUS_OFFSET 0x0C", c_header)
        self.assertIn("#define DOJO_DMA_STATUS_CAUSE_SHIFT 8", c_header)
        self.assertIn("#define DOJO_DMA_CAUSE_CHAIN_TOO_LONG 8", c_header)
        self.assertIn("inline constexpr uint64_t status_offset = 0x0C;", cpp_header)
        self.assertIn("| `0x0C` | `STATUS` | 32 | read-only |", table)
        moved = self.folder / "moved.yaml"
        moved.write_text(DMA_MAP.read_text().replace("offset: 0x0C", "offset: 0x28"))
        c_header, cpp_header, table = self.generate(moved)
        self.assertIn("#define DOJO_DMA_STATUS_OFFSET 0x28", c_header)
        self.assertIn("inline constexpr uint64_t status_offset = 0x28;", cpp_header)
        self.assertIn("| `0x28` | `STATUS` |", table)
        self.assertNotIn("0x0C", c_header + cpp_header + table)
        # The shipped docs' table is the shipped map's, and a stale one is found.
        self.assertEqual(regmap(DMA_MAP, "--check-doc", REPO / "docs" / "dma.md").returncode, 0)
        stale = regmap(moved, "--check-doc", REPO / "docs" / "dma.md")
        self.assertEqual(stale.returncode, 1)
        self.assertIn("register table is stale", stale.stderr)

    def test_every_shipped_map_has_its_doc_table_current(self):
        maps = sorted(REPO.glob("models/*/*_registers.yaml"))
        self.assertGreaterEqual(len(maps), 6)
        for spec in maps:
            run = regmap(spec, "--check-doc")
            self.assertEqual(run.returncode, 0, f"{spec}: {run.stderr}")

    def test_update_doc_rewrites_only_the_table(self):
        doc = self.folder / "device.md"
        doc.write_text("# DMA\n\nabove\n<!-- registers: DMA -->\nold\n<!-- registers end -->\n"
                       "below\n")
        self.assertEqual(regmap(DMA_MAP, "--check-doc", doc).returncode, 1)
        self.assertEqual(regmap(DMA_MAP, "--update-doc", doc).returncode, 0)
        text = doc.read_text()
        self.assertTrue(text.startswith("# DMA\n\nabove\n<!-- registers: DMA -->\n| Offset |"))
        self.assertTrue(text.endswith("<!-- registers end -->\nbelow\n"))
        self.assertEqual(regmap(DMA_MAP, "--check-doc", doc).returncode, 0)

    def test_bad_maps_are_refused_naming_the_register(self):
        cases = {
            "offset: 0x08": ("offset: 0x00", "register CONTROL: offset 0x0 is also DESC_ADDR's"),
            "bits: 1,": ("bits: 0,", "field IRQ_ENABLE: bits overlap another field"),
            "width: 32\n    access: ro\n    help: state": (
                "width: 24\n    access: ro\n    help: state", "register STATUS: width must be"),
            'bits: "15:8"': ('bits: "40:8"', "field CAUSE: bits '40:8' do not fit a 32-bit"),
        }
        for original, (broken, message) in cases.items():
            with self.subTest(message=message):
                spec = self.folder / "bad.yaml"
                text = DMA_MAP.read_text()
                self.assertIn(original, text)
                spec.write_text(text.replace(original, broken, 1))
                run = regmap(spec, "--c-header", self.folder / "out.h")
                self.assertEqual(run.returncode, 2)
                self.assertIn(f"{spec}: ", run.stderr)
                self.assertIn(message, run.stderr)


if __name__ == "__main__":
    unittest.main()
