package parser

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/errors")

// TestErrorsGolden parses each testdata/errors/*.txtar "model.yaml" and
// compares the formatted diagnostics (message, source line, caret) with "want".
func TestErrorsGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/errors/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 25 {
		t.Fatalf("only %d golden error files", len(files))
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var src []byte
			wantIdx := -1
			for i, f := range ar.Files {
				switch f.Name {
				case "model.yaml":
					src = f.Data
				case "want":
					wantIdx = i
				}
			}
			if wantIdx < 0 {
				t.Fatal("no want section")
			}
			_, diags := ParseModel("model.yaml", src)
			if len(diags) == 0 {
				t.Errorf("no diagnostics for a malformed model")
			}
			got := []byte(diags.Format(map[string][]byte{"model.yaml": src}, 0))
			if *update {
				ar.Files[wantIdx].Data = got
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if want := ar.Files[wantIdx].Data; !bytes.Equal(got, want) {
				t.Errorf("diagnostics differ (run go test -update to accept)\n--- got\n%s--- want\n%s", got, want)
			}
		})
	}
}
