"""Schema-only stand-in for the bpg/proxmox Terraform provider.

Terraform cannot download bpg/proxmox here (no registry access), so this
script plays the provider for `terraform validate`: it serves the schema
recorded in a JSON file (default: bpg-proxmox-schema.json next to this file,
override with PXIC_TF_SCHEMA) over the plugin protocol v6, using the PyPI
package `tf` (pinned to 1.2.0 in requirements.txt).

What it serves:
  * the provider's own configuration schema;
  * every resource and data source of the JSON (plus the `short_name_alias`
    names, e.g. proxmox_download_file, which the real provider also serves);
  * attributes with their types (primitives, list/set/map, object, nested
    collections), required/optional/computed/sensitive/deprecated flags;
  * nested blocks with their real nesting mode (list/set/single/map/group)
    and min/max items.  `tf` 1.2.0 only knows Single and Set nesting, so the
    NestedBlock subclass below maps the modes itself;
  * blocks marked `config_mode: attr` in the JSON (SDKv2 ConfigModeAttr, e.g.
    the VM's network_device) as an optional+computed attribute of type
    list(object(...)), exactly like the real provider; Terraform then accepts
    both the repeated-block syntax and `network_device = [...]`.

What it checks in Validate*Config, besides what Terraform core already checks
from the schema (unknown arguments and blocks, missing required arguments,
value types, min/max items of static blocks):
  * that no computed-only (read-only) attribute is set;
  * min/max items of list/set blocks (again, after dynamic blocks expanded)
    and of attribute-mode lists;
  * required attributes inside attribute-mode list elements;
  * warnings for deprecated attributes, blocks and resource types;
  * the provider's value validators, as the JSON records them on attributes
    (at any depth, also inside network_device elements): `allowed_values`
    (with `allowed_values_case_insensitive`), `pattern` (Go RE2, translated
    to Python `re`), `element_pattern`, `range`, `length`, `allow_empty`,
    `validation_logic` (allowed values OR pattern), and the cross-field
    rules `required_with` (SDKv2 RequiredWith) and `also_requires`
    (Framework AlsoRequires). Null and unknown values are skipped, as the
    provider does. Constraints whose notes say the provider checks them only
    at configure/read/apply time give a warning instead of an error.
The real provider (SDKv2 / Plugin Framework) makes the same checks. Errors
carry the attribute path, so Terraform points at the offending line.

It does NOT run validators the JSON only describes in prose (`validation`:
URLs, IP addresses, durations, hotplug lists, ...). By default it cannot plan
or apply anything: every CRUD call returns an error. With
PXIC_TF_STANDIN_CRUD=1 in its environment, standin_crud.py (next to this
file) gives the VM, container, pool and download-file resources create, read,
update and delete through the Proxmox VE API the provider block points at;
every other resource type still refuses.

Run it only through Terraform (it prints the go-plugin handshake on stdout).
`python stub_provider.py --self-check` loads the schema, builds every
protobuf schema, checks the RE2 translation on known cases, compiles every
recorded pattern and prints a summary instead.
"""

from __future__ import annotations

import enum
import functools
import json
import os
import re
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

from msgpack import ExtType
from tf import schema as tfschema
from tf.gen import tfplugin_pb2 as pb
from tf.iface import Config, DataSource, Provider, Resource
from tf.types import Unknown
from tf.utils import Diagnostics

SCHEMA_ENV = "PXIC_TF_SCHEMA"
# Set to 1: plan and apply through the Proxmox VE API (standin_crud.py).
CRUD_ENV = "PXIC_TF_STANDIN_CRUD"
DEFAULT_SCHEMA = Path(__file__).resolve().parent / "bpg-proxmox-schema.json"
PROVIDER_ADDRESS = "registry.terraform.io/bpg/proxmox"


# --------------------------------------------------------------------------- #
# Types: Terraform type expressions ("list(object({a=string}))") -> cty JSON   #
# --------------------------------------------------------------------------- #


class TypeParseError(ValueError):
    pass


