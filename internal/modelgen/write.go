package modelgen

import (
	"fmt"
	"strings"

	"github.com/annc/annc/internal/lang"
)

// Dt is the time step of every generated model (ms); Steps is how many
// steps the tests run.
const (
	Dt    = 0.5
	Steps = 50
)

// Write returns the model file of row, named name. Every model has a
// presynaptic population P (the postsynaptic one itself for a
// self-projection), a postsynaptic population Q, one projection pq from P
// to Q with a synapse type built from the row, a monitor "all" of Q's
// membrane variable (and spikes), and the monitor the row asks for.
func Write(fs []Factor, row Row, name string) (string, error) {
	v := map[string]string{}
	for i, f := range fs {
		v[f.Name] = f.Values[row[i]]
	}
	if !Valid(fs, row) {
		return "", fmt.Errorf("row breaks a rule: %s", Describe(fs, row))
	}
	w := &writer{v: v}
	return w.model(name)
}

type writer struct {
	v map[string]string
	b strings.Builder
}

func (w *writer) p(format string, args ...any) { fmt.Fprintf(&w.b, format, args...) }

// neuronMethod is the method of the generated neurons' ODEs (event-driven
// applies to synapse traces only; neurons then use explicit).
func (w *writer) neuronMethod() string {
	if m := w.v["method"]; m != "event-driven" {
		return m
	}
	return "explicit"
}

// input is what the postsynaptic neuron type reads: g_exc from a spiking
// projection, sum(exc) from a rate-coded or continuous one.
func (w *writer) input() string {
	if in(w.v["proj"], "spiking", "spiking_psp") {
		return "g_exc"
	}
	return "sum(exc)"
}

