"""Golden blobs (tests/compat/vN/): every build imports every blob it can,
refuses the others with the documented reason. A change that breaks an old
version's blob fails here."""
import hashlib
import os

import pytest

from migrate import boot_destination, send_blob
from rvqemu import ROOT, VERSIONS, n_registers

COMPAT = os.path.join(ROOT, "tests", "compat")


def loaded(dst, src):
    """What DST prints taking a version-SRC blob that holds SRC's whole table:
    the registers both know loaded, those only SRC knows dropped (counts from the table)."""
    both = n_registers(min(src, dst))
    return f"{both} registers loaded from a v{src} blob, {n_registers(src) - both} dropped"


NO_PAUTH_ON_V1 = "ID_AA64ISAR1_EL1 (0x603000000013c031): guest saw a feature this firmware " \
    "cannot offer: API[11:8] is 1"
NO_RAS_BEFORE_V3 = "vcpu 0: ID_AA64PFR0_EL1 (0x603000000013c020): guest saw a feature this " \
    "firmware cannot offer: RAS[31:28] is 2, this firmware offers 0"
TWO_VCPUS = "vCPU count differs from this machine's: the blob has 2 vCPUs, this machine has 1"
# (destination version, golden blob) -> what must happen
EXPECT = {
    (1, "v1/standard"): loaded(1, 1),
    (1, "v2/standard"): NO_PAUTH_ON_V1,
    (1, "v2/cpu1"): loaded(1, 2),
    (2, "v1/standard"): loaded(2, 1),
    (2, "v2/standard"): loaded(2, 2),
    (2, "v2/cpu1"): loaded(2, 2),
    (3, "v1/standard"): loaded(3, 1),
    (3, "v2/standard"): loaded(3, 2),
    (3, "v2/cpu1"): loaded(3, 2),
    # The blobs first released (commit d1b74cb), framed again for the new frame CRC.
    (1, "v1/standard-d1b74cb"): loaded(1, 1),
    (1, "v2/standard-d1b74cb"): NO_PAUTH_ON_V1,
    (1, "v2/cpu1-d1b74cb"): loaded(1, 2),
    (2, "v1/standard-d1b74cb"): loaded(2, 1),
    (2, "v2/standard-d1b74cb"): loaded(2, 2),
    (2, "v2/cpu1-d1b74cb"): loaded(2, 2),
    (3, "v1/standard-d1b74cb"): loaded(3, 1),
    (3, "v2/standard-d1b74cb"): loaded(3, 2),
    (3, "v2/cpu1-d1b74cb"): loaded(3, 2),
    # Version 3's first blobs (format 2.0): its default view shows RAS, CPU model 2's
    # does not; a two-vCPU blob needs a two-vCPU machine (test_two_vcpu_golden_blob).
    (1, "v3/standard"): NO_RAS_BEFORE_V3,
    (2, "v3/standard"): NO_RAS_BEFORE_V3,
    (3, "v3/standard"): loaded(3, 3),
    (1, "v3/cpu2"): "vcpu 0: " + NO_PAUTH_ON_V1,
    (2, "v3/cpu2"): loaded(2, 3),
    (3, "v3/cpu2"): loaded(3, 3),
    (1, "v3/smp2"): TWO_VCPUS,
    (2, "v3/smp2"): TWO_VCPUS,
    (3, "v3/smp2"): TWO_VCPUS,
}
# A version after 3 takes every golden blob as version 3 does, with its own counts: a new
# version adds no line here (tests/versions/test_next_version.py makes one and runs this).
for _v in VERSIONS:
    for (_w, _name), _text in list(EXPECT.items()):
        if _v > 3 and _w == 3:
            EXPECT[(_v, _name)] = loaded(_v, int(_name.split("/")[0][1:])) \
                if "registers loaded" in _text else _text


def golden_blobs():
    for d in sorted(os.listdir(COMPAT)):
        if os.path.isdir(os.path.join(COMPAT, d)):
            for f in sorted(os.listdir(os.path.join(COMPAT, d))):
                if f.endswith(".txt"):
                    yield f"{d}/{f[:-4]}"


# Golden blobs are append-only: a format change adds new ones, and an old
# one that changes (even a frame line rewritten) fails here. A new blob adds
# its line; no line is ever edited or removed.
GOLDEN_SHA256 = {
    "v1/standard": "10cfc113018e75a5c649c80fe363244fbe25c2e3151478feef71604ce7418c16",
    "v2/cpu1": "a827e9fa44125b7e8522214806170f9c842d5f9c54c6381a21513c41a413399f",
    "v2/standard": "dbc7830658407d8219fa3feb78df023de82f69a3731d78b38c34a6eb981884c4",
    "v1/standard-d1b74cb": "b9d617c69ab9563fadb74cf9e7b2d94b43200d56aebdc78bfdd2893b72177b5d",
    "v2/cpu1-d1b74cb": "db80c4f9ecd1f28954da1ff470911ac49c85ec61f4cd5b29c637e9d3f3f420b4",
    "v2/standard-d1b74cb": "4943824efad9002ce57b4175849ebfae1ac9477a574605a676241a1eab7c01ba",
    "v3/cpu2": "12d24a6bdbd647da6b145179cccf1b848a18a3d7cf34b4251b8d3130f3aa80dc",
    "v3/smp2": "61f1b0d1face4648d2dd74cc2c46a4fb06016958bf34dd3719006d378a21d111",
    "v3/standard": "92dd1a4624e3d9b90ee3b78440b11ee43e9e509240da0a4b29036d639c30fb8c",
}


def test_every_golden_blob_has_an_expectation():
    assert set(golden_blobs()) == {name for _, name in EXPECT}
    # ... on every version there is.
    assert set(EXPECT) == {(v, name) for v in VERSIONS for name in golden_blobs()}


def test_golden_blobs_never_change():
    assert set(golden_blobs()) == set(GOLDEN_SHA256), "a golden blob without its hash, or gone"
    for name, want in GOLDEN_SHA256.items():
        with open(os.path.join(COMPAT, name + ".txt"), "rb") as f:
            got = hashlib.sha256(f.read()).hexdigest()
        assert got == want, f"golden blob {name} changed: never edit one, add a new one"


def load_golden(version, name, smp=1):
    with open(os.path.join(COMPAT, name + ".txt")) as f:
        framed = "".join(l for l in f if not l.startswith("#"))
    dst = boot_destination(version, smp=smp)
    try:
        return send_blob(dst, framed)
    finally:
        dst.kill()


@pytest.mark.parametrize("version,name", sorted(EXPECT))
def test_golden_blob(version, name):
    out = load_golden(version, name)
    assert EXPECT[(version, name)] in out, out
    if "loaded" not in EXPECT[(version, name)]:
        assert "regvisor: load: refused, nothing loaded" in out


def test_two_vcpu_golden_blob():
    """Version 3's two-vCPU blob into a two-vCPU machine: both vCPUs' registers."""
    out = load_golden(3, "v3/smp2", smp=2)
    assert f"{2 * n_registers(3)} registers loaded from a v3 blob, 0 dropped (format 2.0, " \
           "2 vCPUs)" in out, out