def parse_type(text: str) -> Any:
    """Parse a Terraform type constraint into its cty JSON form."""
    pos = 0

    def skip_ws() -> None:
        nonlocal pos
        while pos < len(text) and text[pos].isspace():
            pos += 1

    def ident() -> str:
        nonlocal pos
        skip_ws()
        start = pos
        while pos < len(text) and (text[pos].isalnum() or text[pos] in "_-"):
            pos += 1
        if start == pos:
            raise TypeParseError(f"expected a name at offset {pos} in {text!r}")
        return text[start:pos]

    def expect(ch: str) -> None:
        nonlocal pos
        skip_ws()
        if not text.startswith(ch, pos):
            raise TypeParseError(f"expected {ch!r} at offset {pos} in {text!r}")
        pos += 1

    def peek(ch: str) -> bool:
        skip_ws()
        return text.startswith(ch, pos)

    def one() -> Any:
        name = ident()
        if name in ("string", "number", "bool"):
            return name
        if name == "any":
            return "dynamic"
        if name in ("list", "set", "map"):
            expect("(")
            inner = one()
            expect(")")
            return [name, inner]
        if name == "object":
            expect("(")
            expect("{")
            fields: dict[str, Any] = {}
            while not peek("}"):
                key = ident()
                expect("=")
                fields[key] = one()
                if peek(","):
                    expect(",")
            expect("}")
            expect(")")
            return ["object", fields]
        if name == "tuple":
            expect("(")
            expect("[")
            elems = []
            while not peek("]"):
                elems.append(one())
                if peek(","):
                    expect(",")
            expect("]")
            expect(")")
            return ["tuple", elems]
        raise TypeParseError(f"unknown type {name!r} in {text!r}")

    result = one()
    skip_ws()
    if pos != len(text):
        raise TypeParseError(f"trailing text at offset {pos} in {text!r}")
    return result


class CtyType:
    """A tf TfType for any cty type, given in its JSON form.

    Only tf_type() matters for validation; values pass through unchanged.
    """

    def __init__(self, cty: Any):
        self.cty = cty

    def encode(self, value: Any) -> Any:
        return value

    def decode(self, value: Any) -> Any:
        return value

    def semantically_equal(self, a: Any, b: Any) -> bool:
        return a == b

    def tf_type(self) -> bytes:
        return json.dumps(self.cty, separators=(",", ":")).encode()


# --------------------------------------------------------------------------- #
# Nested blocks with every nesting mode (tf 1.2.0 has only Single and Set)     #
# --------------------------------------------------------------------------- #


class Nesting(enum.Enum):
    Single = "single"
    List = "list"
    Set = "set"
    Map = "map"
    Group = "group"


class AnyNestedBlock(tfschema.NestedBlock):
    """tf's NestedBlock, with List/Map/Group nesting added.

    NestedBlock.to_pb() looks the mode up in `_mode_map`; this subclass
    replaces that map, so lists are served as LIST (not SET) and Terraform
    keeps their order and enforces their limits like the real provider.
    """

    _mode_map = {
        Nesting.Single: pb.Schema.NestedBlock.NestingMode.SINGLE,
        Nesting.List: pb.Schema.NestedBlock.NestingMode.LIST,
        Nesting.Set: pb.Schema.NestedBlock.NestingMode.SET,
        Nesting.Map: pb.Schema.NestedBlock.NestingMode.MAP,
        Nesting.Group: pb.Schema.NestedBlock.NestingMode.GROUP,
    }

    def encode(self, value: Any) -> Any:
        return value

    def decode(self, value: Any) -> Any:
        return value

    def semantically_equal(self, a_decoded: Any, b_decoded: Any) -> bool:
        return a_decoded == b_decoded


# --------------------------------------------------------------------------- #
# JSON schema -> tf schema objects                                             #
# --------------------------------------------------------------------------- #


def _is_attr_mode(block: dict) -> bool:
    return block.get("config_mode") == "attr"


def _block_object_type(block: dict) -> Any:
    """cty type of one element of a block (used for config_mode=attr)."""
    fields = {name: parse_type(a["type"]) for name, a in block.get("attributes", {}).items()}
    for name, nested in block.get("blocks", {}).items():
        elem = _block_object_type(nested)
        mode = nested.get("nesting", "list")
        if mode == "single" or mode == "group":
            fields[name] = elem
        else:
            fields[name] = [mode, elem]
    return ["object", fields]


def _nested_attribute_type(spec: dict) -> Any:
    """A Framework nested attribute (`map = [{ ... }]`): a list or set of objects whose
    optional fields may be left out, as the provider's own schema allows."""
    fields = {n: parse_type(a["type"]) for n, a in spec["attributes"].items()}
    optional = sorted(n for n, a in spec["attributes"].items() if not a.get("required"))
    return [spec["nesting"], ["object", fields, optional]]


def _attribute(name: str, spec: dict) -> tfschema.Attribute:
    if spec.get("nesting") in ("list", "set") and "attributes" in spec:
        cty = _nested_attribute_type(spec)
    else:
        cty = parse_type(spec["type"])
    return tfschema.Attribute(
        name,
        CtyType(cty),
        description=spec.get("description"),
        description_kind=tfschema.TextFormat.Plain,
        required=bool(spec.get("required")),
        optional=bool(spec.get("optional")),
        computed=bool(spec.get("computed")),
        sensitive=bool(spec.get("sensitive")),
        deprecated=bool(spec.get("deprecated")) or None,
    )


