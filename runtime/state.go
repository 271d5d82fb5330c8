package runtime

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unsafe"

	"github.com/annc/annc/runtime/results"
)

// A network's state is everything its future depends on: parameters,
// variables, connectivity (pre, post, weights, delays, every synapse
// variable), the clock, the random streams, the spikes in flight in delay
// queues and the monitors' settings. SaveState finds it by walking the
// network's fields, exported or not, so that a field added to a generated
// type or to the runtime is saved without further code; fields that are
// not state (helpers, buffers of recorded data, open files, functions)
// carry the tag `state:"-"` or have a kind the walk skips (functions,
// channels, interfaces, maps, pointers to numbers).
//
// The file is a .npz: one array per field, named by its Go path from the
// network ("Output.V", "Plastic.C.Pre", "Output.rng.s0"), a slice of slices
// as two arrays "<path>.data" and "<path>.len", and a member "state.json"
// (StateInfo) naming the model and listing the arrays.

// StateInfo is the description of a state file (its member "state.json").
type StateInfo struct {
	Format      int          `json:"format"`
	Model       string       `json:"model"`
	ModelHash   string       `json:"model_hash"`
	AnncVersion string       `json:"annc_version"`
	Seed        int64        `json:"seed"`
	Dt          float64      `json:"dt"`
	Step        int64        `json:"step"`
	TimeMs      float64      `json:"t_ms"`
	Arrays      []StateArray `json:"arrays"`
}

// StateArray is one array of a state file.
type StateArray struct {
	Name  string `json:"name"`
	Dtype string `json:"dtype"`
	Shape []int  `json:"shape"`
}

// StateFormat is the version of the state file layout.
const StateFormat = 1

// stateLeaf is one saved field: a number, or a slice or array of numbers
// (ragged: of slices of numbers).
type stateLeaf struct {
	name   string
	v      reflect.Value // addressable
	ragged bool
}

// stateLeaves walks net (a pointer to a struct) and returns its state
// fields in a fixed order. A struct reached through several pointers is
// walked once, at its first path.
func stateLeaves(net any) ([]stateLeaf, error) {
	leaves, _, _, err := stateWalk(net)
	return leaves, err
}

// stateWalk is stateLeaves, and also returns the pointer fields tagged
// `state:"optional"` (as leaves, the pointer itself in v): pointers that
// exist only while the network needs them, such as a population's spike
// ring, kept only while some delay is longer than one step; and the paths
// of the fields tagged `state:"-"`.
func stateWalk(net any) (leaves, optional []stateLeaf, skipped []string, err error) {
	root := reflect.ValueOf(net)
	if root.Kind() != reflect.Pointer || root.Elem().Kind() != reflect.Struct {
		return nil, nil, nil, fmt.Errorf("state: %T is not a pointer to a network", net)
	}
	seen := map[uintptr]bool{}
	var walk func(v reflect.Value, name string)
	walk = func(v reflect.Value, name string) {
		switch v.Kind() {
		case reflect.Struct:
			if skipStateType(v.Type()) {
				return
			}
			t := v.Type()
			for i := range t.NumField() {
				f := t.Field(i)
				tag := f.Tag.Get("state")
				if tag == "-" {
					skipped = append(skipped, join(name, f.Name))
					continue
				}
				fname := f.Name
				if f.Anonymous {
					fname = ""
				}
				if tag == "optional" && f.Type.Kind() == reflect.Pointer {
					optional = append(optional, stateLeaf{name: join(name, fname), v: v.Field(i)})
				}
				walk(v.Field(i), join(name, fname))
			}
		case reflect.Pointer:
			if v.IsNil() || v.Elem().Kind() != reflect.Struct {
				return
			}
			if seen[v.Pointer()] {
				return
			}
			seen[v.Pointer()] = true
			walk(v.Elem(), name)
		case reflect.Slice, reflect.Array:
			et := v.Type().Elem()
			switch {
			case numericKind(et.Kind()):
				leaves = append(leaves, stateLeaf{name: name, v: v})
			case et.Kind() == reflect.Slice && numericKind(et.Elem().Kind()):
				leaves = append(leaves, stateLeaf{name: name, v: v, ragged: true})
			case et.Kind() == reflect.Struct || et.Kind() == reflect.Pointer || et.Kind() == reflect.Slice || et.Kind() == reflect.Array:
				for i := range v.Len() {
					walk(v.Index(i), join(name, strconv.Itoa(i)))
				}
			}
		default:
			if numericKind(v.Kind()) {
				leaves = append(leaves, stateLeaf{name: name, v: v})
			}
		}
	}
	walk(root, "")
	return leaves, optional, skipped, nil
}

