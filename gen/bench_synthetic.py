#!/usr/bin/python3
"""Benchmark: lint + table generation over N synthetic pages, to show the cost grows linearly.

  bench_synthetic.py            250, 500 and 1000 pages; 1000 must take < 10 s
  bench_synthetic.py --small    25 and 100 pages (the quick run of make gen-check)
"""
import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from emit_c import emit  # noqa: E402
from headers import Headers  # noqa: E402
from lint import lint_path  # noqa: E402
from tables import build_rows  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIMIT_S_FOR_1000 = 10.0

PAGE = """# zx_synth_{n}

## NAME

synth_{n} - synthetic call number {n}

## SYNOPSIS

```
#include <zircon/syscalls.h>

zx_status_t zx_synth_{n}(zx_handle_t handle, uint32_t options, size_t len, zx_handle_t* out);
```

## DESCRIPTION

**synth_{n}**() creates an object from *handle*.

The handle returned in *out* has the following rights by default:

**ZX_RIGHT_DUPLICATE** *out* can be duplicated.

**ZX_RIGHT_TRANSFER** *out* can be transferred.

## RETURN VALUE

**synth_{n}**() returns **ZX_OK** on success. On failure, an error value is returned.

## ERRORS

**ZX_ERR_ACCESS_DENIED** *handle* does not have the **ZX_RIGHT_READ** and **ZX_RIGHT_WRITE** rights.

**ZX_ERR_BAD_HANDLE** *handle* is an invalid handle.

**ZX_ERR_INVALID_ARGS** *out* is an invalid pointer, *len* is zero, or *options* is nonzero.

**ZX_ERR_NO_MEMORY** Temporary failure due to lack of memory.

**ZX_ERR_WRONG_TYPE** *handle* is not a handle to a VMO.

## SEE ALSO

[synth_{next}](zx_synth_{next}.md).
"""


def run(count, headers):
    with tempfile.TemporaryDirectory(prefix="zxgen-bench-") as folder:
        paths = []
        for n in range(count):
            path = os.path.join(folder, f"zx_synth_{n}.md")
            with open(path, "w", encoding="utf-8") as f:
                f.write(PAGE.format(n=n, next=(n + 1) % count))
            paths.append(path)
        start = time.perf_counter()
        specs = []
        for path in paths:
            spec, diagnostics = lint_path(path, headers, folder)
            errors = [d for d in diagnostics if d.severity == "error"]
            if errors:
                raise SystemExit(f"bench: synthetic page has lint errors: {errors[0]}")
            specs.append(spec)
        rows, _ = build_rows(specs, headers)
        emit(specs, rows)
        return time.perf_counter() - start, len(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true")
    args = parser.parse_args()
    sizes = [25, 100] if args.small else [250, 500, 1000]
    headers = Headers(os.path.join(ROOT, "include"))
    results = []
    for count in sizes:
        seconds, rows = run(count, headers)
        results.append((count, seconds))
        print(f"bench: {count:5d} pages, {rows:6d} rows: {seconds:6.3f} s "
              f"({1000 * seconds / count:.2f} ms/page)")
    (small_n, small_s), (big_n, big_s) = results[0], results[-1]
    growth = (big_s / small_s) / (big_n / small_n)
    print(f"bench: time per page at {big_n} pages is {growth:.2f}x that at {small_n} "
          "(1.0 = linear)")
    # Per-page cost may vary with warm-up and noise, but must not grow with the corpus.
    failed = growth > 2.0 or (not args.small and big_s >= LIMIT_S_FOR_1000)
    print(f"bench: {'FAILED' if failed else 'ok'}: growth {growth:.2f}x (limit 2.0)"
          + ("" if args.small else f", {big_n} pages in {big_s:.2f} s (limit {LIMIT_S_FOR_1000} s)"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