def _attr_mode_attribute(name: str, spec: dict) -> tfschema.Attribute:
    mode = spec.get("nesting", "list")
    return tfschema.Attribute(
        name,
        CtyType([mode, _block_object_type(spec)]),
        description=spec.get("description"),
        description_kind=tfschema.TextFormat.Plain,
        optional=True,
        computed=True,
        deprecated=bool(spec.get("deprecated")) or None,
    )


def _block_parts(spec: dict) -> tuple[list[tfschema.Attribute], list[tfschema.NestedBlock]]:
    attrs = [_attribute(n, a) for n, a in spec.get("attributes", {}).items()]
    blocks: list[tfschema.NestedBlock] = []
    for name, b in spec.get("blocks", {}).items():
        if _is_attr_mode(b):
            attrs.append(_attr_mode_attribute(name, b))
            continue
        sub_attrs, sub_blocks = _block_parts(b)
        nb = AnyNestedBlock(
            name,
            Nesting(b.get("nesting", "list")),
            tfschema.Block(
                attributes=sub_attrs,
                block_types=sub_blocks,
                description=b.get("description"),
                description_kind=tfschema.TextFormat.Plain if b.get("description") else None,
                deprecated=bool(b.get("deprecated")) or None,
            ),
            min_items=b.get("min_items") or None,
            max_items=b.get("max_items") or None,
        )
        blocks.append(nb)
    return attrs, blocks


def build_schema(spec: dict) -> tfschema.Schema:
    attrs, blocks = _block_parts(spec)
    return tfschema.Schema(
        attributes=attrs,
        block_types=blocks,
        version=spec.get("schema_version"),
        deprecated=bool(spec.get("deprecated")) or None,
    )


# --------------------------------------------------------------------------- #
# Go RE2 patterns -> Python re                                                 #
# --------------------------------------------------------------------------- #


class RegexTranslateError(ValueError):
    pass


_CLASS_ESCAPES = "dDwWsS"


def go_regex_to_python(pattern: str) -> str:
    """Rewrite a Go (RE2) regular expression so Python's `re` means the same.

    Differences that matter for the patterns the provider uses:
      * `(?i)` may appear anywhere in RE2 and lasts to the end of the enclosing
        group; Python only accepts it at the very start. It becomes a scoped
        `(?i:...)` closed where the enclosing group closes, and closed and
        reopened around each `|` of that group (RE2 applies it to the later
        alternatives too).
      * `$` without (?m) is end-of-text in RE2; Python's `$` also matches
        before a final newline, so it becomes `\\Z`. RE2's `\\z` becomes `\\Z`.
      * RE2 reads `-` after a class escape (`[\\d-,]`) as a literal; Python
        rejects it as a bad range, so it is escaped.
      * `(?<name>` becomes `(?P<name>`.
    Compile the result with re.ASCII: RE2's \\d \\w \\s \\b are ASCII-only.
    Constructs without a safe translation (\\p classes, POSIX [[:alpha:]],
    \\Q..\\E, the U and m flags) raise RegexTranslateError.
    """
    out: list[str] = []
    # One entry per open group (index 0 = the whole pattern): the scoped flag
    # groups opened inside it that still have to be closed.
    scoped: list[list[str]] = [[]]
    i, n = 0, len(pattern)

    def fail(why: str) -> None:
        raise RegexTranslateError(f"{why} at offset {i} in {pattern!r}")

    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 >= n:
                fail("trailing backslash")
            e = pattern[i + 1]
            if e in "pPQEC":
                fail(f"unsupported escape \\{e}")
            out.append("\\Z" if e == "z" else "\\" + e)
            i += 2
        elif c == "[":
            # Copy a character class through its closing bracket.
            j = i + 1
            cls = ["["]
            if j < n and pattern[j] == "^":
                cls.append("^")
                j += 1
            if j < n and pattern[j] == "]":  # leading ] is a literal in both
                cls.append("\\]")
                j += 1
            while j < n and pattern[j] != "]":
                ch = pattern[j]
                if ch == "\\":
                    if j + 1 >= n:
                        fail("trailing backslash")
                    e = pattern[j + 1]
                    if e in "pPQEC":
                        fail(f"unsupported escape \\{e}")
                    cls.append("\\" + e)
                    j += 2
                    if e in _CLASS_ESCAPES and j + 1 < n and pattern[j] == "-" and pattern[j + 1] != "]":
                        cls.append("\\-")
                        j += 1
                elif ch == "[":
                    if j + 1 < n and pattern[j + 1] == ":":
                        fail("unsupported POSIX class")
                    cls.append("\\[")  # Python warns about nested sets
                    j += 1
                else:
                    cls.append(ch)
                    j += 1
            if j >= n:
                fail("unterminated character class")
            cls.append("]")
            out.append("".join(cls))
            i = j + 1
        elif c == "(":
            if pattern.startswith("(?", i) and i + 2 < n and pattern[i + 2] not in ":<P=!":
                # Flag group: (?flags) or (?flags:...)
                j = i + 2
                while j < n and pattern[j] not in ":)":
                    j += 1
                if j >= n:
                    fail("unterminated flag group")
                flags = pattern[i + 2 : j]
                if any(f not in "is-" for f in flags):
                    fail(f"unsupported flags {flags!r}")
                if pattern[j] == ":":
                    out.append(f"(?{flags}:")
                    scoped.append([])
                else:
                    opener = f"(?{flags}:"
                    out.append(opener)
                    scoped[-1].append(opener)
                i = j + 1
            elif pattern.startswith("(?<", i) and i + 3 < n and pattern[i + 3] not in "=!":
                out.append("(?P<")
                scoped.append([])
                i += 3
            else:
                out.append("(")
                scoped.append([])
                i += 1
        elif c == ")":
            if len(scoped) == 1:
                fail("unbalanced )")
            out.append(")" * len(scoped.pop()))
            out.append(")")
            i += 1
        elif c == "|":
            openers = scoped[-1]
            out.append(")" * len(openers) + "|" + "".join(openers))
            i += 1
        elif c == "$":
            out.append("\\Z")
            i += 1
        else:
            out.append(c)
            i += 1
    if len(scoped) != 1:
        raise RegexTranslateError(f"unbalanced ( in {pattern!r}")
    out.append(")" * len(scoped[0]))
    return "".join(out)


