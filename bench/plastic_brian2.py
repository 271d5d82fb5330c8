"""bench/plastic.yaml in Brian2's C++ standalone mode, single-threaded: 5,000
Poisson inputs at 15 Hz onto 20,000 integrate-and-fire neurons through STDP
synapses drawn with probability 0.01, dt = 1 ms, 1000 ms; the equations and
event statements of examples/stdp and models/stdp.yaml, with weights up to
0.1 (ten times the example's) as bench/plastic.yaml.

    /usr/bin/python3 bench/plastic_brian2.py WORKDIR [REPEAT]

Builds the standalone binary in WORKDIR, runs it REPEAT times (default 3) and
prints `RESULT {json}`: build_s, run_s (median of the simulation loop's
time, which Brian2 measures with std::clock), runs, synapses and spikes.
"""
import json
import os
import statistics
import sys
import time

from brian2 import (NeuronGroup, PoissonGroup, SpikeMonitor, Synapses, defaultclock, device, mV,
                    ms, prefs, run, seed, set_device, Hz)

work = sys.argv[1]
repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
set_device('cpp_standalone', build_on_run=False)
prefs.devices.cpp_standalone.openmp_threads = 0
defaultclock.dt = 1 * ms
seed(1)
t0 = time.time()
ns = dict(tau_m=10 * ms, tau_e=5 * ms, vt=-54 * mV, vr=-60 * mV, El=-74 * mV, Ee=0 * mV,
          tau_plus=20 * ms, tau_minus=20 * ms, A_plus=0.01, A_minus=0.0105, w_min=0.0, w_max=0.1)
inp = PoissonGroup(5000, rates=15 * Hz)
out = NeuronGroup(20000, '''dv/dt = (El - v + g_exc * (Ee - vr)) / tau_m : volt
dg_exc/dt = -g_exc / tau_e : 1''', threshold='v > vt', reset='v = vr', method='euler', namespace=ns)
out.v = -60 * mV
syn = Synapses(inp, out, '''w : 1
dx/dt = -x / tau_plus : 1 (event-driven)
dy/dt = -y / tau_minus : 1 (event-driven)''',
               on_pre='''g_exc_post += w
x += A_plus * w_max
w = clip(w + y, w_min, w_max)''',
               on_post='''y -= A_minus * w_max
w = clip(w + x, w_min, w_max)''', namespace=ns)
syn.connect(p=0.01)
syn.w = 'rand() * w_max'
mon = SpikeMonitor(out)
run(1000 * ms)
device.build(directory=os.path.join(work, 'standalone'), compile=True, run=False)
build_s = time.time() - t0
runs = []
for _ in range(repeat):
    device.run(device.project_dir, False, [])
    runs.append(device._last_run_time)
print('RESULT ' + json.dumps({'build_s': build_s, 'run_s': statistics.median(runs), 'runs': runs,
                              'synapses': int(len(syn)), 'spikes': int(mon.num_spikes)}))
