package pipelinefuzz

import (
	"fmt"
	"go/scanner"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/annc/annc/internal/diag"
)

// exampleModels are the fuzzer's seeds: the repository's example models
// and the small models of testdata/models, which cover every feature of the
// model file. Crashers found by fuzzing are kept in testdata/fuzz/FuzzPipeline.
func exampleModels(t testing.TB) map[string][]byte {
	paths, err := filepath.Glob("../../examples/*/model.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no example models: %v", err)
	}
	small, _ := filepath.Glob("testdata/models/*.yaml")
	paths = append(paths, small...)
	out := map[string][]byte{}
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[p] = src
	}
	return out
}

// inside reports whether p lies within src (a column may point just past
// the end of its line, where something is missing).
func inside(src []byte, p diag.Pos) bool {
	lines := strings.Split(string(src), "\n")
	if p.Line < 1 || p.Line > len(lines) || p.Col < 1 {
		return false
	}
	return p.Col <= utf8.RuneCountInString(lines[p.Line-1])+1
}

// checkModel is the property: diagnostics point into the input and render;
// an accepted model generates Go that parses, type-checks against the
// runtime and imports only what generated code may.
func checkModel(t *testing.T, src []byte) {
	res, err := Generate("model.yaml", src)
	for _, d := range res.Diags {
		if d.Pos.File == "model.yaml" && !inside(src, d.Pos) {
			t.Errorf("diagnostic outside the input: %v", d)
		}
	}
	_ = res.Diags.Format(map[string][]byte{"model.yaml": src}, 20)
	if res.Model == nil {
		return
	}
	if err != nil {
		skipKnownGap(t, err)
		t.Fatalf("annc check accepts the model but code generation fails: %v\nmodel:\n%s", err, src)
	}
	if err := TypeCheck(res.Files); err != nil {
		skipKnownGap(t, err)
		t.Fatalf("annc check accepts the model but the generated Go does not type-check: %v\nmodel:\n%s", err, src)
	}
}

// knownGaps are failures of the property that are known and not yet fixed
// in codegen, by a piece of their message. Each one is a bug: accepted
// models must generate Go that builds. A gap is skipped so that fuzzing can
// look for new failures; remove it when fixed.
var knownGaps = []string{}

func skipKnownGap(t *testing.T, err error) {
	t.Helper()
	for _, g := range knownGaps {
		if strings.Contains(err.Error(), g) {
			t.Skipf("known codegen gap %q: %v", g, firstLine(err.Error()))
		}
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func FuzzPipeline(f *testing.F) {
	models := exampleModels(f)
	names := make([]string, 0, len(models))
	for n := range models {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		f.Add(models[n])
	}
	warmUp(f, models[names[0]])
	f.Fuzz(func(t *testing.T, src []byte) {
		checkModel(t, src)
	})
}

// warmUp loads the model library and type-checks the runtime and the
// standard library packages generated code imports, once per process and
// before the first input: the fuzzing engine takes an input running longer
// than 10 s for a hang and kills its worker, and these one-time costs (many
// seconds with coverage instrumentation on a busy machine) would otherwise
// fall on the first input of every worker it restarts.
func warmUp(f *testing.F, src []byte) {
	res, err := Generate("model.yaml", src)
	if res.Model == nil || err != nil {
		f.Fatalf("warm-up model: %v %v", err, res.Diags)
	}
	if err := TypeCheck(res.Files); err != nil {
		f.Fatalf("warm-up model: %v", err)
	}
}

// Every seed is an accepted model whose code type-checks (the seeds run as
// part of FuzzPipeline too; this test names the model that failed and makes
// sure the seeds are not inputs that fail early).
func TestSeedsAccepted(t *testing.T) {
	models := exampleModels(t)
	names := make([]string, 0, len(models))
	for n := range models {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(filepath.Base(filepath.Dir(name))+"/"+filepath.Base(name), func(t *testing.T) {
			// The real path, so that files a model names beside it (.npy
			// weights, schedule rows) are found.
			src := models[name]
			res, err := Generate(name, src)
			if res.Model == nil {
				t.Fatalf("model rejected:\n%s", res.Diags.Format(map[string][]byte{name: src}, 20))
			}
			if err != nil {
				skipKnownGap(t, err)
				t.Fatal(err)
			}
			if err := TypeCheck(res.Files); err != nil {
				skipKnownGap(t, err)
				t.Fatal(err)
			}
		})
	}
}

// goIdents lists the identifiers of generated Go code (outside comments and
// string literals).
func goIdents(src []byte) map[string]bool {
	var s scanner.Scanner
	fset := token.NewFileSet()
	s.Init(fset.AddFile("x.go", -1, len(src)), src, nil, 0)
	out := map[string]bool{}
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			return out
		}
		if tok == token.IDENT {
			out[lit] = true
		}
	}
}