@functools.lru_cache(maxsize=None)
def compile_go_regex(pattern: str) -> re.Pattern:
    return re.compile(go_regex_to_python(pattern), re.ASCII)


def go_regex_matches(pattern: str, value: str) -> bool:
    # Go's MatchString (used by SDK StringMatch and Framework RegexMatches)
    # is a search, not a full match: anchors must be in the pattern.
    return compile_go_regex(pattern).search(value) is not None


# --------------------------------------------------------------------------- #
# The provider's value validators, as recorded on attributes in the JSON       #
# --------------------------------------------------------------------------- #

# validators.FileID() skips its pattern for "" although the JSON records no
# allow_empty on the attributes that use it (disk.file_id, import_from, ...).
FILE_ID_PATTERN = r"^(?i)[a-z\d\-_.]+:([a-z\d\-_]+/)?.+$"

# The range of VMIDValidator(), which also accepts -1 ("Also accepts -1" in
# the notes): every attribute recorded with exactly this range uses it.
VM_ID_RANGE = (100, 2147483647)

# Recorded constraints that the real provider enforces only when it
# configures, reads or applies (see the attribute's notes): `terraform
# validate` passes with a bad value, so the stand-in only warns.
_CHECKED_LATER = re.compile(r"\bchecked at (configure|read|apply)\b", re.IGNORECASE)


def _is_unknown(v: Any) -> bool:
    # Terraform >= 1.6 sends unknown values with refinements (e.g. the known
    # prefix of "local:import/${var.x}") as msgpack extension 12, which tf
    # passes through as ExtType; plain unknowns arrive as tf's Unknown.
    return v is Unknown or isinstance(v, ExtType)


def _absent(v: Any) -> bool:
    return v is None or _is_unknown(v)


def _number(v: Any) -> Optional[Decimal]:
    """A config number as Decimal (msgpack gives int, float or, for very large
    or precise numbers, a string); None for anything else."""
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float, str)):
        try:
            return Decimal(str(v))
        except ArithmeticError:
            return None
    return None


def _fmt(v: Any) -> str:
    return json.dumps(v) if isinstance(v, str) else str(v)


def _allowed_values_error(a: dict, name: str, v: Any) -> Optional[str]:
    """StringInSlice / stringvalidator.OneOf(CaseInsensitive)."""
    allowed = a["allowed_values"]
    if not isinstance(v, str):
        return None
    if a.get("allowed_values_case_insensitive"):
        ok = v.casefold() in {x.casefold() for x in allowed}
    else:
        ok = v in allowed
    if ok:
        return None
    listed = ", ".join(json.dumps(x) for x in allowed)
    nocase = " (case-insensitive)" if a.get("allowed_values_case_insensitive") else ""
    return f"expected {name} to be one of [{listed}]{nocase}, got {_fmt(v)}"


