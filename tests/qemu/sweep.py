"""The system-register sweep (test guest mode 0x8000, tests/guest/sweep.c):
boot a source with the sweep guest, save its state at the checkpoint, load
it into a fresh firmware, resume there, and join the two consoles into one
table: every encoding that is not UNDEF on both read and write, its name
where known, its class, and what became of it.

Classes, from the guest's outcome and the firmware's trap log
(regvisor.traplog=1, one line the first time an encoding traps):
  live              the access reached the CPU: no trap, no exception
  trapped           it trapped to EL2, which answered it (emulated)
  undef-trapped     it trapped to EL2, which injected UNDEF
  undef             UNDEF from the CPU itself, no trap
  fault-ecXX        another exception at EL1 (0x18: FEAT_IDST's ID-space trap)
  skipped           not made: tests/guest/sweep.c's policies say why

Results: carried (the value after the load is the one before), volatile
(VOLATILE below says why; not compared), LOST (a different value, or no
longer readable), APPEARED (readable after the load, not before: the
guest's view changed), skipped-write, write-only, undef.
"""
import os
import re
import threading

from migrate import reframe, resume, send_blob
from rvqemu import LATEST, ROOT, Qemu, build_path

SWEEP = 0x8000
ARGS = "regvisor.traplog=1"

ENC_RE = r"(S[23]_\d_C\d+_C\d+_\d)"
BEFORE_RE = re.compile(r"^sweep: before vcpu=(\d+) " + ENC_RE + r"\s+r=(\S+)\s+w=(\S+)\s+how=(\S+)"
                       r"\s+read=0x([0-9a-f]+) wrote=0x([0-9a-f]+) back=0x([0-9a-f]+) "
                       r"snap=0x([0-9a-f]+)$", re.M)
AFTER_RE = re.compile(r"^sweep: after  vcpu=(\d+) " + ENC_RE + r"\s+r=(\S+)\s+value=0x([0-9a-f]+)$",
                      re.M)
TRAP_RE = re.compile(r"^regvisor: trap: vcpu \d+ " + ENC_RE + r" (read|write) (\S+)$", re.M)
COUNT_RE = re.compile(r"^sweep: count vcpu=(\d+) encodings=(\d+) undef=(\d+) readable=(\d+) "
                      r"writable=(\d+)$", re.M)

# Not compared bit for bit, and why. (mask, reason): compared under mask.
VOLATILE = {
    "S3_3_C14_C0_1": "CNTPCT_EL0 counts (its offset to CNTVCT_EL0 is checked by the guest)",
    "S3_3_C14_C0_2": "CNTVCT_EL0 counts (the guest checks it never goes back)",
    "S3_3_C14_C0_5": "CNTPCTSS_EL0 counts",
    "S3_3_C14_C0_6": "CNTVCTSS_EL0 counts",
    "S3_3_C14_C2_0": "CNTP_TVAL_EL0 is CNTP_CVAL_EL0 minus the count",
    "S3_3_C14_C3_0": "CNTV_TVAL_EL0 is CNTV_CVAL_EL0 minus the count",
    "S3_3_C2_C4_0": "RNDR is a random number",
    "S3_3_C2_C4_1": "RNDRRS is a random number",
    "S3_0_C12_C1_0": "ISR_EL1 shows what is pending now",
    "S3_3_C4_C2_0": "NZCV changes with every compare",
    "S3_0_C12_C8_2": "ICC_HPPIR0_EL1 shows what is pending now",
    "S3_0_C12_C12_2": "ICC_HPPIR1_EL1 shows what is pending now (the sweep enables the timers)",
    "S3_0_C12_C11_3": "ICC_RPR_EL1 shows the running priority now",
}
MASKED = {
    "S3_3_C14_C2_1": (0x3, "CNTP_CTL_EL0: ISTATUS is status"),
    "S3_3_C14_C3_1": (0x3, "CNTV_CTL_EL0: ISTATUS is status"),
}

