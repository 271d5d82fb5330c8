package runtime

// GenVersion is the version of the interface between generated code and this
// runtime. Generated code asserts it at compile time, so a package generated
// by one annc and built against the runtime of another fails to build with a
// message pointing at the guard instead of failing somewhere obscure.
const GenVersion = 1

// EnforceVersion is the type of the compile-time guard: generated code
// declares
//
//	const _ = annrt.EnforceVersion(annrt.GenVersion - N)
//	const _ = annrt.EnforceVersion(N - annrt.GenVersion)
//
// for the N it was generated for; when the two differ, one constant is
// negative and overflows this unsigned type. Regenerate with `annc compile`.
type EnforceVersion uint
