"""Reading and writing typed objects for the command line, turning every failure into a
`UserError`.

A file's format follows its extension: `.ssz` is SSZ bytes, `.yaml`/`.yml` the spec-test
YAML form (and `.json` for output). Bytes are always decoded with the strict
`ssz.codec.decode`; YAML goes through `ssz.yaml_codec`. Heavy modules are imported on use
so that building the parser stays cheap.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from beacon.cli.errors import UserError

PRESETS = ("minimal", "mainnet")
FORMAT_BY_SUFFIX = {".ssz": "ssz", ".yaml": "yaml", ".yml": "yaml", ".json": "json"}


# ---- arguments -----------------------------------------------------------------------

def add_config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", choices=PRESETS, default="minimal",
                        help="preset the types and constants come from (default: minimal)")


def config_of(args):
    from beacon.config import load_preset
    return load_preset(args.config)


def uint64(text: str) -> int:
    """argparse type: a decimal or 0x-hex integer in uint64 range."""
    try:
        value = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if not 0 <= value < 2**64:
        raise argparse.ArgumentTypeError(f"{text} is outside the uint64 range")
    return value


def hex_bytes(length: int):
    """argparse type: 0x-prefixed (or bare) hex of exactly `length` bytes."""
    def parse(text: str) -> bytes:
        digits = text[2:] if text[:2].lower() == "0x" else text
        try:
            value = bytes.fromhex(digits)
        except ValueError:
            raise argparse.ArgumentTypeError(f"bad hex: {text!r}") from None
        if len(value) != length:
            raise argparse.ArgumentTypeError(
                f"expected {length} bytes of hex, got {len(value)}: {text!r}")
        return value
    parse.__name__ = f"{length}-byte hex"
    return parse


# ---- types and formats ---------------------------------------------------------------

def type_named(config, name: str):
    """SSZ type by spec name in `config`'s preset, or a UserError naming the known ones."""
    from beacon.protocol import DEFAULT
    try:
        return DEFAULT.type_by_name(config, name)
    except KeyError as e:
        raise UserError(e.args[0] if e.args else f"unknown type {name!r}") from None


def format_of(path: str, allowed=("ssz", "yaml")) -> str:
    fmt = FORMAT_BY_SUFFIX.get(Path(path).suffix.lower())
    if fmt not in allowed:
        exts = ", ".join(s for s, f in FORMAT_BY_SUFFIX.items() if f in allowed)
        raise UserError(f"{path}: cannot tell the format from the extension (use {exts})")
    return fmt


# ---- reading -------------------------------------------------------------------------

def read_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory, expected a file") from None
    except OSError as e:
        raise UserError(f"{path}: cannot read: {e.strerror or e}") from None


def load_yaml(path: str):
    """Untrusted YAML, depth and size bounded before parsing (see ssz.yaml_codec)."""
    import yaml
    from ssz.yaml_codec import YAMLLimitError, load_yaml_bounded
    data = read_bytes(path)
    try:
        return load_yaml_bounded(data)
    except YAMLLimitError as e:
        raise UserError(f"{path}: YAML refused: {e}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(e, "problem", None) or str(e)
        raise UserError(f"{path}: malformed YAML{where}: {problem}") from None


def from_ssz(typ, data: bytes, path: str):
    from ssz.codec import SSZDecodeError, decode
    try:
        return decode(typ, data)
    except SSZDecodeError as e:
        raise UserError(f"{path}: {e}") from None


def from_plain(typ, obj, path: str):
    from ssz.yaml_codec import from_obj
    try:
        return from_obj(typ, obj)
    except (ValueError, TypeError) as e:  # SSZValueError, or a codec bug on odd input
        raise UserError(f"{path}: {e}") from None


def load_object(typ, path: str):
    """A value of `typ` from an `.ssz` or `.yaml`/`.yml` file."""
    if format_of(path) == "ssz":
        return from_ssz(typ, read_bytes(path), path)
    return from_plain(typ, load_yaml(path), path)


# ---- writing -------------------------------------------------------------------------

def render(view, fmt: str) -> bytes:
    """`view` as SSZ bytes, or as YAML/JSON text (UTF-8 bytes)."""
    if fmt == "ssz":
        return bytes(view.encode_bytes())
    from ssz.yaml_codec import to_json_obj, to_obj
    if fmt == "json":
        import json  # uints past 32 bits as strings: JSON readers lose precision past 2**53
        return (json.dumps(to_json_obj(view), indent=1) + "\n").encode()
    obj = to_obj(view)
    import yaml
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(obj, Dumper=dumper, sort_keys=False, default_flow_style=None,
                     width=120).encode()


def write_output(path: str | None, data: bytes) -> None:
    """Write to `path`, or to stdout when it is None or '-'."""
    if path is None or path == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        Path(path).write_bytes(data)
    except OSError as e:
        raise UserError(f"{path}: cannot write: {e.strerror or e}") from None


def save_object(view, path: str | None, fmt: str | None = None) -> None:
    """Write `view` to `path` in `fmt` (default: from the extension; SSZ to a file)."""
    if fmt is None:
        fmt = "yaml" if path in (None, "-") else format_of(path, ("ssz", "yaml", "json"))
    if fmt == "ssz" and path in (None, "-") and sys.stdout.isatty():
        raise UserError("refusing to write SSZ bytes to a terminal; use --out FILE")
    write_output(path, render(view, fmt))


def hex0x(data: bytes) -> str:
    return "0x" + bytes(data).hex()