// under reports whether the path n lies under one of the paths ps: a
// file's values of fields a network does not keep in its state (scratch
// that files written by earlier versions held) are ignored.
func under(n string, ps []string) bool {
	for _, p := range ps {
		if n == p || strings.HasPrefix(n, p+".") {
			return true
		}
	}
	return false
}

func join(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "." + b
}

// skipStateType reports types that hold no network state: locks, atomics,
// clocks and files.
func skipStateType(t reflect.Type) bool {
	switch t.PkgPath() {
	case "sync", "sync/atomic", "time", "os":
		return true
	}
	return false
}

func numericKind(k reflect.Kind) bool {
	switch k {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// usable makes an addressable value, exported or not, readable and
// settable.
func usable(v reflect.Value) reflect.Value {
	return reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
}

// stateDtype is how values of kind k are stored: floats as themselves,
// uint64 as uint64, other integers and booleans as int64.
func stateDtype(k reflect.Kind) string {
	switch k {
	case reflect.Float64:
		return "float64"
	case reflect.Float32:
		return "float32"
	case reflect.Uint64, reflect.Uint:
		return "uint64"
	}
	return "int64"
}

// encode returns the values of v (a number, or a slice or array of
// numbers) as the slice WriteNpy takes.
func encode(v reflect.Value) (shape []int, data any) {
	n, at := 1, func(int) reflect.Value { return v }
	k := v.Kind()
	if k == reflect.Slice || k == reflect.Array {
		n, at, k = v.Len(), v.Index, v.Type().Elem().Kind()
		shape = []int{n}
	} else {
		shape = []int{}
	}
	switch stateDtype(k) {
	case "float64":
		out := make([]float64, n)
		for i := range out {
			out[i] = at(i).Float()
		}
		return shape, out
	case "float32":
		out := make([]float32, n)
		for i := range out {
			out[i] = float32(at(i).Float())
		}
		return shape, out
	case "uint64":
		out := make([]uint64, n)
		for i := range out {
			out[i] = at(i).Uint()
		}
		return shape, out
	}
	out := make([]int64, n)
	for i := range out {
		x := at(i)
		switch {
		case x.Kind() == reflect.Bool:
			if x.Bool() {
				out[i] = 1
			}
		case x.CanInt():
			out[i] = x.Int()
		default:
			out[i] = int64(x.Uint())
		}
	}
	return shape, out
}

// set stores element i of a into x.
func setFrom(x reflect.Value, a *results.Array, i int) {
	switch x.Kind() {
	case reflect.Float64, reflect.Float32:
		x.SetFloat(a.Float[i])
	case reflect.Bool:
		x.SetBool(a.Int[i] != 0)
	case reflect.Uint64, reflect.Uint:
		x.SetUint(a.Uint[i])
	case reflect.Uint8, reflect.Uint16, reflect.Uint32:
		x.SetUint(uint64(a.Int[i]))
	default:
		x.SetInt(a.Int[i])
	}
}

// SaveState writes the state of net (a pointer to a generated Network)
// to path as a .npz, through a temporary file renamed into place.
func SaveState(path string, net any, core *Core, model, modelHash, version string) error {
	leaves, err := stateLeaves(net)
	if err != nil {
		return err
	}
	info := StateInfo{Format: StateFormat, Model: model, ModelHash: modelHash, AnncVersion: version,
		Seed: core.Seed, Dt: core.Dt, Step: core.Step, TimeMs: core.Time()}
	w, err := results.CreateNpz(path)
	if err != nil {
		return err
	}
	add := func(name string, shape []int, data any) {
		dtype, _, _ := results.Descr(fmt.Sprintf("%T", data)[2:])
		info.Arrays = append(info.Arrays, StateArray{Name: name, Dtype: dtype, Shape: shape})
		w.Add(name, shape, data)
	}
	for _, l := range leaves {
		v := usable(l.v)
		if !l.ragged {
			shape, data := encode(v)
			add(l.name, shape, data)
			continue
		}
		lens := make([]int64, v.Len())
		flat := reflect.MakeSlice(reflect.SliceOf(v.Type().Elem().Elem()), 0, 0)
		for i := range v.Len() {
			lens[i] = int64(v.Index(i).Len())
			flat = reflect.AppendSlice(flat, v.Index(i))
		}
		shape, data := encode(flat)
		add(l.name+".data", shape, data)
		add(l.name+".len", []int{len(lens)}, lens)
	}
	b, err := json.MarshalIndent(&info, "", "  ")
	if err == nil {
		err = w.AddBytes("state.json", append(b, '\n'))
	}
	if err != nil {
		w.Abort()
		return err
	}
	return w.Close()
}

// LoadState reads a state file written by SaveState for the same model
// into net, which continues exactly as the saved network would have. A file
// of another model, or of a version of the model whose state differs in
// structure (fields, their types, the sizes of populations), is refused
// with a message saying what differs. Slices may change length (the
// connectivity of another seed, delays set at run time); slices that share
// their memory keep sharing it.
func LoadState(path string, net any, model, modelHash string) error {
	z, err := results.ReadNpz(path)
	if err != nil {
		return err
	}
	var info StateInfo
	if b, ok := z.Other["state.json"]; !ok {
		return fmt.Errorf("%s: not a state file (no state.json)", path)
	} else if err := json.Unmarshal(b, &info); err != nil {
		return fmt.Errorf("%s: state.json: %v", path, err)
	}
	if info.Format != StateFormat {
		return fmt.Errorf("%s: state format %d, this program reads format %d", path, info.Format, StateFormat)
	}
	if info.Model != model {
		return fmt.Errorf("%s holds the state of model %q, not of %q", path, info.Model, model)
	}
	// An optional pointer follows the file: allocated when the file holds
	// its fields, dropped when it holds none (a ring saved while a delay
	// was longer than one step, or saved without one: the delays loaded
	// with it are the file's). Undone if the file does not fit.
	_, optional, skipped, err := stateWalk(net)
	if err != nil {
		return err
	}
	var undo []func()
	for _, o := range optional {
		v := usable(o.v)
		inFile := false
		for _, n := range z.Names {
			if strings.HasPrefix(n, o.name+".") {
				inFile = true
				break
			}
		}
		if old := v.Interface(); inFile == v.IsNil() {
			if inFile {
				v.Set(reflect.New(v.Type().Elem()))
			} else {
				v.SetZero()
			}
			undo = append(undo, func() { v.Set(reflect.ValueOf(old)) })
		}
	}
	leaves, err := stateLeaves(net)
	if err != nil {
		return err
	}
	sameModel := info.ModelHash == modelHash
	// Check everything before changing anything.
	var diffs []string
	want := map[string]bool{}
	type plan struct {
		leaf   stateLeaf
		a, len *results.Array
	}
	var plans []plan
	for _, l := range leaves {
		v := usable(l.v)
		name := l.name
		if l.ragged {
			name += ".data"
		}
		want[name] = true
		a := z.Arrays[name]
		if a == nil {
			diffs = append(diffs, fmt.Sprintf("%s is not in the file", name))
			continue
		}
		et := v.Type()
		if v.Kind() == reflect.Slice || v.Kind() == reflect.Array {
			et = et.Elem()
		}
		if l.ragged {
			et = et.Elem()
		}
		if d, _, _ := results.Descr(stateDtype(et.Kind())); d != a.Dtype {
			diffs = append(diffs, fmt.Sprintf("%s is %s in the file, %s here", name, a.Dtype, d))
			continue
		}
		p := plan{leaf: l, a: a}
		switch {
		case l.ragged:
			want[l.name+".len"] = true
			p.len = z.Arrays[l.name+".len"]
			if p.len == nil || p.len.Int == nil {
				diffs = append(diffs, fmt.Sprintf("%s.len is not in the file", l.name))
				continue
			}
			if v.Kind() == reflect.Array && len(p.len.Int) != v.Len() {
				diffs = append(diffs, fmt.Sprintf("%s has %d rows in the file, %d here", l.name, len(p.len.Int), v.Len()))
				continue
			}
		case v.Kind() == reflect.Slice || v.Kind() == reflect.Array:
			if len(a.Shape) != 1 {
				diffs = append(diffs, fmt.Sprintf("%s has shape %v in the file", name, a.Shape))
				continue
			}
			if a.Shape[0] != v.Len() && (v.Kind() == reflect.Array || !sameModel) {
				diffs = append(diffs, fmt.Sprintf("%s has %d values in the file, %d here", name, a.Shape[0], v.Len()))
				continue
			}
		default:
			if len(a.Shape) != 0 {
				diffs = append(diffs, fmt.Sprintf("%s has shape %v in the file, it is a number here", name, a.Shape))
				continue
			}
		}
		plans = append(plans, p)
	}
	var extra []string
	for _, n := range z.Names {
		if !want[n] && !under(n, skipped) {
			extra = append(extra, n)
		}
	}
	sort.Strings(extra)
	for _, n := range extra {
		diffs = append(diffs, fmt.Sprintf("%s is in the file, not in this network", n))
	}
	if len(diffs) > 0 {
		for _, u := range undo {
			u()
		}
		what := "this version of the model"
		if !sameModel {
			what = fmt.Sprintf("this version of the model (model hash %.12s, the file's %.12s)", modelHash, info.ModelHash)
		}
		more := ""
		if len(diffs) > 8 {
			more = fmt.Sprintf("; and %d more", len(diffs)-8)
			diffs = diffs[:8]
		}
		return fmt.Errorf("%s does not fit %s: %s%s", path, what, strings.Join(diffs, "; "), more)
	}
	// Slices sharing memory in this network are replaced together.
	fresh := map[uintptr]reflect.Value{}
	for _, p := range plans {
		v := usable(p.leaf.v)
		if p.leaf.ragged {
			lens := p.len.Int
			if v.Kind() == reflect.Slice && v.Len() != len(lens) {
				v.Set(reflect.MakeSlice(v.Type(), len(lens), len(lens)))
			}
			off := 0
			for i, n := range lens {
				row := v.Index(i)
				if row.Len() != int(n) {
					row.Set(reflect.MakeSlice(row.Type(), int(n), int(n)))
				}
				for j := range int(n) {
					setFrom(row.Index(j), p.a, off+j)
				}
				off += int(n)
			}
			continue
		}
		if v.Kind() != reflect.Slice && v.Kind() != reflect.Array {
			setFrom(v, p.a, 0)
			continue
		}
		n := p.a.Shape[0]
		if v.Kind() == reflect.Slice && v.Len() != n {
			key := v.Pointer()
			if s, ok := fresh[key]; ok && v.Cap() > 0 {
				v.Set(s)
				continue
			}
			s := reflect.MakeSlice(v.Type(), n, n)
			if v.Cap() > 0 {
				fresh[key] = s
			}
			v.Set(s)
		}
		for i := range n {
			setFrom(v.Index(i), p.a, i)
		}
	}
	return nil
}
