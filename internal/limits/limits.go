// Package limits holds the resource bounds annc puts on what it reads and
// what it generates, so that hostile or merely huge input gets a diagnostic
// at file:line:col instead of exhausting time, memory or the Go stack. Each
// bound is far above what a real model needs; README.md lists them.
package limits

const (
	// ModelBytes caps the size of a model file. Everything annc does while
	// checking is linear in the input within these bounds; 16 MiB leaves
	// room for models with long inline lists (spike times, matrices) while
	// keeping the parse itself (yaml.v3 builds ~10 nodes per value) well
	// under a gigabyte.
	ModelBytes = 16 << 20

	// ScalarBytes caps one string of equations, parameters, functions or an
	// expression. Hand-written blocks are a few KB; every byte of such a
	// string costs about a hundred bytes of tokens and positions.
	ScalarBytes = 1 << 20

	// ModelTextBytes caps the equation text (equations, parameters,
	// functions, expressions) of a whole model: parsed and analysed, each
	// byte costs a few hundred bytes of memory. A large published model
	// has tens of kilobytes.
	ModelTextBytes = 2 << 20

	// ListValues caps the numbers of one inline list (spike times, values
	// per neuron, a connection matrix): each becomes about 20 bytes of Go
	// and a few hundred bytes while checking; larger data belongs in a
	// .npy file, read at run time.
	ListValues = 100000

	// StatementTokens caps the tokens of one statement. A sum of a thousand
	// weighted terms is 4,000 tokens; the parser, the analysis and the code
	// generator recurse over operator chains, whose length this bounds.
	StatementTokens = 10000

	// ExprDepth caps the nesting of an expression (parentheses, unary
	// operators, powers, conditionals, calls). Written equations nest fewer
	// than ten levels; CPython itself stops at 200 nested parentheses.
	ExprDepth = 256

	// AliasNodes caps the YAML nodes that aliases (*name) stand for, summed
	// over every alias of the file: reusing a parameter block a few dozen
	// times is a few thousand nodes, while a "billion laughs" file of a few
	// hundred bytes would expand to billions.
	AliasNodes = 100000

	// Neurons caps the size of one population, so that a typo in a
	// geometry gives an error rather than exhausting memory at run time.
	Neurons = 1 << 30

	// TypeStatements caps the variables, functions and statements of one
	// neuron or synapse type after the analysis, and ModelStatements those
	// of the whole model (types, populations, projections, monitors). Each
	// becomes about 700 bytes of Go: 2,000 of them took go build 70 s and
	// 700 MB, 20,000 (14 MB of Go) did not build in 500 s with 11 GB.
	// Published models have fewer than fifty per type.
	TypeStatements  = 1000
	ModelStatements = 5000

	// CodeBytes caps the estimated size of the generated Go source, inline
	// data (spike times, per-neuron lists, matrices: ~20 bytes a number)
	// included.
	CodeBytes = 8 << 20

	// Steps caps the steps of one duration of the model (a simulation, a
	// schedule's simulate, a period, an offset), duration/dt rounded: the
	// runtime counts steps in an int64 and computes times as steps × dt,
	// exact in float64 up to 2^53 (runtime.MaxSteps). At a microsecond a
	// step, 2^53 steps take 285 years.
	Steps = 1 << 53

	// NameBytes caps a name (the model, a type, an object, a variable, a
	// constant). Names become Go identifiers, the build directory and the
	// results files ("monitor.variable.npy", "monitor.sum(target).npy" and
	// their temporary names), which file systems cap at 255 bytes.
	NameBytes = 100
)
