#!/usr/bin/env bash
# bench/run.sh: annc against Brian2 on the peer workloads, on this machine, in one run.
#
# Called by `make bench`. For each workload it
#   1. runs `annc run` in a fresh directory, so the build directory (annarchy/) is cold and the
#      results' manifest.json records generate and build seconds (Go's own build cache, which holds
#      the standard library and annc's runtime package, stays warm unless BENCH_COLD_GOCACHE=1);
#   2. runs the built model BENCH_REPEAT-1 more times (cached) and keeps the median setup and
#      simulate seconds (manifest.json: wall_s.setup, wall_s.simulate);
#   3. runs the Brian2 peer script (peers/brian2/bench.py) in C++-standalone and Cython mode and
#      reads its `RESULT {json}` line (build_s, run_s, spikes, rate_hz);
# then prints one table. The sweep row (hh for g_max = 0.05 .. 0.15, 11 runs) times the whole
# cached `annc run -sweep` job (all 11 networks set up and simulated, on BENCH_WORKERS workers)
# against Brian2's 11 sequential runs.
#
# Environment:
#   PEERS_DIR           peer benchmarks (default: ../shared/peers next to the repository)
#   WORKLOADS           subset of "coba hh izh sweep" (default: all four)
#   BENCH_REPEAT        annc runs per workload, median kept (default 3)
#   BENCH_WORKERS       sweep workers (default: nproc)
#   BENCH_DIR           working directory, kept afterwards (default: a new temporary directory)
#   BENCH_SKIP_PEERS=1  run annc only
#   BENCH_COLD_GOCACHE=1  use an empty Go build cache for the compile step too
#   BRIAN2_MODES        subset of "cpp cython" (default: both)
#   BENCH_SCALE=0       skip the scale section (bench/scale.sh: COBA at 4,000 to 200,000 neurons
#                       against Brian2's C++ standalone, -threads 1 and 2, recording in memory and
#                       streamed, COBA with delays over many steps, a noise-driven network, one
#                       reading global operations and a plastic one on 1 and 2 threads);
#                       BENCH_SCALES lists the scales
#                       (default "1 10 50"), BENCH_PAIRS
#                       the pairs of 1-thread and 2-thread runs at each (default 5)
#
# Any failing step stops the script with a message and a non-zero exit status; only a failed
# installation of the peers is skipped (with a message), so annc's figures are still printed.
set -euo pipefail

die() {
	echo "bench: FAILED: $*" >&2
	exit 1
}

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PEERS_DIR=${PEERS_DIR:-$REPO/../shared/peers}
WORKLOADS=${WORKLOADS:-coba hh izh sweep}
BENCH_REPEAT=${BENCH_REPEAT:-3}
BENCH_WORKERS=${BENCH_WORKERS:-$(nproc 2>/dev/null || echo 1)}
BRIAN2_MODES=${BRIAN2_MODES:-cpp cython}
PY=/usr/bin/python3 # Debian's interpreter, where python3-brian installs

[[ $BENCH_REPEAT =~ ^[1-9][0-9]*$ ]] || die "BENCH_REPEAT must be a positive integer, not '$BENCH_REPEAT'"
if [[ -n ${BENCH_DIR:-} ]]; then
	mkdir -p "$BENCH_DIR" || die "cannot create BENCH_DIR $BENCH_DIR"
	WORK=$(cd "$BENCH_DIR" && pwd)
else
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/annc-bench.XXXXXX") || die "cannot create a temporary directory"
fi
RECORDS=$WORK/records.jsonl
: >"$RECORDS"
echo "bench: working directory $WORK" >&2

# Any Python 3 does for reading JSON and .npy headers (standard library only).
JSONPY=$(command -v python3 || true)
[[ -x $PY ]] && JSONPY=$PY
[[ -n $JSONPY ]] || die "python3 is needed to read manifest.json (standard library only)"

# ---------------------------------------------------------------------------------------------
# Workloads: model file, simulated ms, neurons (for the rate), extra runner flags.

# g_max / N exactly as the peers compute it (round(0.05 + 0.01 k, 2) / 100 in float64).
SWEEP_W=0.0005,0.0006,0.0007000000000000001,0.0008,0.0009,0.001,0.0011,0.0012,0.0013,0.0014000000000000002,0.0015

