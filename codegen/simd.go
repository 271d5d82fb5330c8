package codegen

import (
	"fmt"
	"sort"
	"strings"

	"github.com/annc/annc/ir"
	"github.com/annc/annc/lower"
)

// AVX2 kernels of neuron loops.
//
// The per-neuron loop of a neuron type whose equations are plain
// arithmetic (+ - * /, small integer powers, negation, conditionals) is also
// compiled to a Go assembly function that updates four neurons (float32
// models: eight) per instruction; exp included, which the scalar loop computes with
// runtime.Exp and the kernel with the runtime's expPD, its four-lane twin
// (float32 models: runtime.Exp32 and expPS, eight lanes).
// It compiles the same lowered loop (package lower) the scalar loop prints:
// the same operations on the same operands (slots, values read in place,
// arrays) in the same order, with no fused multiply-add (but those of
// runtime.Exp) and no reassociation, so both give bit-identical results; the scalar loop
// handles the last N mod 4 neurons, machines without AVX2, other
// architectures, and ANNC_SIMD=off.
//
// Refractory neurons are handled with masks instead of branches: the
// equations are computed for every neuron and the frozen variables keep their
// old value where the refractory counter is positive. Spikes are collected by
// the kernel (ascending ranks); reset statements, t_last and the refractory
// counter of the neurons that spiked run afterwards in Go.

// simdKernel is one generated assembly function.
type simdKernel struct {
	fn    string // Go name of the function variable (nil when unavailable)
	asmFn string // Go name of the assembly function
	sig   string // parameter list of both
	ret   string // result type ("int": spike count) or ""
	text  string // assembly body
	nptrs int    // arrays in the pointer table
	ninv  int    // invariant slots
	lanes int    // values per instruction: 4 (float64) or 8 (float32)
	ft    string // Go type of the values: float64 or float32
	// wideFn and wideText: the AVX-512 twin of the kernel (2*lanes values
	// per instruction), "" when it has none.
	wideFn, wideText string
}

// kernel returns the kernel whose function variable is fn, nil if none.
func (g *generator) kernel(fn string) *simdKernel {
	for _, k := range g.kernels {
		if k.fn == fn {
			return k
		}
	}
	return nil
}

// simdFail aborts the compilation of a kernel (the scalar loop is used).
type simdFail struct{ why string }

// Operand kinds of a value in the kernel.
const (
	kReg = iota // a YMM register
	kMem        // an element block of a per-neuron array (old values)
	kInv        // a loop-invariant value, four copies in the inv array
)

// vecOperand is a value of a vector kernel: a register, an array element
// or an invariant slot.
type vecOperand struct {
	kind  int
	n     int  // register number, array index or inv slot
	named bool // a variable's or temporary's value: never reused as scratch
}

// vecArray is an array a kernel reads: the Go local bound to the slice
// (key, name and initial value as the scalar loop binds it).
type vecArray struct{ key, name, init string }

// vecInv is a loop-invariant value of a kernel: an operand of the lowered
// loop (a slot or a value read in place), or a constant bit pattern (lit).
// mask: e is a boolean, passed as a lane mask (all ones when true).
type vecInv struct {
	e    ir.Expr
	lit  string
	mask bool
}

// vecCompiler compiles one lowered loop into an AVX2 kernel. It reads only
// the lowered statements and the names of the arrays; the Go code around the
// kernel binds the arrays and prints the invariants (bindKernel).
type vecCompiler struct {
	nt        *ntype
	lp        *lower.Loop
	b         strings.Builder
	busy      [16]bool
	arrays    []vecArray // slices whose base pointers the kernel reads, by index
	arrIdx    map[string]int
	arrIdxReg []string // index register of each array: SI (neuron or synapse), DI (presynaptic rank)
	pj        *proj    // synapse kernels: the projection
	invs      []vecInv // the loop-invariant values, by slot
	invIdx    map[string]int
	cur       map[*ir.Var]vecOperand
	temps     map[string]vecOperand
	order     []*ir.Var // variables assigned, in first-assignment order

	peak           int         // most registers in use at once
	useInv, useArr map[int]int // reads of each invariant and array
	pinInv         map[int]int // invariants kept in registers for the whole kernel
	pinArr         map[int]bool
	arrReg         map[int]int // pinned arrays loaded in this iteration
	expFn          string      // the runtime's expPD as the assembly names it ("": no exp)
	// spill stores each variable at its last assignment, freeing its
	// register, instead of at the end of the iteration (loops whose
	// variables would not fit in the registers otherwise).
	spill bool
	// byPre compiles the loop over presynaptic ranks of the variables a
	// projection stores per presynaptic neuron (SI = DI = the rank): they
	// live in their per-presynaptic arrays, and a per-presynaptic slot is
	// computed in place, as the scalar loop prints it (preInline).
	byPre bool
	// f32 compiles a float32 model's loop: eight single-precision lanes
	// (emit turns each ...PD instruction into its ...PS twin).
	f32 bool
}

// lanes is the number of neurons an iteration updates.
func (s *vecCompiler) lanes() int {
	if s.f32 {
		return 8
	}
	return 4
}

// Kernels that call exp keep Y0 for the runtime's expPD (expPS in float32
// kernels; simd_amd64.s), which takes its argument and returns its result
// there and preserves the other registers.
const expReg = 0

// reserveExp keeps Y0 free for calls of expPD when stmts or extra call exp
// (runtime: the import path of the generated network's runtime).
func (s *vecCompiler) reserveExp(runtime string, stmts []ir.Stmt, extra ...ir.Expr) {
	found := false
	look := func(e ir.Expr) {
		walk(e, func(x ir.Expr) {
			if c, ok := x.(*ir.Call); ok && c.Fun == "exp" {
				found = true
			}
			if u, ok := x.(*lower.Use); ok && u.Slot != nil && s.byPre && u.Slot.Place == lower.PerPre {
				walk(u.Slot.Value, func(y ir.Expr) {
					if c, ok := y.(*ir.Call); ok && c.Fun == "exp" {
						found = true
					}
				})
			}
		})
	}
	for _, st := range stmts {
		if a, ok := st.(*ir.Assign); ok {
			look(a.Value)
		}
	}
	for _, e := range extra {
		look(e)
	}
	if found {
		s.busy[expReg] = true
		// The runtime's symbol, as Go assembly spells a package path: its
		// assembler reads '/' as U+2215 and '.' as U+00B7 (a module path such
		// as example.com/sim has dots; the last element, runtime, has none, so
		// the linker's name needs no escaping).
		fn := "expPD"
		if s.f32 {
			fn = "expPS" // Exp32 on eight lanes
		}
		s.expFn = strings.NewReplacer("/", "\u2215", ".", "\u00b7").Replace(runtime) + "\u00b7" + fn + "(SB)"
	}
}

