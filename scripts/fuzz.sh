#!/usr/bin/env bash
# Fuzz every target for FUZZTIME (default 60s): `make fuzz`.
#
# A target fails when Go reports a failing input (it writes it to the
# package's testdata/fuzz/<target>). Go 1.26's fuzz coordinator can also fail a
# target with a bare "context deadline exceeded" at the end of -fuzztime when a
# worker is still busy as the deadline passes; that reports no input and is not
# a finding. Such a run passes only if no input was written and the target's
# corpus then replays cleanly as a plain test.
set -uo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-60s}

# package target extra-flags
#
# No target minimizes (-fuzzminimizetime 0; a failure is saved as found): Go
# minimizes every new interesting input too, for up to a minute each, during
# which the target executes nothing new. The pipeline targets generate and
# type-check Go for each accepted input (tens of ms), so minimizing took all
# of a round; FuzzParseModel stood still for most of a 20 s round.
targets=(
  "./parser FuzzParseEquations -fuzzminimizetime 0"
  "./parser FuzzParseModel -fuzzminimizetime 0"
  "./internal/pipelinefuzz FuzzPipeline -fuzzminimizetime 0"
  "./internal/pipelinefuzz FuzzSlots -fuzzminimizetime 0"
)

# Each round first runs every input cached by earlier rounds on this machine
# (in GOCACHE) before it fuzzes: the pipeline targets had gathered over 2,000
# each, more than a 20 s round replays. Only the newest FUZZCACHE (default
# 200) of a target are kept, so that a round still fuzzes.
FUZZCACHE=${FUZZCACHE:-200}
cache=$($GO env GOCACHE)/fuzz

failed=0
for t in "${targets[@]}"; do
  read -r pkg name extra <<<"$t"
  dir="$pkg/testdata/fuzz/$name"
  cached="$cache/$($GO list "$pkg")/$name"
  if [ -d "$cached" ]; then
    (cd "$cached" && ls -t | tail -n +"$((FUZZCACHE + 1))" | xargs -r rm -f)
  fi
  before=$(ls "$dir" 2>/dev/null | sort)
  echo "$GO test $pkg -run '^\$' -fuzz '^$name\$' -fuzztime $FUZZTIME $extra"
  out=$(mktemp)
  # shellcheck disable=SC2086
  $GO test "$pkg" -run '^$' -fuzz "^$name\$" -fuzztime "$FUZZTIME" $extra 2>&1 | tee "$out"
  status=${PIPESTATUS[0]}
  after=$(ls "$dir" 2>/dev/null | sort)
  if [ "$status" -ne 0 ]; then
    if [ "$before" = "$after" ] && grep -q '^    context deadline exceeded$' "$out" \
       && ! grep -qE 'Failing input|panic:|^    [a-z_]+_test\.go:[0-9]+:' "$out"; then
      echo "$name: the fuzz coordinator stopped on its own deadline with no failing input; replaying the corpus"
      if ! $GO test "$pkg" -count=1 -run "^$name\$"; then
        failed=1
      fi
    else
      new=$(comm -13 <(echo "$before") <(echo "$after"))
      [ -n "$new" ] && echo "$name: failing input written to $dir: $new"
      failed=1
    fi
  fi
  rm -f "$out"
done
exit $failed
