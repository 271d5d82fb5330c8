package codegen

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// simdModel exercises the vector kernels: a conductance LIF with
// refractoriness (frozen v, decaying conductances), the built-in Izhikevich
// (temporaries, per-neuron parameters, random input, conductances zeroed
// after the step, per-neuron refractory period, more arrays than registers),
// a crossing spike test with `and`, a rate-coded type with sum(), a power, a
// division by a literal and a conditional, population sizes that are not a
// multiple of four and one below four; rate projections with rows of equal
// length (summed four rows at a time); dense projections whose rows are runs
// of consecutive post ranks (added with the vector addition); an
// exponential integrate-and-fire type (exp in a refractory neuron's
// equations) and synapses whose equations call exp, one of them reading
// more invariants than its kernel has registers to spare (they are pinned
// down to the registers exp saves, through every run of synapses).
const simdModel = `name: simdm
dt: 0.1
neurons:
  LIF:
    parameters: |
      El = -60.0 : population
      Vr = -60.0 : population
      Erev_exc = 0.0 : population
      Erev_inh = -80.0 : population
      Vt = -50.0 : population
      tau = 20.0 : population
      tau_exc = 5.0 : population
      tau_inh = 10.0 : population
      I = 20.0 : population
    equations: |
      tau * dv/dt = (El - v) + g_exc * (Erev_exc - v) + g_inh * (Erev_inh - v) + I
      tau_exc * dg_exc/dt = -g_exc
      tau_inh * dg_inh/dt = -g_inh
    spike: v > Vt
    reset: v = Vr
    refractory: 2.0
  Cross:
    parameters: |
      th = -52.0 : population
      tau = 10.0
    equations: |
      prev = v
      tau * dv/dt = -(v + 65.0) + 30.0 * g_exc / 4.0 + (v + 65.0)^2 / 50.0 : init = -60.0
    spike: (v > th) and (prev <= th)
    reset: v = -70.0
  EIF:
    parameters: |
      El = -70.0 : population
      vt = -50.0 : population
      delta = 2.0 : population
      tau = 10.0 : population
      I = 22.0
    equations: |
      tau * dv/dt = -(v - El) + delta * exp((v - vt) / delta) + I - g_exc * (v + 80.0) : init = -65.0
      5.0 * dg_exc/dt = -g_exc
    spike: v > -30.0
    reset: v = -68.0
    refractory: 0.5
  Rate:
    parameters: |
      tau = 5.0 : population
    equations: |
      tau * dr/dt = -r + ite(sum(exc) > 0.3, sum(exc)^3, -sum(exc)) + b
      b = 0.1 * r
synapses:
  Gate:
    parameters: |
      alpha = 2.0 : projection
      beta = 0.3 : projection
    equations: |
      ds/dt = alpha * (1.0 - s) / (1.0 + exp(-(pre.v + 50.0) / 2.0)) - beta * s + 0.01 * pre.v / (2.0 + pre.v^2) : init = 0.1
    psp: w * s
  Many:
    parameters: |
      a1 = 0.5 : projection
      a2 = -0.2 : projection
      a3 = 0.07 : projection
      a4 = 0.01 : projection
      a5 = -0.03 : projection
      a6 = 0.002 : projection
      a7 = 0.04 : projection
      a8 = -0.001 : projection
      a9 = 0.006 : projection
      a10 = 0.3 : projection
      a11 = -0.05 : projection
      a12 = 0.02 : projection
      a13 = 4.0 : projection
    equations: |
      dq/dt = (((((((((((q * a1 + a2) * q + a3) * q + a4) * q + a5) * q + a6) * q + a7) * q + a8) * q + a9) * q + a10) * q + a11) * q + a12) + 0.01 * exp(-q / a13) + 0.001 * pre.v - q : init = 0.2
    psp: w * q
populations:
  - name: lif
    geometry: 10
    neuron: LIF
    init:
      v: "Uniform(-60.0, -49.0)"
      g_exc: "Uniform(0.0, 2.0)"
      g_inh: "Uniform(0.0, 5.0)"
  - name: small
    geometry: 3
    neuron: LIF
    init:
      v: "Uniform(-60.0, -49.0)"
  - name: izh
    geometry: 21
    neuron: Izhikevich
    parameters:
      noise: 5.0
      tau_refrac: 0.3
      i_offset: 4.0
  - name: cross
    geometry: 9
    neuron: Cross
  - name: eif
    geometry: 19
    neuron: EIF
    init:
      v: "Uniform(-70.0, -50.0)"
  - name: rate
    geometry: 6
    neuron: Rate
    init:
      r: "Uniform(0.0, 1.0)"
  - name: rsrc
    geometry: 7
    neuron: Rate
    init:
      r: "Uniform(0.0, 1.0)"
  - name: rdst
    geometry: 5
    neuron: Rate
    init:
      r: 0.2
projections:
  - name: ee
    pre: lif
    post: lif
    target: exc
    connector:
      fixed_probability: {probability: 0.5, weights: 0.8}
  - name: ii
    pre: izh
    post: izh
    target: exc
    connector:
      all_to_all: {weights: "Uniform(0.0, 3.0)"}
  - name: ic
    pre: izh
    post: cross
    target: exc
    connector:
      all_to_all: {weights: 1.0}
  - name: ie
    pre: izh
    post: eif
    target: exc
    connector:
      fixed_probability: {probability: 0.3, weights: 0.05}
  - name: sd
    pre: rsrc
    post: rdst
    target: exc
    connector:
      all_to_all: {weights: 0.3}
  - name: gz
    pre: izh
    post: rate
    target: exc
    synapse: Gate
    connector:
      all_to_all: {weights: "Uniform(0.0, 0.1)"}
  - name: gm
    pre: izh
    post: eif
    target: exc
    synapse: Many
    connector:
      all_to_all: {weights: 0.01}
  - name: rr
    pre: rate
    post: rate
    target: exc
    connector:
      all_to_all: {weights: "Uniform(0.0, 0.4)"}
`