# Names of the encodings sysreg/sysregs.def does not list (Arm ARM D19, C5.3).
NAMES = {
    "S2_0_C0_C0_2": "OSDTRRX_EL1", "S2_0_C0_C2_0": "MDCCINT_EL1", "S2_0_C0_C2_2": "MDSCR_EL1",
    "S2_0_C0_C3_2": "OSDTRTX_EL1", "S2_0_C0_C6_2": "OSECCR_EL1", "S2_0_C1_C0_0": "MDRAR_EL1",
    "S2_0_C1_C0_4": "OSLAR_EL1", "S2_0_C1_C1_4": "OSLSR_EL1", "S2_0_C1_C3_4": "OSDLR_EL1",
    "S2_0_C1_C4_4": "DBGPRCR_EL1", "S2_0_C7_C8_6": "DBGCLAIMSET_EL1",
    "S2_0_C7_C9_6": "DBGCLAIMCLR_EL1", "S2_0_C7_C14_6": "DBGAUTHSTATUS_EL1",
    "S2_3_C0_C1_0": "MDCCSR_EL0", "S2_3_C0_C4_0": "DBGDTR_EL0", "S2_3_C0_C5_0": "DBGDTRRX/TX_EL0",
    "S3_0_C0_C0_1": "(ID space, unallocated)", "S3_0_C1_C0_1": "ACTLR_EL1",
    "S3_0_C1_C0_5": "RGSR_EL1", "S3_0_C1_C0_6": "GCR_EL1", "S3_0_C1_C2_0": "ZCR_EL1",
    "S3_0_C1_C2_1": "TRFCR_EL1", "S3_0_C1_C2_4": "SMPRI_EL1", "S3_0_C1_C2_6": "SMCR_EL1",
    "S3_0_C4_C1_0": "SP_EL0", "S3_0_C4_C2_0": "SPSel", "S3_0_C4_C2_2": "CurrentEL",
    "S3_0_C4_C2_3": "PAN", "S3_0_C4_C2_4": "UAO", "S3_0_C4_C3_0": "ALLINT",
    "S3_0_C4_C6_0": "ICC_PMR_EL1", "S3_0_C5_C3_0": "ERRIDR_EL1", "S3_0_C5_C3_1": "ERRSELR_EL1",
    "S3_0_C5_C4_0": "ERXFR_EL1", "S3_0_C5_C4_1": "ERXCTLR_EL1", "S3_0_C5_C4_2": "ERXSTATUS_EL1",
    "S3_0_C5_C4_3": "ERXADDR_EL1", "S3_0_C5_C5_0": "ERXMISC0_EL1", "S3_0_C5_C5_1": "ERXMISC1_EL1",
    "S3_0_C5_C6_0": "TFSR_EL1", "S3_0_C5_C6_1": "TFSRE0_EL1",
    "S3_0_C9_C14_1": "PMINTENSET_EL1", "S3_0_C9_C14_2": "PMINTENCLR_EL1",
    "S3_0_C9_C14_6": "PMMIR_EL1", "S3_0_C10_C4_0": "LORSA_EL1", "S3_0_C10_C4_1": "LOREA_EL1",
    "S3_0_C10_C4_2": "LORN_EL1", "S3_0_C10_C4_3": "LORC_EL1", "S3_0_C10_C4_7": "LORID_EL1",
    "S3_0_C12_C0_1": "RVBAR_EL1", "S3_0_C12_C0_2": "RMR_EL1", "S3_0_C12_C1_0": "ISR_EL1",
    "S3_0_C12_C1_1": "DISR_EL1", "S3_0_C12_C8_0": "ICC_IAR0_EL1", "S3_0_C12_C8_1": "ICC_EOIR0_EL1",
    "S3_0_C12_C8_2": "ICC_HPPIR0_EL1", "S3_0_C12_C8_3": "ICC_BPR0_EL1",
    "S3_0_C12_C9_5": "ICC_NMIAR1_EL1", "S3_0_C12_C11_1": "ICC_DIR_EL1",
    "S3_0_C12_C11_3": "ICC_RPR_EL1", "S3_0_C12_C11_5": "ICC_SGI1R_EL1",
    "S3_0_C12_C11_6": "ICC_ASGI1R_EL1", "S3_0_C12_C11_7": "ICC_SGI0R_EL1",
    "S3_0_C12_C12_0": "ICC_IAR1_EL1", "S3_0_C12_C12_1": "ICC_EOIR1_EL1",
    "S3_0_C12_C12_2": "ICC_HPPIR1_EL1", "S3_0_C12_C12_3": "ICC_BPR1_EL1",
    "S3_0_C12_C12_4": "ICC_CTLR_EL1", "S3_0_C12_C12_5": "ICC_SRE_EL1",
    "S3_0_C12_C12_6": "ICC_IGRPEN0_EL1", "S3_0_C12_C12_7": "ICC_IGRPEN1_EL1",
    "S3_0_C13_C0_7": "SCXTNUM_EL1", "S3_1_C0_C0_0": "CCSIDR_EL1", "S3_1_C0_C0_1": "CLIDR_EL1",
    "S3_1_C0_C0_2": "CCSIDR2_EL1", "S3_1_C0_C0_4": "GMID_EL1", "S3_1_C0_C0_6": "SMIDR_EL1",
    "S3_3_C0_C0_1": "CTR_EL0", "S3_3_C0_C0_7": "DCZID_EL0", "S3_3_C2_C4_0": "RNDR",
    "S3_3_C2_C4_1": "RNDRRS", "S3_3_C4_C2_0": "NZCV", "S3_3_C4_C2_1": "DAIF",
    "S3_3_C4_C2_2": "SVCR", "S3_3_C4_C2_5": "DIT", "S3_3_C4_C2_6": "SSBS", "S3_3_C4_C2_7": "TCO",
    "S3_3_C4_C4_0": "FPCR", "S3_3_C4_C4_1": "FPSR", "S3_3_C4_C5_0": "DSPSR_EL0",
    "S3_3_C4_C5_1": "DLR_EL0", "S3_3_C9_C12_0": "PMCR_EL0", "S3_3_C9_C12_1": "PMCNTENSET_EL0",
    "S3_3_C9_C12_2": "PMCNTENCLR_EL0", "S3_3_C9_C12_3": "PMOVSCLR_EL0",
    "S3_3_C9_C12_4": "PMSWINC_EL0", "S3_3_C9_C12_5": "PMSELR_EL0", "S3_3_C9_C12_6": "PMCEID0_EL0",
    "S3_3_C9_C12_7": "PMCEID1_EL0", "S3_3_C9_C13_0": "PMCCNTR_EL0",
    "S3_3_C9_C13_1": "PMXEVTYPER_EL0", "S3_3_C9_C13_2": "PMXEVCNTR_EL0",
    "S3_3_C9_C14_0": "PMUSERENR_EL0", "S3_3_C9_C14_3": "PMOVSSET_EL0",
    "S3_3_C13_C0_5": "TPIDR2_EL0", "S3_3_C13_C0_7": "SCXTNUM_EL0", "S3_3_C14_C0_0": "CNTFRQ_EL0",
    "S3_3_C14_C0_1": "CNTPCT_EL0", "S3_3_C14_C0_2": "CNTVCT_EL0", "S3_3_C14_C0_5": "CNTPCTSS_EL0",
    "S3_3_C14_C0_6": "CNTVCTSS_EL0", "S3_3_C14_C2_0": "CNTP_TVAL_EL0",
    "S3_3_C14_C2_1": "CNTP_CTL_EL0", "S3_3_C14_C2_2": "CNTP_CVAL_EL0",
    "S3_3_C14_C3_0": "CNTV_TVAL_EL0", "S3_3_C14_C15_7": "PMCCFILTR_EL0",
}
for n in range(16):
    for op2, kind in ((4, "BVR"), (5, "BCR"), (6, "WVR"), (7, "WCR")):
        NAMES[f"S2_0_C0_C{n}_{op2}"] = f"DBG{kind}{n}_EL1"
