#!/usr/bin/env python3
"""Lists, for every table in schema/*.sql, the modules whose SQL names it.

A module is x.c + x.h (as in include_cycles.py).  A table is named by SQL in a C string
literal (adjacent literals joined) after FROM, JOIN, INTO, UPDATE or DELETE FROM, or as the
table of a model_list query (.from = "table ...", .count_from = "table ...").  Migrations
(schema/) are not scanned: triggers and schema changes live there.

Each table should be named by one module, its owner (the model file that holds its SQL);
other modules call the owner's typed functions.  ALLOWED lists the deliberate exceptions:
the desired-state compiler's named joins, and each other one with the reason.

Usage: table_owners.py [--check] [DIR...]   (default: model server dataplane-agent)
Prints "table: module module ..." for every table; with --check, also prints each table
named by more than one module outside ALLOWED and exits 1 when there is one.
"""
import os
import re
import sys

from include_cycles import sources  # the same modules: x.c + x.h

# (table, module): why that module may name the table besides its owner.  Each is a
# parent that reads its children's rows, where calling the child's model would make an
# include cycle (the child includes the parent to check it on create).
_VPC_READS_VSWITCHES = (
    'vpc.c reads its vSwitches (VSwitchIds, the CIDR ModifyVpcAttribute must keep, the '
    'delete check); vswitch.c includes vpc.h to check the VPC on create')
_TR_READS_ROUTES = (
    'transit_router.c creates the system route table with the router and counts and retires '
    'its tables, entries and attachments on delete; tr_route.c and tr_attachment.c include '
    'transit_router.h (the cbn data plane is being reworked in parallel: no move now)')
_ROUTES_READ_ATTACHMENTS = (
    'tr_route.c joins associations, propagations and learned entries with their attachments '
    '(and a propagated attachment\'s vSwitch CIDRs or connection subnets) in one query; '
    'tr_attachment.c includes tr_route.h to create and delete the links')
ALLOWED = {
    ('vswitches', 'model/vpc/vpc'): _VPC_READS_VSWITCHES,
    ('tr_route_tables', 'model/cbn/transit_router'): _TR_READS_ROUTES,
    ('tr_route_entries', 'model/cbn/transit_router'): _TR_READS_ROUTES,
    ('tr_attachments', 'model/cbn/transit_router'): _TR_READS_ROUTES,
    ('transit_routers', 'model/cbn/tr_route'): 'a route table change needs its router Available',
    ('tr_attachments', 'model/cbn/tr_route'): _ROUTES_READ_ATTACHMENTS,
    ('vswitches', 'model/cbn/tr_route'): _ROUTES_READ_ATTACHMENTS,
    ('vpn_connections', 'model/cbn/tr_route'): _ROUTES_READ_ATTACHMENTS,
}

# (module, function name prefix): SQL inside such functions names any table it needs.
JOIN_FUNCTIONS = {
    # The desired-state compiler's named joins: one query where the join is the point
    # (which VPCs need a router, a site's devices with their addresses, ...).
    ('model/compile/dataplane_compile', 'join_'),
}
FUNCTION = re.compile(r'^[A-Za-z_][\w \t\*]*?\b([A-Za-z_]\w*)\s*\(', re.M)

KEYWORD = re.compile(r'\b(?:FROM|JOIN|INTO|UPDATE|DELETE\s+FROM)\s+([A-Za-z_]\w*)')
LIST_FROM = re.compile(r'\.(?:count_)?from\s*=\s*"\s*([A-Za-z_]\w*)')
CREATE = re.compile(r'CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([A-Za-z_]\w*)', re.I)


def tables(schema_dir):
    names = set()
    for f in sorted(os.listdir(schema_dir)):
        if f.endswith('.sql'):
            with open(os.path.join(schema_dir, f), encoding='utf-8') as fh:
                names.update(m.group(1) for m in CREATE.finditer(fh.read()))
    return names


def string_runs(text):
    """Yields (offset, literal) for the C string literals of text, adjacent literals joined."""
    i, n = 0, len(text)
    run = None
    start = 0
    while i < n:
        c = text[i]
        if text.startswith('/*', i):
            end = text.find('*/', i + 2)
            i = n if end < 0 else end + 2
            continue
        if text.startswith('//', i):
            end = text.find('\n', i)
            i = n if end < 0 else end
            continue
        if c == "'":
            j = i + 1
            while j < n and text[j] != "'":
                j += 2 if text[j] == '\\' else 1
            i = j + 1
            continue
        if c == '"':
            j = i + 1
            buf = []
            while j < n and text[j] != '"':
                if text[j] == '\\':
                    buf.append(text[j:j + 2])
                    j += 2
                else:
                    buf.append(text[j])
                    j += 1
            if run is None:
                start = i
            run = (run or '') + ''.join(buf)
            i = j + 1
            continue
        if c.isspace() or c == '\\':
            i += 1
            continue
        if run is not None:
            yield start, run
            run = None
        i += 1
    if run is not None:
        yield start, run


def main(argv):
    args = argv[1:]
    check = '--check' in args
    dirs = [a for a in args if a != '--check'] or ['model', 'server', 'dataplane-agent']
    known = tables('schema')
    owners = {t: set() for t in known}
    for path in sources(dirs):
        mod = os.path.splitext(path)[0]
        with open(path, encoding='utf-8', errors='replace') as fh:
            text = fh.read()
        named = set()
        prefixes = [p for (jm, p) in JOIN_FUNCTIONS if jm == mod]
        functions = [(m.start(), m.group(1)) for m in FUNCTION.finditer(text)]
        for pos, s in string_runs(text):
            if prefixes:
                within = [f for (at, f) in functions if at < pos]
                if within and any(within[-1].startswith(p) for p in prefixes):
                    continue
            named.update(m.group(1) for m in KEYWORD.finditer(s))
        named.update(m.group(1) for m in LIST_FROM.finditer(text))
        for t in named & known:
            owners[t].add(mod)
    bad = 0
    for t in sorted(owners):
        mods = sorted(owners[t])
        print('%s: %s' % (t, ' '.join(mods) if mods else '(none)'))
    pairs = sum(len(v) for v in owners.values())
    shared = [t for t in sorted(owners) if len(owners[t] - {m for (tt, m) in ALLOWED if tt == t}) > 1]
    if check:
        for t in shared:
            rest = sorted(owners[t] - {m for (tt, m) in ALLOWED if tt == t})
            print('table_owners: %s has SQL in %d modules: %s' % (t, len(rest), ' '.join(rest)))
    print('table_owners: %d table-module pairs for %d tables; %d table(s) with SQL in more than one module'
          ' (allowed exceptions aside)' % (pairs, len(owners), len(shared)))
    return 1 if check and shared else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