// Text from every kind of string in a model file, and from names, never
// becomes Go code: the model is rejected, or the generated code type-checks
// and the payload's identifiers appear only inside comments and string
// literals.
func TestNoInjection(t *testing.T) {
	const marker = "PWNEDx"
	payloads := []string{
		`1) + PWNEDx(`,
		`"); PWNEDx(); ("`,
		"1\n}\nfunc init() { PWNEDx() }\nvar _ = (1",
		"0 */ PWNEDx() /*",
		"0 // x\nPWNEDx()",
		"`; PWNEDx(); `",
	}
	base := `name: inj
dt: 0.1
neurons:
  N:
    parameters: |
      tau = 10.0
    equations: |
      tau * dv/dt = -v + sum(exc) : init = 0.0
      r = pos(v)
synapses:
  S:
    parameters: |
      eta = 0.1
    equations: |
      dw/dt = eta * pre.r * post.r
    psp: w * pre.r
populations:
  - name: P
    geometry: 4
    neuron: N
projections:
  - name: pp
    pre: P
    post: P
    target: exc
    synapse: S
    connector:
      all_to_all: {weights: 0.1}
monitors:
  - name: m
    target: P
    variables: [v, r]
simulation:
  duration: 10.0
`
	// Each slot is a piece of the base model replaced by one carrying the
	// payload.
	slots := []struct{ old, new string }{
		{"name: inj", "name: %s"},
		{"tau = 10.0\n", "tau = %s\n"},
		{"tau * dv/dt = -v + sum(exc) : init = 0.0", "tau * dv/dt = -v + %s : init = 0.0"},
		{"tau * dv/dt = -v + sum(exc) : init = 0.0", "tau * dv/dt = -v : init = %s"},
		{"r = pos(v)", "r = pos(v) # %s"},
		{"psp: w * pre.r", "psp: %q"},
		{"dw/dt = eta * pre.r * post.r", "dw/dt = eta * %s"},
		{"  - name: P\n", "  - name: P\n    stop_condition: %q\n"},
		{"  - name: m\n", "  - name: %q\n"},
		{"    target: P\n    variables", "    target: %q\n    variables"},
		{"variables: [v, r]", "variables: [v, %q]"},
		{"  N:\n", "  %q:\n"},
		{"neuron: N", "neuron: %q"},
		{"- name: pp", "- name: %q"},
		{"target: exc", "target: %q"},
		{"weights: 0.1", "weights: %q"},
		{"geometry: 4", "geometry: 4\n    parameters: {tau: %q}"},
		{"geometry: 4", "geometry: 4\n    init: {v: %q}"},
		{"dt: 0.1\n", "dt: 0.1\nconstants:\n  %q: 1.0\n"},
		{"dt: 0.1\n", "dt: 0.1\nfunctions: |\n  f(x) = %s\n"},
	}
	res, err := Generate("model.yaml", []byte(base))
	if res.Model == nil || err != nil {
		t.Fatalf("base model: %v %v", res.Diags, err)
	}
	if err := TypeCheck(res.Files); err != nil {
		t.Fatalf("base model: %v", err)
	}
	accepted := 0
	for _, slot := range slots {
		if !strings.Contains(base, slot.old) {
			t.Fatalf("slot %q not in the base model", slot.old)
		}
		for _, p := range payloads {
			repl := strings.Replace(slot.new, "%s", p, 1)
			repl = strings.Replace(repl, "%q", yamlQuote(p), 1)
			src := []byte(strings.Replace(base, slot.old, repl, 1))
			res, err := Generate("model.yaml", src)
			if res.Model == nil {
				continue
			}
			accepted++
			if err != nil {
				t.Errorf("%q in %q: accepted, but generation fails: %v", p, slot.new, err)
				continue
			}
			if err := TypeCheck(res.Files); err != nil {
				t.Errorf("%q in %q: accepted, but the Go does not type-check: %v", p, slot.new, err)
				continue
			}
			for name, data := range res.Files {
				if strings.HasSuffix(name, ".go") && goIdents(data)[marker] {
					t.Errorf("%q in %q: %s has the payload as Go code", p, slot.new, name)
				}
			}
		}
	}
	t.Logf("%d of %d payload models accepted", accepted, len(slots)*len(payloads))
}

