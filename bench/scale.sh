#!/usr/bin/env bash
# bench/scale.sh: COBA at growing sizes (same in-degree), annc against Brian2's C++ standalone mode,
# the recording case (v and g_exc of all 4000 neurons every step) in memory and streamed, COBA
# with delays drawn over 20 ms on 1 and 2 threads, and on 1 and 2 threads a noise-driven network of
# 200,000 neurons (bench/noisy.yaml), a rate-coded one of 200,000 neurons reading global operations
# (bench/global.yaml) and a plastic one with 1 M STDP synapses (bench/plastic.yaml).
#
# Called by bench/run.sh (make bench) with REPO, WORK, PEERS_DIR, PY, BENCH_REPEAT in the environment;
# it can also be run alone: REPO=. WORK=/tmp/s PEERS_DIR=... bash bench/scale.sh
#
# For each scale S in BENCH_SCALES (default "1 10 50": 4,000, 40,000 and 200,000 neurons, connection
# probability 0.02/S) it compiles examples/coba scaled by S, runs it BENCH_PAIRS times with -threads 1
# and with -threads 2, alternately (medians of setup, simulate wall and CPU seconds, peak RSS, and the
# bytes per synapse the projections hold, from manifest.json; the median of the pairs' speed-ups), then runs `bench.py coba --mode cpp --scale S` once
# (cold compilation) and its standalone binary BENCH_REPEAT more times (median run time, which Brian2
# measures with std::clock, and peak RSS).
set -euo pipefail

die() {
	echo "bench: FAILED: $*" >&2
	exit 1
}
: "${REPO:?}" "${WORK:?}" "${PEERS_DIR:?}"
PY=${PY:-/usr/bin/python3}
BENCH_REPEAT=${BENCH_REPEAT:-3}
# Pairs of 1-thread and 2-thread runs: their ratio moves by 10-20 % from minute to minute on a
# shared 2-core machine, so it gets more samples than the other figures.
BENCH_PAIRS=${BENCH_PAIRS:-5}
BENCH_SCALES=${BENCH_SCALES:-1 10 50}
ANNC=${ANNC:-$REPO/bin/annc}
JSONPY=$(command -v python3)
S_WORK=$WORK/scale
mkdir -p "$S_WORK"
OUT=$S_WORK/records.jsonl
: >"$OUT"

# measure LOG CMD...: runs CMD, its output in LOG; prints {"rss_kb", "wall_s"} of CMD (its children included).
cat >"$S_WORK/measure.py" <<'PYEOF'
import json, resource, subprocess, sys, time
log = sys.argv[1]
t0 = time.time()
with open(log, 'w') as f:
    rc = subprocess.call(sys.argv[2:], stdout=f, stderr=subprocess.STDOUT)
wall = time.time() - t0
if rc != 0:
    sys.exit('command failed (%d): %s; see %s' % (rc, ' '.join(sys.argv[2:]), log))
