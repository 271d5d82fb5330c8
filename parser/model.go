package parser

import (
	"fmt"
	gotoken "go/token"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/annc/annc/internal/diag"
	"github.com/annc/annc/internal/lang"
	"github.com/annc/annc/internal/limits"
)

// loader decodes a model file from YAML nodes, so that every value keeps its
// line and column, and collects every error it meets.
type loader struct {
	file       string
	fl         *fileLines
	diags      diag.List
	attributed int // errors that lie inside a neuron, synapse, population, projection or monitor
	// skipped counts the errors of top-level keys that were left out without
	// changing what the rest of the model means (unreadTopKeys, plainScalar),
	// so that they do not stop the analysis of the rest either.
	skipped    int
	root       *yaml.Node // the model's mapping, whose keys may be skipped
	textBytes  int        // bytes of equation text parsed so far (limits.ModelTextBytes)
	overBudget bool       // textBytes went past the limit: the rest is not parsed, nor analysed
	owner      flagOwner  // the kind of definition being read
}

// budget accounts for the equation text of n before it is parsed, and
// reports false (with one error, at the string that goes past the limit)
// once the model holds more than limits.ModelTextBytes of it.
func (l *loader) budget(n *yaml.Node) bool {
	if l.overBudget {
		return false
	}
	if len(n.Value) > limits.ScalarBytes {
		l.errorf(n, "this string is %s long; annc reads at most %s in one equation string (larger data belongs in a .npy file)",
			byteSize(len(n.Value)), byteSize(limits.ScalarBytes))
		return false
	}
	l.textBytes += len(n.Value)
	if l.textBytes <= limits.ModelTextBytes {
		return true
	}
	l.overBudget = true
	l.errorf(n, "the model's equations, parameters and expressions hold more than %s of text in all; annc reads at most %s (larger data belongs in .npy files)",
		byteSize(limits.ModelTextBytes), byteSize(limits.ModelTextBytes))
	return false
}

// within runs read and reports whether it added errors, which it attributes
// to the object being read (see Model.Unattributed).
func (l *loader) within(read func()) bool {
	before := len(l.diags.Errors())
	read()
	added := len(l.diags.Errors()) - before
	l.attributed += added
	return added > 0
}

var (
	modelNameRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	identRE     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	yamlLineRE  = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
)

// ParseModel decodes a model.yaml. It never stops at the first error: the
// returned Model holds whatever could be read, and the list every error,
// sorted by position.
func ParseModel(file string, src []byte) (*Model, diag.List) {
	m := &Model{File: file, Source: src, Dt: 1.0, Method: "explicit", Precision: "float64", EventDriven: "annarchy"}
	if len(src) > limits.ModelBytes {
		var l diag.List
		l.Errorf(diag.Pos{File: file, Line: 1, Col: 1}, "the model file is %s long; annc reads model files of at most %s (larger data belongs in .npy files)",
			byteSize(len(src)), byteSize(limits.ModelBytes))
		m.Unattributed = true
		return m, l
	}
	l := &loader{file: file, fl: newFileLines(src)}
	root, ok := l.decodeYAML(src)
	if ok {
		ok = l.aliasBudget(root)
	}
	if ok {
		l.model(root, m)
		if !l.diags.HasErrors() {
			// only a valid model is hashed; encoding a large invalid one
			// would cost far more than reading it
			m.Canonical = CanonicalYAML(root)
			m.ObjectHashes = objectHashes(root)
		}
	}
	m.Unattributed = len(l.diags.Errors()) > l.attributed+l.skipped || l.overBudget
	l.diags.Sort()
	return m, l.diags
}

func (l *loader) decodeYAML(src []byte) (n *yaml.Node, ok bool) {
	var doc yaml.Node
	var err error
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("yaml: %v", r)
			}
		}()
		err = yaml.Unmarshal(src, &doc)
	}()
	if err != nil {
		line, col, msg := l.locateYAMLError(src, err)
		l.diags.Errorf(diag.Pos{File: l.file, Line: line, Col: col}, "invalid YAML: %s", msg)
		return nil, false
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		l.diags.Errorf(diag.Pos{File: l.file, Line: 1, Col: 1}, "the model file is empty")
		return nil, false
	}
	return doc.Content[0], true
}

// aliasBudget sums the nodes that the aliases of the document stand for and
// stops at the alias that takes the sum past limits.AliasNodes, before any
// reader walks through the aliases and expands them.
func (l *loader) aliasBudget(root *yaml.Node) bool {
	const over = limits.AliasNodes + 1
	sizes := map[*yaml.Node]int{} // expanded size of a node, capped at over; 0 while being computed
	var size func(n *yaml.Node) int
	size = func(n *yaml.Node) int {
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		if s, ok := sizes[n]; ok {
			return max(s, 1) // 0: an alias inside its own anchor, which yaml.v3 already refuses
		}
		sizes[n] = 0
		s := 1
		for _, c := range n.Content {
			s = min(s+size(c), over)
		}
		sizes[n] = s
		return s
	}
	total := 0
	var walk func(n *yaml.Node) bool
	walk = func(n *yaml.Node) bool {
		if n.Kind == yaml.AliasNode {
			if n.Alias == nil {
				return true
			}
			s := size(n.Alias)
			total = min(total+s, over)
			if total == over {
				l.errorf(n, "YAML aliases expand to more than %d nodes here (*%s alone stands for %s); annc expands at most %d",
					limits.AliasNodes, n.Value, atLeast(s, over), limits.AliasNodes)
				return false
			}
			return true
		}
		for _, c := range n.Content {
			if !walk(c) {
				return false
			}
		}
		return true
	}
	return walk(root)
}

func atLeast(n, over int) string {
	if n >= over {
		return fmt.Sprintf("more than %d", over-1)
	}
	return strconv.Itoa(n)
}

// yamlMessage strips the "yaml: line N: " prefix.
func yamlMessage(err error) (int, string) {
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		return line, m[2]
	}
	return 0, strings.TrimPrefix(err.Error(), "yaml: ")
}