// yamlQuote writes s as a double-quoted YAML scalar.
func yamlQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// The model file's name is written into every generated header: a name
// holding a newline or a comment end must not become code.
func TestSourceNameInjection(t *testing.T) {
	src := exampleModels(t)["../../examples/izhikevich/model.yaml"]
	for _, name := range []string{"a\nfunc init() { PWNEDx() }\n//.yaml", "a */ PWNEDx() /*.yaml", "m\r\nvar PWNEDx = 1\n.yaml"} {
		res, err := Generate(name, src)
		if res.Model == nil {
			t.Fatalf("%q: model rejected: %v", name, res.Diags)
		}
		if err != nil {
			continue // refusing the name is fine
		}
		if err := TypeCheck(res.Files); err != nil {
			t.Errorf("file name %q: generated Go does not type-check: %v", name, err)
			continue
		}
		for fn, data := range res.Files {
			if strings.HasSuffix(fn, ".go") && goIdents(data)["PWNEDx"] {
				t.Errorf("file name %q: %s has it as Go code", name, fn)
			}
		}
	}
}

// slotModel is a model with one hole for fuzzed text; slots are the holes,
// each a block scalar (indented by the given prefix) or a quoted scalar.
const slotModel = `name: slots
dt: 0.5
functions: |
  sq(x) = x * x
neurons:
  Rate:
    parameters: |
      tau = 10.0 : population
      b = 0.5
    equations: |
%[1]s
  LIF:
    parameters: |
      tau = 20.0 : population
      Vt = -50.0 : population
    equations: |
%[2]s
    spike: %[3]s
    reset: |
%[4]s
    refractory: 2.0
synapses:
  Syn:
    parameters: |
      eta = 0.01 : projection
    equations: |
%[5]s
    pre_spike: |
%[6]s
  RSyn:
    psp: %[7]s
populations:
  - name: R
    geometry: [3, 2]
    neuron: Rate
    stop_condition: %[8]s
  - name: L
    geometry: 8
    neuron: LIF
  - name: inp
    geometry: 5
    poisson: {rates: %[9]s}
projections:
  - name: rr
    pre: R
    post: R
    target: exc
    synapse: RSyn
    connector:
      all_to_all: {weights: 0.1}
  - name: il
    pre: inp
    post: L
    target: exc
    synapse: Syn
    connector:
      fixed_probability: {probability: 0.5, weights: 1.0}
monitors:
  - target: R
    variables: [r]
  - target: L
    variables: [spike, v]
simulation:
  duration: 10.0
`