// rawLeaves wraps the invariant leaves of an expression of the IR (a slot's
// value) as operands read in place, for the kernel to compile it as the
// scalar loop prints it.
func (s *vecCompiler) rawLeaves(e ir.Expr) ir.Expr {
	switch x := e.(type) {
	case *ir.Binary:
		return &ir.Binary{Op: x.Op, X: s.rawLeaves(x.X), Y: s.rawLeaves(x.Y)}
	case *ir.Unary:
		return &ir.Unary{Op: x.Op, X: s.rawLeaves(x.X)}
	case *ir.Call:
		args := make([]ir.Expr, len(x.Args))
		for i, a := range x.Args {
			args[i] = s.rawLeaves(a)
		}
		return &ir.Call{Fun: x.Fun, Args: args}
	case *ir.Cond:
		return &ir.Cond{C: s.rawLeaves(x.C), A: s.rawLeaves(x.A), B: s.rawLeaves(x.B)}
	case *ir.VarRef:
		switch {
		case x.Side == ir.Pre:
			if v := s.pj.pre.nt.byName[x.Name]; v != nil && v.Loc == ir.Local {
				return x
			}
		case x.Side == ir.Self && x.Var != nil && x.Var.Loc == ir.Local:
			return x
		}
	case *ir.Temp, *ir.RandRef:
		return e
	}
	if lower.Leaf(e) {
		return &lower.Use{Expr: e}
	}
	return e
}

const maskReg = 15 // Y15: all ones in the lanes of refractory neurons

// Array base pointers live in these registers; later arrays are reloaded
// into AX from the pointer table (BX) at each use.
var arrRegs = []string{"R11", "R12", "R13", "R14"}

func (s *vecCompiler) fail(format string, args ...any) {
	panic(simdFail{fmt.Sprintf(format, args...)})
}

func (s *vecCompiler) emit(format string, args ...any) {
	s.b.WriteString("\t" + s.mnemonic(fmt.Sprintf(format, args...)) + "\n")
}

// mnemonic turns a packed-double instruction into its packed-single twin in
// float32 kernels (the same operation, IEEE single rounding, as Go's float32
// arithmetic).
func (s *vecCompiler) mnemonic(ins string) string {
	if !s.f32 {
		return ins
	}
	op, rest, found := strings.Cut(ins, " ")
	if strings.HasPrefix(op, "V") && strings.HasSuffix(op, "PD") {
		op = strings.TrimSuffix(op, "PD") + "PS"
	}
	if !found {
		return op
	}
	return op + " " + rest
}

func (s *vecCompiler) alloc() int {
	for r := 0; r < maskReg; r++ {
		if !s.busy[r] {
			s.busy[r] = true
			n := 0
			for _, b := range s.busy {
				if b {
					n++
				}
			}
			s.peak = max(s.peak, n)
			return r
		}
	}
	s.fail("too many live values")
	return 0
}

func (s *vecCompiler) release(v vecOperand) {
	if v.kind == kReg && !v.named {
		s.busy[v.n] = false
	}
}

func (s *vecCompiler) array(a vecArray) vecOperand { return s.arrayAt(a, "SI") }

// arrayAt registers a slice read at the index register idx.
func (s *vecCompiler) arrayAt(a vecArray, idx string) vecOperand {
	k, ok := s.arrIdx[a.key]
	if !ok {
		k = len(s.arrays)
		s.arrays = append(s.arrays, a)
		s.arrIdxReg = append(s.arrIdxReg, idx)
		s.arrIdx[a.key] = k
	}
	if s.arrIdxReg[k] != idx {
		s.fail("slice %s read at two indices", a.name)
	}
	return vecOperand{kind: kMem, n: k}
}

// inv registers an invariant operand of the lowered loop.
func (s *vecCompiler) inv(u *lower.Use) vecOperand {
	key := "slot." + lower.Key(u.Expr)
	if u.Slot != nil {
		key = "slot." + u.Slot.Name
	}
	return s.invAt(key, vecInv{e: u})
}

// invMask registers a boolean operand read in place as a lane mask.
func (s *vecCompiler) invMask(u *lower.Use) vecOperand {
	return s.invAt("mask."+lower.Key(u.Expr), vecInv{e: u, mask: true})
}

// allOnes is the Go expression of a lane with every bit set.
func (s *vecCompiler) allOnes() string {
	if s.f32 {
		return "math.Float32frombits(1<<32 - 1)"
	}
	return "math.Float64frombits(1<<64 - 1)"
}

// invLit registers a constant bit pattern (a Go expression).
func (s *vecCompiler) invLit(lit string) vecOperand { return s.invAt("lit."+lit, vecInv{lit: lit}) }

func (s *vecCompiler) invAt(key string, v vecInv) vecOperand {
	k, ok := s.invIdx[key]
	if !ok {
		k = len(s.invs)
		s.invs = append(s.invs, v)
		s.invIdx[key] = k
	}
	s.useInv[k]++
	if r, ok := s.pinInv[k]; ok {
		return vecOperand{kind: kReg, n: r, named: true}
	}
	return vecOperand{kind: kInv, n: k}
}

// old reads the values of a per-neuron array at the start of the iteration.
func (s *vecCompiler) old(a vecArray) vecOperand { return s.oldAt(a, "SI") }

// oldAt reads the values of an array at the index register idx.
func (s *vecCompiler) oldAt(a vecArray, idx string) vecOperand {
	m := s.arrayAt(a, idx)
	s.useArr[m.n]++
	if !s.pinArr[m.n] {
		return m
	}
	r, ok := s.arrReg[m.n]
	if !ok {
		r = s.alloc()
		s.emit("VMOVUPD %s, Y%d", s.operand(m), r)
		s.arrReg[m.n] = r
	}
	return vecOperand{kind: kReg, n: r, named: true}
}

// operand prints v as an instruction operand (reloading an array pointer
// into AX when the array has no register of its own).
func (s *vecCompiler) operand(v vecOperand) string {
	switch v.kind {
	case kReg:
		return fmt.Sprintf("Y%d", v.n)
	case kInv:
		return fmt.Sprintf("%d(DX)", v.n*32)
	}
	idx := s.arrIdxReg[v.n] + "*8)"
	if s.f32 {
		idx = s.arrIdxReg[v.n] + "*4)"
	}
	if v.n < len(arrRegs) {
		return "(" + arrRegs[v.n] + ")(" + idx
	}
	s.emit("MOVQ %d(BX), AX", v.n*8)
	return "(AX)(" + idx
}

// inReg returns v in a register, loading it into a new one when needed.
func (s *vecCompiler) inReg(v vecOperand) vecOperand {
	if v.kind == kReg {
		return v
	}
	r := s.alloc()
	s.emit("VMOVUPD %s, Y%d", s.operand(v), r)
	return vecOperand{kind: kReg, n: r}
}

// op computes a (op) b.
func (s *vecCompiler) op(ins string, commutative bool, a, b vecOperand) vecOperand {
	if commutative && a.kind != kReg && b.kind == kReg {
		a, b = b, a
	}
	a = s.inReg(a)
	var dst int
	switch {
	case !a.named:
		dst = a.n
	case b.kind == kReg && !b.named:
		dst = b.n
	default:
		dst = s.alloc()
	}
	s.emit("%s %s, Y%d, Y%d", ins, s.operand(b), a.n, dst)
	if a.n != dst {
		s.release(a)
	}
	if b.kind != kReg || b.n != dst {
		s.release(b)
	}
	return vecOperand{kind: kReg, n: dst}
}

