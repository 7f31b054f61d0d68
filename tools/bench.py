#!/usr/bin/python3
"""make bench: instruction counts, never seconds.

Boots the firmware under QEMU with -icount shift=0,sleep=off (the PMU then
counts retired instructions exactly), runs the host codec under callgrind,
reads the image size, and prints one Markdown table, each number beside a
baseline: measured in the same run, unless the row marks it a constant or
a target. Written to build/bench.md as well.
Fails only when a measurement could not be taken.
"""
import os
import re
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))
from rvqemu import Qemu  # noqa: E402

BENCH_HOST = os.path.join(ROOT, "build", "bench", "bench_host")


def fail(msg):
    print(f"bench: error: {msg}", file=sys.stderr)
    sys.exit(1)


def firmware_counts():
    q = Qemu(kernel=os.path.join(ROOT, "build", "regvisor.bin"), smp=2,
             append="regvisor.bench=1 regvisor.guestarg=8",
             extra=["-icount", "shift=0,sleep=off"])
    res = q.run(timeout=300)
    if "BENCH: error" in res.output or res.status != 0:
        fail("the firmware could not measure:\n" + "\n".join(
            l for l in res.output.splitlines() if "BENCH" in l or "status" in l))
    out = {}
    for m in re.finditer(r"^BENCH: (\w+) (\d+) (\d+)$", res.output, re.M):
        out[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return out


def callgrind(op, n):
    r = subprocess.run(["valgrind", "--tool=callgrind", "--toggle-collect=bench_op",
                        "--callgrind-out-file=/dev/null", BENCH_HOST, op, str(n)],
                       capture_output=True, text=True, timeout=600)
    m = re.search(r"Collected : (\d+)", r.stderr)
    regs = re.search(r"(\d+) registers (\d+) bytes", r.stdout)
    if r.returncode or not m or not regs:
        fail(f"callgrind {op} {n}: {r.stdout}{r.stderr}")
    return int(m.group(1)), int(regs.group(1)), int(regs.group(2))


STAGE = 0x40340000
BREAKINS = 5


def downtime():
    """Counter ticks of a live upgrade (build/ to build/peer/, the test guest at its
    checkpoint: the old firmware's export to the guest's next instruction on the new
    one, the image already in memory), and of the same export and import in one
    firmware (regvisor.checkpoint=cycle), both under icount."""
    icount = ["-icount", "shift=0,sleep=off"]
    fw = os.path.join(ROOT, "build", "regvisor.bin")
    peer = os.path.join(ROOT, "build", "peer", "regvisor.bin")
    q = Qemu(kernel=fw, unix_socket=True, append="regvisor.guestarg=2",
             extra=icount + ["-device", f"loader,file={peer},addr={STAGE:#x},force-raw=on"])
    q.start()
    try:
        q.expect(r"regvisor: monitor: guest stopped at its checkpoint call", 120)
        q.expect(Qemu.PROMPT, 30)
        q.send(f"upgrade {STAGE:#x}\r")
        m = q.expect(r"runs the guest: .* \((\d+) counter ticks\)", 120)
        up = int(m.group(1))
    finally:
        q.kill()
    res = Qemu(kernel=fw, append="regvisor.guestarg=2 regvisor.checkpoint=cycle",
               extra=icount).run(timeout=120)
    m = re.search(r"regvisor: cycle: (\d+) counter ticks", res.output)
    if not m:
        fail("no cycle timing line:\n" + res.output[-2000:])
    return up, int(m.group(1))


def linux_breakin(lg, smp=4):
    """Debian's kernel busy on every vCPU under regvisor (icount): the break-in
    key, the firmware's count from its interrupt to the prompt, then a `save`
    of every vCPU; returns (ticks, us, blob bytes, entries, entry bytes, vcpus)."""
    from blobpy import ENTRY_SECTIONS, Blob, unframe
    q = lg.qemu_regvisor(smp=smp, mode="busy", secs=600,
                         extra=["-icount", "shift=0,sleep=off"]).start()
    try:
        q.expect(r"REGVISOR-BUSY-START", 600)
        ticks = []
        for i in range(BREAKINS):
            if i:
                q.send("resume\r")
                q.expect(r"regvisor: monitor: resuming the guest", 60)
                time.sleep(0.3)
            start = len(q.output)
            q.send("\x1d")
            m = q.expect(r"break-in: (\d+) vCPUs stopped, their state in memory, (\d+) counter "
                         r"ticks \((\d+) us\)", 120, start)
            ticks.append(int(m.group(2)))
            q.expect(re.escape(Qemu.PROMPT), 60, start)
        stats = q.command("stats", timeout=60)
        raw = unframe(q.command("save", timeout=120))
        q.send("poweroff\r")
    finally:
        q.kill()
    blob = Blob(raw)
    entries = sum(len(sec[2]) for sec in blob.sections if sec[0] in ENTRY_SECTIONS)
    # An entry section's bytes: its 8-byte header, the count, the entries.
    entry_bytes = sum(8 + section_len(raw, i)
                      for i, sec in enumerate(blob.sections) if sec[0] in ENTRY_SECTIONS)
    return sorted(ticks), len(raw), entries, entry_bytes, int(m.group(1)), stats


def section_len(raw, index):
    """The payload length of section `index` of a blob (its 8-byte header's)."""
    off = 16
    for _ in range(index):
        off += 8 + int.from_bytes(raw[off + 4:off + 8], "little")
    return int.from_bytes(raw[off + 4:off + 8], "little")


def image_size():
    r = subprocess.run(["aarch64-linux-gnu-size", os.path.join(ROOT, "build", "regvisor.elf")],
                       capture_output=True, text=True, check=True)
    text, data, bss = (int(x) for x in r.stdout.splitlines()[1].split()[:3])
    return text, data, bss


def main():
    fw = firmware_counts()
    known, loop = fw["known_loop"]
    rows = []

    def row(op, ours, base, base_name, unit):
        ratio = f"{ours / base:.2f}x" if base else "-"
        shown = f"{base:,.1f} ({base_name})" if base_name else "-"
        rows.append(f"| {op} | {ours:,.1f} | {shown} | {ratio} | {unit} |")

    def per(key, extra_ops=1):
        count, ops = fw[key]
        return count / ops / extra_ops

    # guest_loop_only is one NOP plus the loop's SUBS and B.NE.
    overhead = per("guest_loop_only") - 1
    row("trapped guest MRS ID_AA64ISAR1_EL1, round trip", per("guest_mrs_trapped") - overhead,
        per("guest_mrs_untrapped") - overhead, "untrapped MRS TPIDR_EL1", "instructions/op")
    row("  a trapped MRS of another register the vCPU keeps in memory (AIDR_EL1)",
        per("guest_mrs_trapped_c") - overhead, per("guest_mrs_untrapped") - overhead,
        "untrapped MRS", "instructions/op")
    row("guest HVC SMCCC_VERSION (an answer the vector keeps), round trip",
        per("guest_hvc_version") - overhead, per("guest_mrs_untrapped") - overhead,
        "untrapped MRS", "instructions/op")
    row("  guest HVC SMCCC_ARCH_FEATURES (through C: the light exit), round trip",
        per("guest_hvc_c") - overhead - 2, per("guest_mrs_untrapped") - overhead,
        "untrapped MRS", "instructions/op")
    row("guest SMC SMCCC_VERSION (trapped), round trip", per("guest_smc_version") - overhead,
        per("guest_mrs_untrapped") - overhead, "untrapped MRS", "instructions/op")
    row("guest GICD_TYPER read (emulated distributor), round trip",
        per("guest_gicd_typer") - overhead - 1, per("guest_mrs_untrapped") - overhead,
        "untrapped MRS", "instructions/op")
    row("  guest GICD_CTLR read (through C: the light exit), round trip",
        per("guest_gicd_ctlr") - overhead - 1, per("guest_mrs_untrapped") - overhead,
        "untrapped MRS", "instructions/op")
    row("guest ICC_SGI1R_EL1 write (an IPI to itself), round trip",
        per("guest_sgi1r_self") - overhead - 2, per("guest_mrs_untrapped") - overhead,
        "untrapped MRS", "instructions/op")
    row("guest ICC_SGI1R_EL1 write (an IPI to vCPU 1, sent in the vector), round trip, the sender",
        per("guest_sgi1r_other") - overhead - 2, per("guest_mrs_untrapped") - overhead,
        "untrapped MRS", "instructions/op")
    ours_peer = {"hvc": per("guest_hvc_version") - overhead,
                 "smc": per("guest_smc_version") - overhead,
                 "gicd": per("guest_gicd_typer") - overhead - 1,
                 "sgi": per("guest_sgi1r_other") - overhead - 2}
    sgi_self = per("guest_sgi1r_self") - overhead - 2
    ctx, floor = fw["ctx_registers"][0], fw["ctx_floor_registers"][0]
    row(f"save+restore all {ctx} context registers (table-expanded), per register",
        per("ctx_save_restore", ctx), per("ctx_save_restore_floor", floor),
        f"hand-written MRS/MSR of the {floor} plain ones", "instructions/register")
    row("  the same, register by register through the dispatch", per("ctx_dispatch_each", ctx),
        per("ctx_save_restore_floor", floor), "hand-written MRS/MSR", "instructions/register")
    # The save and load paths, each one pass over the registers (the rows), beside the
    # same work in steps through the entries, measured in the same run.
    two_pass_export = per("fw_export_regs") + per("fw_encode")
    two_pass_import = per("fw_decode") + per("fw_check") + per("fw_apply")
    row("firmware export, the save path: registers read, checked and encoded straight into "
        "the blob (with CRC-32C)", per("fw_export_fused"), two_pass_export,
        "the same in the steps below, through the entries", "instructions/register")
    row("firmware import, the load path: the blob decoded straight into the registers' rows, "
        "checked, written", per("fw_import_fused"), two_pass_import,
        "the same in the steps below, through the entries", "instructions/register")
    for key, name in [("fw_export_regs", "export: read and check registers"),
                      ("fw_encode", "export: encode the blob (with CRC-32C)"),
                      ("fw_decode", "import: decode and check the blob"),
                      ("fw_check", "import: check against the table"),
                      ("fw_apply", "import: write the registers")]:
        row(f"  firmware {name}", per(key), 0, None, "instructions/register")
    table_regs = fw["hidden_table_registers"][0]
    for k in sorted(int(key.rsplit("_", 1)[1]) for key in fw if key.startswith("hidden_bitmap_")):
        row(f"hidden check (sysreg_mask_test) with {k} of {table_regs} hidden",
            per(f"hidden_bitmap_{k}"), per(f"hidden_scan_{k}"),
            "linear scan of a hidden-id list", "instructions/register")

    for op, base_op in [("encode", "cpreg_write"), ("decode", "cpreg_read")]:
        for n in [0, 1000, 10000]:
            count, regs, nbytes = callgrind(op, n)
            base, _, _ = callgrind(base_op, n)
            label = "full table" if n == 0 else f"{n} synthetic registers"
            row(f"host {op}, {label} ({regs})", count / regs, base / regs,
                f"QEMU-style arrays, same sections, no CRC, {base_op}",
                "instructions/register")

    blob, nregs = fw["blob_bytes"][0], fw["blob_registers"][0]
    fixed = 16 + 5 * 8 + 264 + 520 + 8 + 4
    reg_bytes = blob - fixed
    row(f"blob bytes per register, full table ({nregs})", reg_bytes / nregs, 16.0,
        "constant: QEMU cpreg arrays, Firecracker", "bytes")
    _, regs10k, bytes10k = callgrind("encode", 10000)
    row(f"blob bytes per register, {regs10k} synthetic", (bytes10k - fixed) / regs10k, 16.0,
        "constant: QEMU cpreg arrays, Firecracker", "bytes")
    # Bytes the console sends for the framed blob (base64 lines, CR LF), counted by
    # the firmware's own framing code, and for the same sections at 16 bytes/register.
    framed, base_framed = fw["blob_framed_bytes"][0], fw["baseline_framed_bytes"][0]
    for baud in [115200, 3000000]:
        row(f"whole vCPU state over a {baud} baud UART ({framed:,} framed bytes, 8N1)",
            framed * 10 / baud * 1000, base_framed * 10 / baud * 1000,
            f"16 bytes/register, framed the same: {base_framed:,} bytes", "ms")
    # Under icount shift=0 one instruction is 1 ns; the counter ticks at 62.5 MHz (16 ns).
    up, cycle = downtime()
    row("live upgrade downtime, test guest: export, new firmware, import, guest's next "
        "instruction", up * 16, cycle * 16, "the same export and import in one firmware",
        "instructions (1 ns each)")
    text, data, bss = image_size()
    # The test guest is loaded beside the firmware, no longer embedded in it.
    row("firmware loaded image (text+data)", (text + data) / 1024, 64.0, "target, a constant", "KiB")
    rows.append(f"| firmware text / data / bss | {text:,} / {data:,} / {bss:,} | - | - | bytes |")

    # Debian's kernel to its init, under regvisor and on QEMU's own EL1, same run.
    linux_exits = linux_stats = None
    try:
        sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))
        import linuxguest as lg
        lg.ensure_built()
        icount = ["-icount", "shift=0,sleep=off"]
        runs = {}
        for name, boot in [("direct", lg.boot_direct), ("regvisor", lg.boot_regvisor)]:
            res = boot(smp=2, mode="smoke", extra=icount)
            m = re.search(r"\[\s*([\d.]+)\] Run /init as init process", res.output)
            if not m:
                fail(f"Linux ({name}) did not reach its init:\n{res.output[-3000:]}")
            runs[name] = float(m.group(1)) * 1e3
            if name == "regvisor":
                ex = re.search(r"^regvisor: exits: .*$", res.output, re.M)
                linux_exits = ex.group(0) if ex else None
        row("Linux boot to `Run /init`, -smp 2, virtual time under icount", runs["regvisor"],
            runs["direct"], "the same kernel at QEMU's own EL1", "ms (1 ns = 1 instruction)")
        ticks, blob_len, entries, entry_bytes, vcpus, linux_stats = linux_breakin(lg)
        med = ticks[len(ticks) // 2]
        row(f"break-in to the prompt, Linux busy on {vcpus} vCPUs: every vCPU stopped, its "
            f"state in memory (median of {len(ticks)}; fastest {ticks[0] * 16 / 1e6:.2f} ms)",
            med * 16 / 1e6, 0, None, "ms of virtual time (1 ns = 1 instruction)")
        row(f"blob of that Linux guest ({vcpus} vCPUs, {blob_len:,} bytes in all): register "
            f"entries, {entries} of them in {entry_bytes:,} bytes", entry_bytes / entries, 16.0,
            "constant: QEMU cpreg arrays, Firecracker", "bytes/register")
    except ImportError as e:
        fail(f"tests/qemu/linuxguest.py: {e}")

    table = ["| operation | regvisor | baseline (measured in the same run unless marked) | ratio "
             "| unit |",
             "|---|---|---|---|---|"] + rows
    note = (f"\nPMU check: a loop of {loop} known instructions counted {known}. "
            "Counts from QEMU 7.2 `-cpu max,pauth-impdef=on -icount shift=0,sleep=off` "
            "(guest and EL2 instructions both counted) and valgrind callgrind on the host.\n"
            "Linux boot: the kernel's own timestamp of `Run /init` (its clock starts when the "
            "kernel's sched_clock does, so the firmware's boot before the guest is not in it); "
            "under `-icount shift=0,sleep=off` virtual time is the instructions executed on "
            "both CPUs, plus the time skipped while both idle.\n")
    if linux_exits:
        note += f"\nGuest exits during that boot: `{linux_exits}`\n"
    if linux_stats:
        # Which registers and calls the exits were, all vCPUs together, from boot to the break-in.
        what = {}
        for kind, name, n in re.findall(r"vcpu \d+:\s+(sysreg|call) (\S+)\s+(\d+)$", linux_stats,
                                        re.M):
            what[f"{kind} {name}"] = what.get(f"{kind} {name}", 0) + int(n)
        reasons = {}
        for name, n in re.findall(r"vcpu \d+:\s+([a-z-]+)\s+(\d+)$", linux_stats, re.M):
            reasons[name] = reasons.get(name, 0) + int(n)
        note += ("\nExits of Linux on 4 vCPUs from boot to the break-in (`stats`), by reason: " +
                 ", ".join(f"{k} {v:,}" for k, v in sorted(reasons.items(), key=lambda kv: -kv[1])) +
                 "; the trapped registers and calls through C: " +
                 ", ".join(f"{k.split(' ', 1)[1]} {v:,}"
                           for k, v in sorted(what.items(), key=lambda kv: -kv[1])) + "\n")
    # Published peer figures (issue 17): Bao and Xen on this QEMU, not this run.
    peers = [("HVC PSCI_VERSION / SMCCC_VERSION round trip", "hvc", 193, 475),
             ("trapped SMC round trip", "smc", 220, 530),
             ("emulated GICD_TYPER read", "gicd", 227, 601),
             (f"ICC_SGI1R_EL1 write (an IPI; ours to another vCPU, the sender's side; to "
              f"itself {sgi_self:,.1f})", "sgi", 230, 513)]
    note += ("\nPeers, measured on the same QEMU 7.2 virt (published figures, not this run; "
             "instructions a round trip):\n\n| operation | regvisor (this run) | Bao v2.0.0-41 "
             "| Xen 4.17 |\n|---|---|---|---|\n")
    for name, key, bao, xen in peers:
        note += f"| {name} | {ours_peer[key]:,.1f} | {bao} | {xen} |\n"
    text_out = "\n".join(table) + "\n" + note
    print(text_out)
    os.makedirs(os.path.join(ROOT, "build"), exist_ok=True)
    with open(os.path.join(ROOT, "build", "bench.md"), "w") as f:
        f.write(text_out)


if __name__ == "__main__":
    main()