// simdCheckProgram is a program for simdMatches: it steps the network of
// seed steps times, prints the spikes of the spiking populations (fields)
// and then extra and the value of every path.
func simdCheckProgram(seed, steps int, spiking []string, extra string) string {
	count := "0"
	for i, f := range spiking {
		if i == 0 {
			count = ""
		} else {
			count += " + "
		}
		count += "len(n." + f + ".Spiked)"
	}
	return fmt.Sprintf(`package main

import (
	"fmt"

	m "annarchy/simdm"
)

func main() {
	n, err := m.New(m.WithSeed(%d))
	if err != nil {
		panic(err)
	}
	spikes := 0
	for s := 0; s < %d; s++ {
		n.Step()
		spikes += %s
	}
	fmt.Println("spikes", spikes)
	%s
	for _, p := range m.Paths() {
		v, err := n.Get(p)
		if err != nil {
			continue
		}
		fmt.Printf("%%s %%v\n", p, v)
	}
}
`, seed, steps, count, extra)
}

// The check programs of the tests below: simdProgram (the feature model,
// with the rates of rdst), simdCOBAProgram (examples whose population is P),
// simdBoolProgram (the bool conditions' model).
var (
	simdProgram     = simdCheckProgram(11, 300, []string{"Lif", "Izh", "Cross", "Eif"}, `fmt.Println("rdst", n.Rdst.R)`)
	simdCOBAProgram = simdCheckProgram(3, 300, []string{"P"}, "")
	simdBoolProgram = simdCheckProgram(5, 200, []string{"B", "Boff"}, "")
)

// TestSIMDMatchesScalar checks that the vector kernels give bit-identical
// results to the scalar loops.
func TestSIMDMatchesScalar(t *testing.T) {
	if testing.Short() {
		t.Skip("builds generated code")
	}
	scalar := simdMatches(t, simdModel, simdProgram, []string{"simdLIFPopAVX2", "simdIzhikevichPop", "simdCrossPop", "simdRatePop", "simdEIFPopAVX2", "simdGzProj", "expPD(SB)", "simdLIFPopAVX512", "simdEIFPopAVX512", "expPDZ(SB)", "simdGzProjAVX512", "simdGmProjAVX512"})
	checkRdst(t, scalar)
}

// TestSIMDMatchesScalarFloat32 checks the eight-lane kernels of a float32
// model (the same model: sizes not a multiple of eight, one below eight;
// refractory masks over eight counters; exp by the runtime's expPS, in a
// neuron and a synapse kernel) against its scalar loops.
func TestSIMDMatchesScalarFloat32(t *testing.T) {
	if testing.Short() {
		t.Skip("builds generated code")
	}
	src := strings.Replace(simdModel, "dt: 0.1\n", "dt: 0.1\nprecision: float32\n", 1)
	scalar := simdMatches(t, src, simdProgram, []string{"simdLIFPopAVX2", "simdIzhikevichPop", "simdCrossPop", "simdRatePop", "simdEIFPopAVX2", "simdGzProj", "expPS(SB)", "VADDPS", "VBLENDVPS", "annrt.AddTo32AVX2", "simdLIFPopAVX512", "VBLENDMPS"})
	checkRdst(t, scalar)
}

