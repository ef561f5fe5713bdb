#!/usr/bin/env python3
"""A device's register map, declared once in YAML, made into what uses it.

    regmap.py SPEC.yaml [--c-header FILE] [--cpp-header FILE] [--markdown FILE] [--check-doc DOC]

SPEC.yaml (e.g. models/dma/dma_registers.yaml) lists the registers (name, offset, width, access,
help) with their fields (bits, help, named values). From it come:
  --c-header    the firmware SDK's header (#defines usable from C and assembly):
                DOJO_<DEVICE>_<REGISTER>_OFFSET and _BYTES; a one-bit field's mask
                DOJO_<DEVICE>_<REGISTER>_<FIELD>; a wider field's _SHIFT and (unshifted) _MASK;
                each named value DOJO_<DEVICE>_<FIELD>_<VALUE>
  --cpp-header  the model's constants, the same names in lower case in namespace
                dojo::<device>::registers
  --markdown    the register table of the device's documentation
  --check-doc   exits 1 if DOC's table (between the `<!-- registers: NAME -->` and
                `<!-- registers end -->` lines) is not what --markdown writes
Files are written only when their content changes, so an unchanged map rebuilds nothing.
"""
import argparse
import sys
from pathlib import Path

import yaml

ACCESS = {"rw": "read/write", "ro": "read-only", "wo": "write-only"}
WIDTHS = (8, 16, 32, 64)


class SpecError(Exception):
    pass


def parse_bits(text, where, width):
    """'3' or '15:8' -> (low, count)."""
    parts = str(text).split(":")
    try:
        high, low = (int(parts[0]), int(parts[-1]))
    except ValueError:
        raise SpecError(f"{where}: bits '{text}' is not N or HIGH:LOW") from None
    if len(parts) > 2 or low > high or high >= width:
        raise SpecError(f"{where}: bits '{text}' do not fit a {width}-bit register")
    return low, high - low + 1