workload_model() {
	case $1 in
	coba) echo "$REPO/examples/coba/model.yaml" ;;
	hh | sweep) echo "$REPO/examples/hh_gamma/model.yaml" ;;
	izh) echo "$REPO/examples/izhikevich/model.yaml" ;;
	*) die "unknown workload '$1' (known: coba hh izh sweep)" ;;
	esac
}
workload_duration() {
	case $1 in
	coba | izh) echo 1000 ;;
	hh | sweep) echo 500 ;;
	esac
}
workload_neurons() {
	case $1 in
	coba) echo 4000 ;;
	hh | sweep) echo 100 ;;
	izh) echo 1000 ;;
	esac
}

# ---------------------------------------------------------------------------------------------
# annc

for w in $WORKLOADS; do
	workload_model "$w" >/dev/null # unknown names fail before anything runs
done
for mode in $BRIAN2_MODES; do
	[[ $mode == cpp || $mode == cython || $mode == numpy ]] || die "unknown Brian2 mode '$mode' (known: cpp cython numpy)"
done

echo "bench: building annc" >&2
(cd "$REPO" && go build -o bin/annc ./cmd/annc) || die "go build -o bin/annc ./cmd/annc"
ANNC=$REPO/bin/annc

# run_logged LOG CMD...: runs CMD with its output in LOG; on failure shows the end of LOG and dies.
run_logged() {
	local log=$1
	shift
	if ! "$@" >"$log" 2>&1; then
		echo "bench: command failed: $*" >&2
		tail -n 40 "$log" >&2
		die "see $log"
	fi
}

now() { date +%s.%N; }

# summarise DIR WORKLOAD REP: prints one JSON object with the wall_s of DIR's manifest(s) and the
# spike count of its spike monitors. A sweep directory has run-NNNN/ subdirectories: setup and
# simulate are summed over the runs, generate and build taken from the first.
summarise() {
	"$JSONPY" - "$@" <<'EOF'
import ast, glob, json, os, sys

d = sys.argv[1]
runs = sorted(glob.glob(os.path.join(d, 'run-[0-9]*')))
dirs = runs if runs else [d]
out = {'generate': None, 'build': None, 'setup': 0.0, 'simulate': 0.0, 'simulate_cpu': 0.0,
       'spikes': 0, 'runs': len(dirs)}
for i, r in enumerate(dirs):
    path = os.path.join(r, 'manifest.json')
    try:
        with open(path) as f:
            m = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit('bench: cannot read %s: %s' % (path, e))
    if m.get('status', 'ok') != 'ok':
        sys.exit('bench: %s: status %r: %s' % (path, m.get('status'), m.get('error', '')))
    w = m.get('wall_s')
    if not isinstance(w, dict) or any(k not in w for k in ('generate', 'build', 'setup', 'simulate')):
        sys.exit('bench: %s has no wall_s {generate, build, setup, simulate}: %r' % (path, w))
    if i == 0:
        out['generate'], out['build'] = float(w['generate']), float(w['build'])
    out['setup'] += float(w['setup'])
    out['simulate'] += float(w['simulate'])
    c = m.get('cpu_s')  # single runs only
    if isinstance(c, dict) and out['simulate_cpu'] is not None:
        out['simulate_cpu'] += float(c['simulate'])
    else:
        out['simulate_cpu'] = None
    files = glob.glob(os.path.join(r, '*.spike_times.npy'))
    if not files:
        sys.exit('bench: %s has no *.spike_times.npy (is a spike monitor defined?)' % r)
    for npy in files:
        with open(npy, 'rb') as f:
            if f.read(6) != b'\x93NUMPY':
                sys.exit('bench: %s is not a .npy file' % npy)
            major = f.read(2)[0]
            n = int.from_bytes(f.read(2 if major == 1 else 4), 'little')
            header = ast.literal_eval(f.read(n).decode('latin1'))
        shape = header['shape']
        out['spikes'] += shape[0] if shape else 0
print(json.dumps(out))
EOF
}

median() { # median of the arguments
	"$JSONPY" -c 'import statistics, sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"
}