def _pattern_error(a: dict, name: str, v: Any) -> Optional[str]:
    """StringMatch / stringvalidator.RegexMatches."""
    pattern = a["pattern"]
    if not isinstance(v, str) or go_regex_matches(pattern, v):
        return None
    return f"expected {name} to match the regular expression {pattern}, got {_fmt(v)}"


def _range_error(a: dict, name: str, v: Any) -> Optional[str]:
    """IntBetween / IntAtLeast / FloatBetween / VMIDValidator."""
    num = _number(v)
    if num is None:
        return None
    lo, hi = a["range"].get("min"), a["range"].get("max")
    vm_id = (lo, hi) == VM_ID_RANGE
    if vm_id and num == -1:
        return None
    if (lo is None or num >= lo) and (hi is None or num <= hi):
        return None
    if vm_id:
        return f"expected {name} to be -1 or in the range ({lo} - {hi}), got {v}"
    if hi is None:
        return f"expected {name} to be at least ({lo}), got {v}"
    if lo is None:
        return f"expected {name} to be at most ({hi}), got {v}"
    return f"expected {name} to be in the range ({lo} - {hi}), got {v}"


def _length_error(a: dict, name: str, v: Any) -> Optional[str]:
    """StringLenBetween / stringvalidator.LengthAtLeast: Go's len() counts bytes."""
    if not isinstance(v, str):
        return None
    size = len(v.encode("utf-8"))
    lo, hi = a["length"].get("min"), a["length"].get("max")
    if (lo is None or size >= lo) and (hi is None or size <= hi):
        return None
    if hi is None:
        return f"expected length of {name} to be at least ({lo}), got {size}"
    return f"expected length of {name} to be in the range ({lo or 0} - {hi}), got {size}"


def _string_value_error(a: dict, name: str, v: Any) -> Optional[str]:
    """allowed_values and pattern of one string, with allow_empty and the
    "in allowed_values OR matches pattern" combination (validation.Any)."""
    if v == "" and (a.get("allow_empty") or a.get("pattern") == FILE_ID_PATTERN):
        return None
    enum_err = _allowed_values_error(a, name, v) if "allowed_values" in a else None
    pattern_err = _pattern_error(a, name, v) if "pattern" in a else None
    # validation_logic is prose; the only recorded form is "... in
    # allowed_values OR matches pattern" (validation.Any of the two).
    either = "OR" in (a.get("validation_logic") or "")
    if either and enum_err and pattern_err:
        listed = ", ".join(json.dumps(x) for x in a["allowed_values"])
        return (
            f"expected {name} to be one of [{listed}] or to match the regular expression "
            f"{a['pattern']}, got {_fmt(v)}"
        )
    if either:
        return None  # one of the two accepts it
    return enum_err or pattern_err


def _value_errors(a: dict, name: str, v: Any, path: list) -> list[tuple[list, str]]:
    """(path, message) for every recorded value validator that rejects v."""
    found = [
        (path, _string_value_error(a, name, v)),
        (path, _range_error(a, name, v) if "range" in a else None),
        (path, _length_error(a, name, v) if "length" in a else None),
    ]
    if "element_pattern" in a and isinstance(v, list):
        # A validator on the list's elements (SDK Elem.ValidateDiagFunc).
        elem_spec = {"pattern": a["element_pattern"]}
        for i, e in enumerate(v):
            if not _absent(e):
                found.append((path + [(i,)], _pattern_error(elem_spec, f"{name}[{i}]", e)))
    return [(p, err) for p, err in found if err]


def _check_value(diags: Diagnostics, a: dict, name: str, v: Any, path: list) -> None:
    """Report what the validators recorded on attribute `a` say about the
    known, non-null value v."""
    try:
        errors = _value_errors(a, name, v, path)
    except RegexTranslateError as exc:  # --self-check catches this earlier
        diags.add_error("Stand-in cannot check this value", str(exc), path=path)
        return
    later = _CHECKED_LATER.search(a.get("notes") or "")
    for err_path, err in errors:
        if later:
            diags.add_warning(
                "Invalid value (rejected later by the real provider)",
                f"{err}. The real provider checks this at {later.group(1)} time, not during validate.",
                path=err_path,
            )
        else:
            diags.add_error("Invalid value", f"{err}.", path=err_path)


# Cross-field rules name other attributes by their path from the resource
# root, SDK style: "cpu.0.numa" = first cpu block, attribute numa.
_PRESENT, _NULL, _UNKNOWN = "present", "null", "unknown"