def load(path):
    try:
        spec = yaml.safe_load(Path(path).read_text())
    except (OSError, yaml.YAMLError) as error:
        raise SpecError(f"{path}: {error}") from None
    if not isinstance(spec, dict) or not isinstance(spec.get("device"), str) or \
            not isinstance(spec.get("registers"), list):
        raise SpecError(f"{path}: needs 'device' (a name) and 'registers' (a list)")
    offsets = {}
    for register in spec["registers"]:
        where = f"{path}: register {register.get('name', '?')}"
        for key in ("name", "offset", "width", "access", "help"):
            if key not in register:
                raise SpecError(f"{where}: '{key}' is missing")
        if register["width"] not in WIDTHS or register["access"] not in ACCESS:
            raise SpecError(f"{where}: width must be one of {WIDTHS}, access one of "
                            f"{', '.join(ACCESS)}")
        if register["offset"] % (register["width"] // 8):
            raise SpecError(f"{where}: offset {register['offset']:#x} is not aligned to its width")
        if register["offset"] in offsets:
            raise SpecError(f"{where}: offset {register['offset']:#x} is also "
                            f"{offsets[register['offset']]}'s")
        offsets[register["offset"]] = register["name"]
        used = 0
        for field in register.get("fields", []):
            field_where = f"{where}, field {field.get('name', '?')}"
            low, count = parse_bits(field.get("bits", ""), field_where, register["width"])
            mask = ((1 << count) - 1) << low
            if used & mask:
                raise SpecError(f"{field_where}: bits overlap another field")
            used |= mask
            field["low"], field["count"] = low, count
    return spec


def c_names(spec):
    """(name, value, comment) of every constant, in declaration order."""
    device = spec["device"].upper()
    names = []
    for register in spec["registers"]:
        reg = register["name"].upper()
        names.append((f"DOJO_{device}_{reg}_OFFSET", f"0x{register['offset']:02X}",
                      f"{register['width']}-bit, {ACCESS[register['access']]}: {register['help']}"))
        names.append((f"DOJO_{device}_{reg}_BYTES", str(register["width"] // 8), ""))
        for field in register.get("fields", []):
            base = f"DOJO_{device}_{reg}_{field['name'].upper()}"
            if field["count"] == 1:
                names.append((base, f"0x{1 << field['low']:X}", field.get("help", "")))
            else:
                names.append((f"{base}_SHIFT", str(field["low"]), field.get("help", "")))
                names.append((f"{base}_MASK", f"0x{(1 << field['count']) - 1:X}", ""))
            for value_name, value in (field.get("values") or {}).items():
                text, comment = (value, "") if isinstance(value, int) else \
                    (value["value"], value.get("help", ""))
                names.append((f"DOJO_{device}_{field['name'].upper()}_{value_name.upper()}",
                              str(text), comment))
    return names


def header_comment(spec, source):
    return (f"Generated from {source} by models/support/regmap.py: do not edit; change the\n"
            f"register map there ({spec['device']}).")


def c_header(spec, source):
    guard = f"DOJO_{spec['device'].upper()}_REGISTERS_H"
    lines = ["/*", *[f" * {line}" for line in header_comment(spec, source).splitlines()], " */",
             f"#ifndef {guard}", f"#define {guard}", ""]
    for name, value, comment in c_names(spec):
        lines.append(f"#define {name} {value}" + (f" /* {comment} */" if comment else ""))
    return "\n".join(lines + ["", "#endif", ""])


def cpp_header(spec, source):
    device = spec["device"].lower()
    lines = ["// " + line for line in header_comment(spec, source).splitlines()]
    lines += ["#pragma once", "", "#include <cstdint>", "",
              f"namespace dojo::{device}::registers {{", ""]
    prefix = f"DOJO_{spec['device'].upper()}_"
    for name, value, comment in c_names(spec):
        short = name[len(prefix):].lower()
        kind = "unsigned" if short.endswith("_shift") else "uint64_t"
        if comment:
            lines.append(f"// {comment}")
        lines.append(f"inline constexpr {kind} {short} = {value};")
    return "\n".join(lines + ["", f"}}  // namespace dojo::{device}::registers", ""])


def markdown(spec):
    lines = ["| Offset | Name | Width | Access | Meaning |", "|---|---|---|---|---|"]
    for register in spec["registers"]:
        meaning = register["help"]
        for field in register.get("fields", []):
            bits = str(field["low"]) if field["count"] == 1 else \
                f"{field['low'] + field['count'] - 1}..{field['low']}"
            text = f"bit{'s' if field['count'] > 1 else ''} {bits} `{field['name'].upper()}`"
            if field.get("help"):
                text += f": {field['help']}"
            values = field.get("values") or {}
            if values:
                text += " (" + ", ".join(
                    f"{value if isinstance(value, int) else value['value']} {name.lower()}"
                    for name, value in values.items()) + ")"
            meaning += ". " + text[0].upper() + text[1:]
        lines.append(f"| `0x{register['offset']:02X}` | `{register['name'].upper()}` | "
                     f"{register['width']} | {ACCESS[register['access']]} | {meaning} |")
    return "\n".join(lines) + "\n"


def doc_table(doc, device):
    text = Path(doc).read_text()
    begin, end = f"<!-- registers: {device} -->\n", "<!-- registers end -->"
    start = text.find(begin)
    stop = text.find(end, start)
    if start < 0 or stop < 0:
        raise SpecError(f"{doc}: no '{begin.strip()}' ... '{end}' section")
    return text[start + len(begin):stop]


def write_if_changed(path, text):
    path = Path(path)
    if not path.exists() or path.read_text() != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("spec")
    parser.add_argument("--source-name", help="how the headers name the spec (default: its path)")
    parser.add_argument("--c-header")
    parser.add_argument("--cpp-header")
    parser.add_argument("--markdown")
    parser.add_argument("--check-doc")
    arguments = parser.parse_args()
    try:
        spec = load(arguments.spec)
        source = arguments.source_name or arguments.spec
        if arguments.c_header:
            write_if_changed(arguments.c_header, c_header(spec, source))
        if arguments.cpp_header:
            write_if_changed(arguments.cpp_header, cpp_header(spec, source))
        if arguments.markdown:
            write_if_changed(arguments.markdown, markdown(spec))
        if arguments.check_doc and doc_table(arguments.check_doc, spec["device"]) != markdown(spec):
            print(f"regmap: {arguments.check_doc}'s register table is stale: replace it with\n"
                  f"{markdown(spec)}", file=sys.stderr)
            return 1
    except SpecError as error:
        print(f"regmap: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