# annc_workload W: appends one JSON record of annc's figures for workload W to $RECORDS.
# It is called as a plain command, not in $(...) || ..., so that set -e stays in force inside.
annc_workload() {
	local w=$1 model dur dir flags=() rep sims=() cpus=() setups=() s t0 t1 first jobs=()
	model=$(workload_model "$w")
	dur=$(workload_duration "$w")
	[[ -f $model ]] || die "model file $model not found"
	dir=$WORK/annc-$w
	rm -rf "$dir"
	mkdir -p "$dir"
	flags=(-duration "$dur")
	if [[ $w == sweep ]]; then
		flags+=(-sweep "gaba.w=$SWEEP_W" -workers "$BENCH_WORKERS")
	fi
	for ((rep = 1; rep <= BENCH_REPEAT; rep++)); do
		echo "bench: annc $w, run $rep/$BENCH_REPEAT" >&2
		t0=$(now)
		if [[ $rep == 1 && ${BENCH_COLD_GOCACHE:-} == 1 ]]; then
			mkdir -p "$dir/gocache"
			(cd "$dir" && GOCACHE=$dir/gocache run_logged "$dir/run-$rep.log" "$ANNC" run "$model" "${flags[@]}" -out "results-$rep") || exit 1
		else
			(cd "$dir" && run_logged "$dir/run-$rep.log" "$ANNC" run "$model" "${flags[@]}" -out "results-$rep") || exit 1
		fi
		t1=$(now)
		jobs+=("$("$JSONPY" -c 'import sys; print(float(sys.argv[2]) - float(sys.argv[1]))' "$t0" "$t1")")
		s=$(summarise "$dir/results-$rep") || die "reading the results of annc $w (run $rep)"
		[[ $rep == 1 ]] && first=$s
		setups+=("$("$JSONPY" -c 'import json, sys; print(json.loads(sys.argv[1])["setup"])' "$s")")
		sims+=("$("$JSONPY" -c 'import json, sys; print(json.loads(sys.argv[1])["simulate"])' "$s")")
		cpus+=("$("$JSONPY" -c 'import json, sys; c = json.loads(sys.argv[1])["simulate_cpu"]; print(-1 if c is None else c)' "$s")")
	done
	local setup sim cpu job
	setup=$(median "${setups[@]}")
	sim=$(median "${sims[@]}")
	cpu=$(median "${cpus[@]}")
	if ((BENCH_REPEAT > 1)); then
		job=$(median "${jobs[@]:1}") # cached runs only: no compilation inside
	else
		job=${jobs[0]}
	fi
	"$JSONPY" - "$w" "$first" "$setup" "$sim" "$cpu" "$job" "$dur" "$(workload_neurons "$w")" >>"$RECORDS" <<'EOF'
import json, sys
w, first, setup, sim, cpu, job, dur, n = sys.argv[1:]
f = json.loads(first)
rec = {'peer': 'annc', 'workload': w, 'generate_s': f['generate'], 'build_s': f['build'],
       'setup_s': float(setup), 'simulate_s': float(sim), 'job_s': float(job),
       'simulate_cpu_s': float(cpu) if float(cpu) >= 0 else None,
       'spikes': f['spikes'], 'runs': f['runs']}
rec['rate_hz'] = f['spikes'] / (int(n) * f['runs']) / (float(dur) / 1000.0)
# The sweep compares whole jobs (wall time): every network set up and simulated. Single runs
# compare CPU seconds, as Brian2's standalone run_s is std::clock() time; wall time is shown too.
if w == 'sweep':
    rec['run_s'] = rec['job_s']
else:
    rec['run_s'] = rec['simulate_cpu_s'] if rec['simulate_cpu_s'] is not None else rec['simulate_s']
print(json.dumps(rec))
EOF
}

for w in $WORKLOADS; do
	annc_workload "$w"
done

# ---------------------------------------------------------------------------------------------
# Brian2

PEERS_OK=1
PEER_FAILED=0
peers_installed() {
	[[ -x $PY ]] && "$PY" -c 'import brian2, numpy, scipy, Cython' >/dev/null 2>&1 && command -v g++ >/dev/null 2>&1
}
if [[ ${BENCH_SKIP_PEERS:-} == 1 ]]; then
	PEERS_OK=0
	echo "bench: BENCH_SKIP_PEERS=1: not running Brian2" >&2
elif [[ ! -f $PEERS_DIR/brian2/bench.py ]]; then
	PEERS_OK=0
	echo "bench: SKIPPING Brian2: $PEERS_DIR/brian2/bench.py not found (set PEERS_DIR)" >&2
elif ! peers_installed; then
	echo "bench: installing Brian2 and its compilers (Debian packages)" >&2
	SUDO=
	if [[ $(id -u) != 0 ]]; then
		SUDO=sudo
	fi
	if ! { $SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y \
		python3-brian python3-brian-lib python3-numpy python3-scipy cython3 g++; } >"$WORK/apt.log" 2>&1 ||
		! peers_installed; then
		PEERS_OK=0
		tail -n 5 "$WORK/apt.log" >&2
		echo "bench: SKIPPING Brian2: installing python3-brian & co. failed (log: $WORK/apt.log)" >&2
	fi