// expr compiles a float expression of the lowered loop: the operations the
// scalar loop performs, in its order.
func (s *vecCompiler) expr(e ir.Expr) vecOperand {
	switch x := e.(type) {
	case *lower.Use:
		switch {
		case x.Slot == nil || x.Slot.Place == lower.Invariant:
			if ir.TypeOf(x.Expr) == ir.Bool {
				s.fail("boolean invariant")
			}
			return s.inv(x)
		case x.Slot.Place == lower.PerPre && s.byPre:
			return s.expr(s.rawLeaves(x.Slot.Value))
		case x.Slot.Place == lower.PerPre && s.pj != nil:
			return s.oldAt(vecArray{"prearr." + x.Slot.Name, "ph_" + x.Slot.Name, "pj." + x.Slot.Name}, "DI")
		}
		s.fail("slot %s computed per postsynaptic neuron", x.Slot.Name)
	case *lower.Mul:
		return s.op("VMULPD", false, s.expr(x.X), s.expr(x.By))
	}
	if s.pj != nil {
		if r, ok := s.synExpr(e); ok {
			return r
		}
	}
	switch x := e.(type) {
	case *ir.VarRef:
		v := x.Var
		if x.Side != ir.Self || v == nil || v.Loc == ir.Global || v.Type != ir.Float || s.nt == nil {
			s.fail("variable %s", x.Name)
		}
		if val, ok := s.cur[v]; ok {
			return val
		}
		return s.old(s.neuronArray(v))
	case *ir.Temp:
		val, ok := s.temps[x.Name]
		if !ok {
			s.fail("temporary %s read before it is assigned", x.Name)
		}
		return val
	case *ir.RandRef:
		if x.R.Loc == ir.Global || s.nt == nil {
			s.fail("random")
		}
		f := s.nt.randField[x.R]
		return s.old(vecArray{"rnd." + f, "rs_" + f, "p." + f + "[:N]"})
	case *ir.SumRef:
		targets := []string{x.Target}
		if x.Target == "" {
			targets = s.nt.targets
		}
		if len(targets) == 0 || x.Side != ir.Self || s.nt == nil {
			s.fail("sum")
		}
		var acc vecOperand
		for i, t := range targets {
			f := s.nt.sumField[t]
			if f == "" {
				s.fail("sum(%s)", t)
			}
			a := s.old(vecArray{"sum." + f, "s_" + f, "p." + f + "[:N]"})
			if i == 0 {
				acc = a
			} else {
				acc = s.op("VADDPD", true, acc, a)
			}
		}
		return acc
	case *ir.Unary:
		if x.Op != "-" {
			s.fail("unary %s", x.Op)
		}
		a := s.expr(x.X)
		neg := "math.Copysign(0, -1)"
		if s.f32 {
			neg = "float32(" + neg + ")"
		}
		return s.op("VXORPD", true, a, s.invLit(neg))
	case *ir.Binary:
		switch x.Op {
		case "pow":
			k, ok := fold(x.Y)
			if !ok || (k != 2 && k != 3 && k != 4) {
				s.fail("pow")
			}
			a := s.inReg(s.expr(x.X))
			// pow2(x) = x*x, pow3(x) = x*x*x, pow4(x) = (x*x)*(x*x).
			r := a.n
			if a.named {
				r = s.alloc()
			}
			if k == 3 {
				sq := s.alloc()
				s.emit("VMULPD Y%d, Y%d, Y%d", a.n, a.n, sq)
				s.emit("VMULPD Y%d, Y%d, Y%d", a.n, sq, r)
				s.busy[sq] = false
			} else {
				s.emit("VMULPD Y%d, Y%d, Y%d", a.n, a.n, r)
				if k == 4 {
					s.emit("VMULPD Y%d, Y%d, Y%d", r, r, r)
				}
			}
			return vecOperand{kind: kReg, n: r}
		case "/":
			return s.op("VDIVPD", false, s.expr(x.X), s.expr(x.Y))
		case "+":
			return s.op("VADDPD", true, s.expr(x.X), s.expr(x.Y))
		case "-":
			return s.op("VSUBPD", false, s.expr(x.X), s.expr(x.Y))
		case "*":
			return s.op("VMULPD", true, s.expr(x.X), s.expr(x.Y))
		}
		s.fail("operator %s in a float expression", x.Op)
	case *ir.Call:
		if x.Fun != "exp" || len(x.Args) != 1 || s.expFn == "" {
			s.fail("function %s", x.Fun)
		}
		// The same operations as runtime.Exp (Exp32), which the scalar loop calls.
		a := s.inReg(s.expr(x.Args[0]))
		s.emit("VMOVAPD Y%d, Y%d", a.n, expReg)
		s.release(a)
		s.emit("CALL %s", s.expFn)
		dst := s.alloc()
		s.emit("VMOVAPD Y%d, Y%d", expReg, dst)
		return vecOperand{kind: kReg, n: dst}
	case *ir.Cond:
		m := s.cond(x.C)
		a := s.inReg(s.expr(x.A))
		bv := s.inReg(s.expr(x.B))
		// ite(c, a, b): a where the mask is set.
		dst := s.alloc()
		s.emit("VBLENDVPD Y%d, Y%d, Y%d, Y%d", m.n, a.n, bv.n, dst)
		s.release(m)
		s.release(a)
		s.release(bv)
		return vecOperand{kind: kReg, n: dst}
	}
	s.fail("expression %T", e)
	return vecOperand{}
}

// Comparison predicates of VCMPPD with Go's semantics (false when a NaN is
// compared, except for !=).
var cmpPred = map[string]int{">": 0x1e, ">=": 0x1d, "<": 0x11, "<=": 0x12, "==": 0x00, "!=": 0x04}

// cond compiles a boolean expression to a lane mask in a register (the
// callers use it as a register operand).
func (s *vecCompiler) cond(e ir.Expr) vecOperand {
	switch x := e.(type) {
	case *lower.Use:
		// A condition the same for every neuron: its comparisons are
		// computed on the invariant values it reads.
		if x.Slot != nil && x.Slot.Place != lower.Invariant {
			s.fail("condition slot %s", x.Slot.Name)
		}
		e := invOperands(x.Expr)
		if u, ok := e.(*lower.Use); ok {
			// A boolean leaf (a bool parameter, True): invOperands
			// would wrap it again; the mask is computed in Go.
			return s.inReg(s.invMask(u))
		}
		return s.cond(e)
	case *ir.Binary:
		switch x.Op {
		case "&&", "||":
			a, b := s.cond(x.X), s.cond(x.Y)
			ins := "VANDPD"
			if x.Op == "||" {
				ins = "VORPD"
			}
			return s.op(ins, true, a, b)
		}
		if pred, ok := cmpPred[x.Op]; ok {
			if s.isBool(x.X) || s.isBool(x.Y) {
				s.fail("boolean comparison")
			}
			a := s.inReg(s.expr(x.X))
			b := s.expr(x.Y)
			dst := s.alloc()
			s.emit("VCMPPD $0x%02x, %s, Y%d, Y%d", pred, s.operand(b), a.n, dst)
			s.release(a)
			s.release(b)
			return vecOperand{kind: kReg, n: dst}
		}
	case *ir.Unary:
		if x.Op == "!" {
			a := s.cond(x.X)
			return s.op("VXORPD", true, a, s.invLit(s.allOnes()))
		}
	}
	s.fail("condition %T", e)
	return vecOperand{}
}

