package parser

import "github.com/annc/annc/internal/diag"

// Failed describes what the parts of a neuron or synapse type that did not
// parse would have declared, so that analysis can still check the names
// that populations, projections and monitors use against the type without
// reporting a name one of those parts would have declared.
type Failed struct {
	// Params and Vars are the names on the left-hand side of parameter
	// and equation lines with errors (the x of dx/dt for an ODE).
	Params, Vars []string
	// Mentioned are the names anywhere in the parts with errors: in a
	// spiking neuron, reading g_x declares a conductance, and sum(x) says
	// the neuron reads target x.
	Mentioned []string
	// Spike is set when a spike condition was given but did not parse:
	// the neuron is spiking.
	Spike bool
	// OnlySpike is set when the spike condition is the only part of the
	// neuron type with errors: the rest is analysed and checked as usual.
	OnlySpike bool
	// Unsure is set when some part with errors may declare names that
	// cannot be told (a misspelt key, a line without a readable left-hand
	// side): no name can then be checked against the type.
	Unsure bool
}

// line records what a statement with errors would have declared; param
// tells parameter lines from equation lines, and decl is false for
// statements that declare nothing (reset, pre_spike, post_spike).
func (f *Failed) line(toks []token, param, decl bool) {
	if f == nil {
		return
	}
	f.mention(toks)
	if !decl {
		return
	}
	var derivs []string
	for _, t := range toks {
		if t.kind == tokDeriv {
			derivs = append(derivs, derivName(t.text))
		}
	}
	if len(derivs) > 0 {
		f.Vars = append(f.Vars, derivs...)
		return
	}
	op := -1
	depth := 0
	for i, t := range toks {
		switch {
		case isPunct(t, "("):
			depth++
		case isPunct(t, ")"):
			depth--
		case depth == 0 && isPunct(t, "=", "+=", "-=", "*=", "/="):
			op = i
		}
		if op >= 0 {
			break
		}
	}
	switch {
	case op == 1 && toks[0].kind == tokIdent:
		if param {
			f.Params = append(f.Params, toks[0].text)
		} else {
			f.Vars = append(f.Vars, toks[0].text)
		}
	case op == 3 && !param && toks[0].kind == tokIdent && isPunct(toks[1], ".") && toks[2].kind == tokIdent:
		// obj.x = ... declares nothing
	default:
		f.Unsure = true
	}
}

func (f *Failed) mention(toks []token) {
	for _, t := range toks {
		if t.kind == tokIdent {
			f.Mentioned = append(f.Mentioned, t.text)
		}
	}
}

// mentionSource records the names in a string that did not parse.
func (f *Failed) mentionSource(src string, at PosMapper) {
	if f == nil {
		return
	}
	var ignored diag.List // reported when the string was parsed
	f.mention(scan(src, at, &ignored))
}