func geomStr(g []int) string {
	if len(g) == 1 {
		return fmt.Sprint(g[0])
	}
	s := make([]string, len(g))
	for i, x := range g {
		s[i] = fmt.Sprint(x)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

func size(g []int) int {
	n := 1
	for _, x := range g {
		n *= x
	}
	return n
}

func (w *writer) model(name string) (string, error) {
	v := w.v
	self := v["self"] == "yes"
	conn, _ := lang.LookupConnector(v["connector"])
	o2o := conn.SameSize
	twoD := v["geometry"] == "2d"

	// Geometries: Q is 6 neurons (or 3x2). Views drop the first row of
	// the first dimension; one_to_one needs equal view sizes.
	qg := []int{6}
	if twoD {
		qg = []int{3, 2}
	}
	pg := append([]int(nil), qg...)
	preRef, postRef := "P", "Q"
	preView, postView := v["view"] == "pre", v["view"] == "post"
	if self {
		preRef = "Q"
		switch {
		case preView:
			preRef = "Q[1:]"
			if o2o {
				postRef = fmt.Sprintf("Q[0:%d]", qg[0]-1)
			}
		case postView:
			postRef = "Q[1:]"
			if o2o {
				preRef = fmt.Sprintf("Q[0:%d]", qg[0]-1)
			}
		}
	} else {
		if !o2o {
			pg[0]--
		}
		if preView {
			pg[0]++
			preRef = "P[1:]"
		}
		if postView {
			postRef = "Q[1:]"
			if o2o {
				pg[0]--
			}
		}
	}
	// Input populations whose size comes from their data are 1-D.
	if in(v["pre"], "spike_source", "timed_array") {
		pg = []int{size(pg)}
		if preView {
			preRef = "P[1:]"
			if o2o && !self {
				// The 1-D view must match Q neuron for neuron.
				pg = []int{size(qg) + 1}
			}
		}
	}
	nPre, nPost := size(pg), size(qg)
	if self {
		nPre = nPost
		if preRef != "Q" {
			nPre = nPost / qg[0] * (qg[0] - 1)
		}
	} else if preView {
		nPre = nPre / pg[0] * (pg[0] - 1)
	}
	if postView || (self && preView && o2o) {
		nPost = nPost / qg[0] * (qg[0] - 1)
	}

	w.p("name: %s\ndt: %g\nseed: 7\n", name, Dt)
	if v["precision"] == "float32" {
		w.p("precision: float32\n")
	}
	if v["structural"] != "none" {
		w.p("structural_plasticity: true\n")
	}
	w.p("neurons:\n")
	w.neuronTypes()
	w.p("synapses:\n")
	w.synapseType()

	w.p("populations:\n")
	if !self {
		w.prePop(pg)
	}
	w.p("  - name: Q\n    geometry: %s\n    neuron: %s\n", geomStr(qg), typeName(v["post"]))
	if v["post"] == "spiking" {
		w.p("    init: {v: \"Uniform(0.0, 1.0)\"}\n")
	}
	if v["stop"] != "none" {
		w.p("    stop_condition: \"t >= 40.0 * dt and v > -1.0e9 : %s\"\n", v["stop"])
	}

	w.p("projections:\n  - name: pq\n    pre: %q\n    post: %q\n    target: exc\n    synapse: Syn\n    connector:\n", preRef, postRef)
	if err := w.connector(nPre, nPost); err != nil {
		return "", err
	}
	if in(v["structural"], "prune", "both") {
		w.p("    start_pruning: {period: %g, offset: %g}\n", 2*Dt, Dt)
	}
	if in(v["structural"], "create", "both") {
		w.p("    start_creating: {period: %g}\n", 3*Dt)
	}

	w.p("monitors:\n  - name: all\n    target: Q\n    variables: [v%s]\n", map[bool]string{true: ", spike"}[v["post"] == "spiking"])
	w.monitor()

	switch v["stop"] {
	case "none":
		w.p("simulation:\n  duration: %g\n", Steps*Dt)
	default:
		op := map[string]string{"any": "or", "all": "and"}[v["stop"]]
		w.p("simulation:\n  until: {max_duration: %g, populations: [Q], operator: %s}\n", Steps*Dt, op)
	}
	return w.b.String(), nil
}

func typeName(kind string) string {
	return map[string]string{"rate": "Rate", "spiking": "Spiking", "input": "Input"}[kind]
}

// boolCond is the condition the row's bool_cond asks for over the bool
// parameters on (True) and off (False), v a variable of the loop ("" for
// none): a parameter alone, negated, or with and/or beside comparisons.
func (w *writer) boolCond(v string) string {
	switch w.v["bool_cond"] {
	case "bare":
		return "on"
	case "not":
		return "not off"
	case "compound":
		return "(on and t > 2.0) or (off and " + v + " > 0.5)"
	}
	return ""
}

// boolParams are the bool parameters boolCond reads, of locality loc.
func (w *writer) boolParams(loc string) string {
	if w.v["bool_cond"] == "none" {
		return ""
	}
	return fmt.Sprintf("      on = True : bool, %[1]s\n      off = False : bool, %[1]s\n", loc)
}

// drive is a neuron's drive I * exp(e), taken down by 0.01 where the
// row's bool condition is false.
func (w *writer) drive(e string) string {
	d := "I * exp(" + e + ")"
	if c := w.boolCond("v"); c != "" {
		return "if " + c + ": " + d + " else: " + d + " - 0.01"
	}
	return d
}

// neuronTypes writes the generated neuron types the populations use. Their
// drive calls exp, which the vector kernels compute with the runtime's
// exponentials (four float64 lanes, eight float32 ones).
// The spiking reset ends with v = v, a self-assignment, which must print
// nothing (go vet refuses x = x).
func (w *writer) neuronTypes() {
	v := w.v
	kinds := map[string]bool{v["post"]: true}
	if v["self"] != "yes" && in(v["pre"], "rate", "spiking", "input") {
		kinds[v["pre"]] = true
	}
	m := w.neuronMethod()
	if kinds["rate"] {
		w.p(`  Rate:
    parameters: |
      tau = 10.0 : population
      tau_a = 20.0
      I = 0.5
%s    equations: |
      drive = %s
      tau * dv/dt + v = %s + drive - a : init = 0.1, %s
      tau_a * da/dt = -a + 0.1 * v : %s
      r = pos(v)
      glob = mean(r) + 0.01 : population
`, w.boolParams("population"), w.drive("-a"), w.input(), m, m)
	}
	if kinds["spiking"] {
		w.p(`  Spiking:
    parameters: |
      tau = 5.0 : population
      vt = 1.0 : population
      I = 2.0
%s    equations: |
      drive = %s
      tau * dv/dt = -v + %s + drive - u : init = 0.0, %s
      10.0 * du/dt = -u + 0.2 * v : %s
      glob = mean(v) : population
    spike: v > vt
    reset: |
      v = 0.0
      u += 0.05
      v = v
    refractory: 1.0
`, w.boolParams("population"), w.drive("-0.2 * u"), w.input(), m, m)
	}
	if kinds["input"] {
		// ANNarchy's input neuron: only parameters.
		w.p("  Input:\n    parameters: |\n      r = 0.5\n      glob = 0.25 : population\n")
	}
}

// preVar is the presynaptic variable the synapse reads ("" for none).
func (w *writer) preVar() string {
	switch w.v["pre_var"] {
	case "population":
		return "glob"
	case "local":
		switch w.v["pre"] {
		case "rate", "input", "timed_array":
			return "r"
		case "spiking":
			return "v"
		case "poisson":
			return "rates"
		}
	}
	return ""
}

func (w *writer) synapseType() {
	v := w.v
	w.p("  Syn:\n")
	var params, eqs, pre, post []string
	switch v["syn_var"] {
	case "local":
		if c := w.boolCond("post.v"); c != "" {
			// A synapse loop reading bool projection parameters.
			eqs = append(eqs, "el = if "+c+": w * post.v else: 0.5 * w")
		} else {
			eqs = append(eqs, "el = w * post.v")
		}
	case "projection":
		eqs = append(eqs, "k = 0.5 * k + 1.0 : projection")
	case "postsynaptic":
		eqs = append(eqs, "ps = 0.5 * post.v + 0.1 : postsynaptic")
	}
	switch v["plasticity"] {
	case "equations":
		params = append(params, "tau_w = 50.0 : projection")
		m := v["method"]
		eqs = append(eqs, "tau_w * dw/dt = -w + 0.1 * post.v + 0.2 : min = 0.0, max = 1.0, "+m)
	case "event_driven":
		params = append(params, "tau_plus = 10.0 : projection", "tau_minus = 10.0 : projection")
		eqs = append(eqs, "tau_plus * dx/dt = -x : event-driven", "tau_minus * dy/dt = -y : event-driven")
		pre = append(pre, "x += 0.1", "w = clip(w - 0.5 * y, 0.0, 1.0)")
		post = append(post, "y += 0.1", "w = clip(w + 0.5 * x, 0.0, 1.0)")
	case "pre_post_spike":
		pre = append(pre, "w = clip(w + 0.01, 0.0, 1.0)")
		// A self-assignment with bounds: the clamp alone.
		post = append(post, "w -= 0.005", "w = w : min = 0.0, max = 1.0")
	}
	pv := w.preVar()
	switch v["proj"] {
	case "spiking":
		g := "g_target += w"
		if pv != "" {
			g = "g_target += w * (0.5 + 0.1 * pre." + pv + ")"
		}
		pre = append([]string{g}, pre...)
	case "spiking_psp":
		// Added to g_target every step; pre_spike (if any) only learns.
		if pv != "" {
			w.p("    psp: \"w * pre.%s\"\n", pv)
		} else {
			w.p("    psp: \"w\"\n")
		}
	default:
		if pv != "" {
			w.p("    psp: \"w * pre.%s\"\n", pv)
		} // else the default psp, w * pre.r
		if v["operation"] != "sum" {
			w.p("    operation: %s\n", v["operation"])
		}
	}
	block := func(key string, lines []string) {
		if len(lines) == 0 {
			return
		}
		w.p("    %s: |\n", key)
		for _, l := range lines {
			w.p("      %s\n", l)
		}
	}
	if v["syn_var"] == "local" && v["bool_cond"] != "none" {
		params = append(params, "on = True : bool, projection", "off = False : bool, projection")
	}
	block("parameters", params)
	block("equations", eqs)
	block("pre_spike", pre)
	block("post_spike", post)
	// Structural plasticity: conditions on the postsynaptic v, which every
	// generated post type has; created synapses need d when delays vary.
	if in(v["structural"], "prune", "both") {
		w.p("    pruning: \"post.v > 0.5 and w < 2.0 : proba = 0.3\"\n")
	}
	if in(v["structural"], "create", "both") {
		d := ""
		if v["delay"] == "per_synapse" {
			d = ", d = 1.0"
		}
		w.p("    creating: \"post.v > 0.5 : proba = 0.5, w = 0.1%s\"\n", d)
	}
	if len(params)+len(eqs)+len(pre)+len(post) == 0 && in(v["proj"], "rate", "continuous") && pv == "" {
		w.p("    parameters: \"\"\n")
	}
}

func (w *writer) prePop(pg []int) {
	n := size(pg)
	w.p("  - name: P\n")
	switch k := w.v["pre"]; k {
	case "rate", "input":
		w.p("    geometry: %s\n    neuron: %s\n", geomStr(pg), typeName(k))
	case "spiking":
		w.p("    geometry: %s\n    neuron: Spiking\n    init: {v: \"Uniform(0.0, 1.0)\"}\n", geomStr(pg))
	case "poisson":
		w.p("    geometry: %s\n    poisson: {rates: 100.0}\n", geomStr(pg))
	case "spike_source":
		var lists []string
		for i := 0; i < n; i++ {
			lists = append(lists, fmt.Sprintf("[%g, %g]", Dt*float64(i+1), 5.0+float64(i)))
		}
		w.p("    spike_source: {spike_times: [%s]}\n", strings.Join(lists, ", "))
	case "timed_array":
		var rows []string
		for t := 0; t < 3; t++ {
			var r []string
			for i := 0; i < n; i++ {
				r = append(r, fmt.Sprintf("%g", float64((i+t)%4)*0.25))
			}
			rows = append(rows, "["+strings.Join(r, ", ")+"]")
		}
		w.p("    timed_array: {rates: [%s], schedule: 2.0}\n", strings.Join(rows, ", "))
	}
}

func (w *writer) connector(nPre, nPost int) error {
	v := w.v
	weights := "0.5"
	if v["proj"] != "spiking" {
		weights = "0.2"
	}
	switch v["weights"] {
	case "random":
		weights = "\"Uniform(0.1, 0.5)\""
	case "random_keywords": // ANNarchy's keyword arguments, clipping bounds
		weights = "\"Normal(mu=0.3, sigma=0.1, min=0.1, max=0.5)\""
	}
	row, ok := lang.LookupConnector(v["connector"])
	if !ok {
		return fmt.Errorf("no connector %q", v["connector"])
	}
	// The required arguments, at their row's example values.
	var args []string
	for _, a := range row.Args {
		if !a.Required {
			continue
		}
		switch a.Kind {
		case lang.ArgWeights:
			args = append(args, a.Name+": "+weights)
		case lang.ArgNumber:
			args = append(args, fmt.Sprintf("%s: %g", a.Name, a.Example))
		case lang.ArgInteger:
			n := int(a.Example)
			switch a.AtMost {
			case lang.PreSide:
				n = min(n, nPre)
			case lang.PostSide:
				n = min(n, nPost)
			}
			args = append(args, fmt.Sprintf("%s: %d", a.Name, n))
		case lang.ArgMatrix:
			var rows []string
			for j := 0; j < nPost; j++ {
				var r []string
				for i := 0; i < nPre; i++ {
					if (i+j)%3 == 0 {
						r = append(r, ".nan")
					} else {
						r = append(r, fmt.Sprintf("%g", 0.1*float64(1+(i*7+j)%5)))
					}
				}
				rows = append(rows, "["+strings.Join(r, ", ")+"]")
			}
			args = append(args, a.Name+": ["+strings.Join(rows, ", ")+"]")
		default:
			return fmt.Errorf("modelgen cannot write argument %q of connector %s", a.Name, row.Name)
		}
	}
	switch v["delay"] {
	case "uniform":
		args = append(args, "delays: 2.0")
	case "per_synapse":
		args = append(args, "delays: \"Uniform(0.5, 3.0)\"")
	case "long":
		args = append(args, "delays: 20.0")
	}
	w.p("      %s: {%s}\n", v["connector"], strings.Join(args, ", "))
	return nil
}

func (w *writer) monitor() {
	v := w.v
	target := "Q"
	if v["monitor"] == "pre" || (v["monitor"] == "spike" && v["post"] != "spiking") {
		if v["self"] != "yes" {
			target = "P"
		}
	}
	kind := v["pre"]
	if target == "Q" {
		kind = v["post"]
	}
	var vars []string
	switch v["monitor"] {
	case "var":
		vars = []string{"v", map[string]string{"rate": "r", "spiking": "u"}[v["post"]]}
	case "spike":
		vars = []string{"spike"}
	case "sum":
		vars = []string{`"` + w.input() + `"`}
		if w.input() == "g_exc" {
			vars = []string{"g_exc"}
		}
	case "population_var":
		vars = []string{"glob"}
	case "synapse":
		target = "pq"
		vars = []string{"w"}
		switch v["syn_var"] {
		case "local":
			vars = append(vars, "el")
		case "projection":
			vars = append(vars, "k")
		case "postsynaptic":
			vars = append(vars, "ps")
		}
		if v["plasticity"] == "event_driven" {
			vars = append(vars, "x", "y")
		}
	case "pre":
		switch kind {
		case "rate":
			vars = []string{"v", "r", "glob"}
		case "spiking":
			vars = []string{"spike", "v", "glob"}
		case "input":
			vars = []string{"r", "glob"}
		case "poisson":
			vars = []string{"spike", "rates", "p"}
		case "spike_source":
			vars = []string{"spike"}
		case "timed_array":
			vars = []string{"r"}
		}
	}
	if v["view"] == "monitor" {
		target += "[0:2]"
	}
	w.p("  - name: m\n    target: %q\n    variables: [%s]\n", target, strings.Join(vars, ", "))
	switch v["period"] {
	case "two_steps":
		w.p("    period: %g\n", 2*Dt)
	case "five_ms":
		w.p("    period: 5.0\n")
	}
}