def _lookup(root: Any, dotted: str) -> str:
    cur = root
    for part in dotted.split("."):
        if _is_unknown(cur):
            return _UNKNOWN
        if part.isdigit():
            cur = cur[int(part)] if isinstance(cur, list) and int(part) < len(cur) else None
        else:
            cur = cur.get(part) if isinstance(cur, dict) else None
        if cur is None:
            return _NULL
    return _UNKNOWN if _is_unknown(cur) else _PRESENT


def _sdk_key(path: list) -> str:
    return ".".join(str(step[0]) if isinstance(step, tuple) else step for step in path)


def _check_required_with(diags: Diagnostics, a: dict, root: Any, path: list) -> None:
    """SDKv2 RequiredWith: once this attribute is set, the listed ones must be
    set too. Like the SDK's config lookup, an unknown value counts as set."""
    me = _sdk_key(path)
    missing = [k for k in a["required_with"] if _lookup(root, k) == _NULL]
    if missing:
        keys = ",".join(sorted(set(a["required_with"]) | {me}))
        diags.add_error(
            "Missing required argument",
            f'"{me}": all of `{keys}` must be specified',
            path=path,
        )


def _check_also_requires(diags: Diagnostics, a: dict, root: Any, path: list) -> None:
    """Framework AlsoRequires: once this attribute is non-null, the listed ones
    must be non-null too; an unknown one postpones the check (no error)."""
    me = _sdk_key(path)
    for other in a["also_requires"]:
        if _lookup(root, other) == _NULL:
            diags.add_error(
                "Invalid Attribute Combination",
                f'Attribute "{other}" must be specified when "{me}" is specified',
                path=path,
            )


# --------------------------------------------------------------------------- #
# Validation beyond what Terraform core derives from the schema               #
# --------------------------------------------------------------------------- #


def _check_body(diags: Diagnostics, spec: dict, value: Any, path: list, where: str, root: Any) -> None:
    """Check one block body (root: the whole resource config, for rules that
    name other attributes by their path)."""
    if not isinstance(value, dict):
        return
    attrs = spec.get("attributes", {})
    blocks = spec.get("blocks", {})

    for key in value:
        if key not in attrs and key not in blocks:
            # Terraform core reports this first ("Unsupported argument");
            # this only guards against a schema/validator mismatch.
            diags.add_error(
                "Unsupported argument",
                f'An argument named "{key}" is not expected in {where}.',
                path=path + [key],
            )

    for name, a in attrs.items():
        v = value.get(name)
        if v is None:
            continue
        if a.get("computed") and not a.get("optional") and not a.get("required"):
            # Terraform core leaves this to the provider (SDKv2: "computed
            # attributes cannot be set"; Framework: "Invalid Configuration
            # for Read-Only Attribute"). An unknown value is still a value.
            diags.add_error(
                "Invalid Configuration for Read-Only Attribute",
                f'Cannot set value for this attribute as the provider has marked it as read-only. '
                f'Remove the configuration line setting the value ("{where}.{name}" is computed only).',
                path=path + [name],
            )
            continue
        # Cross-field rules care only whether the attribute is set; an
        # unknown value is set.
        if "required_with" in a:
            _check_required_with(diags, a, root, path + [name])
        if "also_requires" in a:
            _check_also_requires(diags, a, root, path + [name])
        if _is_unknown(v):
            continue  # nothing to validate until plan/apply knows it
        if a.get("deprecated"):
            diags.add_warning(
                "Argument is deprecated",
                f"{where}.{name}: {a['deprecated']}" if isinstance(a["deprecated"], str) else f"{where}.{name}",
                path=path + [name],
            )
        _check_value(diags, a, name, v, path + [name])

    for name, b in blocks.items():
        v = value.get(name)
        if _absent(v):
            continue
        sub_where = f"{where}.{name}"
        mode = b.get("nesting", "list")
        if mode in ("single", "group"):
            elems = [v]
        elif mode == "map":
            elems = list(v.values()) if isinstance(v, dict) else []
        else:
            elems = list(v) if isinstance(v, list) else []

        if mode in ("list", "set") and isinstance(v, list):
            _check_count(diags, b, name, len(elems), path + [name], sub_where)

        if b.get("deprecated") and elems:
            diags.add_warning(
                "Argument is deprecated",
                f"{sub_where}: {b['deprecated']}" if isinstance(b["deprecated"], str) else sub_where,
                path=path + [name],
            )

        for i, e in enumerate(elems):
            if _absent(e):
                continue
            step = [name] if mode in ("single", "group") else [name, (i,)]
            if _is_attr_mode(b):
                # Terraform core treats this as a plain list(object) attribute,
                # so nothing checked the required fields of its elements yet.
                for an, a in b.get("attributes", {}).items():
                    if a.get("required") and e.get(an) is None:
                        diags.add_error(
                            "Missing required argument",
                            f'The argument "{an}" is required in every {sub_where} element, '
                            f"but element {i} has no value for it.",
                            path=path + step,
                        )
            _check_body(diags, b, e, path + step, sub_where, root)