for n in range(31):
    NAMES[f"S3_3_C14_C{8 + n // 8}_{n % 8}"] = f"PMEVCNTR{n}_EL0"
    NAMES[f"S3_3_C14_C{12 + n // 8}_{n % 8}"] = f"PMEVTYPER{n}_EL0"
for n in range(4):
    NAMES[f"S3_0_C12_C8_{4 + n}"] = f"ICC_AP0R{n}_EL1"
    NAMES[f"S3_0_C12_C9_{n}"] = f"ICC_AP1R{n}_EL1"


def _wmask(text):
    text = text.strip()
    return (1 << 64) - 1 if text == "~0" else int(text, 0)


WMASKS = {}     # encoding: the table's wmask (the bits that are state; the rest RES0)


def table_names():
    """Names and encodings of the firmware's register table (sysreg/sysregs.def)."""
    out = {}
    with open(os.path.join(ROOT, "sysreg", "sysregs.def")) as f:
        for line in f:
            m = re.match(r"SR\((\w+),\s*(\d+),\s*(\d+),\s*(\d+),\s*(\d+),\s*(\d+),"
                         r"\s*CTX,[^,]*,[^,]*,([^,]*),", line)
            if m:
                WMASKS["S%s_%s_C%s_C%s_%s" % m.groups()[1:6]] = _wmask(m.group(7))
            m = re.match(r"SR\((\w+),\s*(\d+),\s*(\d+),\s*(\d+),\s*(\d+),\s*(\d+),", line)
            if m:
                out["S%s_%s_C%s_C%s_%s" % m.groups()[1:]] = m.group(1)
            m = re.match(r"SRK\((\w+),(?:\s*\d+,){5}\s*(\d+),\s*(\d+),\s*(\d+),\s*(\d+),\s*(\d+),",
                         line)
            if m:
                out["S%s_%s_C%s_C%s_%s" % m.groups()[1:]] = m.group(1)
            m = re.match(r"CORE\((\w+),\s*\w+,\s*(S\d_\d_C\d+_C\d+_\d),", line)
            if m:
                out[m.group(2)] = m.group(1)
    return out