// TestSIMDCOBAFloat32 runs the COBA example with precision: float32: its
// eight-lane neuron kernel and its spike delivery by the runtime's float32
// scattering helpers give the bits of the scalar loops.
func TestSIMDCOBAFloat32(t *testing.T) {
	if testing.Short() {
		t.Skip("builds generated code")
	}
	src, err := os.ReadFile("../examples/coba/model.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(src), "name: coba\n", "name: simdm\n", 1)
	s = strings.Replace(s, "\ndt: 0.1\n", "\ndt: 0.1\nprecision: float32\n", 1)
	if !strings.Contains(s, "precision: float32") || !strings.Contains(s, "name: simdm") {
		t.Fatal("could not set the name and precision of the COBA example")
	}
	simdMatches(t, s, simdCOBAProgram, []string{"simdLIFPopAVX2", "VBLENDVPS", "annrt.ScatterAddRows32", "annrt.ScatterAddConstRows32"})
}

// simdMatches builds the model src (named simdm) with the check program,
// checks that its assembly or its Go declarations hold each of kernels, and
// compares the runs with the kernels (synapse variables stored per
// presynaptic neuron where they can be, and per synapse) to the run with the
// scalar loops only; it returns the latter.
func simdMatches(t *testing.T, src, program string, kernels []string) string {
	_, files := generateYAML(t, "simdm.yaml", src)
	asm := string(files["simdm/simd_amd64.s"]) + string(files["simdm/simd_amd64.go"])
	for _, k := range kernels {
		if !strings.Contains(asm, k) {
			t.Errorf("no vector kernel %s", k)
		}
	}
	if !strings.Contains(string(files["simdm/network.go"]), "for i := i0; i < hi; i++") {
		t.Error("scalar loops do not continue after the kernels")
	}
	dir := t.TempDir()
	if err := addRuntime(files); err != nil {
		t.Fatal(err)
	}
	files["go.mod"] = []byte("module annarchy\n\ngo 1.22\n")
	files["cmd/simdm/main.go"] = files["main.go"]
	delete(files, "main.go")
	files["check/main.go"] = []byte(program)
	for name, src := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := append(os.Environ(), "GOWORK=off", "GOFLAGS=", "GOTOOLCHAIN=local")
	build := exec.Command("go", "build", "-o", "bin/", "./...")
	build.Dir, build.Env = dir, env
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	vet := exec.Command("go", "vet", "./simdm")
	vet.Dir, vet.Env = dir, env
	if out, err := vet.CombinedOutput(); err != nil && bytes.Contains(out, []byte("simd_amd64")) {
		t.Errorf("go vet of the assembly: %v\n%s", err, out)
	}
	run := func(env ...string) string {
		cmd := exec.Command(filepath.Join(dir, "bin", "check"))
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("check program: %v", err)
		}
		return string(out)
	}
	vec, scalar := run("ANNC_SIMD=on"), run("ANNC_SIMD=off")
	// Where AVX-512 runs, "on" ran the AVX-512 twins: the AVX2 kernels too.
	if avx2 := run("ANNC_SIMD=avx2"); avx2 != scalar {
		t.Errorf("AVX2 kernels (ANNC_SIMD=avx2) differ from the scalar loops:\nvector:\n%s\nscalar:\n%s", avx2, scalar)
	}
	if !strings.HasPrefix(scalar, "spikes ") || strings.HasPrefix(scalar, "spikes 0\n") {
		t.Fatalf("the model does not spike:\n%s", scalar)
	}
	if vec != scalar {
		t.Errorf("vector kernels differ from the scalar loops:\nvector:\n%s\nscalar:\n%s", vec, scalar)
	}
	// Every synapse variable per synapse: the per-synapse kernels run.
	if perSyn := run("ANNC_SIMD=on", "ANNC_PERPRE=off"); perSyn != scalar {
		t.Errorf("vector kernels with ANNC_PERPRE=off differ from the scalar loops:\nvector:\n%s\nscalar:\n%s", perSyn, scalar)
	}
	if runtime.GOARCH == "amd64" && !cpuHasAVX2() {
		t.Log("no AVX2 here: only the scalar loops ran")
	} else if runtime.GOARCH == "amd64" && !cpuHas(" avx512dq") {
		t.Log("no AVX-512 here: the AVX-512 twins did not run")
	}
	return scalar
}

