import functools
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from rvqemu import LATEST, Qemu, build_path  # noqa: E402


@functools.lru_cache(maxsize=None)
def boot(version=LATEST, image="bin", append="", virtualization=True, secure=False, timeout=60,
         smp=1):
    """Boot one firmware build to the end and return its Result (cached per config)."""
    path = build_path(version, "regvisor." + image)
    assert os.path.exists(path), f"{path} missing: run make versions"
    q = Qemu(kernel=path, append=append, virtualization=virtualization, secure=secure, smp=smp)
    return q.run(timeout=timeout)


def guest_ids(res):
    """The guest's `INFO: id NAME = 0x...` lines as a dict."""
    out = {}
    for line in res.lines("INFO: id "):
        name, _, val = line.partition(" = ")
        out[name] = int(val, 16)
    return out


def guest_info(res, key):
    """The rest of the first `INFO: KEY ...` line."""
    for line in res.lines("INFO: "):
        if line.startswith(key + " "):
            return line[len(key) + 1:]
    raise AssertionError(f"no 'INFO: {key}' line in:\n{res.output}")