// invOperands rewrites an invariant condition over its leaves read in place
// (their values become invariant operands; a compound operand is not one).
func invOperands(e ir.Expr) ir.Expr {
	switch x := e.(type) {
	case *ir.Binary:
		if _, cmp := cmpPred[x.Op]; cmp || x.Op == "&&" || x.Op == "||" {
			return &ir.Binary{Op: x.Op, X: invOperands(x.X), Y: invOperands(x.Y)}
		}
	case *ir.Unary:
		if x.Op == "!" {
			return &ir.Unary{Op: "!", X: invOperands(x.X)}
		}
	}
	if lower.Leaf(e) {
		return &lower.Use{Expr: e}
	}
	return e
}

func (s *vecCompiler) isBool(e ir.Expr) bool {
	switch x := e.(type) {
	case *lower.Use:
		return ir.TypeOf(x.Expr) == ir.Bool
	case *ir.Const:
		return x.Type == ir.Bool
	case *ir.VarRef:
		return x.Var != nil && x.Var.Type == ir.Bool
	case *ir.Binary:
		_, cmp := cmpPred[x.Op]
		return cmp || x.Op == "&&" || x.Op == "||"
	case *ir.Unary:
		return x.Op == "!"
	}
	return false
}

// assign records the value of one statement.
func (s *vecCompiler) assign(a *ir.Assign) {
	val := s.expr(a.Value)
	if val.kind == kMem {
		// Arrays are stored at the end of the iteration: copy the old value.
		val = s.inReg(val)
	}
	if val.kind == kReg {
		val.named = true
	}
	switch l := a.LHS.(type) {
	case *ir.Temp:
		s.temps[l.Name] = val
	case *ir.VarRef:
		v := l.Var
		if l.Side != ir.Self || v == nil || v.Loc != ir.Local || v.Type != ir.Float {
			s.fail("assignment to %s", l.Name)
		}
		if s.pj != nil && s.pj.fld[v] == "" {
			s.fail("assignment to %s", l.Name)
		}
		if _, ok := s.cur[v]; !ok {
			s.order = append(s.order, v)
		}
		s.cur[v] = val
	default:
		s.fail("assignment to %T", a.LHS)
	}
}

// reads lists the variables and temporaries an expression reads.
func reads(e ir.Expr, fn func(key any)) {
	walk(e, func(x ir.Expr) {
		switch r := x.(type) {
		case *ir.VarRef:
			if r.Side == ir.Self && r.Var != nil {
				fn(r.Var)
			}
		case *ir.Temp:
			fn("tmp:" + r.Name)
		}
	})
}

func lhsKey(e ir.Expr) any {
	switch l := e.(type) {
	case *ir.VarRef:
		return l.Var
	case *ir.Temp:
		return "tmp:" + l.Name
	}
	return nil
}

// simdLoop compiles the lowered update loop lp of nt (zero: the variables
// set to 0 after the equations). It returns nil when the loop cannot be
// vectorised.
//
// A first compilation reads every invariant and array from memory; a second
// one keeps the most used of them in the registers left free.
func (g *generator) simdLoop(nt *ntype, lp *lower.Loop, zero []*ir.Var) (*simdKernel, *vecCompiler) {
	t := nt.t
	if t.Input != ir.NotInput || lp == nil {
		return nil, nil
	}
	first := g.simdTry(nt, lp, zero, nil, nil, false)
	spill := false
	if first == nil {
		spill = true
		if first = g.simdTry(nt, lp, zero, nil, nil, true); first == nil {
			return nil, nil
		}
	}
	pinInv, pinArr := choosePins(first)
	best := first
	if len(pinInv)+len(pinArr) > 0 {
		if second := g.simdTry(nt, lp, zero, pinInv, pinArr, spill); second != nil {
			best = second
		}
	}
	return best.kernel(), best
}

// choosePins picks the invariants and arrays to keep in the registers a
// first compilation left free, the most read first.
func choosePins(first *vecCompiler) (map[int]int, map[int]bool) {
	type cand struct {
		inv    bool
		n, use int
	}
	var cands []cand
	for k, u := range first.useInv {
		cands = append(cands, cand{true, k, u})
	}
	for k, u := range first.useArr {
		if u > 1 {
			cands = append(cands, cand{false, k, u - 1})
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.use != b.use {
			return a.use > b.use
		}
		if a.inv != b.inv {
			return a.inv
		}
		return a.n < b.n
	})
	free := maskReg - first.peak
	pinInv, pinArr := map[int]int{}, map[int]bool{}
	reg := maskReg - 1
	for _, c := range cands {
		if free == 0 {
			break
		}
		free--
		if c.inv {
			pinInv[c.n] = reg
			reg--
		} else {
			pinArr[c.n] = true
		}
	}
	return pinInv, pinArr
}

// simdTry compiles the loop with the given invariants and arrays kept in
// registers; nil when it cannot.
func (g *generator) simdTry(nt *ntype, lp *lower.Loop, zero []*ir.Var, pinInv map[int]int, pinArr map[int]bool, spill bool) (s *vecCompiler) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(simdFail); !ok {
				panic(r)
			}
			s = nil
		}
	}()
	s = newVecCompiler(lp, pinInv, pinArr)
	s.nt, s.spill, s.f32 = nt, spill, g.f32
	s.reserveExp(g.opt.ImportBase+"/runtime", lp.Body, lp.Spike)
	s.body(zero)
	return s
}

// newVecCompiler starts the compilation of loop lp with the invariants and
// arrays pinned to registers (pinInv, pinArr) marked busy.
func newVecCompiler(lp *lower.Loop, pinInv map[int]int, pinArr map[int]bool) *vecCompiler {
	s := &vecCompiler{lp: lp, arrIdx: map[string]int{}, invIdx: map[string]int{},
		cur: map[*ir.Var]vecOperand{}, temps: map[string]vecOperand{},
		useInv: map[int]int{}, useArr: map[int]int{}, pinInv: pinInv, pinArr: pinArr, arrReg: map[int]int{}}
	for _, r := range pinInv {
		s.busy[r] = true
	}
	return s
}