def name_of(enc, table=None):
    table = table if table is not None else table_names()
    return table.get(enc) or NAMES.get(enc, "")


# The registers the issue names: each must be carried or unreachable.
def _pm(first_crm):
    return [f"S3_3_C14_C{first_crm + n // 8}_{n % 8}" for n in range(31)]


NAMED = {
    "CNTP_CVAL_EL0": ["S3_3_C14_C2_2"],
    "CNTP_CTL_EL0": ["S3_3_C14_C2_1"],
    "PMCR_EL0": ["S3_3_C9_C12_0"],
    "PMSELR_EL0": ["S3_3_C9_C12_5"],
    "PMCNTENSET_EL0": ["S3_3_C9_C12_1"],
    "PMINTENSET_EL1": ["S3_0_C9_C14_1"],
    "PMOVSSET_EL0": ["S3_3_C9_C14_3"],
    "PMUSERENR_EL0": ["S3_3_C9_C14_0"],
    "PMCCFILTR_EL0": ["S3_3_C14_C15_7"],
    "PMCCNTR_EL0": ["S3_3_C9_C13_0"],
    "PMEVTYPER<n>_EL0": _pm(12),
    "PMEVCNTR<n>_EL0": _pm(8),
    "DBGBVR/BCR<n>_EL1": [f"S2_0_C0_C{n}_{o}" for n in range(16) for o in (4, 5)],
    "DBGWVR/WCR<n>_EL1": [f"S2_0_C0_C{n}_{o}" for n in range(16) for o in (6, 7)],
    "OS lock (OSLSR_EL1.OSLK via OSLAR_EL1)": ["S2_0_C1_C1_4", "S2_0_C1_C0_4"],
    "ICC_PMR_EL1": ["S3_0_C4_C6_0"],
    "ICC_BPR0_EL1": ["S3_0_C12_C8_3"],
    "ICC_BPR1_EL1": ["S3_0_C12_C12_3"],
    "ICC_CTLR_EL1": ["S3_0_C12_C12_4"],
    "ICC_IGRPEN0_EL1": ["S3_0_C12_C12_6"],
    "ICC_IGRPEN1_EL1": ["S3_0_C12_C12_7"],
    "TPIDR2_EL0": ["S3_3_C13_C0_5"],
    "DISR_EL1": ["S3_0_C12_C1_1"],
}
COUNTER_CHECK = "sweep: CNTPCT_EL0 - CNTVCT_EL0 the same after the load"


