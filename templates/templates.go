// Package templates holds the text/template skeletons of the Go files annc
// generates: the file layout, the Network type, its constructor, the step in
// the order of the README's "One step" and the access by path
// (network.go.tmpl), and one template per generated type: a neuron type
// (neuron.go.tmpl) and a projection (projection.go.tmpl), with their
// fields, allocation, accessors and method declarations. Expressions and
// the statements of method bodies are printed by package codegen and reach
// the templates as text in one view value; the rest reaches them as data
// (names, fields, types, flags, indexes, shapes) that the templates print.
package templates

import (
	"embed"
	"text/template"
)

//go:embed *.tmpl
var files embed.FS

// Parse returns the templates, by file name: network.go.tmpl, helpers.go.tmpl
// and main.go.tmpl, with the types' templates they call (neuronType,
// projectionType, ...) defined by the other files.
func Parse() (*template.Template, error) {
	return template.New("annc").Option("missingkey=error").ParseFS(files, "*.tmpl")
}