// body compiles one iteration (four neurons at SI) into s.b.
func (s *vecCompiler) body(zero []*ir.Var) {
	t := s.nt.t
	refractory := t.Spiking && t.Refractory != nil
	zeroSet := map[*ir.Var]bool{}
	for _, v := range zero {
		zeroSet[v] = true
	}
	if t.Spiking {
		// The reset runs in Go on the stored values: it must not see the
		// conductances already zeroed, nor temporaries of the equations.
		for _, st := range t.Reset {
			a, ok := st.(*ir.Assign)
			if !ok {
				s.fail("statement")
			}
			bad := false
			check := func(x ir.Expr) {
				switch r := x.(type) {
				case *ir.VarRef:
					bad = bad || (r.Var != nil && zeroSet[r.Var])
				case *ir.Temp:
					bad = true
				}
			}
			walk(a.Value, check)
			check(a.LHS)
			if bad {
				s.fail("reset reads equation temporaries or zeroed conductances")
			}
		}
		if t.Spike == nil {
			s.fail("no spike condition")
		}
	}

	// Refractory mask and counter.
	if refractory && s.f32 {
		// Eight int32 counters: the comparison's lanes are the mask.
		cnt, zr := s.alloc(), s.alloc()
		s.emit("VMOVDQU (R8)(SI*4), Y%d", cnt)
		s.emit("VPXOR Y%d, Y%d, Y%d", zr, zr, zr)
		s.emit("VPCMPGTD Y%d, Y%d, Y%d", zr, cnt, maskReg)
		s.emit("VPADDD Y%d, Y%d, Y%d", maskReg, cnt, cnt)
		s.emit("VMOVDQU Y%d, (R8)(SI*4)", cnt)
		s.busy[cnt], s.busy[zr] = false, false
	} else if refractory {
		cnt, zr, m := s.alloc(), s.alloc(), s.alloc()
		s.emit("VMOVDQU (R8)(SI*4), X%d", cnt)
		s.emit("VPXOR X%d, X%d, X%d", zr, zr, zr)
		s.emit("VPCMPGTD X%d, X%d, X%d", zr, cnt, m)
		s.emit("VPADDD X%d, X%d, X%d", m, cnt, cnt)
		s.emit("VMOVDQU X%d, (R8)(SI*4)", cnt)
		s.emit("VPMOVSXDQ X%d, Y%d", m, maskReg)
		s.busy[cnt], s.busy[zr], s.busy[m] = false, false, false
	}

	// The equations; statements kept during refractoriness must compute the
	// same value in both branches.
	divergent := map[any]bool{}
	refVal := map[*ir.Var]vecOperand{}
	last := map[*ir.Var]int{}
	for i, st := range s.lp.Body {
		if a, ok := st.(*ir.Assign); ok {
			if v, ok := lhsKey(a.LHS).(*ir.Var); ok {
				last[v] = i
			}
		}
	}
	stored := map[*ir.Var]bool{}
	for i, st := range s.lp.Body {
		a, ok := st.(*ir.Assign)
		if !ok {
			s.fail("statement %T", st)
		}
		key := lhsKey(a.LHS)
		if key == nil {
			s.fail("assignment target")
		}
		if refractory && a.UnlessRefractory {
			reads(a.Value, func(r any) {
				if divergent[r] {
					s.fail("statement kept during refractoriness reads a frozen value")
				}
			})
		}
		s.assign(a)
		if v, ok := key.(*ir.Var); ok && s.spill && !refractory && last[v] == i && !zeroSet[v] {
			s.storeEarly(v)
			stored[v] = true
		}
		if refractory {
			if a.UnlessRefractory {
				delete(divergent, key)
				if v, ok := key.(*ir.Var); ok {
					refVal[v] = s.cur[v]
				}
			} else {
				divergent[key] = true
			}
		}
	}

	// Spike condition (with the values of this step, outside refractoriness).
	var spikeMask vecOperand
	if t.Spiking {
		spikeMask = s.cond(s.lp.Spike)
		if refractory {
			s.emit("VANDNPD Y%d, Y%d, Y%d", spikeMask.n, maskReg, spikeMask.n)
		}
	}

	// Stores: frozen variables keep their value in refractory lanes;
	// conductances without equations are zeroed.
	stores := append([]*ir.Var(nil), s.order...)
	for _, v := range zero {
		if _, ok := s.cur[v]; !ok {
			stores = append(stores, v)
		}
	}
	for _, v := range stores {
		if stored[v] {
			continue
		}
		mem := s.array(s.neuronArray(v))
		if zeroSet[v] {
			r := s.alloc()
			s.emit("VXORPD Y%d, Y%d, Y%d", r, r, r)
			s.emit("VMOVUPD Y%d, %s", r, s.operand(mem))
			s.busy[r] = false
			continue
		}
		val := s.cur[v]
		if refractory && divergent[v] {
			old, ok := refVal[v]
			if !ok {
				old = mem
				if r, ok := s.arrReg[mem.n]; ok {
					old = vecOperand{kind: kReg, n: r, named: true}
				}
			}
			nv := s.inReg(val)
			dst := s.alloc()
			s.emit("VBLENDVPD Y%d, %s, Y%d, Y%d", maskReg, s.operand(old), nv.n, dst)
			s.emit("VMOVUPD Y%d, %s", dst, s.operand(mem))
			s.busy[dst] = false
			s.release(nv)
			continue
		}
		r := s.inReg(val)
		s.emit("VMOVUPD Y%d, %s", r.n, s.operand(mem))
		s.release(r)
	}
	if t.Spiking {
		s.emit("VMOVMSKPD Y%d, AX", spikeMask.n)
		s.emit("TESTQ AX, AX")
		s.emit("JEQ next")
		s.b.WriteString("bits:\n")
		s.emit("BSFQ AX, CX")
		s.emit("ADDQ SI, CX")
		s.emit("MOVL CX, (R9)(R10*4)")
		s.emit("INCQ R10")
		s.emit("LEAQ -1(AX), CX")
		s.emit("ANDQ CX, AX")
		s.emit("JNE bits")
	}
	s.b.WriteString("next:\n")
}

// prologuePins loads the invariants kept in registers.
func (s *vecCompiler) prologuePins(a *strings.Builder) {
	slots := make([]int, 0, len(s.pinInv))
	for k := range s.pinInv {
		slots = append(slots, k)
	}
	sort.Ints(slots)
	for _, k := range slots {
		fmt.Fprintf(a, "\t%s %d(DX), Y%d\n", s.mnemonic("VMOVUPD"), k*32, s.pinInv[k])
	}
}

