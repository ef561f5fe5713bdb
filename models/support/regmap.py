#!/usr/bin/env python3
"""A device's register map, declared once in YAML, made into what uses it.

    regmap.py SPEC.yaml [--c-header FILE] [--cpp-header FILE] [--markdown FILE]
                        [--check-doc [DOC]] [--update-doc [DOC]]

SPEC.yaml (e.g. models/dma/dma_registers.yaml) names the device, optionally the bytes it decodes
(size) and the document with its register table (doc, relative to the repository), and lists the
registers (name, offset, width, access, help; optionally the reset value, the narrowest access in
bytes (min_access, default the width) and for an array of registers count and stride) with their
fields (bits, help, named values). From it come:
  --c-header    the firmware SDK's header (#defines usable from C and assembly): DOJO_<DEVICE>_SIZE;
                DOJO_<DEVICE>_<REGISTER>_OFFSET (an array's first element), _BYTES and
                _MIN_ACCESS (the narrowest access), an array's
                _STRIDE and _COUNT, a declared _RESET; a one-bit field's mask
                DOJO_<DEVICE>_<REGISTER>_<FIELD>; a wider field's _SHIFT and (unshifted) _MASK;
                each named value DOJO_<DEVICE>_<FIELD>_<VALUE>
  --cpp-header  the model's constants, the same names in lower case in namespace
                dojo::<device>::registers, and each register's RegisterLayout
                (support/register_layout.h) under its own name
  --markdown    the register table of the device's documentation
  --check-doc   exits 1 if DOC's table (between the `<!-- registers: NAME -->` and
                `<!-- registers end -->` lines) is not what --markdown writes; DOC defaults to the
                map's doc
  --update-doc  writes that table into DOC (default: the map's doc)
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
    for register in spec["registers"]:
        where = f"{path}: register {register.get('name', '?')}"
        for key in ("name", "offset", "width", "access", "help"):
            if key not in register:
                raise SpecError(f"{where}: '{key}' is missing")
        if register["width"] not in WIDTHS or register["access"] not in ACCESS:
            raise SpecError(f"{where}: width must be one of {WIDTHS}, access one of "
                            f"{', '.join(ACCESS)}")
        size = register["width"] // 8
        register.setdefault("count", 1)
        register.setdefault("stride", size)
        if register["offset"] % size or register["stride"] % size:
            raise SpecError(f"{where}: offset {register['offset']:#x} or stride is not aligned "
                            f"to its width")
        register.setdefault("min_access", size)
        if register["min_access"] not in (1, 2, 4, 8) or register["min_access"] > size:
            raise SpecError(f"{where}: min_access must be 1, 2, 4 or 8 bytes and at most the "
                            f"width's {size}")
        if register["count"] < 1 or register["stride"] < size:
            raise SpecError(f"{where}: an array needs a count of at least 1 and a stride of at "
                            f"least its width")
        used = 0
        for field in register.get("fields", []):
            field_where = f"{where}, field {field.get('name', '?')}"
            low, count = parse_bits(field.get("bits", ""), field_where, register["width"])
            mask = ((1 << count) - 1) << low
            if used & mask:
                raise SpecError(f"{field_where}: bits overlap another field")
            used |= mask
            field["low"], field["count"] = low, count
    check_layout(spec, path)
    return spec


def check_layout(spec, path):
    """No two registers (or array elements) share a byte, and all lie inside the device."""
    # Sorted by offset, then declaration order, so the later declaration is the one named.
    spans = sorted((register["offset"] + i * register["stride"], index, register["width"] // 8,
                    register["name"])
                   for index, register in enumerate(spec["registers"])
                   for i in range(register["count"]))
    for (offset, _, size, name), (next_offset, _, _, next_name) in zip(spans, spans[1:]):
        if offset + size > next_offset:
            raise SpecError(f"{path}: register {next_name}: offset {next_offset:#x} is also "
                            f"{name}'s")
    end = max(((offset + size, name) for offset, _, size, name in spans), default=(0, ""))
    if "size" in spec and end[0] > spec["size"]:
        raise SpecError(f"{path}: register {end[1]}: it ends at {end[0]:#x}, past the device's "
                        f"size {spec['size']:#x}")


def value_text(value):
    return str(value) if value < 10 else f"0x{value:X}"


def c_names(spec):
    """(name, value, comment) of every constant, in declaration order."""
    device = spec["device"].upper()
    names = []
    if "size" in spec:
        names.append((f"DOJO_{device}_SIZE", f"0x{spec['size']:X}", "bytes the device decodes"))
    for register in spec["registers"]:
        reg = register["name"].upper()
        names.append((f"DOJO_{device}_{reg}_OFFSET", f"0x{register['offset']:02X}",
                      f"{register['width']}-bit, {ACCESS[register['access']]}: {register['help']}"))
        names.append((f"DOJO_{device}_{reg}_BYTES", str(register["width"] // 8), ""))
        names.append((f"DOJO_{device}_{reg}_MIN_ACCESS", str(register["min_access"]),
                      "the narrowest access, in bytes"))
        if register["count"] > 1:
            names.append((f"DOJO_{device}_{reg}_STRIDE", str(register["stride"]),
                          "element i is at OFFSET + i * STRIDE"))
            names.append((f"DOJO_{device}_{reg}_COUNT", str(register["count"]), "elements"))
        if "reset" in register:
            names.append((f"DOJO_{device}_{reg}_RESET", value_text(register["reset"]), ""))
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
                              value_text(text), comment))
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
    lines += ["#pragma once", "", "#include <cstdint>", "", '#include "support/register_layout.h"',
              "", f"namespace dojo::{device}::registers {{", ""]
    prefix = f"DOJO_{spec['device'].upper()}_"
    for name, value, comment in c_names(spec):
        short = name[len(prefix):].lower()
        kind = "unsigned" if short.endswith(("_shift", "_bytes", "_min_access")) else "uint64_t"
        if comment:
            lines.append(f"// {comment}")
        lines.append(f"inline constexpr {kind} {short} = {value};")
    lines.append("")
    for register in spec["registers"]:
        lines.append(f"inline constexpr RegisterLayout {register['name'].lower()} = "
                     f"{{0x{register['offset']:02X}, {register['width'] // 8}, "
                     f"{register['min_access']}}};")
    return "\n".join(lines + ["", f"}}  // namespace dojo::{device}::registers", ""])


def markdown(spec):
    resets = any("reset" in register for register in spec["registers"])
    lines = ["| Offset | Name | Width | Access | " + ("Reset | " if resets else "") + "Meaning |",
             "|---|---|---|---|" + ("---|" if resets else "") + "---|"]
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
                    f"{value_text(value if isinstance(value, int) else value['value'])} "
                    f"{name.lower()}" for name, value in values.items()) + ")"
            meaning += ". " + text[0].upper() + text[1:]
        offset, name = f"0x{register['offset']:02X}", register["name"].upper()
        if register["count"] > 1:
            offset, name = f"{offset} + {register['stride']}i", f"{name}[i]"
            meaning += f" (i < {register['count']})"
        reset = f" `{value_text(register['reset'])}` |" if "reset" in register else \
            (" |" if resets else "")
        width = str(register["width"])
        if register["min_access"] < register["width"] // 8:
            sizes, size = [], register["min_access"]
            while size <= register["width"] // 8:
                sizes.append(str(size))
                size *= 2
            width += f" (accesses of {', '.join(sizes[:-1])} or {sizes[-1]} bytes)"
        lines.append(f"| `{offset}` | `{name}` | {width} | "
                     f"{ACCESS[register['access']]} |{reset} {meaning} |")
    return "\n".join(lines) + "\n"


def doc_table(doc, device):
    """(text, start, stop): DOC's text and where its register table lies in it."""
    try:
        text = Path(doc).read_text()
    except OSError as error:
        raise SpecError(f"{doc}: {error.strerror}") from None
    begin, end = f"<!-- registers: {device} -->\n", "<!-- registers end -->"
    start = text.find(begin)
    stop = text.find(end, start)
    if start < 0 or stop < 0:
        raise SpecError(f"{doc}: no '{begin.strip()}' ... '{end}' section")
    return text, start + len(begin), stop


def spec_doc(spec, spec_path, given):
    """The document named on the command line, else the map's own doc (relative to the repository:
    models/<folder>/<map>.yaml is two folders below it)."""
    if given:
        return given
    if "doc" not in spec:
        raise SpecError(f"{spec_path}: no 'doc' names the document with the register table")
    return str(Path(spec_path).resolve().parent.parent.parent / spec["doc"])


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
    parser.add_argument("--check-doc", nargs="?", const="")
    parser.add_argument("--update-doc", nargs="?", const="")
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
        if arguments.update_doc is not None:
            doc = spec_doc(spec, arguments.spec, arguments.update_doc)
            text, start, stop = doc_table(doc, spec["device"])
            write_if_changed(doc, text[:start] + markdown(spec) + text[stop:])
        if arguments.check_doc is not None:
            doc = spec_doc(spec, arguments.spec, arguments.check_doc)
            text, start, stop = doc_table(doc, spec["device"])
            if text[start:stop] != markdown(spec):
                print(f"regmap: {doc}'s register table is stale: run models/support/regmap.py "
                      f"{arguments.spec} --update-doc", file=sys.stderr)
                return 1
    except SpecError as error:
        print(f"regmap: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