def _check_count(diags: Diagnostics, b: dict, name: str, count: int, path: list, where: str) -> None:
    lo = b.get("min_items") or 0
    hi = b.get("max_items")
    what = "list items" if _is_attr_mode(b) else f'"{name}" blocks'
    if hi and count > hi:
        diags.add_error(
            f"Too many {what}",
            f"{where} supports {hi} item{'s' if hi != 1 else ''} maximum, but config has {count} declared.",
            path=path,
        )
    if lo and count < lo:
        diags.add_error(
            f"Not enough {what}",
            f"{where} requires {lo} item{'s' if lo != 1 else ''} minimum, but config has only {count} declared.",
            path=path,
        )


def validate_config(diags: Diagnostics, spec: dict, type_name: str, config: Optional[Config]) -> None:
    if spec.get("deprecated"):
        diags.add_warning("Deprecated Resource", str(spec["deprecated"]))
    if _absent(config):
        return
    _check_body(diags, spec, config, [], type_name, config)


# --------------------------------------------------------------------------- #
# tf Provider / Resource / DataSource glue                                     #
# --------------------------------------------------------------------------- #

_NO_CRUD = (
    "This is the schema-only stand-in for bpg/proxmox used by pxic's tests "
    "(tests/terraform/stub_provider.py). It can only validate configuration."
)


class _StubCommon:
    """What the stand-in's resources and data sources share: a name, a schema built
    from the JSON, and validation against the JSON's spec."""

    type_name = ""
    spec: dict = {}
    schema: tfschema.Schema

    def __init__(self, provider: Any = None):
        self.provider = provider

    @classmethod
    def get_name(cls) -> str:
        return cls.type_name

    @classmethod
    def get_schema(cls) -> tfschema.Schema:
        return cls.schema

    def validate(self, diags: Diagnostics, type_name: str, config: Config):
        validate_config(diags, self.spec, type_name, config)


class _StubResource(_StubCommon, Resource):
    def _refuse(self, ctx) -> None:
        ctx.diagnostics.add_error("Stand-in provider cannot manage resources", _NO_CRUD)

    def create(self, ctx, planned):
        self._refuse(ctx)

    def read(self, ctx, current):
        self._refuse(ctx)

    def update(self, ctx, current, planned):
        self._refuse(ctx)

    def delete(self, ctx, current):
        self._refuse(ctx)

    def plan(self, ctx, current, planned):
        self._refuse(ctx)
        return planned


class _StubDataSource(_StubCommon, DataSource):
    def read(self, ctx, config):
        ctx.diagnostics.add_error("Stand-in provider cannot read data sources", _NO_CRUD)
        return None


def _make(base: type, type_name: str, spec: dict) -> type:
    return type(
        f"Stub_{type_name}",
        (base,),
        {"type_name": type_name, "spec": spec, "schema": build_schema(spec)},
    )


class StubProvider(Provider):
    def __init__(self, doc: dict):
        self.doc = doc
        self.provider_spec = doc["provider"]
        self.provider_schema = build_schema(self.provider_spec)
        self.resources: list[type] = []
        for name, spec in doc.get("resources", {}).items():
            self.resources.append(_make(_StubResource, name, spec))
            alias = spec.get("short_name_alias")
            if alias:
                # The alias is the non-deprecated name of the same resource.
                alias_spec = {k: v for k, v in spec.items() if k != "deprecated"}
                self.resources.append(_make(_StubResource, alias, alias_spec))
        self.data_sources: list[type] = []
        for name, spec in doc.get("data_sources", {}).items():
            self.data_sources.append(_make(_StubDataSource, name, spec))
            alias = spec.get("short_name_alias")
            if alias:
                alias_spec = {k: v for k, v in spec.items() if k != "deprecated"}
                self.data_sources.append(_make(_StubDataSource, alias, alias_spec))

    def get_model_prefix(self) -> str:
        return ""  # type names in the JSON are already complete

    def full_name(self) -> str:
        return PROVIDER_ADDRESS

    def get_provider_schema(self, diags: Diagnostics) -> tfschema.Schema:
        return self.provider_schema

    def validate_config(self, diags: Diagnostics, config: Config):
        validate_config(diags, self.provider_spec, "provider.proxmox", config)

    def configure_provider(self, diags: Diagnostics, config: Config):
        pass  # nothing to connect to

    def get_resources(self) -> list:
        return self.resources

    def get_data_sources(self) -> list:
        return self.data_sources


