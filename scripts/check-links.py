#!/usr/bin/env python3
"""Checks that every relative link in README.md and docs/*.md (or the files given) points to an existing file and,
with #anchor, to a heading of that Markdown file. Exits 1 listing the broken links.
Usage: python3 scripts/check-links.py [FILE.md ...]"""
import glob
import os
import re
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
files = sys.argv[1:] or [os.path.join(root, "README.md")] + sorted(glob.glob(os.path.join(root, "docs", "*.md")))

link = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
fence = re.compile(r"^\s*(```|~~~)")


def anchors(path):
    """GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens, -1, -2 … for repeats."""
    seen, ids, in_code = {}, set(), False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if fence.match(line):
                in_code = not in_code
                continue
            m = None if in_code else re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
            if not m:
                continue
            slug = re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-")
            n = seen.get(slug, 0)
            seen[slug] = n + 1
            ids.add(slug if n == 0 else f"{slug}-{n}")
    return ids


broken = []
for path in files:
    in_code = False
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if fence.match(line):
                in_code = not in_code
                continue
            if in_code:
                continue
            for target in link.findall(re.sub(r"`[^`]*`", "", line)):
                if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
                    continue
                file_part, _, anchor = target.partition("#")
                resolved = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
                where = f"{os.path.relpath(path, root)}:{number}: {target}"
                if not os.path.exists(resolved):
                    broken.append(f"{where} (no such file)")
                elif anchor and resolved.endswith(".md") and anchor not in anchors(resolved):
                    broken.append(f"{where} (no heading #{anchor})")

print("\n".join(broken) if broken else f"{len(files)} files: every relative link resolves")
sys.exit(1 if broken else 0)
