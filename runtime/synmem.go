package runtime

import (
	"reflect"

	"github.com/annc/annc/runtime/results"
)

// ProjMemory is what one projection of a network holds (results.ProjMemory).
type ProjMemory = results.ProjMemory

var connType = reflect.TypeOf((*Conn)(nil))

// ProjectionMemory lists the projections a generated network holds (the
// struct pointers reachable from net, through embedded fields, that have a
// field C *Conn), in field order, with the memory of each. It reads the
// lengths and capacities of their slices only.
func ProjectionMemory(net any) []ProjMemory {
	var out []ProjMemory
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
			if v.IsNil() {
				return
			}
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			return
		}
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			fv := v.Field(i)
			if f.Anonymous {
				walk(fv)
				continue
			}
			if fv.Kind() != reflect.Pointer || fv.IsNil() || fv.Elem().Kind() != reflect.Struct {
				continue
			}
			pj := fv.Elem()
			c := pj.FieldByName("C")
			if !c.IsValid() || c.Type() != connType || c.IsNil() {
				continue
			}
			name := f.Name
			if nf := pj.FieldByName("Name"); nf.IsValid() && nf.Kind() == reflect.String {
				name = nf.String()
			}
			conn := c.Interface().(*Conn)
			seen := map[uintptr]bool{}
			layout := conn.Layout()
			if f := pj.FieldByName("preW"); f.IsValid() && f.Kind() == reflect.Slice && f.Cap() > 0 {
				layout += " + pre-major copies"
			}
			if f := pj.FieldByName("at"); f.IsValid() && f.Kind() == reflect.Slice && f.Len() > 0 {
				layout += ", variables in pre rows" // RowStorage
			}
			bytes := sliceBytes(pj, seen) + sliceBytes(c.Elem(), seen) + dueIndexBytes(pj, conn)
			out = append(out, ProjMemory{Name: name, Synapses: conn.Len(), Bytes: bytes, Layout: layout})
		}
	}
	walk(reflect.ValueOf(net))
	return out
}

var (
	dueType      = reflect.TypeOf(DueSpikes{})
	rateRingType = reflect.TypeOf(&RateRing{})
)

// dueIndexBytes is what the index of a projection's DueSpikes (the delay
// group of each synapse, 2 bytes) will take at the first step that files
// spikes beyond what it holds now: the memory check comes before that step.
func dueIndexBytes(pj reflect.Value, c *Conn) int64 {
	for i := range pj.NumField() {
		if f := pj.Field(i); f.Type() == dueType {
			if k := len(c.Delays); k < 2 || k >= noGroup || c.Divides() {
				return 0
			}
			return 2 * max(int64(c.Len())-int64(f.FieldByName("group").Cap()), 0)
		}
	}
	return 0
}

// arrayBytes is sliceBytes of the structs an array holds, in arrays of
// arrays too (the decay tables of each goroutine).
func arrayBytes(a reflect.Value, seen map[uintptr]bool) int64 {
	var n int64
	switch a.Type().Elem().Kind() {
	case reflect.Struct:
		for k := range a.Len() {
			n += sliceBytes(a.Index(k), seen)
		}
	case reflect.Array:
		for k := range a.Len() {
			n += arrayBytes(a.Index(k), seen)
		}
	}
	return n
}

// sliceBytes adds up the capacities of the slice fields of a struct, and
// of the structs it holds in fields and arrays (as the cuts of a split
// delivery), each array counted once (not again when in seen, as W shared
// with C.W).
func sliceBytes(v reflect.Value, seen map[uintptr]bool) int64 {
	var n int64
	for i := range v.NumField() {
		f := v.Field(i)
		switch {
		case f.Kind() == reflect.Struct:
			n += sliceBytes(f, seen)
			continue
		case f.Kind() == reflect.Array:
			n += arrayBytes(f, seen)
			continue
		}
		if f.Type() == rateRingType && !f.IsNil() {
			// a rate-coded projection's delayed values
			n += sliceBytes(f.Elem(), seen)
			continue
		}
		if f.Kind() != reflect.Slice || f.Cap() == 0 {
			continue
		}
		p := f.Pointer()
		if seen[p] {
			continue
		}
		seen[p] = true
		n += int64(f.Cap()) * int64(f.Type().Elem().Size())
	}
	return n
}
