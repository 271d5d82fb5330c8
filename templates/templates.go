// Package templates holds the text/template skeletons of the Go files annc
// generates: the file layout, the Network type, its constructor, the step in
// the order of the README's "One step" and the access by path. Expressions, statements and
// the bodies of update loops are printed by package codegen and reach the
// templates as finished code in one view value; the paths of Set and Get, the
// checks of CheckFinite, WithOnly's names and the monitors reach them as data
// (names, fields, indexes, shapes) that the templates print.
package templates

import (
	"embed"
	"text/template"
)

//go:embed *.tmpl
var files embed.FS

// Parse returns the templates, by file name: network.go.tmpl, helpers.go.tmpl
// and main.go.tmpl.
func Parse() (*template.Template, error) {
	return template.New("annc").Option("missingkey=error").ParseFS(files, "*.tmpl")
}