def load_schema() -> dict:
    path = Path(os.environ.get(SCHEMA_ENV) or DEFAULT_SCHEMA)
    try:
        with path.open(encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as exc:
        print(f"stub_provider: cannot load schema {path}: {exc}", file=sys.stderr)
        sys.exit(1)


# Known RE2 behaviour the translation must keep: (pattern, text, matches?).
_REGEX_CASES = [
    (r"^(?i)[a-z\d]+:x$", "LOCAL1:x", True),
    (r"^(?i)[a-z\d]+:x$", "local:x\n", False),  # RE2 $ = end of text
    (r"^\d+[\d-,]*$", "0-3,5", True),  # - after \d is a literal
    (r"^a(?i)b|c$", "aB", True),
    (r"^a(?i)b|c$", "AB", False),
    (r"^a(?i)b|c$", "xC", True),  # (?i) also covers later alternatives
    (r"^\d$", "\u0663", False),  # \d is ASCII only
    (r"https?://.*", "see https://x", True),  # MatchString searches
]


def _validator_self_check(provider: StubProvider) -> dict[str, int]:
    """Compile every recorded pattern and count the validators per kind."""
    for pattern, text, want in _REGEX_CASES:
        got = go_regex_matches(pattern, text)
        if got != want:
            raise AssertionError(f"RE2 translation: {pattern!r} on {text!r} gave {got}, want {want}")
    kinds = ("allowed_values", "pattern", "element_pattern", "range", "length", "required_with", "also_requires")
    counts = dict.fromkeys(kinds, 0)

    def walk(spec: dict) -> None:
        for a in spec.get("attributes", {}).values():
            for kind in kinds:
                counts[kind] += kind in a
            for key in ("pattern", "element_pattern"):
                if key in a:
                    compile_go_regex(a[key])
        for b in spec.get("blocks", {}).values():
            walk(b)

    walk(provider.provider_spec)
    for section in ("resources", "data_sources"):
        for spec in provider.doc.get(section, {}).values():
            walk(spec)
    return counts


def self_check(provider: StubProvider) -> None:
    provider.provider_schema.to_pb()
    counts = {"resources": 0, "data_sources": 0, "blocks": 0, "attributes": 0}

    def walk(block: pb.Schema.Block) -> None:
        counts["attributes"] += len(block.attributes)
        for nb in block.block_types:
            counts["blocks"] += 1
            walk(nb.block)

    for klass in provider.resources:
        counts["resources"] += 1
        walk(klass.get_schema().to_pb().block)
    for klass in provider.data_sources:
        counts["data_sources"] += 1
        walk(klass.get_schema().to_pb().block)
    print(
        f"stub_provider: {PROVIDER_ADDRESS} {provider.doc.get('provider_version', '?')}: "
        f"{counts['resources']} resource types, {counts['data_sources']} data sources, "
        f"{counts['blocks']} nested block types, {counts['attributes']} attributes: OK"
    )
    validators = _validator_self_check(provider)
    print("stub_provider: value validators: " + ", ".join(f"{n} {k}" for k, n in validators.items()) + ": OK")


def with_crud(provider: StubProvider) -> StubProvider:
    """The provider with plan/apply through the Proxmox VE API for the resource types
    standin_crud.py maps (see its docstring); used when CRUD_ENV is 1."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    import standin_crud

    standin_crud.install(provider)
    return provider


def main(argv: list[str]) -> None:
    provider = StubProvider(load_schema())
    if "--self-check" in argv:
        self_check(provider)
        crud = with_crud(StubProvider(load_schema()))
        for klass in crud.get_resources():
            klass.get_schema().to_pb()
        import standin_crud

        print(standin_crud.self_check(crud))
        return
    if os.environ.get(CRUD_ENV, "") not in ("", "0"):
        with_crud(provider)
    import tf.runner

    # tf caches its self-signed TLS certificate in ~/.cache/tf-python-provider
    # and crashes if that cannot be created (e.g. read-only HOME in CI).
    default_cache = tf.runner._get_cert_cache_path

    def cert_cache_path() -> Path:
        try:
            return default_cache()
        except OSError:
            import tempfile

            fallback = Path(tempfile.gettempdir()) / f"tf-python-provider-{os.getuid()}"
            fallback.mkdir(mode=0o700, exist_ok=True)
            return fallback / "ssl_cert.json"

    tf.runner._get_cert_cache_path = cert_cache_path
    tf.runner.run_provider(provider, argv)


if __name__ == "__main__":
    main(sys.argv)
