#!/usr/bin/env python3
"""Reports #include cycles between modules (x.c + x.h count as one module "x").

A module A depends on B when A.c or A.h includes B.h.  A cycle (A depends on B, which
depends back on A, directly or through others) means neither can be read, tested or moved
without the other; shared helpers belong in a file of their own below both.

Usage: include_cycles.py [DIR...]   (default: model server)
Prints each cycle with the #include lines that make it; exits 1 when there is one.
Headers are found by name anywhere under the scanned folders (the build's -I paths).
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def sources(dirs):
    for d in dirs:
        for root, _, files in os.walk(d):
            for f in sorted(files):
                if f.endswith(('.c', '.h')):
                    yield os.path.join(root, f)


def main(argv):
    dirs = argv[1:] or ['model', 'server']
    files = list(sources(dirs))
    headers = {}
    for path in files:
        if path.endswith('.h'):
            headers.setdefault(os.path.basename(path), path)
    edges = {}  # module -> {module: "file:line"}
    for path in files:
        mod = os.path.splitext(path)[0]
        edges.setdefault(mod, {})
        with open(path, encoding='utf-8', errors='replace') as fh:
            for lineno, line in enumerate(fh, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                name = os.path.basename(m.group(1))
                target = headers.get(name)
                if target is None:
                    continue
                dep = os.path.splitext(target)[0]
                if dep != mod:
                    edges[mod].setdefault(dep, '%s:%d' % (path, lineno))

    # Tarjan's strongly connected components: each component of more than one module is
    # a set of modules that reach each other.
    index, low, stack, on_stack, comps = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)

    for comp in comps:
        print('include cycle between: ' + ' '.join(comp))
        members = set(comp)
        for v in comp:
            for w, where in sorted(edges[v].items()):
                if w in members:
                    print('  %s -> %s   (%s)' % (v, w, where))
    print('include_cycles: %d cycle(s) in %s' % (len(comps), ' '.join(dirs)))
    return 1 if comps else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