// locateYAMLError finds where a YAML error really is. yaml.v3 often reports
// the line where the enclosing mapping started, so the shortest prefix of the
// file that fails with the same message is searched (binary search over
// lines); the column is placed on the likely culprit of that line.
func (l *loader) locateYAMLError(src []byte, err error) (line, col int, msg string) {
	line, msg = yamlMessage(err)
	fails := func(k int) bool {
		end := len(src)
		if k < len(l.fl.starts) {
			end = l.fl.starts[k]
		}
		var n yaml.Node
		var perr error
		func() {
			defer func() {
				if r := recover(); r != nil {
					perr = fmt.Errorf("yaml: %v", r)
				}
			}()
			perr = yaml.Unmarshal(src[:end], &n)
		}()
		if perr == nil {
			return false
		}
		_, m := yamlMessage(perr)
		return m == msg
	}
	lo, hi := 1, len(l.fl.starts)
	if fails(hi) {
		for lo < hi {
			mid := (lo + hi) / 2
			if fails(mid) {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		line = lo
	}
	if line < 1 {
		line = 1
	}
	if line > len(l.fl.starts) {
		line = len(l.fl.starts)
	}
	text := l.fl.line(line)
	col = len(text) - len(strings.TrimLeft(text, " ")) + 1
	switch {
	case strings.Contains(msg, "mapping values are not allowed"):
		// key: value: more -- point at the second ': '
		if i := strings.Index(text, ": "); i >= 0 {
			if j := strings.Index(text[i+2:], ":"); j >= 0 {
				col = utf8.RuneCountInString(text[:i+2+j]) + 1
			}
		}
		msg += " (an unquoted value contains ': '; put the value in quotes, or use a '|' block for equations)"
	case strings.Contains(msg, "cannot start any token"):
		if i := strings.IndexByte(text, '\t'); i >= 0 {
			col = utf8.RuneCountInString(text[:i]) + 1
			msg += " (a tab; YAML indents with spaces only)"
		}
	}
	if col > utf8.RuneCountInString(text) {
		col = max(1, utf8.RuneCountInString(text))
	}
	return line, col, msg
}

// pos is the position of a node. Empty values (null after "key:" or "-")
// sit past the end of their line in yaml.v3; they are pulled back onto it.
func (l *loader) pos(n *yaml.Node) diag.Pos {
	line, col := n.Line, n.Column
	if line > len(l.fl.starts) {
		line = len(l.fl.starts)
	}
	if line < 1 {
		line = 1
	}
	if w := l.fl.lineWidth(line); col > w {
		col = max(w, 1)
	}
	if col < 1 {
		col = 1
	}
	return diag.Pos{File: l.file, Line: line, Col: col}
}

func (l *loader) errorf(n *yaml.Node, format string, args ...any) {
	l.diags.Errorf(l.pos(n), format, args...)
}

// deref follows aliases.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// kindName describes what a node holds, for "got ..." in messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "nothing"
		case "!!bool":
			return "a boolean"
		case "!!int", "!!float":
			return "a number"
		case "!!str":
			v := n.Value
			if len(v) > 40 {
				v = v[:37] + "..."
			}
			return fmt.Sprintf("the string %q", v)
		}
		return "a value tagged " + n.Tag
	}
	return "an unexpected YAML node"
}

// fields walks a mapping, rejecting unknown and repeated keys. what names the
// mapping in messages ("neuron \"LIF\""). It returns false when n is not a mapping.
func (l *loader) fields(n *yaml.Node, what string, allowed []string, each func(key string, k, v *yaml.Node)) bool {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		l.errorf(n, "%s must be a mapping, got %s", what, kindName(n))
		return false
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		key := k.Value
		if seen[key] {
			l.errorf(k, "key %q given twice in %s", key, what)
			if n == l.root && unreadTopKeys[key] {
				l.skipped++
			}
			continue
		}
		seen[key] = true
		if allowed != nil && !contains(allowed, key) {
			if s := suggest(key, allowed); s != "" {
				l.errorf(k, "unknown key %q in %s; did you mean %q?", key, what, s)
			} else {
				l.errorf(k, "unknown key %q in %s (allowed: %s)", key, what, strings.Join(allowed, ", "))
				if n == l.root && plainScalar(v) {
					l.skipped++
				}
			}
			continue
		}
		each(key, k, v)
	}
	return true
}

// require reports the keys of list missing from the mapping n.
func (l *loader) require(n *yaml.Node, what string, keys ...string) {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		return
	}
	for _, key := range keys {
		found := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				found = true
			}
		}
		if !found {
			l.errorf(n, "%s needs %q", what, key)
		}
	}
}

// number reads a finite number: every number of a model file is read here,
// so that .nan, .inf and literals beyond float64 are refused where they are
// written instead of breaking the run (durations, parameters, initial
// values, weights, rates, delays, ...).
func (l *loader) number(n *yaml.Node, what string) (float64, bool) {
	return l.numberOrNaN(n, what, false)
}

// numberOrNaN is number that also takes NaN when nanOK (from_matrix's "no
// synapse").
func (l *loader) numberOrNaN(n *yaml.Node, what string, nanOK bool) (float64, bool) {
	if n.Kind == yaml.ScalarNode && (n.Tag == "!!int" || n.Tag == "!!float") {
		var f float64
		err := n.Decode(&f)
		switch {
		case err == nil && (!math.IsInf(f, 0) && (nanOK || !math.IsNaN(f))):
			return f, true
		case err == nil && nanOK:
			l.errorf(n, "%s must be a finite number or .nan (no synapse), got %s", what, n.Value)
			return 0, false
		case err == nil || n.Tag == "!!float":
			l.errorf(n, "%s must be a finite number, got %s", what, n.Value)
			return 0, false
		}
	}
	l.errorf(n, "%s must be a number, got %s", what, kindName(n))
	return 0, false
}

func (l *loader) integer(n *yaml.Node, what string) (int64, bool) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!int" {
		var i int64
		if err := n.Decode(&i); err == nil {
			return i, true
		}
		l.errorf(n, "%s is out of range", what)
		return 0, false
	}
	l.errorf(n, "%s must be an integer, got %s", what, kindName(n))
	return 0, false
}

func (l *loader) boolean(n *yaml.Node, what string) (bool, bool) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!bool" {
		var b bool
		if err := n.Decode(&b); err == nil {
			return b, true
		}
	}
	l.errorf(n, "%s must be true or false, got %s", what, kindName(n))
	return false, false
}

func (l *loader) str(n *yaml.Node, what string) (string, bool) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
		return n.Value, true
	}
	l.errorf(n, "%s must be a string, got %s", what, kindName(n))
	return "", false
}

