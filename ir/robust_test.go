package ir_test

import (
	"math/rand"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/annc/annc/ir"
	"github.com/annc/annc/models"
	"github.com/annc/annc/parser"
)

// TestMutatedModels feeds randomly damaged copies of the test models
// (deterministic seed) through the parser and Build: no panic, no hang.
func TestMutatedModels(t *testing.T) {
	lib, _ := models.Load()
	files, _ := filepath.Glob("testdata/*.txtar")
	errFiles, _ := filepath.Glob("testdata/errors/*.txtar")
	var seeds [][]byte
	for _, file := range append(files, errFiles...) {
		ar, _ := txtar.ParseFile(file)
		for _, x := range ar.Files {
			if x.Name == "model.yaml" {
				seeds = append(seeds, x.Data)
			}
		}
	}
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 2000; i++ {
		src := append([]byte(nil), seeds[r.Intn(len(seeds))]...)
		for k := 0; k < 1+r.Intn(3); k++ {
			p := r.Intn(len(src))
			switch r.Intn(3) {
			case 0:
				src[p] = byte(r.Intn(128))
			case 1:
				src = append(src[:p], src[p+1:]...)
			case 2:
				src = append(src[:p], append([]byte([]string{"0", "9", "[", "]", "{", "}", ":", ",", "-", "999999", "e9", "\n"}[r.Intn(12)]), src[p:]...)...)
			}
		}
		done := make(chan string, 1)
		go func() {
			defer func() {
				if e := recover(); e != nil {
					done <- "panic"
					return
				}
				done <- ""
			}()
			m, pd := parser.ParseModel("model.yaml", src)
			if m == nil {
				done <- ""
				return
			}
			_ = pd
			ir.Build(m, lib)
		}()
		select {
		case s := <-done:
			if s != "" {
				t.Fatalf("%s on:\n%s", s, src)
			}
		case <-time.After(3 * time.Second):
			t.Fatalf("hang on:\n%s", src)
		}
	}
}
