package parser

import (
	"bytes"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// PrintModel renders a model as canonical YAML: keys in schema order,
// equation strings re-printed by Print as literal blocks, values in flow
// style. Parsing the result gives a model that prints identically.
func PrintModel(m *Model) string {
	root := mapping(false)
	add := func(key string, v *yaml.Node) { root.Content = append(root.Content, strNode(key), v) }
	add("name", strNode(m.Name))
	add("dt", numNode(m.Dt))
	if m.Seed != nil {
		add("seed", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(*m.Seed, 10)})
	}
	add("method", strNode(m.Method))
	add("precision", strNode(m.Precision))
	if m.EventDriven == "exact" {
		add("event_driven", strNode(m.EventDriven))
	}
	if m.StructuralPlasticity {
		add("structural_plasticity", boolNode(true))
	}
	if len(m.Constants) > 0 {
		add("constants", namedNode(m.Constants, false))
	}
	if len(m.Functions) > 0 {
		add("functions", block(Print(m.Functions)))
	}
	if len(m.Units) > 0 {
		us := mapping(false)
		for _, u := range m.Units {
			us.Content = append(us.Content, strNode(u.Name), strNode(u.Unit))
		}
		add("units", us)
	}
	if len(m.Neurons) > 0 {
		ns := mapping(false)
		for _, n := range m.Neurons {
			d := mapping(false)
			field := func(key string, v *yaml.Node) { d.Content = append(d.Content, strNode(key), v) }
			if len(n.Parameters) > 0 {
				field("parameters", block(Print(n.Parameters)))
			}
			if len(n.Equations) > 0 {
				field("equations", block(Print(n.Equations)))
			}
			if n.Spike != nil {
				field("spike", strNode(Print(n.Spike)))
			}
			if len(n.Reset) > 0 {
				field("reset", block(Print(n.Reset)))
			}
			if n.Refractory != nil {
				field("refractory", valueNode(*n.Refractory))
			}
			if len(n.Functions) > 0 {
				field("functions", block(Print(n.Functions)))
			}
			ns.Content = append(ns.Content, strNode(n.Name), d)
		}
		add("neurons", ns)
	}
	if len(m.Synapses) > 0 {
		ss := mapping(false)
		for _, s := range m.Synapses {
			d := mapping(false)
			field := func(key string, v *yaml.Node) { d.Content = append(d.Content, strNode(key), v) }
			if len(s.Parameters) > 0 {
				field("parameters", block(Print(s.Parameters)))
			}
			if len(s.Equations) > 0 {
				field("equations", block(Print(s.Equations)))
			}
			if s.Psp != nil {
				field("psp", strNode(Print(s.Psp)))
			}
			if s.Operation != "" {
				field("operation", strNode(s.Operation))
			}
			if len(s.PreSpike) > 0 {
				field("pre_spike", block(Print(s.PreSpike)))
			}
			if len(s.PostSpike) > 0 {
				field("post_spike", block(Print(s.PostSpike)))
			}
			if len(s.Functions) > 0 {
				field("functions", block(Print(s.Functions)))
			}
			if s.Pruning != nil {
				field("pruning", strNode(Print(s.Pruning)))
			}
			if s.Creating != nil {
				field("creating", strNode(Print(s.Creating)))
			}
			ss.Content = append(ss.Content, strNode(s.Name), d)
		}
		add("synapses", ss)
	}
	if len(m.Pops) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		for _, p := range m.Pops {
			seq.Content = append(seq.Content, popNode(p))
		}
		add("populations", seq)
	}
	if len(m.Projs) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		for _, p := range m.Projs {
			seq.Content = append(seq.Content, projNode(p))
		}
		add("projections", seq)
	}
	if len(m.Monitors) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		for _, mo := range m.Monitors {
			d := mapping(false)
			field := func(key string, v *yaml.Node) { d.Content = append(d.Content, strNode(key), v) }
			if mo.Name != "" {
				field("name", strNode(mo.Name))
			}
			field("target", strNode(RefString(mo.Target)))
			vars := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
			for _, v := range mo.Variables {
				vars.Content = append(vars.Content, valueNode(v))
			}
			field("variables", vars)
			if mo.Period != nil {
				field("period", numNode(*mo.Period))
			}
			field("start", boolNode(mo.Start))
			seq.Content = append(seq.Content, d)
		}
		add("monitors", seq)
	}
	if s := m.Simulation; s != nil {
		d := mapping(false)
		if s.Duration != nil {
			d.Content = append(d.Content, strNode("duration"), numNode(*s.Duration))
		}
		if s.MaxDuration != nil || s.Operator != "" || len(s.Populations) > 0 {
			u := mapping(true)
			if s.MaxDuration != nil {
				u.Content = append(u.Content, strNode("max_duration"), numNode(*s.MaxDuration))
			}
			pops := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
			for _, p := range s.Populations {
				pops.Content = append(pops.Content, strNode(p))
			}
			u.Content = append(u.Content, strNode("populations"), pops)
			if s.Operator != "" {
				u.Content = append(u.Content, strNode("operator"), strNode(s.Operator))
			}
			d.Content = append(d.Content, strNode("until"), u)
		}
		add("simulation", d)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}); err != nil {
		return "# cannot print: " + err.Error() + "\n"
	}
	enc.Close()
	return buf.String()
}

