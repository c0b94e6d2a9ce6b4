"""Tests of gen/fuzz_model.py: the argument models the API fuzzer gets from the pages."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "gen"))

import fuzz_model  # noqa: E402
from clauses import load_spec  # noqa: E402
from headers import Headers  # noqa: E402

HEADERS = Headers(os.path.join(ROOT, "include"))


def spec(call):
    return load_spec(os.path.join(ROOT, "spec", f"{call}.md"))


def test_resume_takes_a_vcpu_and_an_out_packet_and_allows_only_its_errors():
    resume = spec("zx_vcpu_resume")
    assert fuzz_model.model(resume, HEADERS) == [
        ("vcpu", "HANDLE", "ZX_OBJ_TYPE_VCPU"),
        ("packet", "OUT", "sizeof(zx_port_packet_t)")]
    assert fuzz_model.statuses(resume) == [
        "ZX_OK", "ZX_ERR_ACCESS_DENIED", "ZX_ERR_BAD_HANDLE", "ZX_ERR_BAD_STATE",
        "ZX_ERR_CANCELED", "ZX_ERR_INTERNAL", "ZX_ERR_INVALID_ARGS", "ZX_ERR_NOT_SUPPORTED",
        "ZX_ERR_WRONG_TYPE", "ZX_ERR_NOT_FOUND"]


def test_a_buffer_is_paired_with_the_first_size_after_it():
    rows = fuzz_model.model(spec("zx_object_get_info"), HEADERS)
    assert rows[2] == ("buffer", "BUFFER", 3)
    assert rows[3] == ("buffer_size", "SIZE", 0)
    assert rows[4] == ("actual", "OUT", "sizeof(size_t)")
    rows = fuzz_model.model(spec("zx_vmo_write"), HEADERS)
    assert rows[1] == ("data", "BUFFER", 3) and rows[2][1] == "VALUE"


def test_values_come_from_the_clauses_about_the_argument():
    rows = dict((name, detail) for name, _, detail in
                fuzz_model.model(spec("zx_vcpu_interrupt"), HEADERS))
    assert rows["vector"] == [("256", 256)]
    kinds = dict((name, detail) for name, _, detail in
                 fuzz_model.model(spec("zx_guest_set_trap"), HEADERS))["kind"]
    assert {name for name, _ in kinds} >= {"ZX_GUEST_TRAP_MEM", "ZX_GUEST_TRAP_IO"}


def test_a_deadline_is_never_a_plain_value():
    assert fuzz_model.model(spec("zx_port_wait"), HEADERS)[1] == ("deadline", "DEADLINE", 0)


def test_outputs_are_written(tmp_path):
    specs = [spec("zx_vcpu_resume"), spec("zx_vcpu_interrupt")]
    fuzz_model.emit_c(specs, HEADERS, tmp_path / "model.c")
    fuzz_model.emit_dict(specs, HEADERS, tmp_path / "api.dict")
    fuzz_model.emit_seeds(specs, tmp_path / "seeds")
    assert '{"zx_vcpu_resume", "' in (tmp_path / "model.c").read_text()
    assert 'v4_100="\\x00\\x01\\x00\\x00"' in (tmp_path / "api.dict").read_text()
    assert (tmp_path / "seeds" / "zx_vcpu_interrupt").read_bytes() == bytes([1, 0, 0, 0, 0, 0])
