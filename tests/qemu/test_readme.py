"""README's walk-through 2, run exactly as written: every `$` command in
its code blocks through the shell (in a directory that sees the tree), the
`regvisor>` lines typed into `regvisor-state console`, and every line shown
after them found in what the command or the console's QEMU log printed.
A line with `...` stands for lines left out; `…` for a part that varies."""
import os
import re
import signal
import subprocess
import time

from rvqemu import ROOT

README = os.path.join(ROOT, "README.md")


def walkthrough_blocks(title):
    text = open(README).read()
    sec = text[text.index(title):]
    sec = sec[:sec.index("\n## ", 1)] if "\n## " in sec[1:] else sec
    sec = sec[:sec.index("\n### ")] if "\n### " in sec else sec
    return re.findall(r"```\n(.*?)```", sec, re.S)


def steps(block):
    """(kind, text, expected lines): kind 'sh' or 'type'."""
    out, lines, i = [], block.splitlines(), 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("$ "):
            cmd = line[2:]
            while cmd.endswith("\\"):
                i += 1
                cmd = cmd[:-1] + lines[i].strip()
            out.append(["sh", cmd, []])
        elif line.startswith("regvisor> "):
            out.append(["type", line[len("regvisor> "):], []])
        else:
            out[-1][2].append(line)
        i += 1
    return out


def matches(expected, got):
    """Every shown line, in order, in got ('…' matches anything, '...' skips)."""
    pos = 0
    for e in expected:
        if e.strip() == "...":
            continue
        rx = re.compile("^" + ".*".join(re.escape(p) for p in e.split("…")) + "$", re.M)
        m = rx.search(got, pos)
        assert m, f"README line not in the output: {e!r}\n--- output:\n{got[pos:][-3000:]}"
        pos = m.end()


def wait_for(path, pattern, start, timeout=30):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if os.path.exists(path):
            text = open(path, errors="replace").read().replace("\r", "")
            m = re.search(pattern, text[start:])
            if m:
                return start + m.end()
        time.sleep(0.05)
    raise TimeoutError(f"{pattern!r} not in {path}")


def run_walkthrough(tmp_path, title):
    for name in os.listdir(ROOT):      # the tree, seen from a directory of its own
        if not name.startswith("."):
            os.symlink(os.path.join(ROOT, name), tmp_path / name)
    background = []
    console = None       # (log path, process, offset) while typing into a console
    try:
        for block in walkthrough_blocks(title):
            for kind, text, expected in steps(block):
                if kind == "type":
                    log, proc, off = console
                    off = wait_for(log, r"regvisor> ", off)
                    proc.stdin.write((text + "\r").encode())
                    proc.stdin.flush()
                    # What the command prints: up to the next prompt, or the power-off.
                    end = wait_for(log, r"\nregvisor> |regvisor: poweroff status=\d+\n", off, 60)
                    got = open(log, errors="replace").read().replace("\r", "")
                    matches(expected, got[off:end])
                    console = (log, proc, off)
                    continue
                if console:
                    console[1].stdin.close()
                    console[1].wait(10)
                    console = None
                if text.endswith("&"):
                    # Its own process group: the shell and QEMU both end with the test.
                    background.append(subprocess.Popen(text[:-1], shell=True, cwd=tmp_path,
                                                       stdout=subprocess.DEVNULL,
                                                       stderr=subprocess.STDOUT,
                                                       start_new_session=True))
                    sock = re.search(r"path=(\S+?),", text).group(1)
                    log = re.search(r"logfile=(\S+?)(\s|$)", text).group(1)
                    wait_for(tmp_path / log, r"regvisor> ", 0, 60)
                    assert os.path.exists(tmp_path / sock)
                    continue
                m = re.match(r"build/regvisor-state console (\S+)$", text)
                if m:
                    log = str(tmp_path / (m.group(1).rsplit(".", 1)[0] + ".log"))
                    proc = subprocess.Popen(text, shell=True, cwd=tmp_path, stdin=subprocess.PIPE,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    # The firmware is at its prompt (the log ends with it): typing starts there.
                    end = time.monotonic() + 30
                    while True:
                        text_now = open(log, errors="replace").read().replace("\r", "")
                        if text_now.endswith("regvisor> ") or time.monotonic() > end:
                            break
                        time.sleep(0.05)
                    console = (log, proc, text_now.rfind("regvisor> "))
                    continue
                r = subprocess.run(text, shell=True, cwd=tmp_path, capture_output=True,
                                   stdin=subprocess.DEVNULL, text=True, timeout=600)
                assert r.returncode == 0, (text, r.stdout[-2000:], r.stderr[-2000:])
                matches(expected, r.stdout)
        if console:
            console[1].stdin.close()
            console[1].wait(10)
    finally:
        if console:
            console[1].kill()
        for p in background:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()


def test_walkthrough_1_as_written(tmp_path):
    run_walkthrough(tmp_path, "## Walk-through 1")


def test_walkthrough_2_as_written(tmp_path):
    run_walkthrough(tmp_path, "## Walk-through 2")
