"""Names (and integer values where simple) of the ZX_* constants in include/zircon/."""
import glob
import os
import re

DEFINE_RE = re.compile(r"^\s*#\s*define\s+(ZX_[A-Z0-9_]+)(\([^)]*\))?\s*(.*)$")
# "((zx_rights_t)1u << 3)", "(-10)", "((uint8_t)0x03u)": an optional cast, a literal, a shift.
VALUE_RE = re.compile(r"^\(*\s*(?:\([a-z_0-9 ]+\)\s*)?(-?(?:0x[0-9a-fA-F]+|\d+))[uUlL]*"
                      r"(?:\s*<<\s*(\d+))?\s*\)*\s*(?:/\*.*)?$")


class Headers:
    def __init__(self, include_dir):
        self.names = set()
        self.values = {}
        self.include_dir = include_dir
        for path in sorted(glob.glob(os.path.join(include_dir, "zircon", "**", "*.h"),
                                     recursive=True)):
            with open(path, encoding="utf-8") as f:
                for line in f:
                    match = DEFINE_RE.match(line)
                    if not match:
                        continue
                    name, params, body = match.groups()
                    self.names.add(name)
                    value = VALUE_RE.match(body) if not params else None
                    if value:
                        number = int(value.group(1), 0)
                        self.values[name] = number << int(value.group(2) or 0)
        if not any(n.startswith("ZX_ERR_") for n in self.names):
            raise FileNotFoundError(f"no ZX_ERR_* definitions under {include_dir}/zircon")

    def known(self, name):
        return name in self.names

    @property
    def statuses(self):
        return {n for n in self.names if n.startswith("ZX_ERR_")}

    @property
    def rights(self):
        return {n for n in self.names if n.startswith("ZX_RIGHT_")}
