"""`make bench` stays runnable: the benchmark mode builds, its PMU counter
counts exactly under icount, and without icount it fails loudly."""
import re

from rvqemu import Qemu, build_path


def run(icount):
    extra = ["-icount", "shift=0,sleep=off"] if icount else []
    return Qemu(kernel=build_path(2, "regvisor.bin"), append="regvisor.bench=1 regvisor.guestarg=8",
                extra=extra).run(timeout=120)


def test_counter_counts_under_icount():
    res = run(True)
    m = re.search(r"^BENCH: known_loop (\d+) 2000$", res.output, re.M)
    assert m and 2000 <= int(m.group(1)) <= 2016, res.output
    for key in ["ctx_save_restore", "ctx_save_restore_floor", "fw_encode", "fw_decode",
                "hidden_bitmap_256", "hidden_scan_256", "guest_mrs_trapped", "guest_hvc_version"]:
        assert re.search(rf"^BENCH: {key} [1-9]\d* [1-9]\d*$", res.output, re.M), key
    assert res.status == 0


def test_counter_not_counting_fails_loudly():
    res = run(False)
    assert "BENCH: error: the PMU counted 0 instructions for a loop of 2000" in res.output, res.output
    assert res.status == 5