// checkRdst checks the output of simdProgram: identical rows, the four-row
// loop (neurons 0-3) and the row-by-row loop (neuron 4), must give the same
// sums.
func checkRdst(t *testing.T, scalar string) {
	found := false
	for _, line := range strings.Split(scalar, "\n") {
		if f := strings.Fields(strings.Trim(strings.TrimPrefix(line, "rdst "), "[]")); strings.HasPrefix(line, "rdst ") {
			found = true
			if len(f) != 5 {
				t.Fatalf("rdst: %s", line)
			}
			for _, x := range f {
				if x != f[0] {
					t.Errorf("rows of equal input differ: %s", line)
					break
				}
			}
			if f[0] == "0.2" {
				t.Errorf("rdst did not move: %s", line)
			}
		}
	}
	if !found {
		t.Error("no rdst line")
	}
}

// cpuHasAVX2 reads /proc/cpuinfo (Linux); false elsewhere.
func cpuHasAVX2() bool { return cpuHas(" avx2") }

// cpuHas reports whether /proc/cpuinfo lists the flag (Linux); false elsewhere.
func cpuHas(flag string) bool {
	b, err := os.ReadFile("/proc/cpuinfo")
	return err == nil && bytes.Contains(b, []byte(flag))
}

// TestSIMDHHGammaFloat32 runs the HH gamma example with precision: float32:
// its neuron kernel calls expPS six times (its AVX-512 twin, expPSZ), and
// the synapse equation's exp runs in the kernel over presynaptic ranks (or
// over synapses, with ANNC_PERPRE=off); all give the bits of the scalar
// loops.
func TestSIMDHHGammaFloat32(t *testing.T) {
	if testing.Short() {
		t.Skip("builds generated code")
	}
	src, err := os.ReadFile("../examples/hh_gamma/model.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(src), "name: hh_gamma\n", "name: simdm\n", 1)
	s = strings.Replace(s, "\ndt: 0.04\n", "\ndt: 0.04\nprecision: float32\n", 1)
	if !strings.Contains(s, "precision: float32") || !strings.Contains(s, "name: simdm") {
		t.Fatal("could not set the name and precision of the HH gamma example")
	}
	simdMatches(t, s, simdCOBAProgram, []string{"simdWangBuzsakiPopAVX2", "simdGabaProjPreAVX2", "simdGabaProjAVX2", "expPS(SB)", "simdWangBuzsakiPopAVX512", "simdGabaProjPreAVX512", "simdGabaProjAVX512", "expPSZ(SB)"})
}

// simdBoolModel uses bool parameters as conditions, bare and combined with
// not, and, or and comparisons, and the literal True, in a neuron kernel and
// a synapse kernel: each is one lane mask computed in Go.
const simdBoolModel = `name: simdm
dt: 0.1
neurons:
  B:
    parameters: |
      on = True : bool, population
      off = False : bool, population
      tau = 10.0 : population
      I = 22.0
    equations: |
      tau * dv/dt = if on: I - (v + 65.0) else: -(v + 65.0) : init = -65.0
      tau * du/dt = if not on: I - u else: -u
      tau * dx/dt = if on or off: I - x else: -x
      tau * dy/dt = if t > 5.0 and on: I - y else: -y
      z = ite(True, 5.0, v)
      q = if True: v * 2.0 else: 1.0
      s = if not off and (t > 2.0 or off): u + x else: y
    spike: v > -50.0
    reset: v = -70.0
synapses:
  Gated:
    parameters: |
      plastic = True : bool, projection
      frozen = False : bool, projection
    equations: |
      dq/dt = if plastic: 0.01 * pre.v - q else: 0.0 : init = 0.1
      ds/dt = if not frozen and plastic: 0.1 - s else: -s : init = 0.2
    psp: w * q
populations:
  - name: b
    geometry: 11
    neuron: B
  - name: boff
    geometry: 9
    neuron: B
    parameters:
      on: False
      off: True
projections:
  - name: bb
    pre: b
    post: boff
    target: exc
    synapse: Gated
    connector:
      all_to_all: {weights: 0.01}
  - name: bo
    pre: boff
    post: b
    target: exc
    synapse: Gated
    parameters:
      plastic: False
    connector:
      all_to_all: {weights: 0.01}
`

// TestSIMDBoolConditions checks the kernels of loops whose conditions read
// bool parameters (compiling them overflowed the stack) against the scalar
// loops, in both precisions.
func TestSIMDBoolConditions(t *testing.T) {
	if testing.Short() {
		t.Skip("builds generated code")
	}
	simdMatches(t, simdBoolModel, simdBoolProgram, []string{"simdBPopAVX2", "simdBbProj"})
	t.Run("float32", func(t *testing.T) {
		src := strings.Replace(simdBoolModel, "dt: 0.1\n", "dt: 0.1\nprecision: float32\n", 1)
		simdMatches(t, src, simdBoolProgram, []string{"simdBPopAVX2", "simdBbProj", "VBLENDVPS"})
	})
}