class Sweep:
    """One source/destination run and its joined table."""

    def __init__(self, smp, cpu, version=LATEST, extra=""):
        self.smp, self.cpu, self.version = smp, cpu, version
        self.args = f"{ARGS} regvisor.cpu={cpu} {extra}".strip()
        self.source = self.dest = ""
        self.error = None

    def run(self):
        src = dst = None
        try:
            src = _boot_source(self.version, self.args, self.smp)
            dst = _boot_destination(self.version, ARGS, self.smp)
            out = src.command("save")
            self.source = src.output
            self.load = send_blob(dst, reframe(out))
            self.dest = resume(dst).output
        except Exception as e:      # noqa: BLE001 - kept for the test to report
            self.error = e
            self.source = src.output if src else ""
            self.dest = dst.output if dst else ""
        finally:
            for q in (src, dst):
                if q:
                    q.kill()
        self.build()
        return self

    def build(self):
        table = table_names()
        traps = {}
        for enc, d, what in TRAP_RE.findall(self.source):
            traps.setdefault((enc, d), what)
        self.before = {(int(v), enc): dict(r=r, w=w, how=how, read=int(a, 16), wrote=int(b, 16),
                                           back=int(c, 16), snap=int(s, 16))
                       for v, enc, r, w, how, a, b, c, s in BEFORE_RE.findall(self.source)}
        self.after = {(int(v), enc): dict(r=r, value=int(x, 16))
                      for v, enc, r, x in AFTER_RE.findall(self.dest)}
        self.counts = {int(m[0]): m[1:] for m in COUNT_RE.findall(self.source)}
        self.after_vcpus = {v for v, _ in self.after}
        self.rows = []
        for key in sorted(set(self.before) | set(self.after)):
            vcpu, enc = key
            b = self.before.get(key)
            a = self.after.get(key)
            row = dict(vcpu=vcpu, enc=enc, name=name_of(enc, table), before=b, after=a,
                       in_table=enc in table)
            row["rclass"] = self.klass(b["r"] if b else "undef", traps.get((enc, "read")))
            row["wclass"] = self.klass(b["w"] if b else "undef", traps.get((enc, "write")))
            row["result"], row["why"] = self.result(vcpu, enc, b, a)
            self.rows.append(row)
        return self

    @staticmethod
    def klass(outcome, trap):
        if outcome == "skip":
            return "skipped"
        if outcome == "ok":
            return "trapped" if trap else "live"
        if outcome == "undef":
            return "undef-trapped" if trap else "undef"
        return "fault-" + outcome

    def result(self, vcpu, enc, b, a):
        if b is None:
            return "APPEARED", "readable after the load, not before"
        if b["r"] == "skip":
            return "skipped-read", ""
        if b["r"] != "ok":
            if a is not None and a["r"] == "ok":
                return "APPEARED", "readable after the load, not before"
            if b["w"] == "skip":
                return "skipped-write", ""
            return ("write-only", "") if b["w"] == "ok" else ("undef", "")
        if a is None or a["r"] != "ok":
            if vcpu not in self.after_vcpus:
                return "LOST", f"vCPU {vcpu} did not come back after the load"
            return "LOST", "no longer readable after the load"
        if enc in VOLATILE:
            return "volatile", VOLATILE[enc]
        mask, why = MASKED.get(enc, (~0, ""))
        diff = (a["value"] ^ b["snap"]) & mask
        if diff and not diff & WMASKS.get(enc, ~0):
            # The table says these bits are not state: RES0 here, which QEMU
            # keeps as written (the Arm ARM allows it; software may not rely on it).
            return "carried", f"RES0 bits 0x{diff:x} not kept: outside the table's wmask"
        if diff:
            return "LOST", f"0x{b['snap']:016x} came back 0x{a['value']:016x}"
        return "carried", why

    def table_text(self):
        lines = [f"sweep table: -smp {self.smp}, regvisor.cpu={self.cpu} "
                 f"(firmware v{self.version}); not listed: UNDEF on read and write",
                 f"{'vcpu':4} {'encoding':15} {'name':24} {'read':14} {'write':14} "
                 f"{'before':18} {'after':18} result"]
        for r in self.rows:
            b, a = r["before"], r["after"]
            lines.append(f"{r['vcpu']:<4} {r['enc']:15} {r['name'][:24]:24} {r['rclass']:14} "
                         f"{r['wclass']:14} "
                         f"{'0x%016x' % b['snap'] if b and b['r'] == 'ok' else '-':18} "
                         f"{'0x%016x' % a['value'] if a and a['r'] == 'ok' else '-':18} "
                         f"{r['result']}{(' (' + r['why'] + ')') if r['why'] else ''}")
        for v, c in sorted(self.counts.items()):
            lines.append(f"vcpu {v}: {c[0]} encodings, {c[1]} UNDEF on read and write, "
                         f"{c[2]} readable, {c[3]} writable")
        return "\n".join(lines)

    def lost(self):
        return [r for r in self.rows if r["result"] in ("LOST", "APPEARED")]

    def named(self, item):
        """(verdict, detail) for one of NAMED: carried, unreachable, or the failure."""
        bad, seen = [], []
        for r in self.rows:
            if r["enc"] not in NAMED[item]:
                continue
            seen.append(r)
            if r["result"] in ("LOST", "APPEARED"):
                bad.append(f"vcpu {r['vcpu']} {r['enc']} {r['name']}: {r['result']} ({r['why']})")
        if bad:
            return "lost", bad
        return ("carried" if seen else "unreachable"), [
            f"vcpu {r['vcpu']} {r['enc']} {r['name']}: {r['result']}" for r in seen]


def _boot_source(version, args, smp):
    q = Qemu(kernel=build_path(version, "regvisor.bin"), unix_socket=True, smp=smp,
             append=f"{args} regvisor.guestarg={SWEEP}").start()
    q.expect(r"regvisor: monitor: guest stopped at its checkpoint call", 120)
    q.expect(Qemu.PROMPT, 10)
    return q


def _boot_destination(version, args, smp):
    q = Qemu(kernel=build_path(version, "regvisor.bin"), unix_socket=True, smp=smp,
             append=f"{args} regvisor.incoming=uart").start()
    q.expect(r"waiting for incoming guest state", 60)
    q.expect(Qemu.PROMPT, 10)
    return q


def run_all(configs):
    """Each (smp, cpu) run in its own thread: their QEMUs run side by side."""
    sweeps = {c: Sweep(*c) for c in configs}
    threads = [threading.Thread(target=s.run) for s in sweeps.values()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sweeps
