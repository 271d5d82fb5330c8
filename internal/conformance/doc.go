// Package conformance checks annc end to end against ANNarchy's documented
// behaviour: each test compiles a model file of testdata/ through the whole
// pipeline (parser, ir, codegen, go build), runs the generated runner and
// compares the .npy results with values derived by hand in the test, at a
// relative tolerance of 1e-7 (random quantities statistically).
//
// Each model file holds many small populations and projections, each testing
// one feature, so that a test binary builds every model only once.
package conformance