// kernel assembles the function around the compiled iteration, and its
// AVX-512 twin when every instruction has one (simd512.go).
func (s *vecCompiler) kernel() *simdKernel {
	name := "simd" + s.nt.goName
	np, ni := len(s.arrays), len(s.invs)
	k := &simdKernel{
		fn:    name,
		asmFn: name + "AVX2",
		sig:   fmt.Sprintf("ptrs *[%d]*%s, inv *[%d]%s, n int, refr *int32, spk *int32", np, s.ft(), s.lanes()*ni, s.ft()),
		ret:   " int",
		nptrs: np, ninv: ni, lanes: s.lanes(), ft: s.ft(),
	}
	var pins strings.Builder
	s.prologuePins(&pins)
	body := s.b.String()
	k.text = s.frame(k.asmFn, k.sig, pins.String(), "loop:\n\tCMPQ SI, DI\n\tJGE done\n"+body+fmt.Sprintf("\tADDQ $%d, SI\n\tJMP loop\n", s.lanes()))
	if _, widePins, wideBody, ok := s.twin(pins.String(), body); ok {
		// Twice the lanes while they fit, then the AVX2 iteration once for
		// the last lanes of n (a multiple of the AVX2 lanes). Its pinned
		// invariants are the low halves of the wide ones (broadcasts).
		k.wideFn = name + "AVX512"
		tail := strings.NewReplacer("bits:", "tbits:", "JNE bits", "JNE tbits", "next:", "tnext:", "JEQ next", "JEQ tnext").Replace(body)
		loops := fmt.Sprintf("loop:\n\tLEAQ %d(SI), CX\n\tCMPQ CX, DI\n\tJGT tail\n", 2*s.lanes()) + wideBody +
			fmt.Sprintf("\tADDQ $%d, SI\n\tJMP loop\n", 2*s.lanes()) +
			"tail:\n\tCMPQ SI, DI\n\tJGE done\n" + tail
		k.wideText = s.frame(k.wideFn, k.sig, widePins, loops)
	}
	return k
}

// twin rewrites a kernel's loads of pinned invariants and its iteration
// into their AVX-512 twins (simd512.go), its exponential calls into calls
// of the runtime's wide exponential (expPD to expPDZ, expPS to expPSZ); ok
// is false when an instruction has no twin.
func (s *vecCompiler) twin(pins, body string) (w *widener, widePins, wideBody string, ok bool) {
	w = &widener{f32: s.f32, expFn: s.expFn}
	if s.expFn != "" {
		w.expWide = strings.TrimSuffix(s.expFn, "(SB)") + "Z(SB)"
	}
	widePins, ok1 := w.widen(pins)
	wideBody, ok2 := w.widen(body)
	return w, widePins, wideBody, ok1 && ok2
}

// frame prints the neuron kernel asmFn around its loops (pins: the loads of
// the invariants kept in registers), which end at the label done.
func (s *vecCompiler) frame(asmFn, sig, pins, loops string) string {
	var a strings.Builder
	fmt.Fprintf(&a, "// func %s(%s) int\n", asmFn, sig)
	fmt.Fprintf(&a, "TEXT ·%s(SB), NOSPLIT, $0-48\n", asmFn)
	a.WriteString("\tMOVQ ptrs+0(FP), BX\n\tMOVQ inv+8(FP), DX\n\tMOVQ n+16(FP), DI\n\tMOVQ refr+24(FP), R8\n\tMOVQ spk+32(FP), R9\n")
	a.WriteString("\tXORQ R10, R10\n\tXORQ SI, SI\n")
	for i := 0; i < len(s.arrays) && i < len(arrRegs); i++ {
		fmt.Fprintf(&a, "\tMOVQ %d(BX), %s\n", i*8, arrRegs[i])
	}
	a.WriteString(pins)
	a.WriteString(loops)
	a.WriteString("done:\n\tVZEROUPPER\n\tMOVQ R10, ret+40(FP)\n\tRET\n")
	return a.String()
}

// ft is the Go type of the kernel's values.
func (s *vecCompiler) ft() string {
	if s.f32 {
		return "float32"
	}
	return "float64"
}

// neuronArray is the array of a per-neuron variable, bound as the scalar
// loop binds it.
func (s *vecCompiler) neuronArray(v *ir.Var) vecArray {
	f := s.nt.field[v]
	return vecArray{"s." + f, "s_" + f, "p." + f + "[:N]"}
}

// storeEarly stores the final value of v of this iteration and frees its
// register unless a temporary or another variable holds the same value;
// later reads load it from the array (not from a register pinned with the
// old values).
func (s *vecCompiler) storeEarly(v *ir.Var) {
	mem := s.array(s.neuronArray(v))
	r := s.inReg(s.cur[v])
	s.emit("VMOVUPD Y%d, %s", r.n, s.operand(mem))
	keep := false
	for _, t := range s.temps {
		keep = keep || (t.kind == kReg && t.n == r.n)
	}
	for w, c := range s.cur {
		keep = keep || (w != v && c.kind == kReg && c.n == r.n)
	}
	for _, p := range s.pinInv {
		keep = keep || p == r.n
	}
	for _, p := range s.arrReg {
		keep = keep || p == r.n
	}
	if !keep {
		s.busy[r.n] = false
	}
	s.cur[v] = mem
}

// synArray is the array of a per-synapse variable (field f).
func synArray(f string) vecArray { return vecArray{"s." + f, "s_" + f, "pj." + f} }

// kernelOperands binds the arrays a kernel reads before the loop c prints
// (the locals the scalar loop uses) and prints its invariants, in the
// kernel's order.
func (c *exprPrinter) kernelOperands(s *vecCompiler) (invs, arrays []string) {
	cache, temps := c.cache, c.temps
	c.cache, c.temps = nil, map[string]vtype{}
	defer func() { c.cache, c.temps = cache, temps }()
	for _, a := range s.arrays {
		arrays = append(arrays, c.outer.bind(a.key, a.name, a.init))
	}
	for _, v := range s.invs {
		e := v.lit
		switch {
		case v.mask:
			e = "ite(" + c.expr(v.e).boolean().s + ", " + s.allOnes() + ", 0)"
		case v.e != nil:
			e = c.expr(v.e).s
		}
		c.g.useIn(e)
		invs = append(invs, e)
	}
	return invs, arrays
}

// simdCall prints the Go code running kernel k before the scalar loop, which
// then starts at i0 (invs, arrays: its operands, see kernelOperands). reset
// is the Go code run for each neuron i that spiked.
func (g *generator) simdCall(nt *ntype, k *simdKernel, invs, arrays []string, reset string) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	l := 4
	if g.f32 {
		l = 8
	}
	w("i0 := lo\nif %s != nil && hi-lo >= %d {\nn4 := (hi - lo) &^ %d\n", k.fn, l, l-1)
	w("inv := &p.simdInv[chunk]\n")
	for i, e := range invs {
		w("splat%d(inv[%d:%d], %s)\n", l, l*i, l*i+l, e)
	}
	w("ptrs := &p.simdPtrs[chunk]\n")
	for i, a := range arrays {
		w("ptrs[%d] = &%s[lo]\n", i, a)
	}
	t := nt.t
	refr := "nil"
	if t.Spiking && t.Refractory != nil {
		refr = "&refr[lo]"
	}
	if t.Spiking {
		// The kernel writes the ranks, counted from lo, of the neurons
		// that spiked.
		w("if cap(spiked) < hi-lo {\nspiked = make([]int32, 0, max(hi-lo, N))\n}\nbuf := spiked[:hi-lo]\n")
		w("spiked = buf[:%s(ptrs, inv, n4, %s, &buf[0])]\n", k.fn, refr)
		w("for q, r := range spiked {\ni := int(r) + lo\nspiked[q] = int32(i)\n%s}\n", reset)
	} else {
		w("%s(ptrs, inv, n4, nil, nil)\n", k.fn)
	}
	w("i0 = lo + n4\n}\n")
	if strings.Contains(b.String(), "math.") {
		g.use("math")
	}
	return b.String()
}