// slotDefaults fill the holes not being fuzzed.
var slotDefaults = []string{
	"tau * dr/dt + r = sum(exc) + b",
	"tau * dv/dt = -v + g_exc : init = -60.0\ntau * dg_exc/dt = -g_exc",
	"v > Vt",
	"v = -60.0",
	"dx/dt = -x / 20.0 : event-driven",
	"g_target += w\nx += eta",
	"w * pre.r",
	`"r > 10.0 : any"`,
	"10.0",
}

// fillSlot indents text as the lines of a block scalar at six spaces, or
// quotes it for the slots that are YAML scalars.
func fillSlot(i int, text string) string {
	switch i {
	case 2, 6, 7, 8:
		return yamlQuote(text)
	}
	lines := strings.Split(text, "\n")
	for k, l := range lines {
		lines[k] = "      " + l
	}
	return strings.Join(lines, "\n")
}

func slotSource(slot int, text string) []byte {
	args := make([]any, len(slotDefaults))
	for i, d := range slotDefaults {
		if i == slot {
			args[i] = fillSlot(i, text)
		} else if i == 2 || i == 6 || i == 7 || i == 8 {
			args[i] = d
		} else {
			args[i] = fillSlot(i, d)
		}
	}
	return []byte(fmt.Sprintf(slotModel, args...))
}

// FuzzSlots fuzzes the text of one equation string (neuron equations,
// spike, reset, synapse equations, pre_spike, psp, stop condition, Poisson
// rate) inside an otherwise valid model, so that most inputs reach the
// analysis and the code generator.
func FuzzSlots(f *testing.F) {
	for i, d := range slotDefaults {
		f.Add(uint8(i), strings.Trim(d, `"`))
	}
	for _, s := range slotSeeds {
		f.Add(uint8(s.slot), s.text)
	}
	warmUp(f, slotSource(-1, ""))
	f.Fuzz(func(t *testing.T, slot uint8, text string) {
		checkModel(t, slotSource(int(slot)%len(slotDefaults), text))
	})
}

// slotSeeds exercise every slot with several features each.
var slotSeeds = []struct {
	slot int
	text string
}{
	{0, "tau * dr/dt + r = sq(sum(exc)) + ite(t > 5.0, b, -b) : min = 0.0, max = 1.0"},
	{0, "m = mean(r) : population\ntau * dr/dt = -r + m + sum(exc) + Uniform(-0.1, 0.1) : exponential\nk = r > 0.5 : bool"},
	{1, "tau * dv/dt = -v + g_exc + if v > -55.0: 1.0 else: 0.0 : init = -60.0, rk4\ntau * dg_exc/dt = -g_exc : implicit"},
	{1, "tau * dv/dt = -v + g_exc : midpoint, unless_refractory\ng_exc = 0.0"},
	{4, "dx/dt = -x / 20.0 : event-driven\ndw/dt = eta * post.v : min = 0.0"},
	{5, "g_target += w * 2.0\nx += eta\nw = clip(w - 0.01, 0.0, 1.0)"},
	{5, "g_target += w\nx += eta : max = 1.0\nw -= x : min = 0.0, max = eta * 100.0"},
	{6, "w * pre.r ^ 2"},
	{7, "r > 1.0 or t > 5.0 : all"},
	{8, "10.0 * (1.0 + sin(2.0 * pi * t / 100.0))"},
}

// The slot model and every slot seed are accepted models whose code
// type-checks, so that fuzzing starts from inputs that reach codegen.
func TestSlotSeedsAccepted(t *testing.T) {
	srcs := [][]byte{slotSource(-1, "")}
	for _, s := range slotSeeds {
		srcs = append(srcs, slotSource(s.slot, s.text))
	}
	for i, src := range srcs {
		res, err := Generate("model.yaml", src)
		if res.Model == nil {
			t.Errorf("seed %d rejected:\n%s", i, res.Diags.Format(map[string][]byte{"model.yaml": src}, 20))
			continue
		}
		if err == nil {
			err = TypeCheck(res.Files)
		}
		if err != nil {
			t.Errorf("seed %d: %v", i, firstLine(err.Error()))
		}
	}
}