func popNode(p *PopDef) *yaml.Node {
	d := mapping(false)
	field := func(key string, v *yaml.Node) { d.Content = append(d.Content, strNode(key), v) }
	field("name", strNode(p.Name))
	if len(p.Geometry) == 1 {
		field("geometry", intNode(p.Geometry[0]))
	} else if len(p.Geometry) > 1 {
		g := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, x := range p.Geometry {
			g.Content = append(g.Content, intNode(x))
		}
		field("geometry", g)
	}
	if p.Neuron != "" {
		field("neuron", strNode(p.Neuron))
	}
	if len(p.Parameters) > 0 {
		field("parameters", namedNode(p.Parameters, true))
	}
	if len(p.Init) > 0 {
		field("init", namedNode(p.Init, true))
	}
	if p.StopCondition != nil {
		field("stop_condition", strNode(Print(p.StopCondition)))
	}
	if p.Poisson != nil {
		pm := mapping(true)
		pm.Content = append(pm.Content, strNode("rates"), valueNode(p.Poisson.Rates))
		field("poisson", pm)
	}
	if p.SpikeSource != nil {
		sm := mapping(true)
		sm.Content = append(sm.Content, strNode("spike_times"), valueNode(p.SpikeSource.SpikeTimes))
		field("spike_source", sm)
	}
	if t := p.TimedArray; t != nil {
		tm := mapping(true)
		tm.Content = append(tm.Content, strNode("rates"), valueNode(t.Rates),
			strNode("schedule"), numNode(t.Schedule), strNode("period"), numNode(t.Period))
		field("timed_array", tm)
	}
	return d
}

func projNode(p *ProjDef) *yaml.Node {
	d := mapping(false)
	field := func(key string, v *yaml.Node) { d.Content = append(d.Content, strNode(key), v) }
	if p.Name != "" {
		field("name", strNode(p.Name))
	}
	field("pre", strNode(RefString(p.Pre)))
	field("post", strNode(RefString(p.Post)))
	if len(p.Targets) > 1 {
		ts := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, t := range p.Targets {
			ts.Content = append(ts.Content, strNode(t))
		}
		field("target", ts)
	} else {
		field("target", strNode(p.Target))
	}
	if p.Synapse != "" {
		field("synapse", strNode(p.Synapse))
	}
	if len(p.Parameters) > 0 {
		field("parameters", namedNode(p.Parameters, true))
	}
	c := mapping(false)
	if p.Connector.Kind != "" {
		c.Content = append(c.Content, strNode(p.Connector.Kind), namedNode(p.Connector.Args, true))
	}
	field("connector", c)
	for _, st := range []struct {
		key string
		s   *StructStart
	}{{"start_pruning", p.StartPruning}, {"start_creating", p.StartCreating}} {
		if st.s != nil {
			m := mapping(true)
			m.Content = append(m.Content, strNode("period"), numNode(st.s.Period), strNode("offset"), numNode(st.s.Offset))
			field(st.key, m)
		}
	}
	return d
}

// RefString prints a population reference canonically: "P", "P[0:3200]", "P[:, 2]".
func RefString(r Ref) string {
	if len(r.Slices) == 0 {
		return r.Name
	}
	var parts []string
	for _, s := range r.Slices {
		switch {
		case s.Index != nil:
			parts = append(parts, strconv.Itoa(*s.Index))
		default:
			a, b := "", ""
			if s.Start != nil {
				a = strconv.Itoa(*s.Start)
			}
			if s.End != nil {
				b = strconv.Itoa(*s.End)
			}
			parts = append(parts, a+":"+b)
		}
	}
	return r.Name + "[" + strings.Join(parts, ", ") + "]"
}

func mapping(flow bool) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	if flow {
		n.Style = yaml.FlowStyle
	}
	return n
}

func strNode(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

func block(s string) *yaml.Node {
	n := strNode(s)
	n.Style = yaml.LiteralStyle
	return n
}

func boolNode(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
}

func intNode(i int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(i)}
}

func numNode(f float64) *yaml.Node {
	var s string
	switch {
	case math.IsNaN(f):
		s = ".nan"
	case math.IsInf(f, 1):
		s = ".inf"
	case math.IsInf(f, -1):
		s = "-.inf"
	default:
		s = strconv.FormatFloat(f, 'g', -1, 64)
		if !strings.ContainsAny(s, ".e") {
			s += ".0"
		}
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: s}
}

func valueNode(v Value) *yaml.Node {
	switch {
	case v.IsNum:
		return numNode(v.Num)
	case v.Bool != nil:
		return boolNode(*v.Bool)
	case v.List != nil:
		n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, c := range v.List {
			n.Content = append(n.Content, valueNode(c))
		}
		return n
	case v.Str != "":
		n := strNode(v.Str)
		n.Style = yaml.DoubleQuotedStyle
		return n
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
}

func namedNode(ns []Named, flow bool) *yaml.Node {
	m := mapping(flow)
	for _, n := range ns {
		v := valueNode(n.Value)
		if n.Name == "number" && n.Value.IsNum && n.Value.Num == math.Trunc(n.Value.Num) && math.Abs(n.Value.Num) < 1<<53 {
			v = intNode(int(n.Value.Num)) // fixed_number_* takes an integer
		}
		m.Content = append(m.Content, strNode(n.Name), v)
	}
	return m
}
