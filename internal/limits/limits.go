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

	// Neurons caps the size of one population (and of a view of it), the
	// largest rank an int32 index in the generated code and the runtime's
	// connectivity arrays can hold.
	Neurons = 1 << 31

	// ListValues caps the numbers in one inline list value (spike times,
	// per-neuron values, a connection matrix): larger data belongs in a
	// .npy file, which is read at run time rather than compiled in.
	ListValues = 1 << 20

	// TypeStatements caps the statements of one neuron or synapse type after
	// the analysis (equations, resets, spike events, functions inlined),
	// and ModelStatements those of the whole model. Each statement becomes a
	// few lines of Go in one function; 2,000 in one type is far beyond any
	// published model, while 20,000 give a file that go build cannot
	// compile in minutes.
	TypeStatements  = 2000
	ModelStatements = 10000

	// CodeBytes caps the generated Go source of a model: about 200,000
	// lines, which go build compiles in well under a minute.
	CodeBytes = 8 << 20
)