fi

if ((PEERS_OK)); then
	for w in $WORKLOADS; do
		for mode in $BRIAN2_MODES; do
			echo "bench: Brian2 $w --mode $mode" >&2
			log=$WORK/brian2-$w-$mode.log
			if ! (cd "$WORK" && "$PY" "$PEERS_DIR/brian2/bench.py" "$w" --mode "$mode") >"$log" 2>&1; then
				tail -n 20 "$log" >&2
				echo "bench: FAILED: Brian2 $w --mode $mode (log: $log)" >&2
				PEER_FAILED=1
				continue
			fi
			line=$(grep '^RESULT ' "$log" | tail -n 1 || true)
			if [[ -z $line ]]; then
				echo "bench: FAILED: Brian2 $w --mode $mode printed no RESULT line (log: $log)" >&2
				PEER_FAILED=1
				continue
			fi
			echo "${line#RESULT }" >>"$RECORDS"
		done
	done
fi

# ---------------------------------------------------------------------------------------------
# Table

"$JSONPY" - "$RECORDS" "$WORKLOADS" "$BRIAN2_MODES" "$BENCH_REPEAT" "$BENCH_WORKERS" <<'EOF'
import json, sys

path, workloads, modes, repeat, workers = sys.argv[1:]
recs = [json.loads(l) for l in open(path) if l.strip()]
annc = {r['workload']: r for r in recs if r.get('peer') == 'annc'}
b2 = {(r['workload'], r['mode']): r for r in recs if r.get('peer') == 'brian2'}
modes = modes.split()

def f(x, fmt='%.3f'):
    return '-' if x is None else fmt % x

head = ['workload', 'annc gen', 'build', 'setup', 'sim wall', 'sim cpu']
for m in modes:
    head += ['b2 %s build' % m, 'run', 'ratio']
head += ['annc spikes', 'Hz']
for m in modes:
    head += ['%s spikes' % m, 'Hz']
rows = []
for w in workloads.split():
    a = annc.get(w)
    row = [w + (' x11' if w == 'sweep' else '')]
    row += [f(a and a['generate_s']), f(a and a['build_s']), f(a and a['setup_s']),
            f(a and (a['job_s'] if w == 'sweep' else a['simulate_s'])), f(a and a['run_s'])]
    for m in modes:
        p = b2.get((w, m))
        ratio = p['run_s'] / a['run_s'] if p and a and a['run_s'] > 0 else None
        row += [f(p and p['build_s'], '%.1f'), f(p and p['run_s']), f(ratio, '%.2f')]
    row += [f(a and a['spikes'], '%d'), f(a and a['rate_hz'], '%.2f')]
    for m in modes:
        p = b2.get((w, m))
        row += [f(p and p['spikes'], '%d'), f(p and p['rate_hz'], '%.2f')]
    rows.append(row)
widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
line = lambda r: '  '.join(str(x).rjust(n) if i else str(x).ljust(n) for i, (x, n) in enumerate(zip(r, widths)))
print(line(head))
print('  '.join('-' * n for n in widths))
for r in rows:
    print(line(r))
print()
print('seconds; annc setup/simulate: median of %s runs (manifest.json wall_s); gen/build: cold build '
      'directory, warm Go build cache unless BENCH_COLD_GOCACHE=1.' % repeat)
print('ratio = Brian2 run_s / annc sim cpu (> 1: annc faster); both are CPU seconds of the simulation '
      'loop (Brian2 standalone times it with std::clock). Brian2: one run per mode, cold '
      'compilation, single thread.')
if 'sweep' in workloads.split():
    print('sweep: annc sim wall/cpu = wall time of the whole cached `annc run -sweep` job on %s workers '
          '(11 networks); Brian2 = 11 sequential runs. Spikes/Hz summed/averaged over the 11 runs.' % workers)
EOF

if [[ ${BENCH_SCALE:-1} != 0 ]]; then
	echo
	SKIP=${BENCH_SKIP_PEERS:-}
	((PEERS_OK)) || SKIP=1
	REPO=$REPO WORK=$WORK PEERS_DIR=$PEERS_DIR PY=$PY BENCH_REPEAT=$BENCH_REPEAT ANNC=$ANNC \
		BENCH_SKIP_PEERS=$SKIP bash "$REPO/bench/scale.sh"
fi

if ((PEER_FAILED)); then
	die "at least one Brian2 run failed (see the messages above)"
fi
