#!/usr/bin/env python3
"""Deterministic fixture generator + program materializer for the bench.

Usage: gen_fixtures.py OUT_DIR

* writes OUT_DIR/fixtures/contacts.json  (compact JSON, ASCII only, ~3 MB)
* copies every file of ../fixtures/bench into OUT_DIR/programs, replacing the
  placeholder string literal  "@@CONTACTS_JSON@@"  (quotes included) with
  the fixture text as a string literal of that language: a double-quoted
  literal for Deluge and Python (only `"` needs escaping: the fixture has no
  backslashes, no newlines, no non-ASCII characters, no '/' characters), a
  long string  [==[ ... ]==]  for Lua, whose level is chosen so that its
  closing bracket cannot occur in the text.

The fixture is produced by a fixed integer LCG, not Python's `random`, so it
is byte-identical on every machine and Python version.  Regenerating is
idempotent: files are rewritten only when their content changes.
"""
import json
import os
import sys

N_RECORDS = 9000
PLACEHOLDER = '"@@CONTACTS_JSON@@"'

FIRST = ["Ava", "Liam", "Noah", "Emma", "Olivia", "Mia", "Ethan", "Lucas", "Amelia", "Harper",
         "Elijah", "James", "Sofia", "Aria", "Mateo", "Zoe", "Leo", "Ivy", "Omar", "Priya"]
LAST = ["Smith", "Johnson", "Brown", "Garcia", "Miller", "Davis", "Lopez", "Wilson", "Anderson",
        "Thomas", "Moore", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Clark",
        "Lewis", "Walker", "Hall", "Young", "King", "Wright", "Khan"]
CITIES = ["Springfield", "Riverton", "Lakeside", "Fairview", "Georgetown", "Salem", "Madison",
          "Chennai", "Austin", "Dublin", "Leeds", "Osaka"]
INDUSTRIES = ["Retail", "Software", "Manufacturing", "Healthcare", "Finance", "Education", "Logistics"]
TAGS = ["vip", "newsletter", "partner", "trial", "churn-risk", "webinar", "referral", "enterprise"]
STATUSES = ["active", "active", "active", "inactive", "lead"]
STREETS = ["Main St", "Oak Ave", "Pine Rd", "Maple Dr", "Cedar Ln", "Elm St", "Park Blvd"]


class Lcg:
    def __init__(self, seed):
        self.s = seed

    def next(self, n):
        self.s = (self.s * 48271) % 2147483647
        return self.s % n


def make_contacts():
    r = Lcg(20240601)
    recs = []
    for i in range(N_RECORDS):
        fn = FIRST[r.next(len(FIRST))]
        ln = LAST[r.next(len(LAST))]
        n_orders = 1 + r.next(4)
        orders = []
        for k in range(n_orders):
            orders.append({
                "sku": "SKU-%d" % (1000 + r.next(500)),
                "qty": 1 + r.next(9),
                "price_cents": 199 + r.next(20000),
            })
        n_tags = r.next(4)
        tags = []
        for k in range(n_tags):
            t = TAGS[r.next(len(TAGS))]
            if t not in tags:
                tags.append(t)
        recs.append({
            "id": 100000 + i,
            "first_name": fn,
            "last_name": ln,
            "email": "%s.%s%d@example.com" % (fn.lower(), ln.lower(), i),
            "phone": "+1-555-%04d-%04d" % (r.next(10000), r.next(10000)),
            "status": STATUSES[r.next(len(STATUSES))],
            "company": {
                "name": "%s %s Ltd" % (LAST[r.next(len(LAST))], INDUSTRIES[r.next(len(INDUSTRIES))]),
                "industry": INDUSTRIES[r.next(len(INDUSTRIES))],
                "employees": 5 + r.next(5000),
            },
            "address": {
                "street": "%d %s" % (1 + r.next(999), STREETS[r.next(len(STREETS))]),
                "city": CITIES[r.next(len(CITIES))],
                "zip": "%05d" % r.next(100000),
                "country": "US" if r.next(3) else "IN",
            },
            "tags": tags,
            "created": "2024-%02d-%02d" % (1 + r.next(12), 1 + r.next(28)),
            "orders": orders,
        })
    doc = {
        "meta": {"source": "crm-export", "version": 3, "count": N_RECORDS},
        "records": recs,
    }
    text = json.dumps(doc, separators=(",", ":"), ensure_ascii=True)
    assert "\\" not in text and "/" not in text and "\n" not in text
    return text


def write_if_changed(path, data):
    try:
        with open(path, "r", encoding="utf-8") as f:
            if f.read() == data:
                return
    except FileNotFoundError:
        pass
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(data)
    os.replace(tmp, path)


def lua_long_string(text):
    """`text` as a Lua long string literal whose closing bracket does not occur in it."""
    level = 2
    while "]" + "=" * level + "]" in text:
        level += 1
    eq = "=" * level
    # a newline right after the opening bracket would be skipped: the fixture has none
    assert not text.startswith("\n")
    return "[" + eq + "[" + text + "]" + eq + "]"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen_fixtures.py OUT_DIR")
    out = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    progs = os.path.join(os.path.dirname(here), "fixtures", "bench")
    os.makedirs(os.path.join(out, "fixtures"), exist_ok=True)
    os.makedirs(os.path.join(out, "programs"), exist_ok=True)
    text = make_contacts()
    write_if_changed(os.path.join(out, "fixtures", "contacts.json"), text)
    literal = '"' + text.replace('"', '\\"') + '"'
    lua_literal = lua_long_string(text)
    for name in sorted(os.listdir(progs)):
        src = os.path.join(progs, name)
        if not os.path.isfile(src):
            continue
        with open(src, "r", encoding="utf-8") as f:
            body = f.read()
        if PLACEHOLDER in body:
            body = body.replace(PLACEHOLDER, lua_literal if name.endswith(".lua") else literal)
        write_if_changed(os.path.join(out, "programs", name), body)
    print("fixture: %d records, %d bytes" % (N_RECORDS, len(text)), file=sys.stderr)


if __name__ == "__main__":
    main()
