"""A copy of the tree to work in (tests/mutate.py's, tests/versions'): the
tracked and new (not ignored) files of a git checkout, or everything but
build/ in a tree that is not one (an exported tree, or such a copy)."""
import os
import shutil
import subprocess


def tree_files(root):
    top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=root,
                         capture_output=True, text=True).stdout.strip()
    if top and os.path.realpath(top) == os.path.realpath(root):
        out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], cwd=root, capture_output=True,
                             check=True).stdout.decode()
        files = [f for f in out.split("\0") if f]
    else:
        files = [os.path.relpath(os.path.join(d, f), root)
                 for d, dirs, fs in os.walk(root) for f in fs
                 if os.path.relpath(d, root).split(os.sep)[0] not in ("build", ".git")]
    return sorted(f for f in files if not f.startswith("build/")
                  and os.path.isfile(os.path.join(root, f)))


def sync_tree(root, dest):
    """root's files into dest: a file is rewritten only when its bytes differ
    (a new mtime, so make rebuilds what depends on it), one root no longer
    has is removed; dest's build/ is kept, so later runs build incrementally."""
    files = set(tree_files(root))
    for d, dirs, fs in os.walk(dest):
        rel_d = os.path.relpath(d, dest)
        if rel_d.split(os.sep)[0] == "build":
            dirs[:] = []
            continue
        for f in fs:
            rel = os.path.normpath(os.path.join(rel_d, f))
            if rel not in files:
                os.unlink(os.path.join(d, f))
    for rel in sorted(files):
        with open(os.path.join(root, rel), "rb") as f:
            data = f.read()
        out = os.path.join(dest, rel)
        if os.path.exists(out):
            with open(out, "rb") as f:
                if f.read() == data:
                    continue
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "wb") as f:
            f.write(data)
        shutil.copymode(os.path.join(root, rel), out)
