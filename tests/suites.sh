# What the suite runners (tests/*/run.sh) share; sourced, POSIX sh.

# abs_path FILE: FILE's absolute path (its folder must exist), for programs that cd.
abs_path() {
	echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
}

# run_shell_suites DIR BIN: every shell suite of DIR (DIR/*.sh but run.sh) against the server
# binary BIN, one after the other; under set -e the first that fails ends the run.
run_shell_suites() {
	for suite in "$1"/*.sh; do
		[ "$(basename "$suite")" = run.sh ] && continue
		sh "$suite" "$2"
	done
}
