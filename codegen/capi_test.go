package codegen

import (
	"strconv"
	"strings"
	"testing"

	"github.com/annc/annc/ir"
)

// TestCAPI checks that the C API is written only when asked for, with one
// path entry per path of Set and Get and one case per population and
// projection name.
func TestCAPI(t *testing.T) {
	for name, model := range map[string]func() *ir.Model{"tmodel": testModel, "feat": featModel} {
		plain, err := Generate(model(), testOpt)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := plain["capi/main.go"]; ok {
			t.Errorf("%s: capi/main.go written without CAPI", name)
		}
		opt := testOpt
		opt.CAPI = true
		files, err := Generate(model(), opt)
		if err != nil {
			t.Fatal(err)
		}
		src := string(files["capi/main.go"])
		if src == "" || len(files["capi/call.go"]) == 0 {
			t.Fatalf("%s: capi files missing", name)
		}
		for _, f := range []string{"//export annc_new", "//export annc_parallel_run", "model.ParallelRunArgs"} {
			if !strings.Contains(src, f) {
				t.Errorf("%s: capi/main.go lacks %s", name, f)
			}
		}
		m := model()
		for _, p := range m.Pops {
			if !strings.Contains(src, "case "+strconv.Quote(p.Name)+":") {
				t.Errorf("%s: no case for population %s", name, p.Name)
			}
		}
		for _, pj := range m.Projs {
			if !strings.Contains(src, "case "+strconv.Quote(pj.Name)+":") {
				t.Errorf("%s: no case for projection %s", name, pj.Name)
			}
		}
		// Every other file is the same with and without the C API.
		for f, b := range plain {
			if string(files[f]) != string(b) {
				t.Errorf("%s: %s differs with CAPI", name, f)
			}
		}
	}
}
