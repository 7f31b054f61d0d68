"""build/regvisor-state, the host tool: commands, errors, exit codes."""
import os
import re
import subprocess

from rvqemu import LATEST, ROOT, n_registers, table

TOOL = os.path.join(ROOT, "build", "regvisor-state")


def tool(*args):
    return subprocess.run([TOOL, *args], capture_output=True, text=True, timeout=30)


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


def test_usage_errors_exit_2():
    for args in [[], ["bogus"], ["decode"], ["encode", "a"], ["manifest", "--version", "9"],
                 ["check", "--from", "1"], ["diff", "a"]]:
        r = tool(*args)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert "usage:" in r.stderr


def test_encode_decode_any_id_and_frame(tmp_path):
    text = write(tmp_path, "s.txt", "# crafted\nx0=0x1\npc=0x40400000\nSCTLR_EL1=0x30d00800\n"
                 "0x6030000000160003=0 droppable\n0x6030000000150001=0xabc\nd1=0x5\nvcount=77\n")
    blob = str(tmp_path / "s.bin")
    r = tool("encode", text, "-o", blob)
    assert r.returncode == 0, r.stderr
    r = tool("decode", blob)
    assert r.returncode == 0, r.stderr
    assert re.search(r"^SCTLR_EL1 +0x603000000013c080  0x0000000030d00800  -$", r.stdout, re.M)
    assert re.search(r"^VENDOR_HYP_BMAP_2 +0x6030000000160003  0x0+  droppable$", r.stdout, re.M)
    assert re.search(r"^\(unknown\) +0x6030000000150001  0x0000000000000abc  -$", r.stdout, re.M)
    assert "v0  = 0x00000000000000050000000000000000" in r.stdout
    assert "vcount = 0x000000000000004d" in r.stdout
    framed = tool("frame", blob)
    assert framed.returncode == 0
    log = write(tmp_path, "log.txt", "boot noise\n" + framed.stdout.replace("\n", "\r\n") + "more\n")
    assert tool("decode", log).stdout == r.stdout


def test_invalid_input_exits_1(tmp_path):
    assert tool("decode", str(tmp_path / "missing")).returncode == 1
    r = tool("decode", write(tmp_path, "noframe.txt", "hello\n"))
    assert r.returncode == 1 and "no framed vCPU state found" in r.stderr
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"RVST\x01\x00" + b"\x00" * 30)
    r = tool("decode", str(bad))
    # One message, naming the file and the check that refused it; nothing decoded.
    assert r.returncode == 1 and r.stdout == "", r.stdout
    assert r.stderr == f"regvisor-state: {bad}: header length does not match the blob (at 0x0)\n", \
        r.stderr
    good = str(tmp_path / "good.bin")
    assert tool("encode", write(tmp_path, "g.txt", "x1=1\n"), "-o", good).returncode == 0
    flipped = bytearray(open(good, "rb").read())
    flipped[40] ^= 1
    bad.write_bytes(bytes(flipped))
    r = tool("decode", str(bad))
    assert r.returncode == 1 and r.stdout == "", r.stdout
    assert re.fullmatch(rf"regvisor-state: {re.escape(str(bad))}: CRC-32C mismatch \(at 0x[0-9a-f]+\)\n",
                        r.stderr), r.stderr
    r = tool("encode", write(tmp_path, "e.txt", "NOPE_EL1=1\n"), "-o", str(tmp_path / "o"))
    assert r.returncode == 1 and "unknown key 'NOPE_EL1'" in r.stderr
    r = tool("encode", write(tmp_path, "e2.txt", "SCTLR_EL1=zz\n"), "-o", str(tmp_path / "o"))
    assert r.returncode == 1 and "bad value" in r.stderr
    unterminated = "-----BEGIN REGVISOR VMSTATE-----\nLength: 3\nCRC32C: 0x00000000\nAAAA\n"
    r = tool("decode", write(tmp_path, "u.txt", unterminated))
    assert r.returncode == 1 and "frame never ended" in r.stderr


