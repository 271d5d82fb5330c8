// Package models is annc's library of standard neuron and synapse models:
// ANNarchy's built-in models (Izhikevich, IF_curr_exp, IF_cond_exp,
// IF_curr_alpha, IF_cond_alpha, HH_cond_exp, EIF_cond_exp_isfa_ista,
// EIF_cond_alpha_isfa_ista, LeakyIntegrator; STDP, STP, Hebb, Oja, IBCM)
// written in the model.yaml syntax and embedded in annc.
//
// Each model lives in its own file <lowercase name>.yaml, which is a complete
// model file (name: <lowercase name>) whose neurons: or synapses: section
// holds exactly that model, so `annc models NAME` can print it and a user can
// copy it into a model of their own. A model file names a built-in type in a
// population's neuron: or a projection's synapse: field; the IR looks it up
// through a Library.
package models

import (
	"embed"
	"io/fs"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/annc/annc/internal/diag"
	"github.com/annc/annc/parser"
)

//go:embed *.yaml
var files embed.FS

// dir is the file name prefix used in diagnostics about built-in models.
const dir = "models/"

// entry is one embedded file: the model it defines and its source.
type entry struct {
	model string // the type name as written, e.g. "IF_cond_exp"
	kind  string // "neuron" or "synapse" ("" when the file defines not exactly one type)
	file  string // e.g. "if_cond_exp.yaml"
	src   []byte
}

// index lists the embedded files in file-name order with the name of the one
// neuron or synapse type each defines. It reads only the YAML keys, so Names
// and Source work without the equation parser; a file defining no type or
// several types is listed under its file name (Load reports it).
func index() []entry {
	names, err := fs.Glob(files, "*.yaml")
	if err != nil {
		return nil // the pattern is constant and valid
	}
	sort.Strings(names)
	out := make([]entry, 0, len(names))
	for _, f := range names {
		src, err := files.ReadFile(f)
		if err != nil {
			continue
		}
		e := entry{model: strings.TrimSuffix(f, ".yaml"), file: f, src: src}
		var keys struct {
			Neurons  yaml.Node `yaml:"neurons"`
			Synapses yaml.Node `yaml:"synapses"`
		}
		if yaml.Unmarshal(src, &keys) == nil {
			var types, kinds []string
			for k, n := range []*yaml.Node{&keys.Neurons, &keys.Synapses} {
				if n.Kind == yaml.MappingNode {
					for i := 0; i+1 < len(n.Content); i += 2 {
						types = append(types, n.Content[i].Value)
						kinds = append(kinds, []string{"neuron", "synapse"}[k])
					}
				}
			}
			if len(types) == 1 {
				e.model, e.kind = types[0], kinds[0]
			}
		}
		out = append(out, e)
	}
	return out
}

// Names returns the names of the built-in models ("EIF_cond_exp_isfa_ista",
// "HH_cond_exp", "Hebb", ...), sorted.
func Names() []string {
	idx := index()
	out := make([]string, len(idx))
	for i, e := range idx {
		out[i] = e.model
	}
	sort.Strings(out)
	return out
}

// Kind says whether a built-in model is a "neuron" or a "synapse" ("" for
// an unknown name). The name is matched without regard to case.
func Kind(name string) string {
	for _, e := range index() {
		if strings.EqualFold(e.model, name) {
			return e.kind
		}
	}
	return ""
}

// Source returns the model file of a built-in model. The name is matched
// without regard to case ("if_cond_exp" finds IF_cond_exp).
func Source(name string) ([]byte, bool) {
	for _, e := range index() {
		if strings.EqualFold(e.model, name) {
			return e.src, true
		}
	}
	return nil, false
}

// Library holds the parsed built-in models. Its Neuron and Synapse methods
// let the IR resolve a population's neuron: or a projection's synapse: field
// that names no type of the model file.
type Library struct {
	neurons  map[string]*parser.NeuronDef
	synapses map[string]*parser.SynapseDef
}

// Load parses every built-in model. Diagnostics name the files as
// "models/<file>.yaml"; besides parse errors it reports a file that does not
// hold exactly one neuron or synapse type, a name: that is not the file's
// base name, and a type whose lowercased name differs from it. The returned
// Library holds every type that parsed, even when there are diagnostics.
func Load() (*Library, diag.List) {
	var diags diag.List
	lib := &Library{
		neurons:  map[string]*parser.NeuronDef{},
		synapses: map[string]*parser.SynapseDef{},
	}
	for _, e := range index() {
		file := dir + e.file
		base := strings.TrimSuffix(e.file, ".yaml")
		m, ds := parser.ParseModel(file, e.src)
		diags = append(diags, ds...)
		if m == nil {
			continue
		}
		if m.Name != base {
			diags.Errorf(m.NamePos, "built-in model file %s must be named %q, not %q", e.file, base, m.Name)
		}
		if n := len(m.Neurons) + len(m.Synapses); n != 1 {
			diags.Errorf(diag.Pos{File: file, Line: 1, Col: 1}, "built-in model file %s must define exactly one neuron or synapse type, found %d", e.file, n)
			continue
		}
		if len(m.Pops)+len(m.Projs)+len(m.Monitors) != 0 || m.Simulation != nil {
			diags.Errorf(diag.Pos{File: file, Line: 1, Col: 1}, "built-in model file %s must hold only its model, not a network", e.file)
		}
		for _, n := range m.Neurons {
			lib.addNeuron(n, base, &diags)
		}
		for _, s := range m.Synapses {
			lib.addSynapse(s, base, &diags)
		}
	}
	diags.Sort()
	return lib, diags
}

func (l *Library) addNeuron(n *parser.NeuronDef, base string, diags *diag.List) {
	if strings.ToLower(n.Name) != base {
		diags.Errorf(n.Pos, "built-in neuron %s must live in %s.yaml", n.Name, strings.ToLower(n.Name))
	}
	if _, dup := l.neurons[n.Name]; dup {
		diags.Errorf(n.Pos, "built-in neuron %s is defined twice", n.Name)
		return
	}
	n.Builtin = true
	l.neurons[n.Name] = n
}

func (l *Library) addSynapse(s *parser.SynapseDef, base string, diags *diag.List) {
	if strings.ToLower(s.Name) != base {
		diags.Errorf(s.Pos, "built-in synapse %s must live in %s.yaml", s.Name, strings.ToLower(s.Name))
	}
	if _, dup := l.synapses[s.Name]; dup {
		diags.Errorf(s.Pos, "built-in synapse %s is defined twice", s.Name)
		return
	}
	s.Builtin = true
	l.synapses[s.Name] = s
}

// Neuron returns the built-in neuron type of that exact name (ANNarchy's
// spelling, e.g. "IF_cond_exp"), marked Builtin.
func (l *Library) Neuron(name string) (*parser.NeuronDef, bool) {
	if l == nil {
		return nil, false
	}
	n, ok := l.neurons[name]
	return n, ok
}

// Synapse returns the built-in synapse type of that exact name (e.g. "STDP"),
// marked Builtin.
func (l *Library) Synapse(name string) (*parser.SynapseDef, bool) {
	if l == nil {
		return nil, false
	}
	s, ok := l.synapses[name]
	return s, ok
}

// NeuronNames and SynapseNames list the types a Library holds, sorted, for
// suggestions ("did you mean ...") and listings.
func (l *Library) NeuronNames() []string { return sortedKeys(l.neurons) }

// SynapseNames lists the synapse types of the Library, sorted.
func (l *Library) SynapseNames() []string { return sortedKeys(l.synapses) }

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
