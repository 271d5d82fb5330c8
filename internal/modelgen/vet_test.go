package modelgen

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/annc/annc/codegen"
	"github.com/annc/annc/internal/build"
	"github.com/annc/annc/internal/pipelinefuzz"
	"github.com/annc/annc/models"
)

// writeFiles writes generated files under dir.
func writeFiles(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for rel, data := range files {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// goIn runs the go command in dir, offline and outside any workspace.
func goIn(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// libraryModels puts each built-in neuron type in a population driven
// through every target it reads, and each built-in synapse type in a
// projection between populations of the kind it is written for.
func libraryModels(t *testing.T) map[string]string {
	lib, ds := models.Load()
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	out := map[string]string{}
	for i, name := range lib.NeuronNames() {
		n, _ := lib.Neuron(name)
		input := "poisson: {rates: 10.0}"
		if n.Spike == nil {
			input = "neuron: LeakyIntegrator"
		}
		src := fmt.Sprintf("name: lib_n%d\ndt: 0.1\npopulations:\n  - {name: src, geometry: 2, %s}\n  - {name: P, geometry: 2, neuron: %s}\nprojections:\n", i, input, name)
		for _, target := range []string{"exc", "inh"} {
			src += fmt.Sprintf("  - {pre: src, post: P, target: %s, connector: {all_to_all: {weights: 0.1}}}\n", target)
		}
		src += "monitors:\n  - {target: P, variables: [r]}\n"
		if n.Spike != nil {
			src = strings.Replace(src, "variables: [r]", "variables: [spike]", 1)
		}
		out[fmt.Sprintf("lib_n%d", i)] = src
	}
	for i, name := range lib.SynapseNames() {
		s, _ := lib.Synapse(name)
		neuron := "LeakyIntegrator"
		if s.PreSpike != nil || s.PostSpike != nil {
			neuron = "IF_cond_exp"
		}
		out[fmt.Sprintf("lib_s%d", i)] = fmt.Sprintf(`name: lib_s%[3]d
dt: 0.1
populations:
  - {name: A, geometry: 3, neuron: %[1]s}
  - {name: B, geometry: 2, neuron: %[1]s}
projections:
  - {name: ab, pre: A, post: B, target: exc, synapse: %[2]s, connector: {all_to_all: {weights: 0.5}}}
  - {name: ba, pre: B, post: A, target: inh, connector: {all_to_all: {weights: 0.5}}}
monitors:
  - {target: ab, variables: [w]}
`, neuron, name, i)
	}
	return out
}

// other is a generated package outside the sample.
type other struct {
	name, what string
	files      map[string][]byte
}

// otherModels generates every example and every built-in neuron and
// synapse type in a minimal network.
func otherModels(t *testing.T) ([]other, error) {
	paths, _ := filepath.Glob("../../examples/*/model.yaml")
	if len(paths) == 0 {
		return nil, fmt.Errorf("no examples")
	}
	var out []other
	for _, p := range paths {
		l, err := build.Load(p)
		if err != nil || l.Model == nil || l.Diags.HasErrors() {
			return nil, fmt.Errorf("%s: %v %v", p, err, l.Diags)
		}
		files, err := build.GenerateFiles(l.Model, codegen.Options{ImportBase: pipelinefuzz.ImportBase, Version: "test", SourceName: "model.yaml"})
		if err != nil {
			return nil, fmt.Errorf("%s: %v", p, err)
		}
		out = append(out, other{l.Model.Name, "example " + filepath.Base(filepath.Dir(p)), files})
	}
	lib := libraryModels(t)
	var names []string
	for name := range lib {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		src := lib[name]
		res, err := pipelinefuzz.Generate(name+".yaml", []byte(src))
		if res.Model == nil || err != nil {
			return nil, fmt.Errorf("%s: %v\n%s\n%s", name, err, res.Diags.Format(map[string][]byte{name + ".yaml": []byte(src)}, 10), src)
		}
		out = append(out, other{name, "library " + name, res.Files})
	}
	return out, nil
}

// TestLibraryAndExamplesVet: the generated package (and main.go) of every
// example and of every built-in neuron and synapse type, in a minimal
// network, pass go vet (the shared module's one go vet).
func TestLibraryAndExamplesVet(t *testing.T) {
	md := sharedModule(t, sampleSize(t))
	want, err := otherModels(t)
	if err != nil {
		t.Fatal(err)
	}
	if len(md.others) != len(want) || len(want) < 5 {
		t.Fatalf("the vetted module holds %d examples and library models, want %d", len(md.others), len(want))
	}
	t.Logf("go vet passes on %s", strings.Join(md.others, ", "))
}

// selfModel has a projection from a population onto itself (whose WithOnly
// check once printed popOn[0] && popOn[0], which go vet rejects), and calls
// exp, whose vector kernel calls the runtime's expPD: in a module whose path
// has dots, the assembly must spell them as Go's assembler expects.
const selfModel = `name: selfnet
dt: 0.5
seed: 1
neurons:
  LIF:
    equations: |
      10.0 * dv/dt = -v + g_exc + 1.5 - 0.1 * exp(-v) : init = 0.0
    spike: v > 1.0
    reset: v = 0.0
populations:
  - {name: P, geometry: 8, neuron: LIF, init: {v: "Uniform(0.0, 1.0)"}}
projections:
  - {name: pp, pre: P, post: P, target: exc, connector: {fixed_probability: {probability: 0.5, weights: 0.2}}}
monitors:
  - {name: m, target: P, variables: [spike, v]}
simulation:
  duration: 20.0
`

// TestSelfProjectionModule: a fresh module embedding a model with a
// self-projection (what annc compile -d internal/sim writes there) passes
// go vet ./... and go test ./... (a test of its own that runs the network).
func TestSelfProjectionModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and tests a module")
	}
	dir := t.TempDir()
	res, err := pipelinefuzz.Generate("model.yaml", []byte(selfModel))
	if res.Model == nil || err != nil {
		t.Fatalf("%v %v", err, res.Diags)
	}
	files, err := build.GenerateFiles(res.Model, codegen.Options{ImportBase: "example.com/selfproj/internal/sim", Version: "test", SourceName: "model.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	calls := false
	for name, b := range files {
		calls = calls || strings.HasSuffix(name, ".s") && bytes.Contains(b, []byte("expPD(SB)"))
	}
	if !calls && runtime.GOARCH == "amd64" {
		t.Fatal("no vector kernel calls expPD: the test no longer covers the cross-package call")
	}
	writeFiles(t, filepath.Join(dir, "internal", "sim"), files)
	writeFiles(t, dir, map[string][]byte{
		"go.mod": []byte("module example.com/selfproj\n\ngo 1.22\n"),
		"net_test.go": []byte(`package selfproj

import (
	"testing"

	"example.com/selfproj/internal/sim/selfnet"
)

func TestRun(t *testing.T) {
	net, err := selfnet.New(selfnet.WithSeed(1))
	if err != nil {
		t.Fatal(err)
	}
	net.Simulate(20)
	if times, _ := net.M.Raster(); len(times) == 0 {
		t.Error("no spikes in 20 ms")
	}
	if _, err := selfnet.New(selfnet.WithOnly("pp")); err == nil {
		t.Error("WithOnly(\"pp\") without its population P was accepted")
	}
}
`),
	})
	goIn(t, dir, "vet", "./...")
	goIn(t, dir, "test", "-count=1", "./...")
}