def test_diff(tmp_path):
    a, b = str(tmp_path / "a.bin"), str(tmp_path / "b.bin")
    tool("encode", write(tmp_path, "a.txt", "x1=1\nTCR_EL1=5\nTPIDR_EL0=1\n"), "-o", a)
    tool("encode", write(tmp_path, "b.txt", "x1=1\nTCR_EL1=6\nTPIDR_EL1=1\n"), "-o", b)
    assert tool("diff", a, a).returncode == 0
    r = tool("diff", a, b)
    assert r.returncode == 3
    assert re.search(r"^TCR_EL1 +0x603000000013c102  0x0+5  0x0+6$", r.stdout, re.M)
    assert "TPIDR_EL0" in r.stdout and "only in A" in r.stdout
    assert "TPIDR_EL1" in r.stdout and "only in B" in r.stdout
    assert "3 differences" in r.stdout


def test_manifest_by_version():
    # The counts are the firmware builds' own (`make` says "regvisor vN: K registers").
    built = {}
    for v in range(1, LATEST + 1):
        r = subprocess.run(["make", "-s", f"FW_VERSION={v}", "firmware"], cwd=ROOT,
                           capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stdout + r.stderr
        built[v] = int(re.search(rf"^regvisor v{v}: (\d+) registers", r.stdout, re.M).group(1))
    latest, v1, v2 = tool("manifest"), tool("manifest", "--version", "1"), \
        tool("manifest", "--version", "2")
    assert latest.returncode == 0 and v1.returncode == 0 and v2.returncode == 0
    assert tool("manifest", "--version", str(LATEST)).stdout == latest.stdout
    rows = {v: [l for l in out.stdout.splitlines()[1:] if l]
            for v, out in [(LATEST, latest), (1, v1), (2, v2)]}
    assert {v: len(r) for v, r in rows.items()} == {v: built[v] for v in rows}
    assert len(rows[1]) < len(rows[2]) < len(rows[LATEST]) == n_registers(LATEST)
    assert re.search(r"^VENDOR_HYP_BMAP_2 +0x6030000000160003  firmware  2$", v2.stdout, re.M)
    assert "VENDOR_HYP_BMAP_2" not in v1.stdout
    ids = [int(l.split()[1], 16) for l in rows[LATEST]]
    assert ids == sorted(ids)


def test_check_between_versions():
    down = tool("check", "--from", "2", "--to", "1")
    assert down.returncode == 0, down.stdout
    assert re.search(r"VENDOR_HYP_BMAP_2 +0x6030000000160003  new in v2, unknown to v1",
                     down.stdout)
    assert "field API[11:8] shown by v2, not by v1" in down.stdout
    n = n_registers(2) - n_registers(1)
    assert f"result: possible; {n} registers must stay at their defaults" in down.stdout
    up = tool("check", "--from", "1", "--to", "2")
    assert up.returncode == 0
    assert "VENDOR_HYP_BMAP_2" in up.stdout and "gets its reset value" in up.stdout


def test_check_across_two_versions_names_each_registers_own():
    """check --from 1 --to 3: each register labelled with the version that added it."""
    up = tool("check", "--from", "1", "--to", "3")
    assert up.returncode == 0, up.stdout
    assert re.search(r"^  VENDOR_HYP_BMAP_2 +0x6030000000160003  new in v2: gets its reset value",
                     up.stdout, re.M), up.stdout
    assert re.search(r"^  DBGBVR0_EL1 +0x6030000000138004  new in v3: gets its reset value",
                     up.stdout, re.M), up.stdout


def test_check_to_and_from_version_3():
    """Version 3's context registers are reset-safe and its ID registers read 0 in
    every older view: a version-2 guest moves up (each one named); a version-3 guest
    moves down on v2's model, its new registers at their defaults."""
    up = tool("check", "--from", "2", "--to", "3")
    assert up.returncode == 0 and "result: possible" in up.stdout, up.stdout
    new = [r for r in table(3) if r[3] == 3]
    assert len(new) == n_registers(3) - n_registers(2)
    for name, _, cls, _ in new:
        how = "the source's views read it as 0" if cls == "id" else "gets its reset value"
        assert re.search(rf"^  {name} +0x[0-9a-f]{{16}}  new in v3: {how}", up.stdout,
                         re.M), name
    down = tool("check", "--from", "3", "--to", "2")
    assert down.returncode == 0, down.stdout
    assert "field RAS[31:28] shown by v3, not by v2" in down.stdout
    assert (f"result: possible; {len(new)} registers must stay at their defaults, 1 ID fields "
            "need the v2 CPU model") in down.stdout, down.stdout


def test_diff_compares_everything(tmp_path):
    a, b = str(tmp_path / "a.bin"), str(tmp_path / "b.bin")
    common = "pstate=0x3c5\nTCR_EL1=5\n"
    assert tool("encode", write(tmp_path, "a.txt", common + "x30=1\nd2=7\nd3=8\nvcount=9\n"
                                "pc=0x40400000\nfpcr=1\n"), "-o", a).returncode == 0
    assert tool("encode", write(tmp_path, "b.txt", common + "x30=2\nd2=7\nvcount=10\n"
                                "pc=0x40400004\n"), "-o", b).returncode == 0
    r = tool("diff", a, b)
    assert r.returncode == 3, r.stdout
    assert re.search(r"^vcount +0x0+9  0x0+a$", r.stdout, re.M), r.stdout
    assert re.search(r"^pc +0x0+40400000  0x0+40400004$", r.stdout, re.M)
    assert re.search(r"^x30 +0x0+1  0x0+2$", r.stdout, re.M)
    assert re.search(r"^v1 +0x0{15}80{15}7  0x0{31}7$", r.stdout, re.M), r.stdout
    assert re.search(r"^fpcr +0x0+1  0x0+$", r.stdout, re.M)
    assert "5 differences" in r.stdout


def test_encode_rejects_typos_and_duplicates(tmp_path):
    out = str(tmp_path / "o.bin")
    r = tool("encode", write(tmp_path, "t.txt", "x0 = 1\nSCTLR_EL1=0x30d00800 dropable\n"), "-o", out)
    assert r.returncode == 1 and "line 2: unknown word 'dropable'" in r.stderr
    r = tool("encode", write(tmp_path, "d.txt", "TCR_EL1=1\n\n# again\ntcr_el1 = 2\n"), "-o", out)
    assert r.returncode == 1
    assert "line 4: duplicate id 0x603000000013c102 (TCR_EL1), first on line 1" in r.stderr
    r = tool("encode", write(tmp_path, "s.txt", "  TCR_EL1 =  0x5   droppable \n"
                             "0x6030000000150001 = 2 droppable\n"), "-o", out)
    assert r.returncode == 0, r.stderr
    assert "line 2: warning: id 0x6030000000150001 is not a register this build knows" in r.stderr
    d = tool("decode", out)
    assert re.search(r"^TCR_EL1 +0x603000000013c102  0x0+5  droppable$", d.stdout, re.M)


def test_help(tmp_path):
    r = tool("--help")
    assert r.returncode == 0 and "send BLOB|LOG --to PTY|SOCKET" in r.stdout
    r = tool("help", "send")
    assert r.returncode == 0 and "verdict" in r.stdout and "regular file" in r.stdout
    assert tool("diff", "--help").stdout == tool("help", "diff").stdout
    assert tool("help", "nope").returncode == 2
    r = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0 and "make run" in r.stdout and "make test" in r.stdout


def test_send_refuses_a_regular_file(tmp_path):
    blob = str(tmp_path / "b.bin")
    tool("encode", write(tmp_path, "b.txt", "pstate=0x3c5\n"), "-o", blob)
    dest = tmp_path / "not-a-console"
    dest.write_text("")
    r = tool("send", blob, "--to", str(dest))
    assert r.returncode == 1 and "not a terminal or a socket" in r.stderr
    assert dest.read_text() == ""
