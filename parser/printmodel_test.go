package parser

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestPrintModelGolden parses each testdata/print/*.txtar "model.yaml" (which
// must be valid), compares PrintModel with "print", and checks that the
// printed model parses back without errors and prints identically.
func TestPrintModelGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/print/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatal("no testdata/print files", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var src []byte
			want := -1
			for i, f := range ar.Files {
				switch f.Name {
				case "model.yaml":
					src = f.Data
				case "print":
					want = i
				}
			}
			m, diags := ParseModel("model.yaml", src)
			if len(diags) > 0 {
				t.Fatalf("diagnostics:\n%v", diags)
			}
			got := PrintModel(m)
			m2, d2 := ParseModel("printed.yaml", []byte(got))
			if len(d2) > 0 {
				t.Fatalf("printed model:\n%s\ndiagnostics:\n%v", got, d2)
			}
			if again := PrintModel(m2); again != got {
				t.Errorf("print not stable:\n%s\n---\n%s", got, again)
			}
			if *update {
				ar.Files[want].Data = []byte(got)
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if !bytes.Equal([]byte(got), ar.Files[want].Data) {
				t.Errorf("PrintModel differs (go test -update to accept)\n--- got\n%s--- want\n%s", got, ar.Files[want].Data)
			}
		})
	}
}
