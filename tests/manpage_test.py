#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""doc/quintminer.1 against `quintminer --help`: every option the help lists
has an entry (a .TP paragraph) in the man page, and the man page documents no
option the program does not have. Also checks the sections a Debian man page
needs. Prints TAP."""
import os
import re
import subprocess

SRC = os.environ.get("QM_SRCDIR", ".")
BIN = os.path.join(os.environ.get("QM_BUILDDIR", "."), "quintminer")
OPT = re.compile(r"(?<![\w-])(--[a-z0-9][a-z0-9-]*|-[A-Za-z])(?![\w-])")
n = 0
failed = 0


def ok(cond, what):
    global n, failed
    n += 1
    print(("ok" if cond else "not ok") + " %d - %s" % (n, what), flush=True)
    if not cond:
        failed += 1


def help_options(text):
    """Options named at the start of the help's option lines."""
    found = set()
    for line in text.splitlines():
        m = re.match(r"^\s+(-.*?)(\s{2,}|$)", line)
        if m:
            found.update(OPT.findall(m.group(1)))
    return found


def man_options(text):
    """Options in the tag line of each .TP paragraph (roff escapes undone)."""
    found = set()
    lines = text.splitlines()
    for i, line in enumerate(lines[:-1]):
        if line.startswith(".TP"):
            tag = lines[i + 1].replace("\\-", "-")
            tag = re.sub(r"\\f[BIRP]", "", tag)
            found.update(OPT.findall(tag))
    return found


p = subprocess.run([BIN, "--help"], capture_output=True, text=True, timeout=30)
ok(p.returncode == 0, "--help exits 0")
helped = help_options(p.stdout)
ok(len(helped) >= 20, "--help lists options (%d found)" % len(helped))

page = open(os.path.join(SRC, "doc", "quintminer.1")).read()
documented = man_options(page)
missing = sorted(helped - documented)
ok(not missing, "the man page documents every --help option%s" %
   ("; missing: " + " ".join(missing) if missing else ""))
extra = sorted(documented - helped)
ok(not extra, "the man page documents no option --help lacks%s" %
   ("; extra: " + " ".join(extra) if extra else ""))
for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "FILES",
                "EXAMPLES"):
    ok(re.search(r"^\.SH \"?%s\"?$" % section, page, re.M) is not None,
       "the man page has a %s section" % section)
print("1..%d" % n)
