"""`make bench` stays runnable: tools/bench.py itself runs (firmware under
icount, host codec under callgrind) and prints every row of its table with
a number; the PMU counts a known loop exactly; without icount the firmware's
benchmark mode fails loudly."""
import os
import re
import subprocess

from rvqemu import ROOT, Qemu, build_path

BENCH = os.path.join(ROOT, "tools", "bench.py")

# Every row the table must hold (a benchmark line the firmware stops printing
# makes bench.py fail, and this test with it).
ROWS = [
    "trapped guest MRS ID_AA64ISAR1_EL1, round trip",
    "a trapped MRS of another register the vCPU keeps in memory (AIDR_EL1)",
    "guest HVC SMCCC_VERSION (an answer the vector keeps), round trip",
    "guest HVC SMCCC_ARCH_FEATURES (through C: the light exit), round trip",
    r"save\+restore all \d+ context registers \(table-expanded\), per register",
    "the same, register by register through the dispatch",
    "firmware export, the save path: registers read, checked and encoded straight into the blob",
    "firmware import, the load path: the blob decoded straight into the registers' rows",
    "firmware export: read and check registers",
    "firmware export: encode the blob",
    "firmware import: decode and check the blob",
    "firmware import: check against the table",
    "firmware import: write the registers",
    r"hidden check \(sysreg_mask_test\) with 0 of \d+ hidden",
    r"hidden check \(sysreg_mask_test\) with 1 of \d+ hidden",
    r"hidden check \(sysreg_mask_test\) with 16 of \d+ hidden",
    r"hidden check \(sysreg_mask_test\) with (\d+) of \1 hidden",
    r"host encode, full table \(\d+\)", r"host encode, 1000 synthetic registers \(1000\)",
    r"host encode, 10000 synthetic registers \(10000\)",
    r"host decode, full table \(\d+\)", r"host decode, 1000 synthetic registers \(1000\)",
    r"host decode, 10000 synthetic registers \(10000\)",
    r"blob bytes per register, full table \(\d+\)", "blob bytes per register, 10000 synthetic",
    r"whole vCPU state over a 115200 baud UART \([\d,]+ framed bytes",
    r"whole vCPU state over a 3000000 baud UART \([\d,]+ framed bytes",
    "firmware loaded image",
    "live upgrade downtime, test guest: export, new firmware, import, guest's next instruction",
    "guest SMC SMCCC_VERSION (trapped), round trip",
    r"guest GICD_TYPER read \(emulated distributor\), round trip",
    "guest GICD_CTLR read (through C: the light exit), round trip",
    r"guest ICC_SGI1R_EL1 write \(an IPI to itself\), round trip",
    r"guest ICC_SGI1R_EL1 write \(an IPI to vCPU 1, sent in the vector\), round trip, the sender",
    "Linux boot to `Run /init`, -smp 2, virtual time under icount",
    r"break-in to the prompt, Linux busy on 4 vCPUs: every vCPU stopped",
    r"blob of that Linux guest \(4 vCPUs, [\d,]+ bytes in all\): register entries",
]


def test_bench_py_prints_every_row():
    r = subprocess.run(["/usr/bin/python3", BENCH], capture_output=True, text=True,
                       timeout=600, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    main_table = r.stdout.split("\n\n")[0]       # the peers' table follows, apart
    rows = [l for l in main_table.splitlines() if l.startswith("| ") and "---" not in l][1:]
    for want in ROWS:
        rx = want if "\\" in want else re.escape(want)      # plain text or a regex
        hits = [l for l in rows if re.match(rf"\| *{rx}", l)]
        assert len(hits) == 1, (want, r.stdout)
        ours = hits[0].split("|")[2].strip().replace(",", "")
        assert float(ours) > 0, hits[0]
    assert len(rows) == len(ROWS) + 1, r.stdout      # and the text/data/bss line
    m = re.search(r"a loop of 2000 known instructions counted (\d+)", r.stdout)
    assert m and 2000 <= int(m.group(1)) <= 2016, r.stdout
    peers = re.findall(r"^\| (HVC|trapped SMC|emulated GICD_TYPER|ICC_SGI1R_EL1)[^|]*\| ([\d.,]+) \| "
                       r"(\d+) \| (\d+) \|$", r.stdout, re.M)
    assert len(peers) == 4, r.stdout
    assert re.search(r"^Guest exits during that boot: `regvisor: exits: vcpu0 \d+ \(", r.stdout,
                     re.M), r.stdout
    assert re.search(r"^Exits of Linux on 4 vCPUs from boot to the break-in \(`stats`\), by "
                     r"reason: uart-mmio [\d,]+", r.stdout, re.M), r.stdout


def test_counter_not_counting_fails_loudly():
    res = Qemu(kernel=build_path(2, "regvisor.bin"),
               append="regvisor.bench=1 regvisor.guestarg=8").run(timeout=120)
    assert "BENCH: error: the PMU counted 0 instructions for a loop of 2000" in res.output, res.output
    assert res.status == 5