// simdFiles returns the assembly and its Go declarations (amd64 only; other
// architectures leave the function variables nil and run the scalar loops).
// useIn imports math when a printed invariant uses it (the sign mask).
func (g *generator) useIn(e string) {
	if strings.Contains(e, "math.") {
		g.use("math")
	}
}

func (g *generator) simdFiles(pkg, header, runtimeImport string) map[string][]byte {
	ks := append([]*simdKernel(nil), g.kernels...)
	sort.Slice(ks, func(i, j int) bool { return ks[i].fn < ks[j].fn })
	var gs, as strings.Builder
	fmt.Fprintf(&gs, "%s\n\npackage %s\n\nimport (\n\"os\"\n\nannrt %q\n)\n\n", header, pkg, runtimeImport)
	gs.WriteString("// The AVX2 kernels are used when the processor and the operating system\n// support AVX2, unless ANNC_SIMD=off; the AVX-512 twins of the neuron\n// kernels and of the weight-run helpers where they support AVX-512F and DQ,\n// unless ANNC_SIMD=avx2.\nfunc init() {\n")
	sfx := "" // the runtime's helpers for the model's float type
	if g.f32 {
		sfx = "32"
	}
	fmt.Fprintf(&gs, "if os.Getenv(\"ANNC_SIMD\") == \"off\" {\nreturn\n}\nsimdScatterAdd = annrt.ScatterAdd%[1]s\nsimdScatterAddConst = annrt.ScatterAddConst%[1]s\nsimdScatterAddRows = annrt.ScatterAddRows%[1]s\nsimdScatterAddConstRows = annrt.ScatterAddConstRows%[1]s\nif !annrt.HasAVX2() {\nreturn\n}\nsimdAddTo = annrt.AddTo%[1]sAVX2\nsimdMulAdd = annrt.MulAdd%[1]sAVX2\n", sfx)
	for _, k := range ks {
		fmt.Fprintf(&gs, "%s = %s\n", k.fn, k.asmFn)
	}
	fmt.Fprintf(&gs, "if !annrt.HasAVX512() || os.Getenv(\"ANNC_SIMD\") == \"avx2\" {\nreturn\n}\nsimdAddTo = annrt.AddTo%[1]sAVX512\nsimdMulAdd = annrt.MulAdd%[1]sAVX512\n", sfx)
	for _, k := range ks {
		if k.wideFn != "" {
			fmt.Fprintf(&gs, "%s = %s\n", k.fn, k.wideFn)
		}
	}
	gs.WriteString("}\n\n")
	for _, k := range ks {
		fmt.Fprintf(&gs, "//go:noescape\nfunc %s(%s)%s\n\n", k.asmFn, k.sig, k.ret)
		if k.wideFn != "" {
			fmt.Fprintf(&gs, "//go:noescape\nfunc %s(%s)%s\n\n", k.wideFn, k.sig, k.ret)
		}
	}
	as.WriteString(header + "\n\n#include \"textflag.h\"\n\n")
	for _, k := range ks {
		as.WriteString(k.text + "\n")
		if k.wideFn != "" {
			as.WriteString(k.wideText + "\n")
		}
	}
	src, err := format(pkg+"/simd_amd64.go", []byte(gs.String()))
	if err != nil {
		g.fail("%v", err)
	}
	return map[string][]byte{pkg + "/simd_amd64.go": src, pkg + "/simd_amd64.s": []byte(as.String())}
}

// synExpr resolves the operands of synapse kernels: per-synapse variables
// (index SI) and presynaptic variables (index DI, the presynaptic rank). ok
// is false for the cases expr handles.
func (s *vecCompiler) synExpr(e ir.Expr) (vecOperand, bool) {
	pj := s.pj
	switch x := e.(type) {
	case *ir.VarRef:
		switch x.Side {
		case ir.Self:
			v := x.Var
			if v == nil && x.Name == "w" {
				return s.oldAt(synArray("W"), "SI"), true
			}
			if v == nil || v.Loc != ir.Local || v.Type != ir.Float || (pj.fld[v] == "" && v.Name != "w") {
				s.fail("synapse variable %s", x.Name)
			}
			if val, ok := s.cur[v]; ok {
				return val, true
			}
			if a := pj.byPre[v]; s.byPre && a != "" {
				return s.oldAt(vecArray{"bp." + a, "bp_" + pj.fld[v], "pj." + a}, "SI"), true
			}
			f := pj.fld[v]
			if v.Name == "w" {
				f = "W"
			}
			return s.oldAt(synArray(f), "SI"), true
		case ir.Pre:
			v := pj.pre.nt.byName[x.Name]
			if v == nil || v.Loc != ir.Local || v.Type != ir.Float {
				s.fail("presynaptic variable %s", x.Name)
			}
			f := pj.pre.nt.field[v]
			return s.oldAt(vecArray{"pre." + f, "pre_" + f, "pj.pre." + f}, "DI"), true
		}
		s.fail("postsynaptic variable %s", x.Name)
	case *ir.RandRef, *ir.SumRef, *ir.Special, *ir.GlobalOpRef:
		s.fail("%T in a synapse kernel", e)
	}
	return vecOperand{}, false
}

// simdSynLoop compiles the lowered per-synapse equations lp of a projection
// into a kernel over runs of synapses whose presynaptic ranks are
// consecutive; nil when it cannot.
func (g *generator) simdSynLoop(pj *proj, lp *lower.Loop) (*simdKernel, *vecCompiler) {
	st := pj.st
	if len(st.PostUpdate) > 0 || lp == nil || len(lp.Body) == 0 {
		return nil, nil
	}
	first := g.synTry(pj, lp, nil, nil)
	if first == nil {
		return nil, nil
	}
	best := first
	pinInv, pinArr := choosePins(first)
	if len(pinInv)+len(pinArr) > 0 {
		if second := g.synTry(pj, lp, pinInv, pinArr); second != nil {
			best = second
		}
	}
	k := best.synKernel("simd" + pj.goName)
	g.kernels = append(g.kernels, k)
	return k, best
}

