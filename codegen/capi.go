package codegen

import (
	"fmt"
	"strings"

	"github.com/annc/annc/ir"
)

// capiView is what capi.go.tmpl prints: the model's description for a
// foreign caller (annrt.ForeignModel) and the names that map to fields.
type capiView struct {
	*view
	Model  string // annrt.ForeignModel literal
	CPops  []capiObj
	CProjs []capiObj
}

type capiObj struct{ Name, Field string }

// capiFiles renders capi/, the C API of the model that
// `annc compile --python` builds as a shared library.
func (g *generator) capiFiles(v *view) (map[string][]byte, error) {
	cv := &capiView{view: v, Model: g.foreignModel(v)}
	for _, p := range g.pops {
		cv.CPops = append(cv.CPops, capiObj{p.p.Name, p.field})
	}
	for _, pj := range g.projs {
		cv.CProjs = append(cv.CProjs, capiObj{pj.p.Name, pj.field})
	}
	return renderFiles(cv, []tmplFile{
		{"capi.go.tmpl", "capi/main.go"},
		{"capi_call.go.tmpl", "capi/call.go"},
	})
}

// foreignModel prints the annrt.ForeignModel of the model: objects and every
// path of Set and Get with its kind and dtype, in the order of Paths.
func (g *generator) foreignModel(v *view) string {
	var b strings.Builder
	fmt.Fprintf(&b, "annrt.ForeignModel{\nName: %q, Dt: %s, Seed: %d, HasSeed: %t, Duration: %s, Until: %t, MaxDuration: %s,\nVersion: %q, ModelHash: %q,\n",
		v.Name, v.Dt, v.Seed, v.HasSeed, v.Duration, v.Until, v.MaxDuration, v.Version, v.Hash)
	b.WriteString("Populations: []annrt.ForeignObject{\n")
	for _, p := range g.pops {
		geo := p.p.Geometry
		if len(geo) == 0 {
			geo = []int{p.p.Size}
		}
		fmt.Fprintf(&b, "{Name: %q, Geometry: %s, Stop: %t},\n", p.p.Name, intsLit(geo), p.p.Stop != nil)
	}
	b.WriteString("},\nProjections: []annrt.ForeignObject{\n")
	for _, pj := range g.projs {
		fmt.Fprintf(&b, "{Name: %q, Pre: %q, Post: %q, Target: %q},\n", pj.p.Name, pj.pre.p.Name, pj.post.p.Name, pj.p.Target)
	}
	b.WriteString("},\nConstants: []string{")
	for _, c := range g.m.Constants {
		fmt.Fprintf(&b, "%q, ", c.Name)
	}
	b.WriteString("},\nPaths: []annrt.PathInfo{\n")
	var paths []string
	path := func(obj, name, kind, dtype string, settable bool) {
		p := name
		if obj != "" {
			p = obj + "." + name
		}
		paths = append(paths, p)
		fmt.Fprintf(&b, "{Path: %q, Object: %q, Name: %q, Kind: %q, Dtype: %q, Settable: %t},\n", p, obj, name, kind, dtype, settable)
	}
	for _, p := range g.pops {
		for _, vr := range p.nt.t.Vars {
			path(p.p.Name, vr.Name, locKind(vr.Loc, "neuron"), dtypeName(vr.Type), true)
		}
		for _, t := range p.nt.targets {
			path(p.p.Name, "sum("+t+")", "neuron", "float64", false)
		}
	}
	for _, pj := range g.projs {
		path(pj.p.Name, "w", "synapse", "float64", true)
		for _, vr := range pj.st.Vars {
			if vr.Name != "w" {
				path(pj.p.Name, vr.Name, locKind(vr.Loc, "synapse"), dtypeName(vr.Type), true)
			}
		}
	}
	for _, p := range g.pops {
		switch p.p.Input {
		case ir.SpikeSourceInput:
			path(p.p.Name, "spike_times", "rows", "float64", true)
		case ir.TimedArrayInput:
			path(p.p.Name, "rates", "rows", "float64", true)
			path(p.p.Name, "schedule", "scalar", "float64", true)
			path(p.p.Name, "period", "scalar", "float64", true)
		}
	}
	for _, pj := range g.projs {
		path(pj.p.Name, "delays", "synapse", "float64", true)
	}
	for _, c := range g.m.Constants {
		path("", c.Name, "scalar", "float64", true)
	}
	b.WriteString("},\n}")
	if strings.Join(paths, "\n") != strings.Join(v.Paths, "\n") {
		g.fail("the C API's paths differ from Paths:\n%s\nvs\n%s", strings.Join(paths, " "), strings.Join(v.Paths, " "))
	}
	return b.String()
}

func locKind(l ir.Locality, local string) string {
	switch l {
	case ir.Global:
		return "scalar"
	case ir.Post:
		return "post"
	}
	return local
}

func dtypeName(t ir.Type) string {
	switch t {
	case ir.Int:
		return "int64"
	case ir.Bool:
		return "bool"
	}
	return "float64"
}