// name reads an identifier (a type, population or projection name).
func (l *loader) name(n *yaml.Node, what string) (string, bool) {
	s, ok := l.str(n, what)
	if !ok {
		return "", false
	}
	if !identRE.MatchString(s) {
		l.errorf(n, "%s %q is not a valid name (letters, digits and '_', not starting with a digit)", what, s)
		return s, false
	}
	return s, l.nameLength(n, s, what)
}

// nameLength reports a name longer than limits.NameBytes.
func (l *loader) nameLength(n *yaml.Node, s, what string) bool {
	if msg := longName(s, what); msg != "" {
		l.errorf(n, "%s", msg)
		return false
	}
	return true
}

// longName is the error for a name longer than limits.NameBytes, or "".
func longName(s, what string) string {
	if len(s) <= limits.NameBytes {
		return ""
	}
	return fmt.Sprintf("%s %q... is %d characters long; a name has at most %d (it names files of the build and results directories)",
		what, s[:20], len(s), limits.NameBytes)
}

// source returns the text of an equation string, or false for null.
func (l *loader) source(n *yaml.Node, what string) (string, bool) {
	if isNull(n) {
		return "", false
	}
	if n.Kind != yaml.ScalarNode {
		l.errorf(n, "%s must be a string, got %s", what, kindName(n))
		return "", false
	}
	return n.Value, true
}

func (l *loader) mapper(n *yaml.Node) PosMapper { return scalarMapper(l.file, n, l.fl) }

func (l *loader) params(n *yaml.Node, what string, f *Failed) []Param {
	src, ok := l.source(n, what)
	if !ok || !l.budget(n) {
		f.Unsure = f.Unsure || !isNull(n)
		return nil
	}
	ps, d := parseParams(src, l.mapper(n), f, l.owner)
	l.diags = append(l.diags, d...)
	return ps
}

// equations reads statements; decl says whether they declare variables
// (for what f records of the lines with errors).
func (l *loader) equations(n *yaml.Node, what string, f *Failed, decl bool) []Stmt {
	src, ok := l.source(n, what)
	if !ok || !l.budget(n) {
		f.Unsure = f.Unsure || (decl && !isNull(n))
		return nil
	}
	st, d := parseEquations(src, l.mapper(n), f, decl, l.owner)
	l.diags = append(l.diags, d...)
	return st
}

func (l *loader) functions(n *yaml.Node, what string) []FuncDef {
	src, ok := l.source(n, what)
	if !ok || !l.budget(n) {
		return nil
	}
	fs, d, kept := parseFunctions(src, l.mapper(n))
	l.diags = append(l.diags, d...)
	if what == "functions" {
		// the model's functions, outside any object (see loader.skipped)
		l.skipped += kept
	}
	return fs
}

// failedExpr reads an expression of a type; when it has errors, f records
// the names in it.
func (l *loader) failedExpr(n *yaml.Node, what string, f *Failed) Expr {
	e := l.expr(n, what)
	if e == nil && n.Kind == yaml.ScalarNode {
		f.mentionSource(n.Value, l.mapper(n))
	}
	return e
}

func (l *loader) expr(n *yaml.Node, what string) Expr {
	src, ok := l.source(n, what)
	if !ok {
		l.errorf(n, "%s needs an expression", what)
		return nil
	}
	if !l.budget(n) {
		return nil
	}
	e, d := ParseExpr(src, l.mapper(n))
	l.diags = append(l.diags, d...)
	return e
}

// looksLikeFile tells file names ("w.npy", "data/rates.csv") from expressions.
func looksLikeFile(s string) bool {
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, "/\\") && !strings.ContainsAny(s, "()") {
		return true
	}
	for _, ext := range []string{".npy", ".npz", ".csv", ".txt", ".dat"} {
		if strings.HasSuffix(s, ext) {
			return true
		}
	}
	return false
}

// value reads a number, boolean, (nested) list or string; strings that are
// not file names are parsed as expressions.
func (l *loader) value(n *yaml.Node, what string) Value {
	return l.valueOrNaN(n, what, false)
}

// valueOrNaN is value whose numbers may be NaN when nanOK (see numberOrNaN).
func (l *loader) valueOrNaN(n *yaml.Node, what string, nanOK bool) Value {
	n = deref(n)
	v := Value{Pos: l.pos(n)}
	switch n.Kind {
	case yaml.SequenceNode:
		if c := leaves(n, limits.ListValues+1); c > limits.ListValues {
			l.errorf(n, "%s holds more than %d values; annc compiles at most %d into the code (larger data belongs in a .npy file)",
				what, limits.ListValues, limits.ListValues)
			return v
		}
		v.List = []Value{}
		for _, c := range n.Content {
			v.List = append(v.List, l.valueOrNaN(c, what, nanOK))
		}
		return v
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!int", "!!float":
			f, _ := l.numberOrNaN(n, what, nanOK)
			v.IsNum, v.Num = true, f
			return v
		case "!!bool":
			b, _ := l.boolean(n, what)
			v.Bool = &b
			return v
		case "!!str":
			v.Str = n.Value
			if !looksLikeFile(n.Value) && l.budget(n) {
				e, d := ParseExpr(n.Value, l.mapper(n))
				l.diags = append(l.diags, d...)
				v.Expr = e
			}
			return v
		case "!!null":
			l.errorf(n, "%s has no value", what)
			return v
		}
	}
	l.errorf(n, "%s must be a number, a list or a string, got %s", what, kindName(n))
	return v
}

// leaves counts the scalars of a (nested) list, stopping at max.
func leaves(n *yaml.Node, max int) int {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		return 1
	}
	c := 0
	for _, x := range n.Content {
		if c += leaves(x, max-c); c >= max {
			return c
		}
	}
	return c
}

func (l *loader) namedValues(n *yaml.Node, what string) []Named {
	var out []Named
	if isNull(n) {
		return nil
	}
	l.fields(n, what, nil, func(key string, k, v *yaml.Node) {
		if !identRE.MatchString(key) {
			l.errorf(k, "%q in %s is not a valid name", key, what)
			return
		}
		if !l.nameLength(k, key, "name in "+what) {
			return
		}
		out = append(out, Named{Pos: l.pos(k), Name: key, Value: l.value(v, fmt.Sprintf("%s of %s", key, what))})
	})
	return out
}

