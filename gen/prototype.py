"""The SYNOPSIS code block -> Prototype, parsed by pycparser over a prelude of Zircon typedefs."""
import re
from dataclasses import dataclass

import pycparser
from pycparser import c_ast

from diagnostics import GenError

# Every type a SYNOPSIS may name, as the C type it stands for (a typedef chain ends at a
# builtin). Only scalar sizes matter to the generator; structs are opaque.
TYPEDEFS = {
    "int8_t": "signed char", "int16_t": "short", "int32_t": "int", "int64_t": "long",
    "uint8_t": "unsigned char", "uint16_t": "unsigned short", "uint32_t": "unsigned int",
    "uint64_t": "unsigned long", "size_t": "unsigned long", "uintptr_t": "unsigned long",
    "bool": "_Bool",
    "zx_status_t": "int32_t", "zx_handle_t": "uint32_t", "zx_rights_t": "uint32_t",
    "zx_signals_t": "uint32_t", "zx_obj_type_t": "uint32_t", "zx_guest_trap_t": "uint32_t",
    "zx_vcpu_t": "uint32_t", "zx_object_info_topic_t": "uint32_t", "zx_vm_option_t": "uint32_t",
    "zx_time_t": "int64_t", "zx_duration_t": "int64_t", "zx_koid_t": "uint64_t",
    "zx_off_t": "uint64_t", "zx_vaddr_t": "uintptr_t", "zx_paddr_t": "uintptr_t",
    "zx_gpaddr_t": "uintptr_t",
}
STRUCTS = ["zx_port_packet_t", "zx_vcpu_state_t", "zx_vcpu_io_t", "zx_info_handle_basic_t"]
BUILTIN_BITS = {"char": 8, "short": 16, "int": 32, "long": 64, "_Bool": 8}


def _prelude():
    lines = [f"typedef {base} {name};" for name, base in TYPEDEFS.items()]
    lines += [f"typedef struct {name[:-2]} {name};" for name in STRUCTS]
    return "\n".join(lines) + "\n"


PRELUDE = _prelude()
_PARSER = pycparser.CParser()


@dataclass(frozen=True)
class Arg:
    name: str
    type: str        # as C: "zx_handle_t", "const void*", "zx_handle_t*"
    base: str        # the named type without pointer/const: "zx_handle_t", "void"
    pointer: bool
    const: bool      # pointee is const (an input buffer)

    @property
    def is_handle(self):
        return self.type == "zx_handle_t"

    @property
    def is_out_pointer(self):
        return self.pointer and not self.const

    @property
    def is_out_handle(self):
        return self.pointer and not self.const and self.base == "zx_handle_t"

    def bits(self):
        """Width and signedness of an integer argument (a type the generator does not know
        counts as 64-bit unsigned)."""
        name = self.base
        while name in TYPEDEFS:
            name = TYPEDEFS[name]
        words = name.split()
        if words[-1] not in BUILTIN_BITS:
            return 64, False
        return BUILTIN_BITS[words[-1]], words[0] != "unsigned"


@dataclass(frozen=True)
class Prototype:
    name: str
    return_type: str
    args: tuple
    includes: tuple
    line: int

    def arg(self, name):
        return next((a for a in self.args if a.name == name), None)

    def index(self, name):
        return [a.name for a in self.args].index(name)

    def c_signature(self):
        params = ", ".join(f"{a.type} {a.name}" for a in self.args) or "void"
        return f"{self.return_type} {self.name}({params});"


def _type_of(node):
    """(type string, base, pointer?, const pointee?) of a parameter's declarator."""
    if isinstance(node, (c_ast.PtrDecl, c_ast.ArrayDecl)):  # "T x[]" is a pointer argument
        inner, base, _, _ = _type_of(node.type)
        return inner + "*", base, True, inner.startswith("const ")
    if isinstance(node, c_ast.TypeDecl) and isinstance(node.type, c_ast.IdentifierType):
        base = " ".join(node.type.names)
        quals = " ".join(node.quals)
        return (quals + " " if quals else "") + base, base, False, False
    raise ValueError("unsupported parameter type")


def _unknown_types(text):
    """Typedefs for the *_t names a page uses that the prelude lacks (zx_clock_t, ...): the page
    still parses; only their width is unknown (64-bit unsigned is assumed)."""
    known = set(TYPEDEFS) | set(STRUCTS)
    names = sorted(set(re.findall(r"\b([a-z_][a-z0-9_]*_t)\b", text)) - known)
    return "".join(f"typedef unsigned long {name};\n" for name in names)


def parse_prototype(path, code, first_line):
    """code: the SYNOPSIS block text; first_line: the file line of its first line."""
    includes, body = [], []
    for text in code.split("\n"):
        include = re.match(r"\s*#\s*include\s*[<\"]([^>\"]+)[>\"]", text)
        if include:
            includes.append(include.group(1))
        body.append("" if text.lstrip().startswith("#") else text)
    text = re.sub(r"\[\[[^\]]*\]\]", "", "\n".join(body))  # C23 attributes: [[noreturn]]
    source = PRELUDE + _unknown_types(text) + f'# {first_line} "{path}"\n' + text
    try:
        unit = _PARSER.parse(source, filename="<prelude>")
    except pycparser.plyparser.ParseError as error:
        where = re.match(r"[^:]*:(\d+):", str(error))
        line = int(where.group(1)) if where else first_line
        detail = str(error).split(": ", 1)[-1]
        raise GenError(path, line, f"SYNOPSIS prototype does not parse as C ({detail}); "
                                   "a type must be a Zircon type or end in _t") from None
    decls = [d for d in unit.ext if d.coord and d.coord.file == path]
    functions = [d for d in decls if isinstance(d, c_ast.Decl) and isinstance(d.type, c_ast.FuncDecl)]
    if len(functions) != 1:
        raise GenError(path, first_line, f"SYNOPSIS must declare exactly one function, found "
                                         f"{len(functions)}")
    decl = functions[0]
    return_type, _, return_pointer, _ = _type_of(decl.type.type)
    if return_pointer:
        raise GenError(path, decl.coord.line, "SYNOPSIS return type must not be a pointer")
    args = []
    for param in (decl.type.args.params if decl.type.args else []):
        if isinstance(param, c_ast.Typename):  # "(void)"
            continue
        if not param.name:
            raise GenError(path, param.coord.line, "SYNOPSIS parameter without a name")
        try:
            type_text, base, pointer, const = _type_of(param.type)
        except ValueError:
            raise GenError(path, param.coord.line,
                           f"SYNOPSIS parameter '{param.name}' has an unsupported type") from None
        args.append(Arg(param.name, type_text, base, pointer, const))
    return Prototype(decl.name, return_type, tuple(args), tuple(includes), decl.coord.line)