print(json.dumps({'rss_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, 'wall_s': wall}))
PYEOF

# scaled_model S FILE: examples/coba with S times the neurons, probability / S.
scaled_model() {
	"$JSONPY" - "$REPO/examples/coba/model.yaml" "$1" "$2" <<'PYEOF'
import sys
src, s, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
t = open(src).read()
rep = [('geometry: 4000', 'geometry: %d' % (4000 * s)), ('P[0:3200]', 'P[0:%d]' % (3200 * s)),
       ('P[3200:4000]', 'P[%d:%d]' % (3200 * s, 4000 * s)), ('probability: 0.02', 'probability: %r' % (0.02 / s))]
for a, b in rep:
    if t.count(a) < 1:
        sys.exit('bench: examples/coba/model.yaml has no %r to scale' % a)
    t = t.replace(a, b)
open(out, 'w').write(t)
PYEOF
}

# annc_run TAG REP BIN FLAGS...: run REP of BIN; prints its record (JSON).
annc_run() {
	local tag=$1 rep=$2 bin=$3 m
	shift 3
	echo "bench: scale: annc $tag, run $rep" >&2
	rm -rf "$S_WORK/res-$tag"
	m=$("$JSONPY" "$S_WORK/measure.py" "$S_WORK/$tag-$rep.log" "$bin" -out "$S_WORK/res-$tag" "$@") || die "annc $tag (see $S_WORK/$tag-$rep.log)"
	"$JSONPY" - "$S_WORK/res-$tag" "$m" <<'PYEOF' || die "reading the results of annc $tag"
import glob, json, os, sys
d, m = sys.argv[1], json.loads(sys.argv[2])
man = json.load(open(os.path.join(d, 'manifest.json')))
if man.get('status') != 'ok':
    sys.exit('bench: %s: status %s %s' % (d, man.get('status'), man.get('error')))
spikes = 0
for f in glob.glob(os.path.join(d, '*.spike_times.npy')):
    with open(f, 'rb') as fh:
        fh.read(8); n = int.from_bytes(fh.read(2), 'little'); hdr = fh.read(n).decode('latin1')
    spikes += eval(hdr)['shape'][0]
data = sum(os.path.getsize(f) for f in glob.glob(os.path.join(d, '*.npy')) if 'spike' not in f)
projs = man.get('projections') or []
syn = sum(p['synapses'] for p in projs)
byt = sum(p['bytes'] for p in projs)
print(json.dumps({'setup': man['wall_s']['setup'], 'sim': man['wall_s']['simulate'],
                  'cpu': man['cpu_s']['simulate'], 'rss_mib': m['rss_kb'] / 1024, 'spikes': spikes,
                  'synapses': syn, 'bytes_per_syn': byt / syn if syn else None, 'data_mib': data / 2**20,
                  'projections': projs}))
PYEOF
}

# annc_summary TAG RECORDS...: appends one record with the medians of the runs.
annc_summary() {
	local tag=$1
	shift
	"$JSONPY" - "$tag" "$@" >>"$OUT" <<'PYEOF'
import json, statistics, sys
tag, recs = sys.argv[1], [json.loads(x) for x in sys.argv[2:]]
out = {'peer': 'annc', 'tag': tag}
for k in ('setup', 'sim', 'cpu', 'rss_mib'):
    out[k] = statistics.median(r[k] for r in recs)
for k in ('spikes', 'synapses', 'bytes_per_syn', 'data_mib', 'projections'):
    out[k] = recs[0][k]
print(json.dumps(out))
PYEOF
}

# annc_runs TAG BIN FLAGS...: BENCH_REPEAT runs of BIN; appends one record with the medians.
annc_runs() {
	local tag=$1 bin=$2 rep
	shift 2
	local recs=()
	for ((rep = 1; rep <= BENCH_REPEAT; rep++)); do
		recs+=("$(annc_run "$tag" "$rep" "$bin" "$@")") || exit 1
	done
	annc_summary "$tag" "${recs[@]}"
}

# annc_threads S BIN: BENCH_PAIRS pairs of runs, -threads 1 then -threads 2, so that a
# slower spell of the machine weighs on both; appends the two records and the median of
# the pairs' speed-ups (simulate wall, 1 thread / 2 threads).
annc_threads() {
	local s=$1 bin=$2 rep
	local t1=() t2=()
	for ((rep = 1; rep <= BENCH_PAIRS; rep++)); do
		t1+=("$(annc_run "annc-$s-t1" "$rep" "$bin" -duration 1000 -seed 1 -threads 1)") || exit 1
		t2+=("$(annc_run "annc-$s-t2" "$rep" "$bin" -duration 1000 -seed 1 -threads 2)") || exit 1
	done
	annc_summary "annc-$s-t1" "${t1[@]}"
	annc_summary "annc-$s-t2" "${t2[@]}"
	"$JSONPY" - "$s" "${#t1[@]}" "${t1[@]}" "${t2[@]}" >>"$OUT" <<'PYEOF'
import json, statistics, sys
s, n = sys.argv[1], int(sys.argv[2])
t1 = [json.loads(x) for x in sys.argv[3:3 + n]]
t2 = [json.loads(x) for x in sys.argv[3 + n:]]
ratios = [a['sim'] / b['sim'] for a, b in zip(t1, t2)]
print(json.dumps({'tag': 'annc-%s-speedup' % s, 'speedup': statistics.median(ratios), 'pairs': ratios}))
PYEOF
}

# brian2_runs S: bench.py once (cold build), then its binary BENCH_REPEAT times.
brian2_runs() {
	local s=$1 log line dir rep m
	log=$S_WORK/brian2-$s.log
	echo "bench: scale: Brian2 cpp, scale $s (build and first run)" >&2
	(cd "$S_WORK" && "$PY" "$PEERS_DIR/brian2/bench.py" coba --mode cpp --scale "$s" --keep) >"$log" 2>&1 || {
		tail -n 20 "$log" >&2
		die "Brian2 coba --scale $s (log: $log)"
	}
	line=$(grep '^RESULT ' "$log" | tail -n 1) || die "Brian2 coba --scale $s printed no RESULT line"
	line=${line#RESULT }
	dir=$("$JSONPY" -c 'import json, sys; print(json.loads(sys.argv[1])["workdir"])' "$line")/standalone
	local runs=()
	for ((rep = 1; rep <= BENCH_REPEAT; rep++)); do
		echo "bench: scale: Brian2 cpp binary, scale $s, run $rep/$BENCH_REPEAT" >&2
		m=$(cd "$dir" && "$JSONPY" "$S_WORK/measure.py" "$S_WORK/brian2-$s-$rep.log" ./main) || die "Brian2 binary, scale $s"
		runs+=("$("$JSONPY" - "$dir/results/last_run_info.txt" "$m" <<'PYEOF'
import json, sys
info = open(sys.argv[1]).read().split()
m = json.loads(sys.argv[2])
print(json.dumps({'run_s': float(info[0]), 'wall': m['wall_s'], 'rss_mib': m['rss_kb'] / 1024}))
PYEOF
		)")
	done
	"$JSONPY" - "$s" "$line" "${runs[@]}" >>"$OUT" <<'PYEOF'
import json, statistics, sys
s, first, runs = sys.argv[1], json.loads(sys.argv[2]), [json.loads(x) for x in sys.argv[3:]]
cpu = statistics.median(r['run_s'] for r in runs)
wall = statistics.median(r['wall'] for r in runs)
print(json.dumps({'peer': 'brian2', 'tag': 'b2-%s' % s, 'build': first['build_s'], 'cpu': cpu,
                  # the binary's wall time less the simulation loop: synapse creation and the rest
                  'setup': max(wall - cpu, 0), 'wall': wall, 'rss_mib': statistics.median(r['rss_mib'] for r in runs),
                  'spikes': first['spikes']}))
PYEOF
	rm -rf "$(dirname "$dir")"
}

echo "bench: scale: load before: $(uptime)" >&2
for s in $BENCH_SCALES; do
	[[ $s =~ ^[1-9][0-9]*$ ]] || die "BENCH_SCALES: '$s' is not a positive integer"
	d=$S_WORK/coba-$s
	mkdir -p "$d"
	scaled_model "$s" "$d/model.yaml"
	echo "bench: scale: compiling COBA x$s" >&2
	(cd "$d" && "$ANNC" compile model.yaml -d build >"$d/compile.log" 2>&1) || die "annc compile (see $d/compile.log)"
	bin=$(ls "$d"/build/bin/* | head -n 1)
	annc_threads "$s" "$bin"
	if [[ ${BENCH_SKIP_PEERS:-} != 1 ]]; then
		brian2_runs "$s"
	fi
done

# The recording case: COBA 4000, v and g_exc of every neuron every step, in memory and streamed.
d=$S_WORK/rec
mkdir -p "$d"
sed 's/variables: \[spike\]/variables: [spike, v, g_exc]/' "$REPO/examples/coba/model.yaml" >"$d/model.yaml"
grep -q 'variables: \[spike, v, g_exc\]' "$d/model.yaml" || die "cannot add v and g_exc to the monitor of examples/coba"
(cd "$d" && "$ANNC" compile model.yaml -d build >"$d/compile.log" 2>&1) || die "annc compile (see $d/compile.log)"
bin=$(ls "$d"/build/bin/* | head -n 1)
annc_runs rec-memory "$bin" -duration 1000 -seed 1 -max-memory 0
annc_runs rec-stream "$bin" -duration 1000 -seed 1 -stream

# Delays drawn over many steps: examples/coba with Uniform(1, 20) ms delays on
# both projections (191 delay groups, more rows than synapses: README, "The
# model file"), -threads 1 and 2 in pairs. annc only: the peer's COBA has no
# delays.
d=$S_WORK/delays
mkdir -p "$d"
sed 's/allow_self_connections: false}/allow_self_connections: false, delays: "Uniform(1.0, 20.0)"}/' "$REPO/examples/coba/model.yaml" >"$d/model.yaml"
[ "$(grep -c 'delays: "Uniform(1.0, 20.0)"' "$d/model.yaml")" = 2 ] || die "cannot add delays to the projections of examples/coba"
(cd "$d" && "$ANNC" compile model.yaml -d build >"$d/compile.log" 2>&1) || die "annc compile (see $d/compile.log)"
annc_threads delays "$(ls "$d"/build/bin/* | head -n 1)"

# Noise drawn every step: bench/noisy.yaml (200,000 neurons, a Normal draw per
# neuron and step), -threads 1 and 2 in pairs. annc only.
d=$S_WORK/noisy
mkdir -p "$d"
cp "$REPO/bench/noisy.yaml" "$d/model.yaml"
(cd "$d" && "$ANNC" compile model.yaml -d build >"$d/compile.log" 2>&1) || die "annc compile (see $d/compile.log)"
annc_threads noisy "$(ls "$d"/build/bin/* | head -n 1)"

# Global operations: bench/global.yaml (200,000 rate-coded neurons reading
# mean, max and norm2 of the population), -threads 1 and 2 in pairs. annc only.
d=$S_WORK/global
mkdir -p "$d"
cp "$REPO/bench/global.yaml" "$d/model.yaml"
(cd "$d" && "$ANNC" compile model.yaml -d build >"$d/compile.log" 2>&1) || die "annc compile (see $d/compile.log)"
annc_threads global "$(ls "$d"/build/bin/* | head -n 1)"

# Plastic synapses: bench/plastic.yaml (examples/stdp scaled to 5,000 inputs,
# 20,000 neurons and 1 M STDP synapses), -threads 1 and 2 in pairs, and in Brian2 (bench/plastic_brian2.py).
d=$S_WORK/plastic
mkdir -p "$d"
cp "$REPO/bench/plastic.yaml" "$d/model.yaml"
(cd "$d" && "$ANNC" compile model.yaml -d build >"$d/compile.log" 2>&1) || die "annc compile (see $d/compile.log)"
annc_threads plastic "$(ls "$d"/build/bin/* | head -n 1)"
if [[ ${BENCH_SKIP_PEERS:-} != 1 ]]; then
	echo "bench: scale: Brian2 cpp, plastic (build and $BENCH_REPEAT runs)" >&2
	"$PY" "$REPO/bench/plastic_brian2.py" "$d/brian2" "$BENCH_REPEAT" >"$d/brian2.log" 2>&1 || {
		tail -n 20 "$d/brian2.log" >&2
		die "Brian2 plastic (log: $d/brian2.log)"
	}
	line=$(grep '^RESULT ' "$d/brian2.log" | tail -n 1) || die "Brian2 plastic printed no RESULT line"
	echo "{\"tag\": \"b2-plastic\", ${line#RESULT \{}" >>"$OUT"
	rm -rf "$d/brian2"
fi
echo "bench: scale: load after: $(uptime)" >&2

"$JSONPY" - "$OUT" "$BENCH_SCALES" "$BENCH_REPEAT" "$BENCH_PAIRS" "$(uptime)" <<'PYEOF'
import json, sys
path, scales, repeat, pairs, load = sys.argv[1:]
r = {x['tag']: x for x in (json.loads(l) for l in open(path) if l.strip())}
f = lambda x, fmt='%.3f': '-' if x is None else fmt % x
head = ['neurons', 'synapses', 'annc setup', 'sim wall', 'sim cpu', 'RSS MiB', 'B/syn', '2 thr wall', 'speed-up',
        'b2 setup', 'b2 run', 'b2 RSS MiB', 'ratio cpu', 'ratio RSS', 'annc spikes', 'b2 spikes']
rows = []
for s in scales.split():
    a, a2, b = r.get('annc-%s-t1' % s), r.get('annc-%s-t2' % s), r.get('b2-%s' % s)
    up = r.get('annc-%s-speedup' % s)
    rows.append([str(4000 * int(s)), f(a and a['synapses'], '%d'), f(a and a['setup']), f(a and a['sim']), f(a and a['cpu']),
                 f(a and a['rss_mib'], '%.0f'), f(a and a['bytes_per_syn'], '%.1f'), f(a2 and a2['sim']),
                 f(up and up['speedup'], '%.2f'), f(b and b['setup']), f(b and b['cpu']),
                 f(b and b['rss_mib'], '%.0f'), f(a and b and b['cpu'] / a['cpu'], '%.2f'),
                 f(a and b and a['rss_mib'] / b['rss_mib'], '%.2f'), f(a and a['spikes'], '%d'), f(b and b['spikes'], '%d')])
widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
line = lambda row: '  '.join(str(x).rjust(n) for x, n in zip(row, widths))
print('COBA scaled (same in-degree, 1000 ms):')
print(line(head))
print('  '.join('-' * n for n in widths))
for row in rows:
    print(line(row))
print('seconds; annc: median of %s runs with -threads 1, and with 2 ("2 thr"), run in pairs, 1 thread then 2 (speed-up = median over the pairs of sim wall 1 thread / 2 threads); '
      'B/syn = bytes the projections hold per synapse (manifest.json projections); '
      'Brian2: C++ standalone, median of %s runs of its binary, run = std::clock of the simulation loop, '
      'setup = binary wall - run; ratio cpu = b2 run / annc sim cpu; ratio RSS = annc / Brian2 (< 1: annc smaller).'
      % (pairs, repeat))
for s in scales.split():
    up = r.get('annc-%s-speedup' % s)
    if up:
        print('speed-up of the pairs at %d neurons: %s' % (4000 * int(s), ' '.join('%.2f' % x for x in up['pairs'])))
m, s = r.get('rec-memory'), r.get('rec-stream')
if m and s:
    print()
    print('Recording v and g_exc of 4000 neurons every step (COBA, 1000 ms, %.0f MiB of data):' % m['data_mib'])
    print('  in memory: simulate %.3f s wall, %.3f s cpu, RSS %.0f MiB (%.2f x the data)' % (m['sim'], m['cpu'], m['rss_mib'], m['rss_mib'] / m['data_mib']))
    print('  -stream:   simulate %.3f s wall, %.3f s cpu, RSS %.0f MiB' % (s['sim'], s['cpu'], s['rss_mib']))
    print('  in memory / stream: %.2f x wall, %.2f x cpu' % (m['sim'] / s['sim'], m['cpu'] / s['cpu']))
a, a2, up = r.get('annc-delays-t1'), r.get('annc-delays-t2'), r.get('annc-delays-speedup')
if a and a2 and up:
    print()
    print('COBA, 4000 neurons, with Uniform(1, 20) ms delays (191 delay groups), 1000 ms, annc only:')
    print('  -threads 1: simulate %.3f s wall; -threads 2: %.3f s wall; speed-up %.2f (pairs %s); %d spikes'
          % (a['sim'], a2['sim'], up['speedup'], ' '.join('%.2f' % x for x in up['pairs']), a['spikes']))
for tag, what in (('noisy', 'Noise-driven network (bench/noisy.yaml: 200,000 neurons, a Normal draw per neuron and step)'),
                  ('global', 'Global operations (bench/global.yaml: 200,000 rate-coded neurons, mean, max and norm2 of v every step)'),
                  ('plastic', 'Plastic network (bench/plastic.yaml: 5,000 Poisson inputs, 20,000 neurons, 1 M STDP synapses)')):
    a, a2, up = r.get('annc-%s-t1' % tag), r.get('annc-%s-t2' % tag), r.get('annc-%s-speedup' % tag)
    if a and a2 and up:
        print()
        print('%s, 1000 ms:' % what)
        print('  -threads 1: simulate %.3f s wall; -threads 2: %.3f s wall; speed-up %.2f (pairs %s)%s'
              % (a['sim'], a2['sim'], up['speedup'], ' '.join('%.2f' % x for x in up['pairs']),
                 '; %d spikes' % a['spikes'] if a['spikes'] else ''))
        b = r.get('b2-%s' % tag)
        if b:
            print('  Brian2 C++ standalone, one thread: run %.3f s (%d synapses, %d spikes); ratio to annc on one thread %.2f, on two %.2f'
                  % (b['run_s'], b['synapses'], b['spikes'], b['run_s'] / a['sim'], b['run_s'] / a2['sim']))
print('load at the end: %s' % load.strip())
PYEOF
