#!/bin/sh
# The action reference in api-docs/ is generated from the action table; fail when it drifts.
# The model and server have no #include cycles (scripts/include_cycles.py), and each table's
# SQL is in its owner's model file (scripts/table_owners.py).
set -u
BIN=${1:-bin/vpnlabd}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$BIN" --dump-actions > "$tmp"
if diff -u api-docs/actions.md "$tmp"; then
	echo "docs_check: api-docs/actions.md matches the action table"
else
	echo "docs_check: api-docs/actions.md is stale; run 'make docs'" >&2
	exit 1
fi
# modules that include each other cannot be read, tested or moved apart
python3 scripts/include_cycles.py model server || exit 1
# a table's SQL outside its model file is a second owner to keep in step
python3 scripts/table_owners.py --check > "$tmp" || { cat "$tmp"; exit 1; }
tail -n 1 "$tmp"
# the model's SQL is meant for more than one store: creation order is the seq column, not
# SQLite's rowid (migrations are the SQLite store's own dialect)
if grep -rnw rowid model server --include='*.c' --include='*.h'; then
	echo "docs_check: SQLite's rowid in the model's SQL; order by created_ms, seq" >&2
	exit 1
fi
echo "docs_check: no rowid in model or server SQL"