// synTry compiles the synapse equations for four synapses at SI (float32:
// eight; presynaptic ranks at DI); nil when it cannot.
func (g *generator) synTry(pj *proj, lp *lower.Loop, pinInv map[int]int, pinArr map[int]bool) (s *vecCompiler) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(simdFail); !ok {
				panic(r)
			}
			s = nil
		}
	}()
	s = newVecCompiler(lp, pinInv, pinArr)
	s.pj, s.f32 = pj, g.f32
	s.reserveExp(g.opt.ImportBase+"/runtime", lp.Body)
	for _, stm := range lp.Body {
		a, ok := stm.(*ir.Assign)
		if !ok {
			s.fail("statement")
		}
		s.assign(a)
	}
	for _, v := range s.order {
		mem := s.arrayAt(synArray(pj.fld[v]), "SI")
		r := s.inReg(s.cur[v])
		s.emit("VMOVUPD Y%d, %s", r.n, s.operand(mem))
		s.release(r)
	}
	if len(s.arrays) == 0 {
		s.fail("no arrays")
	}
	return s
}

// synKernel assembles the synapse kernel name (its function variable; the
// assembly adds AVX2 or AVX512): for each run (synapse index,
// presynaptic rank, length) it updates the synapses four (float32: eight)
// at a time; the last length mod 4 (8) synapses of each run are left to Go.
func (s *vecCompiler) synKernel(name string) *simdKernel {
	np, ni := len(s.arrays), len(s.invs)
	k := &simdKernel{
		fn:    name,
		asmFn: name + "AVX2",
		sig:   fmt.Sprintf("ptrs *[%d]*%s, inv *[%d]%s, runs *int32, nruns int", np, s.ft(), s.lanes()*ni, s.ft()),
		nptrs: np, ninv: ni, lanes: s.lanes(), ft: s.ft(),
	}
	var pins strings.Builder
	s.prologuePins(&pins)
	body, l := s.b.String(), s.lanes()
	shift := 2 // log2 of the lanes
	if s.f32 {
		shift = 3
	}
	step := func(l int) string { return fmt.Sprintf("\tADDQ $%d, SI\n\tADDQ $%d, DI\n", l, l) }
	k.text = s.synFrame(k.asmFn, k.sig, pins.String(), shift, "loop:\n\tTESTQ CX, CX\n\tJEQ next\n"+body+step(l)+"\tDECQ CX\n\tJMP loop\n")
	if w, widePins, wideBody, ok := s.twin(pins.String(), body); ok {
		// Twice the lanes while they fit in the run, then the AVX2
		// iteration once if the rest holds its lanes (see kernel). The
		// next run's wide iterations read the pinned registers whole:
		// the tail calls the wide exponential, which preserves them
		// (expPD restores only their low halves).
		k.wideFn = name + "AVX512"
		tail := body
		if w.expWide != "" {
			tail = strings.ReplaceAll(body, w.expFn, w.expWide)
		}
		loops := "loop:\n\tTESTQ CX, CX\n\tJEQ tail\n" + wideBody + step(2*l) + "\tDECQ CX\n\tJMP loop\n" +
			fmt.Sprintf("tail:\n\tMOVLQSX 8(R8), CX\n\tTESTQ $%d, CX\n\tJEQ next\n", l) + tail
		k.wideText = s.synFrame(k.wideFn, k.sig, widePins, shift+1, loops)
	}
	return k
}

// synFrame prints the synapse kernel asmFn around its loops over one run
// (pins: the loads of the invariants kept in registers; CX: the run's
// length >> shift), which end at the label next.
func (s *vecCompiler) synFrame(asmFn, sig, pins string, shift int, loops string) string {
	var a strings.Builder
	fmt.Fprintf(&a, "// func %s(%s)\n", asmFn, sig)
	fmt.Fprintf(&a, "TEXT ·%s(SB), NOSPLIT, $0-32\n", asmFn)
	a.WriteString("\tMOVQ ptrs+0(FP), BX\n\tMOVQ inv+8(FP), DX\n\tMOVQ runs+16(FP), R8\n\tMOVQ nruns+24(FP), R9\n")
	for i := 0; i < len(s.arrays) && i < len(arrRegs); i++ {
		fmt.Fprintf(&a, "\tMOVQ %d(BX), %s\n", i*8, arrRegs[i])
	}
	a.WriteString(pins)
	fmt.Fprintf(&a, "run:\n\tTESTQ R9, R9\n\tJEQ done\n\tMOVLQSX 0(R8), SI\n\tMOVLQSX 4(R8), DI\n\tMOVLQSX 8(R8), CX\n\tSHRQ $%d, CX\n", shift)
	a.WriteString(loops)
	a.WriteString("next:\n\tADDQ $12, R8\n\tDECQ R9\n\tJMP run\ndone:\n\tVZEROUPPER\n\tRET\n")
	return a.String()
}

// simdPreLoop compiles the loop over presynaptic ranks of the equations of
// the variables pj stores per presynaptic neuron (lp: proj.low.LearnPre)
// into a synapse kernel run over one run of ranks; nil when it cannot.
func (g *generator) simdPreLoop(pj *proj, lp *lower.Loop) (*simdKernel, *vecCompiler) {
	if lp == nil || len(lp.Body) == 0 {
		return nil, nil
	}
	try := func(pinInv map[int]int, pinArr map[int]bool) (s *vecCompiler) {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(simdFail); !ok {
					panic(r)
				}
				s = nil
			}
		}()
		s = newVecCompiler(lp, pinInv, pinArr)
		s.pj, s.byPre, s.f32 = pj, true, g.f32
		s.reserveExp(g.opt.ImportBase+"/runtime", lp.Body)
		for _, stm := range lp.Body {
			a, ok := stm.(*ir.Assign)
			if !ok {
				s.fail("statement")
			}
			s.assign(a)
		}
		for _, v := range s.order {
			a := pj.byPre[v]
			if a == "" {
				s.fail("variable %s is not stored per presynaptic neuron", v.Name)
			}
			mem := s.arrayAt(vecArray{"bp." + a, "bp_" + pj.fld[v], "pj." + a}, "SI")
			r := s.inReg(s.cur[v])
			s.emit("VMOVUPD Y%d, %s", r.n, s.operand(mem))
			s.release(r)
		}
		return s
	}
	first := try(nil, nil)
	if first == nil {
		return nil, nil
	}
	best := first
	pinInv, pinArr := choosePins(first)
	if len(pinInv)+len(pinArr) > 0 {
		if second := try(pinInv, pinArr); second != nil {
			best = second
		}
	}
	k := best.synKernel("simd" + pj.goName + "Pre")
	g.kernels = append(g.kernels, k)
	return k, best
}

// bindKernelPre prints the Go code that hands the per-presynaptic kernel its
// invariants and arrays (c: the scalar loop's printer).
func (g *generator) bindKernelPre(c *exprPrinter, s *vecCompiler) string {
	invs, arrays := c.kernelOperands(s)
	var b strings.Builder
	b.WriteString("inv := &pj.simdPreInv[chunk]\n")
	l := s.lanes()
	for i, e := range invs {
		fmt.Fprintf(&b, "splat%d(inv[%d:%d], %s)\n", l, l*i, l*i+l, e)
	}
	b.WriteString("ptrs := &pj.simdPrePtrs[chunk]\n")
	for i, a := range arrays {
		fmt.Fprintf(&b, "ptrs[%d] = &%s[0]\n", i, a)
	}
	return b.String()
}
