#!/usr/bin/env python3
"""Build team-stance-*.jsonl from the marked sources in src/*.txt and validate the result.

Source format (one sentence per line, UTF-8):
    [[Russia|+]] vows to shield [[Tajikistan|0]] as the threat of [[Taliban|-]]-sponsored terrorism rises.
  * [[mention|p]] marks a target; p is +, 0 or - (polarity 1, 0, -1).
  * Each sentence is its own group, and all targets of one sentence share that group. A line that
    starts with "~ " continues the previous line's group (another sentence about the same story, kept
    together so that a train/test split by group cannot leak the story). Blank lines are ignored.
  * Lines starting with # are comments.
The sentence text is written by hand; this script only strips the markers, computes the character
offsets ([from, to), `to` exclusive, Python str indices) and assigns ids and groups.

Usage: python3 build.py          # rebuild and validate
       python3 build.py --check  # validate the existing jsonl only
"""
import glob, json, os, re, sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
MARK = re.compile(r"\[\[([^\[\]|]+)\|([+0-])\]\]")
POL = {"+": 1, "0": 0, "-": -1}


def parse_line(line, where):
    out, targets, pos = [], [], 0
    for m in MARK.finditer(line):
        out.append(line[pos:m.start()])
        start = sum(len(s) for s in out)
        mention = m.group(1)
        if mention != mention.strip():
            sys.exit(f"{where}: mention has outer whitespace: {mention!r}")
        out.append(mention)
        targets.append((mention, POL[m.group(2)], start, start + len(mention)))
        pos = m.end()
    out.append(line[pos:])
    sentence = "".join(out)
    if "[[" in sentence or "]]" in sentence:
        sys.exit(f"{where}: malformed marker: {line}")
    if not targets:
        sys.exit(f"{where}: no target marked: {line}")
    return sentence, targets


def build():
    nid, ngroup = 0, 0
    for src in sorted(glob.glob(os.path.join(HERE, "src", "*.txt"))):
        name = os.path.splitext(os.path.basename(src))[0]
        rows = []
        with open(src, encoding="utf-8") as fh:
            for i, raw in enumerate(fh, 1):
                line = raw.strip()
                if not line or line.startswith("#"):
                    continue
                if line.startswith("~ "):
                    if ngroup == 0:
                        sys.exit(f"{src}:{i}: continuation line without a previous sentence")
                    line = line[2:].strip()
                else:
                    ngroup += 1
                sentence, targets = parse_line(line, f"{src}:{i}")
                for mention, pol, a, b in targets:
                    nid += 1
                    rows.append({"id": f"ts-{nid:05d}", "mention": mention, "polarity": pol, "from": a, "to": b,
                                 "sentence": sentence, "group": f"ts-g{ngroup:04d}", "provenance": "team"})
        with open(os.path.join(HERE, f"team-stance-{name}.jsonl"), "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")


def check():
    ids, seen, pol, files, sents, groups = set(), set(), Counter(), Counter(), Counter(), set()
    for path in sorted(glob.glob(os.path.join(HERE, "team-stance-*.jsonl"))):
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                r = json.loads(line)
                where = f"{os.path.basename(path)}:{n}"
                assert set(r) == {"id", "mention", "polarity", "from", "to", "sentence", "group", "provenance"}, where
                assert r["sentence"][r["from"]:r["to"]] == r["mention"], where
                assert r["polarity"] in (-1, 0, 1), where
                before = r["sentence"][r["from"] - 1] if r["from"] > 0 else " "
                after = r["sentence"][r["to"]] if r["to"] < len(r["sentence"]) else " "
                assert not before.isalnum() and not after.isalnum(), f"{where}: mention not on word boundary: {r['mention']}"
                assert r["id"] not in ids, f"{where}: duplicate id {r['id']}"
                ids.add(r["id"])
                key = (r["sentence"], r["from"], r["to"])
                assert key not in seen, f"{where}: duplicate target {key}"
                seen.add(key)
                pol[r["polarity"]] += 1
                files[os.path.basename(path)] += 1
                sents[r["sentence"]] += 1
                groups.add(r["group"])
    total = sum(pol.values())
    for f, c in files.items():
        print(f"{f:45s} {c:5d}")
    print(f"items {total}  sentences {len(sents)}  multi-target sentences "
          f"{sum(1 for c in sents.values() if c > 1)}  groups {len(groups)}")
    for p in (-1, 0, 1):
        print(f"polarity {p:+d}: {pol[p]:5d}  ({100.0 * pol[p] / max(total, 1):.1f}%)")


if __name__ == "__main__":
    if "--check" not in sys.argv:
        build()
    check()
