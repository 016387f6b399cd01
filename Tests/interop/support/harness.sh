# Sourced by the interop scripts: the PASS/FAIL/SKIP tallies, the summary line, and the shared
# Go oracle.
PASS=0; FAIL=0; SKIP=0
ok() { PASS=$((PASS + 1)); echo "PASS $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL $*"; }
skip() { SKIP=$((SKIP + 1)); echo "SKIP $*"; }

# summary NAME: prints the tallies; its status (the script's last command) is 1 when a check failed.
summary() {
  echo "$1: $PASS passed, $FAIL failed, $SKIP skipped"
  [ "$FAIL" -eq 0 ]
}

# go_oracle: sets GO_ORACLE ($GO_ORACLE, else /tmp/interop-go/cosign-go-oracle) and builds it with
# $SHARED/oracles/build-go-oracle.sh when it is not there; the caller checks that it is executable.
go_oracle() {
  GO_ORACLE="${GO_ORACLE:-/tmp/interop-go/cosign-go-oracle}"
  [ -x "$GO_ORACLE" ] || bash "$SHARED/oracles/build-go-oracle.sh" "$GO_ORACLE" >/dev/null 2>&1
}
