// Package parser is the syntax layer of annc: it decodes a model.yaml into
// the tree of ast.go and parses ANNarchy's equation strings inside it, with
// every node's position mapped back to the model file.
//
// Entry points: ParseModel for a whole file; ParseExpr, ParseParams,
// ParseEquations, ParseFunctions and ParseStopCond for single strings, each
// taking a PosMapper (At for a string at a known position, ScalarMapper for a
// YAML scalar, nil for string-relative positions); Print and PrintModel for
// the canonical form, which parses back to the same tree.
//
// Decisions about the equation language, where ANNarchy leaves room:
//
//   - Precedence follows Python: "if c: a else: b" (a primary whose branches
//     extend as far as possible; printed in parentheses inside an operator),
//     or, and, not, comparisons (left-associative, "is" as written), then
//     plus and minus, times and divide, unary + -, then ** and ^ (both power,
//     right-associative, binding tighter than a unary minus on their left:
//     -x^2 is -(x^2); the exponent may carry a sign: x^-2). The printer
//     writes powers as "^".
//   - "dx/dt" is one token (blanks around '/' allowed), so "tau * dv/dt" is
//     tau times the derivative, not (tau*dv)/dt. A name "d..." divided by dt
//     therefore always reads as a derivative, as in ANNarchy.
//   - A logical line continues on the next physical line inside parentheses,
//     after an operator, ',', ':' or a keyword, before a line starting with a
//     binary operator, 'else' or ':', and after a trailing backslash; but a
//     following line that starts a statement ("x =", "dx/dt") always starts
//     a new one, so a dangling operator or '(' is reported where it is.
//     ';' separates statements on one line; '#' starts a comment.
//   - Flags follow the last top-level ':' that is not the colon of an
//     "if ...:" or "else:". Flags are comma-separated; init, min and max take
//     "= expr", the others take no value. Unknown flags are errors, with a
//     suggestion when one is close.
//   - The left side of an assignment is a name or pre.x / post.x; an
//     equation with one derivative anywhere (either side) is an ODE, which
//     must use '='. Only pre and post may be followed by '.'.
//   - String values in the YAML (distributions, equations of t, monitored
//     expressions) are parsed as expressions; strings that look like file
//     names (".npy", ".csv", containing '/') are kept as text only.
//
// The YAML schema is strict: unknown keys, wrong types and missing required
// fields are errors at the node's line and column, with suggestions for
// misspelt keys. All errors are collected and sorted; nothing panics.
package parser
