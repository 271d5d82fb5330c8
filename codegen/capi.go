package codegen

import (
	"strings"

	"github.com/annc/annc/ir"
)

// capiView is what capi.go.tmpl prints: the model's description for a
// foreign caller (annrt.ForeignModel) and the names that map to fields.
type capiView struct {
	*view
	ForeignPaths []foreignPath // every path of Set and Get, in the order of Paths
	CPops        []capiObj
	CProjs       []capiObj
}

// foreignPath is an annrt.PathInfo: a path of Set and Get with its kind and
// dtype.
type foreignPath struct {
	Path, Object, Name, Kind, Dtype string
	Settable                        bool
}

type capiObj struct{ Name, Field string }

// capiFiles renders capi/, the C API of the model that
// `annc compile --python` builds as a shared library.
func (g *generator) capiFiles(v *view) (map[string][]byte, error) {
	cv := &capiView{view: v, ForeignPaths: g.foreignPaths(v)}
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

// foreignPaths lists every path of Set and Get with its kind and dtype, in
// the order of Paths, for the model's annrt.ForeignModel (capi.go.tmpl).
func (g *generator) foreignPaths(v *view) []foreignPath {
	var out []foreignPath
	var paths []string
	path := func(obj, name, kind, dtype string, settable bool) {
		p := name
		if obj != "" {
			p = obj + "." + name
		}
		paths = append(paths, p)
		out = append(out, foreignPath{Path: p, Object: obj, Name: name, Kind: kind, Dtype: dtype, Settable: settable})
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
	if strings.Join(paths, "\n") != strings.Join(v.Paths, "\n") {
		g.fail("the C API's paths differ from Paths:\n%s\nvs\n%s", strings.Join(paths, " "), strings.Join(v.Paths, " "))
	}
	return out
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