var modelKeys = []string{"name", "dt", "seed", "method", "precision", "event_driven", "structural_plasticity", "constants", "functions",
	"neurons", "synapses", "populations", "projections", "monitors", "simulation", "schedule", "units"}

// unitKeyRE matches the names of units:: v, sum(exc), exc.v, exc.sum(exc).
var unitKeyRE = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*\.)?([A-Za-z_][A-Za-z0-9_]*|sum\([A-Za-z0-9_]*\))$`)

// oneOf checks a string against a fixed set of words.
func (l *loader) oneOf(n *yaml.Node, what string, words []string) (string, bool) {
	s, ok := l.str(n, what)
	if !ok {
		return "", false
	}
	if contains(words, s) {
		return s, true
	}
	if sug := suggest(s, words); sug != "" {
		l.errorf(n, "unknown %s %q; did you mean %q?", what, s, sug)
	} else {
		l.errorf(n, "unknown %s %q (one of: %s)", what, s, strings.Join(words, ", "))
	}
	return "", false
}

// unreadTopKeys are the top-level keys whose value no check of the rest of
// the model reads: when one is given twice, the first is kept and the rest
// can still be analysed.
var unreadTopKeys = map[string]bool{"name": true, "seed": true}

// plainScalar reports whether an unknown top-level key's value could not
// have been meant as one of the model's lists, mappings or equation
// strings: skipping it loses no object, so the rest can still be analysed
// without follow-on errors about something the key should have declared.
// (A key close to a known one is never skipped: it is probably that key.)
func plainScalar(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && (n.Tag == "!!int" || n.Tag == "!!float" || n.Tag == "!!bool" || n.Tag == "!!null")
}

func (l *loader) model(root *yaml.Node, m *Model) {
	l.root = deref(root)
	ok := l.fields(root, "the model", modelKeys, func(key string, k, v *yaml.Node) {
		switch key {
		case "name":
			m.NamePos = l.pos(v)
			if s, ok := l.str(v, "name"); ok {
				m.Name = s
				if !modelNameRE.MatchString(s) || gotoken.IsKeyword(s) {
					l.errorf(v, "name %q must match [a-z][a-z0-9_]* and not be a Go keyword (it becomes the Go package name)", s)
				} else {
					l.nameLength(v, s, "model name")
				}
			}
		case "dt":
			m.DtPos = l.pos(v)
			if f, ok := l.number(v, "dt"); ok {
				m.Dt = f
				if !(f > 0) {
					l.errorf(v, "dt must be positive, got %v", f)
				}
			}
		case "seed":
			if i, ok := l.integer(v, "seed"); ok {
				m.Seed = &i
			}
		case "method":
			m.MethodPos = l.pos(v)
			if s, ok := l.oneOf(v, "method", lang.MethodNames(false)); ok {
				m.Method = s
			}
		case "precision":
			if s, ok := l.oneOf(v, "precision", []string{"float64", "float32"}); ok {
				m.Precision = s
			}
		case "event_driven":
			if s, ok := l.oneOf(v, "event_driven", []string{"annarchy", "exact"}); ok {
				m.EventDriven = s
			}
		case "structural_plasticity":
			if b, ok := l.boolean(v, "structural_plasticity"); ok {
				m.StructuralPlasticity = b
			}
		case "constants":
			if isNull(v) {
				return
			}
			m.Constants = l.namedValues(v, "constants")
			for _, c := range m.Constants {
				if !c.Value.IsNum && (c.Value.Str != "" || c.Value.List != nil || c.Value.Bool != nil) {
					l.diags.Errorf(c.Value.Pos, "constant %q must be a number", c.Name)
				}
			}
		case "functions":
			m.Functions = l.functions(v, "functions")
		case "neurons":
			l.neurons(v, m)
		case "synapses":
			l.synapses(v, m)
		case "populations":
			l.list(v, "populations", func(n *yaml.Node) {
				var p *PopDef
				broken := l.within(func() { p = l.population(n) })
				p.Broken = broken
				m.Pops = append(m.Pops, p)
			})
		case "projections":
			l.list(v, "projections", func(n *yaml.Node) {
				var p *ProjDef
				broken := l.within(func() { p = l.projection(n) })
				p.Broken = broken
				m.Projs = append(m.Projs, p)
			})
		case "monitors":
			l.list(v, "monitors", func(n *yaml.Node) {
				var md *MonitorDef
				broken := l.within(func() { md = l.monitor(n) })
				md.Broken = broken
				m.Monitors = append(m.Monitors, md)
			})
		case "simulation":
			m.Simulation = l.simulation(v)
		case "units":
			if isNull(v) {
				return
			}
			l.fields(v, "units", nil, func(key string, k, v *yaml.Node) {
				if !unitKeyRE.MatchString(key) {
					l.errorf(k, "%q in units is not a variable name (v, sum(exc), or exc.v for one population or projection)", key)
					return
				}
				if s, ok := l.str(v, "unit of "+key); ok {
					m.Units = append(m.Units, UnitDef{Pos: l.pos(k), Name: key, Unit: s})
				}
			})
		case "schedule":
			m.ScheduleBroken = l.within(func() { m.Schedule = l.schedule(v, "schedule") })
			m.HasSchedule = true
		}
	})
	if ok {
		l.require(root, "the model", "name")
	}
}

func (l *loader) list(n *yaml.Node, what string, each func(*yaml.Node)) {
	n = deref(n)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.SequenceNode {
		l.errorf(n, "%s must be a list (each entry starting with '- '), got %s", what, kindName(n))
		return
	}
	for i, c := range n.Content {
		if i == limits.ModelStatements && (what == "populations" || what == "projections" || what == "monitors") {
			// each becomes code (see limits.ModelStatements): the rest is not read
			l.errorf(c, "more than %d %s; annc generates at most %d objects and statements per model", limits.ModelStatements, what, limits.ModelStatements)
			return
		}
		each(deref(c))
	}
}

var neuronKeys = []string{"parameters", "equations", "spike", "reset", "refractory", "functions"}

// otherKeys reports whether a type's definition is not a mapping or has
// keys that are not allowed or given twice: such a key (a misspelt
// "equations") may declare names that cannot be told.
func otherKeys(n *yaml.Node, allowed []string) bool {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		return true
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := deref(n.Content[i]).Value
		if seen[key] || !contains(allowed, key) {
			return true
		}
		seen[key] = true
	}
	return false
}

func (l *loader) neurons(n *yaml.Node, m *Model) {
	if isNull(n) {
		return
	}
	l.fields(n, "neurons", nil, func(key string, k, v *yaml.Node) {
		d := &NeuronDef{Pos: l.pos(k), Name: key}
		m.Neurons = append(m.Neurons, d)
		d.Broken = l.within(func() { l.neuron(d, k, v) })
	})
}

func (l *loader) neuron(d *NeuronDef, k, v *yaml.Node) {
	l.owner = neuronOwner
	defer func() { l.owner = anyOwner }()
	start, spikeErrs := len(l.diags.Errors()), 0
	defer func() {
		d.Failed.OnlySpike = d.Failed.Spike && len(l.diags.Errors())-start == spikeErrs
	}()
	key := d.Name
	if !identRE.MatchString(key) {
		l.errorf(k, "neuron name %q is not a valid name", key)
	} else {
		l.nameLength(k, key, "neuron name")
	}
	what := fmt.Sprintf("neuron %q", key)
	if isNull(v) {
		return
	}
	d.Failed.Unsure = otherKeys(v, neuronKeys)
	l.fields(v, what, neuronKeys, func(key string, k, v *yaml.Node) {
		switch key {
		case "parameters":
			d.Parameters = l.params(v, "parameters of "+what, &d.Failed)
		case "equations":
			d.Equations = l.equations(v, "equations of "+what, &d.Failed, true)
		case "spike":
			before := len(l.diags.Errors())
			d.Spike = l.failedExpr(v, "spike of "+what, &d.Failed)
			d.Failed.Spike = d.Spike == nil
			spikeErrs = len(l.diags.Errors()) - before
		case "reset":
			d.Reset = l.equations(v, "reset of "+what, &d.Failed, false)
		case "refractory":
			if isNull(v) {
				return
			}
			before := len(l.diags.Errors())
			r := l.value(v, "refractory of "+what)
			if r.Bool != nil {
				l.errorf(v, "refractory of %s must be a number of ms, a parameter name, a distribution or a list, got %s", what, kindName(v))
			}
			if len(l.diags.Errors()) > before {
				// as a distribution or a list it would be a parameter
				d.Failed.Params = append(d.Failed.Params, "refractory")
			}
			d.Refractory = &r
		case "functions":
			d.Functions = l.functions(v, "functions of "+what)
		}
	})
}

var synapseKeys = []string{"parameters", "equations", "psp", "operation", "pre_spike", "post_spike", "functions", "pruning", "creating"}

func (l *loader) synapses(n *yaml.Node, m *Model) {
	if isNull(n) {
		return
	}
	l.fields(n, "synapses", nil, func(key string, k, v *yaml.Node) {
		d := &SynapseDef{Pos: l.pos(k), Name: key, Operation: "sum"}
		m.Synapses = append(m.Synapses, d)
		d.Broken = l.within(func() { l.synapse(d, k, v) })
	})
}

func (l *loader) synapse(d *SynapseDef, k, v *yaml.Node) {
	l.owner = synapseOwner
	defer func() { l.owner = anyOwner }()
	key := d.Name
	if !identRE.MatchString(key) {
		l.errorf(k, "synapse name %q is not a valid name", key)
	} else {
		l.nameLength(k, key, "synapse name")
	}
	what := fmt.Sprintf("synapse %q", key)
	if isNull(v) {
		return
	}
	d.Failed.Unsure = otherKeys(v, synapseKeys)
	l.fields(v, what, synapseKeys, func(key string, k, v *yaml.Node) {
		switch key {
		case "parameters":
			d.Parameters = l.params(v, "parameters of "+what, &d.Failed)
		case "equations":
			d.Equations = l.equations(v, "equations of "+what, &d.Failed, true)
		case "psp":
			d.Psp = l.failedExpr(v, "psp of "+what, &d.Failed)
		case "operation":
			d.OpPos = l.pos(v)
			if s, ok := l.oneOf(v, "operation", []string{"sum", "max", "min", "mean"}); ok {
				d.Operation = s
			}
		case "pre_spike":
			d.PreSpike = l.equations(v, "pre_spike of "+what, &d.Failed, false)
		case "post_spike":
			d.PostSpike = l.equations(v, "post_spike of "+what, &d.Failed, false)
		case "functions":
			d.Functions = l.functions(v, "functions of "+what)
		case "pruning":
			d.Pruning = l.structCond(v, key+" of "+what, []string{"proba"})
		case "creating":
			d.Creating = l.structCond(v, key+" of "+what, []string{"proba", "w", "d"})
		}
	})
}

var popKeys = []string{"name", "geometry", "neuron", "parameters", "init", "stop_condition", "firing_rate_window",
	"poisson", "spike_source", "timed_array"}

func (l *loader) population(n *yaml.Node) *PopDef {
	p := &PopDef{Pos: l.pos(n)}
	what := "a population"
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "name" && n.Content[i+1].Kind == yaml.ScalarNode {
				what = fmt.Sprintf("population %q", n.Content[i+1].Value)
			}
		}
	}
	kinds := 0
	ok := l.fields(n, what, popKeys, func(key string, k, v *yaml.Node) {
		before := len(l.diags.Errors())
		part := key
		defer func() {
			if len(l.diags.Errors()) > before {
				p.BadParts = append(p.BadParts, part)
			}
		}()
		switch key {
		case "name":
			p.Name, _ = l.name(v, "population name")
		case "geometry":
			p.GeometryPos = l.pos(v)
			p.Geometry = l.geometry(v, "geometry of "+what)
		case "neuron":
			kinds++
			p.NeuronPos = l.pos(v)
			p.Neuron, _ = l.name(v, "neuron of "+what)
		case "parameters":
			p.Parameters = l.namedValues(v, "parameters of "+what)
		case "init":
			p.Init = l.namedValues(v, "init of "+what)
		case "firing_rate_window":
			if f, ok := l.number(v, "firing_rate_window"); ok {
				p.RateWindow, p.RateWindowPos = &f, l.pos(v)
			}
		case "stop_condition":
			src, ok := l.source(v, "stop_condition of "+what)
			if !ok || !l.budget(v) {
				return
			}
			sc, d := ParseStopCond(src, l.mapper(v))
			l.diags = append(l.diags, d...)
			p.StopCondition = sc
			if sc != nil {
				// only its mode or a second line is wrong: its expression
				// is whole and still analysed
				part = "stop_condition mode"
			}
		case "poisson":
			kinds++
			pd := &PoissonDef{Pos: l.pos(v)}
			p.Poisson = pd
			given := 0
			l.fields(v, "poisson of "+what, []string{"rates", "target"}, func(key string, k, v *yaml.Node) {
				given++
				if key == "rates" {
					pd.Rates = l.value(v, "rates of "+what)
					return
				}
				// ANNarchy's PoissonPopulation(target=...): rates = sum(target).
				if t, ok := l.name(v, "target of poisson"); ok {
					e, d := ParseExpr("sum("+t+")", l.mapper(v))
					l.diags = append(l.diags, d...)
					pd.Rates = Value{Pos: l.pos(v), Str: "sum(" + t + ")", Expr: e}
				}
			})
			switch {
			case given == 0:
				l.require(v, "poisson of "+what, "rates")
			case given > 1:
				l.errorf(v, "poisson of %s takes rates (Hz) or target (rates = sum(target)), not both", what)
			}
		case "spike_source":
			kinds++
			sd := &SpikeSourceDef{Pos: l.pos(v)}
			p.SpikeSource = sd
			l.fields(v, "spike_source of "+what, []string{"spike_times"}, func(key string, k, v *yaml.Node) {
				before := len(l.diags)
				sd.SpikeTimes = l.value(v, "spike_times of "+what)
				if sd.SpikeTimes.List == nil && len(l.diags) == before {
					l.errorf(v, "spike_times of %s must be a list of times in ms (or one list per neuron), got %s", what, kindName(v))
				}
			})
			l.require(v, "spike_source of "+what, "spike_times")
		case "timed_array":
			kinds++
			td := &TimedArrayDef{Pos: l.pos(v), Period: -1}
			p.TimedArray = td
			l.fields(v, "timed_array of "+what, []string{"rates", "schedule", "period"}, func(key string, k, v *yaml.Node) {
				switch key {
				case "rates":
					td.Rates = l.value(v, "rates of "+what)
					if td.Rates.List == nil {
						l.errorf(v, "rates of the timed_array of %s must be a list of rows, got %s", what, kindName(v))
					}
				case "schedule":
					td.Schedule, _ = l.number(v, "schedule of "+what)
				case "period":
					td.Period, _ = l.number(v, "period of "+what)
				}
			})
			l.require(v, "timed_array of "+what, "rates")
		}
	})
	if ok {
		l.require(n, what, "name")
		switch {
		case kinds == 0:
			l.errorf(n, "%s needs one of neuron, poisson, spike_source or timed_array", what)
		case kinds > 1:
			l.errorf(n, "%s may have only one of neuron, poisson, spike_source or timed_array", what)
		}
	}
	return p
}

func (l *loader) geometry(n *yaml.Node, what string) []int {
	check := func(c *yaml.Node) (int, bool) {
		i, ok := l.integer(c, what)
		if !ok {
			return 0, false
		}
		if i < 1 {
			l.errorf(c, "%s must be a positive size, got %d", what, i)
			return 0, false
		}
		if i > limits.Neurons {
			l.errorf(c, "%s is %d, more than the %d (2^30) neurons a population may have", what, i, limits.Neurons)
			return 0, false
		}
		return int(i), true
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if i, ok := check(n); ok {
			return []int{i}
		}
	case yaml.SequenceNode:
		if len(n.Content) < 1 || len(n.Content) > 3 {
			l.errorf(n, "%s must be a size or a list of 1 to 3 sizes, got %d entries", what, len(n.Content))
			return nil
		}
		var g []int
		for _, c := range n.Content {
			i, ok := check(deref(c))
			if !ok {
				return nil
			}
			g = append(g, i)
		}
		return g
	default:
		l.errorf(n, "%s must be an integer or a list [w, h] or [w, h, d], got %s", what, kindName(n))
	}
	return nil
}

var projKeys = []string{"name", "pre", "post", "target", "synapse", "parameters", "connector", "decoding",
	"start_pruning", "start_creating"}

func (l *loader) projection(n *yaml.Node) *ProjDef {
	p := &ProjDef{Pos: l.pos(n)}
	what := "a projection"
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "name" && n.Content[i+1].Kind == yaml.ScalarNode {
				what = fmt.Sprintf("projection %q", n.Content[i+1].Value)
			}
		}
	}
	ok := l.fields(n, what, projKeys, func(key string, k, v *yaml.Node) {
		before := len(l.diags.Errors())
		defer func() {
			if len(l.diags.Errors()) > before {
				p.BadParts = append(p.BadParts, key)
			}
		}()
		switch key {
		case "name":
			p.Name, _ = l.name(v, "projection name")
		case "pre":
			p.Pre = l.ref(v, "pre of "+what)
		case "post":
			p.Post = l.ref(v, "post of "+what)
		case "target":
			p.TargetPos = l.pos(v)
			if v.Kind == yaml.SequenceNode {
				if len(v.Content) == 0 {
					l.errorf(v, "target of %s lists no target", what)
				}
				for _, e := range v.Content {
					t, _ := l.name(e, "target of "+what)
					if contains(p.Targets, t) {
						l.errorf(e, "target %q is listed twice", t)
					}
					p.Targets = append(p.Targets, t)
				}
			} else if t, _ := l.name(v, "target of "+what); t != "" {
				p.Targets = []string{t}
			}
			if len(p.Targets) > 0 {
				p.Target = p.Targets[0]
			}
		case "synapse":
			p.SynapsePos = l.pos(v)
			p.Synapse, _ = l.name(v, "synapse of "+what)
		case "decoding":
			// ANNarchy's DecodingProjection(..., window=...).
			p.DecodingPos = l.pos(k)
			window := 0.0
			p.Decoding = &window
			if !isNull(v) {
				l.fields(v, "decoding of "+what, []string{"window"}, func(_ string, _, v *yaml.Node) {
					if f, ok := l.number(v, "window"); ok {
						window = f
						if f < 0 {
							l.errorf(v, "window must not be negative, got %v", f)
						}
					}
				})
			}
		case "start_pruning":
			p.StartPruning = l.structStart(k, v, key+" of "+what)
		case "start_creating":
			p.StartCreating = l.structStart(k, v, key+" of "+what)
		case "parameters":
			p.Parameters = l.namedValues(v, "parameters of "+what)
		case "connector":
			p.Connector = l.connector(v, "connector of "+what)
		}
	})
	if ok {
		l.require(n, what, "pre", "post", "target", "connector")
	}
	return p
}

func (l *loader) connector(n *yaml.Node, what string) ConnDef {
	c := ConnDef{Pos: l.pos(n)}
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		l.errorf(n, "%s must be a mapping with one of %s, got %s", what, strings.Join(lang.ConnectorNames(), ", "), kindName(n))
		return c
	}
	kinds := 0
	l.fields(n, what, lang.ConnectorNames(), func(kind string, k, v *yaml.Node) {
		kinds++
		if kinds > 1 {
			l.errorf(k, "%s has more than one kind: %q and %q", what, c.Kind, kind)
			return
		}
		c.Kind = kind
		c.Pos = l.pos(k)
		if isNull(v) {
			v = &yaml.Node{Kind: yaml.MappingNode, Line: v.Line, Column: v.Column}
		}
		argWhat := "connector " + kind
		row, _ := lang.LookupConnector(kind)
		allowed := row.ArgNames()
		v = deref(v)
		if v.Kind != yaml.MappingNode {
			l.errorf(v, "the arguments of %s must be a mapping, got %s", argWhat, kindName(v))
			return
		}
		for i := 0; i+1 < len(v.Content); i += 2 {
			ak, av := deref(v.Content[i]), deref(v.Content[i+1])
			arg := ak.Value
			if !contains(allowed, arg) {
				other := false
				for _, cr := range lang.Connectors {
					other = other || contains(cr.ArgNames(), arg)
				}
				if s := suggest(arg, allowed); s != "" {
					l.errorf(ak, "unknown argument %q of %s; did you mean %q?", arg, argWhat, s)
				} else if other {
					l.errorf(ak, "argument %q does not apply to %s (it takes %s)", arg, argWhat, strings.Join(allowed, ", "))
				} else {
					l.errorf(ak, "unknown argument %q of %s (it takes %s)", arg, argWhat, strings.Join(allowed, ", "))
				}
				continue
			}
			dup := false
			for _, a := range c.Args {
				dup = dup || a.Name == arg
			}
			if dup {
				l.errorf(ak, "argument %q given twice in %s", arg, argWhat)
				continue
			}
			c.Args = append(c.Args, Named{Pos: l.pos(ak), Name: arg, Value: l.connectorArg(row, arg, av)})
		}
		for _, req := range row.RequiredNames() {
			found := false
			for _, a := range c.Args {
				found = found || a.Name == req
			}
			if !found {
				l.errorf(k, "%s needs %q", argWhat, req)
			}
		}
	})
	if kinds == 0 && len(n.Content) == 0 {
		l.errorf(n, "%s needs one of %s", what, strings.Join(lang.ConnectorNames(), ", "))
	}
	return c
}

// connectorArg reads one argument of a connector's row and checks its type.
func (l *loader) connectorArg(row lang.Connector, arg string, n *yaml.Node) Value {
	what := fmt.Sprintf("%s of connector %s", arg, row.Name)
	a, _ := row.Arg(arg)
	switch a.Kind {
	case lang.ArgBool, lang.ArgTranspose:
		b, _ := l.boolean(n, what)
		return Value{Pos: l.pos(n), Bool: &b}
	case lang.ArgInteger:
		i, _ := l.integer(n, what)
		return Value{Pos: l.pos(n), IsNum: true, Num: float64(i)}
	case lang.ArgNumber:
		f, _ := l.number(n, what)
		return Value{Pos: l.pos(n), IsNum: true, Num: f}
	}
	// weights, delays: a number or a distribution; a connector with a
	// matrix also takes lists and files
	matrix := row.Has(lang.ArgMatrix)
	var v Value
	if matrix && deref(n).Kind == yaml.SequenceNode {
		v = l.valueOrNaN(n, what, true)
	} else {
		v = l.value(n, what)
	}
	if v.Bool != nil || (v.List != nil && !matrix) {
		l.errorf(n, "%s must be a number or a distribution such as \"Uniform(0, 1)\", got %s", what, kindName(n))
	}
	if v.Str != "" && looksLikeFile(v.Str) && !matrix {
		l.errorf(n, "%s must be a number or a distribution, not a file name", what)
	}
	return v
}

var monitorKeys = []string{"name", "target", "variables", "period", "start"}

func (l *loader) monitor(n *yaml.Node) *MonitorDef {
	m := &MonitorDef{Pos: l.pos(n), Start: true}
	what := "a monitor"
	ok := l.fields(n, what, monitorKeys, func(key string, k, v *yaml.Node) {
		switch key {
		case "name":
			m.Name, _ = l.name(v, "monitor name")
		case "target":
			m.Target = l.ref(v, "target of the monitor")
		case "variables":
			switch v.Kind {
			case yaml.SequenceNode:
				for _, c := range v.Content {
					c = deref(c)
					if c.Kind != yaml.ScalarNode || c.Tag != "!!str" {
						l.errorf(c, "a monitored variable must be a name or an expression string, got %s", kindName(c))
						continue
					}
					m.Variables = append(m.Variables, l.value(c, "monitored variable"))
				}
			case yaml.ScalarNode:
				if _, ok := l.str(v, "variables of the monitor"); ok {
					m.Variables = append(m.Variables, l.value(v, "monitored variable"))
				}
			default:
				l.errorf(v, "variables of the monitor must be a list of names, got %s", kindName(v))
			}
		case "period":
			m.PeriodPos = l.pos(v)
			if f, ok := l.number(v, "period of the monitor"); ok {
				m.Period = &f
				if !(f > 0) {
					l.errorf(v, "period of the monitor must be positive, got %v", f)
				}
			}
		case "start":
			m.Start, _ = l.boolean(v, "start of the monitor")
		}
	})
	if ok {
		l.require(n, "a monitor", "target", "variables")
	}
	return m
}

func (l *loader) simulation(n *yaml.Node) *SimDef {
	s := &SimDef{Pos: l.pos(n)}
	if isNull(n) {
		return nil
	}
	kinds := 0
	ok := l.fields(n, "simulation", []string{"duration", "until"}, func(key string, k, v *yaml.Node) {
		kinds++
		switch key {
		case "duration":
			if f, ok := l.number(v, "duration"); ok {
				s.Duration, s.DurationPos = &f, l.pos(v)
				if f < 0 {
					l.errorf(v, "duration must not be negative, got %v", f)
				}
			}
		case "until":
			l.until(v, s, "until")
		}
	})
	if ok {
		switch {
		case kinds == 0:
			l.errorf(n, "simulation needs duration or until")
		case kinds > 1:
			l.errorf(n, "simulation takes duration or until, not both")
		}
	}
	return s
}

// until reads {max_duration, populations, operator} into s.
func (l *loader) until(v *yaml.Node, s *SimDef, what string) {
	s.Operator = "and"
	l.fields(v, what, []string{"max_duration", "populations", "operator"}, func(key string, k, v *yaml.Node) {
		switch key {
		case "max_duration":
			if f, ok := l.number(v, "max_duration"); ok {
				s.MaxDuration, s.MaxDurationPos = &f, l.pos(v)
			}
		case "populations":
			l.list(v, "populations of "+what, func(c *yaml.Node) {
				if name, ok := l.name(c, "population"); ok {
					s.Populations = append(s.Populations, name)
					s.PopulationsPos = append(s.PopulationsPos, l.pos(c))
				}
			})
		case "operator":
			if op, ok := l.oneOf(v, "operator", []string{"and", "or"}); ok {
				s.Operator = op
			}
		}
	})
	l.require(v, what, "max_duration")
}

// ref parses a population reference with an optional view: "P", "P[0:3200]",
// "P[3200:]", "P[:, 2]", "P[1]".
func (l *loader) ref(n *yaml.Node, what string) Ref {
	r := Ref{Pos: l.pos(n)}
	s, ok := l.str(n, what)
	if !ok {
		return r
	}
	r.Text = s
	at := l.mapper(n)
	runes := []rune(s)
	posAt := func(i int) diag.Pos { return at.pos(1, i+1) }
	i := 0
	for i < len(runes) && runes[i] == ' ' {
		i++
	}
	start := i
	for i < len(runes) && (runes[i] == '_' || (runes[i] < 128 && isIdentChar(byte(runes[i])))) {
		i++
	}
	r.Name = string(runes[start:i])
	if r.Name == "" || !identRE.MatchString(r.Name) {
		l.diags.Errorf(posAt(start), "%s: expected a population name, got %q", what, s)
		return r
	}
	r.Pos = posAt(start)
	for i < len(runes) && runes[i] == ' ' {
		i++
	}
	if i == len(runes) {
		return r
	}
	if runes[i] != '[' {
		l.diags.Errorf(posAt(i), "%s: expected '[' or the end after %q, got %q", what, r.Name, string(runes[i]))
		return r
	}
	close := -1
	for j := i; j < len(runes); j++ {
		if runes[j] == ']' {
			close = j
			break
		}
	}
	if close < 0 {
		l.diags.Errorf(posAt(i), "%s: '[' is never closed", what)
		return r
	}
	for j := close + 1; j < len(runes); j++ {
		if runes[j] != ' ' {
			l.diags.Errorf(posAt(j), "%s: unexpected %q after ']'", what, string(runes[j]))
			return r
		}
	}
	// split the inside on ','
	partStart := i + 1
	for j := i + 1; j <= close; j++ {
		if j < close && runes[j] != ',' {
			continue
		}
		sl, ok := l.slice(runes, partStart, j, posAt, what)
		if !ok {
			return r
		}
		r.Slices = append(r.Slices, sl)
		partStart = j + 1
	}
	if len(r.Slices) > 3 {
		l.diags.Errorf(posAt(i), "%s: a view has at most 3 dimensions, got %d", what, len(r.Slices))
	}
	return r
}

// slice parses runes[a:b] as "i", "a:b", "a:", ":b" or ":".
func (l *loader) slice(runes []rune, a, b int, posAt func(int) diag.Pos, what string) (Slice, bool) {
	for a < b && runes[a] == ' ' {
		a++
	}
	for b > a && runes[b-1] == ' ' {
		b--
	}
	sl := Slice{Pos: posAt(a)}
	if a == b {
		l.diags.Errorf(posAt(a), "%s: empty index in view", what)
		return sl, false
	}
	colon := -1
	for j := a; j < b; j++ {
		if runes[j] == ':' {
			if colon >= 0 {
				l.diags.Errorf(posAt(j), "%s: a view takes start:end, not a step", what)
				return sl, false
			}
			colon = j
		}
	}
	num := func(x, y int) (*int, bool) {
		for x < y && runes[x] == ' ' {
			x++
		}
		for y > x && runes[y-1] == ' ' {
			y--
		}
		if x == y {
			return nil, true
		}
		v, err := strconv.Atoi(string(runes[x:y]))
		if err != nil {
			l.diags.Errorf(posAt(x), "%s: expected an integer index, got %q", what, string(runes[x:y]))
			return nil, false
		}
		return &v, true
	}
	if colon < 0 {
		v, ok := num(a, b)
		sl.Index = v
		return sl, ok
	}
	s, ok1 := num(a, colon)
	e, ok2 := num(colon+1, b)
	sl.Start, sl.End = s, e
	return sl, ok1 && ok2
}

// structCond reads a pruning or creating condition with its flags.
func (l *loader) structCond(n *yaml.Node, what string, flags []string) *StructCond {
	src, ok := l.source(n, what)
	if !ok {
		l.errorf(n, "%s needs a condition", what)
		return nil
	}
	if !l.budget(n) {
		return nil
	}
	sc, d := ParseStructCond(src, l.mapper(n), flags)
	l.diags = append(l.diags, d...)
	return sc
}

// structStart reads start_pruning/start_creating: true (every step from
// the start) or {period, offset} in ms.
func (l *loader) structStart(k, n *yaml.Node, what string) *StructStart {
	st := &StructStart{Pos: l.pos(k)}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!bool" {
		if b, _ := l.boolean(n, what); !b {
			l.errorf(n, "%s takes true or {period, offset}; leave it out not to start", what)
		}
		return st
	}
	l.fields(n, what, []string{"period", "offset"}, func(key string, k, v *yaml.Node) {
		if f, ok := l.number(v, key); ok {
			if f < 0 {
				l.errorf(v, "%s must not be negative, got %v", key, f)
			}
			if key == "period" {
				st.Period = f
			} else {
				st.Offset = f
			}
		}
	})
	return st
}
