package codegen

import (
	"fmt"
	"regexp"
	"strings"
)

// AVX-512 twins of the vector kernels.
//
// A kernel compiled for AVX2 (neuron, synapse or per-presynaptic equations)
// is also printed for AVX-512 (eight float64 or sixteen float32 lanes in the
// ZMM registers) by rewriting each of its instructions into the AVX-512
// instructions doing the same operation on every lane: the same arithmetic
// on wider registers, so the same bits as the AVX2 kernel and the scalar
// loop. The twin runs twice the AVX2 lanes per iteration, then the AVX2
// iteration once for what is left (kernel, synKernel). The generated code
// installs the twins where the processor and the operating system support
// AVX-512F and AVX-512DQ (runtime.HasAVX512), unless ANNC_SIMD=avx2.
//
// What changes besides the registers' width:
//   - comparisons write an opmask register (K1); the kernels keep masks as
//     all-ones lanes of a vector register, so K1 is turned back into one;
//   - blends and the spike mask read a mask from K1;
//   - invariants are broadcast from their first copy (inv keeps four
//     copies, eight for float32, as the AVX2 kernel reads them).
//
// An instruction without a rule below makes the kernel AVX2-only.

// wideRule rewrites one AVX2 instruction (op and operands, registers
// already widened) into AVX-512 lines; ok false when it cannot.
type wideRule func(w *widener, op string, args []string) (lines []string, ok bool)

// widener rewrites the instructions of one kernel.
type widener struct {
	f32 bool
	// expFn and expWide: the runtime's vector exponential as the AVX2
	// kernel calls it, and its AVX-512 twin.
	expFn, expWide string
}

// wideRules are the rewrites, by AVX2 mnemonic (float32 kernels: the PS
// twins of the PD rows).
var wideRules = map[string]wideRule{
	// Arithmetic: an invariant operand (an inv slot, (DX)) is broadcast.
	"VADDPD": bcst, "VSUBPD": bcst, "VMULPD": bcst, "VDIVPD": bcst,
	"VXORPD": bcst, "VANDPD": bcst, "VORPD": bcst, "VANDNPD": bcst,
	"VMOVAPD": same,
	// Loads of an invariant become broadcasts; array loads and stores
	// stay full-width moves.
	"VMOVUPD": func(w *widener, op string, a []string) ([]string, bool) {
		if len(a) == 2 && isInv(a[0]) {
			if w.f32 {
				return []string{"VBROADCASTSS " + join(a)}, true
			}
			return []string{"VBROADCASTSD " + join(a)}, true
		}
		return []string{op + " " + join(a)}, true
	},
	// VCMPPD $p, b, a, dst: the lanes' predicate into K1, then all-ones
	// lanes where it holds.
	"VCMPPD": func(w *widener, op string, a []string) ([]string, bool) {
		if len(a) != 4 {
			return nil, false
		}
		return []string{
			bcstOp(op, a) + " " + join([]string{a[0], a[1], a[2], "K1"}),
			w.mask2vec() + " K1, " + a[3],
		}, true
	},
	// VBLENDVPD m, x, y, dst: dst = x where m is set, else y.
	"VBLENDVPD": func(w *widener, op string, a []string) ([]string, bool) {
		if len(a) != 4 {
			return nil, false
		}
		blend := w.ps("VBLENDMPD")
		if isInv(a[1]) {
			blend += ".BCST"
		}
		return []string{w.vec2mask() + " " + a[0] + ", K1", blend + " " + join([]string{a[1], a[2], "K1", a[3]})}, true
	},
	// VMOVMSKPD m, r: one bit per lane.
	"VMOVMSKPD": func(w *widener, op string, a []string) ([]string, bool) {
		if len(a) != 2 {
			return nil, false
		}
		kmov := "KMOVB"
		if w.f32 {
			kmov = "KMOVW"
		}
		return []string{w.vec2mask() + " " + a[0] + ", K1", kmov + " K1, " + a[1]}, true
	},
	// The refractory counters (int32). float64 kernels read eight of them
	// into a YMM register (the AVX2 kernel: four, XMM) and sign-extend the
	// mask to the eight int64 lanes; these stay AVX2 instructions. float32
	// kernels read sixteen into a ZMM register, with the EVEX forms.
	"VMOVDQU": func(w *widener, op string, a []string) ([]string, bool) {
		if w.f32 {
			op = "VMOVDQU32"
		}
		return []string{op + " " + join(a)}, true
	},
	"VPXOR": func(w *widener, op string, a []string) ([]string, bool) {
		if w.f32 {
			op = "VPXORD"
		}
		return []string{op + " " + join(a)}, true
	},
	"VPCMPGTD": func(w *widener, op string, a []string) ([]string, bool) {
		if !w.f32 {
			return []string{op + " " + join(a)}, true
		}
		if len(a) != 3 {
			return nil, false
		}
		return []string{op + " " + a[0] + ", " + a[1] + ", K1", "VPMOVM2D K1, " + a[2]}, true
	},
	"VPADDD":     same,
	"VPMOVSXDQ":  same,
	"VZEROUPPER": same,
	"CALL": func(w *widener, op string, a []string) ([]string, bool) {
		if len(a) != 1 || a[0] != w.expFn {
			return nil, false
		}
		return []string{op + " " + w.expWide}, true
	},
}

func same(_ *widener, op string, a []string) ([]string, bool) {
	if len(a) == 0 {
		return []string{op}, true
	}
	return []string{op + " " + join(a)}, true
}

func bcst(_ *widener, op string, a []string) ([]string, bool) {
	return []string{bcstOp(op, a) + " " + join(a)}, true
}

// bcstOp is op with the broadcast suffix when an operand is an invariant.
func bcstOp(op string, a []string) string {
	for _, x := range a {
		if isInv(x) {
			return op + ".BCST"
		}
	}
	return op
}

// isInv reports whether an operand is an inv slot (the kernels address the
// invariants from DX, and nothing else).
func isInv(x string) bool { return strings.HasSuffix(x, "(DX)") }

func join(a []string) string { return strings.Join(a, ", ") }

// ps turns a PD mnemonic into its PS twin in float32 kernels.
func (w *widener) ps(op string) string {
	if w.f32 {
		return strings.TrimSuffix(op, "PD") + "PS"
	}
	return op
}

// mask2vec and vec2mask convert between K1 and all-ones lanes.
func (w *widener) mask2vec() string {
	if w.f32 {
		return "VPMOVM2D"
	}
	return "VPMOVM2Q"
}

func (w *widener) vec2mask() string {
	if w.f32 {
		return "VPMOVD2M"
	}
	return "VPMOVQ2M"
}

var vecReg = regexp.MustCompile(`^([XY])([0-9]+)$`)

// widenReg doubles a vector register's width (XMM to YMM, YMM to ZMM).
func widenReg(x string) string {
	m := vecReg.FindStringSubmatch(x)
	if m == nil {
		return x
	}
	if m[1] == "X" {
		return "Y" + m[2]
	}
	return "Z" + m[2]
}

// widen rewrites the text of an AVX2 kernel (one instruction per line,
// labels and comments kept); ok false when an instruction has no rule.
func (w *widener) widen(text string) (string, bool) {
	var b strings.Builder
	for _, line := range strings.SplitAfter(text, "\n") {
		ins := strings.TrimSpace(line)
		if ins == "" || !strings.HasPrefix(line, "\t") || strings.HasPrefix(ins, "//") {
			b.WriteString(line)
			continue
		}
		op, rest, _ := strings.Cut(ins, " ")
		key := op
		if w.f32 && strings.HasPrefix(op, "V") && strings.HasSuffix(op, "PS") {
			key = strings.TrimSuffix(op, "PS") + "PD"
		}
		rule, vector := wideRules[key]
		if !vector {
			if strings.HasPrefix(op, "V") || strings.HasPrefix(op, "K") {
				return "", false
			}
			b.WriteString(line) // integer and control instructions
			continue
		}
		var args []string
		if rest != "" {
			for _, a := range strings.Split(rest, ",") {
				args = append(args, widenReg(strings.TrimSpace(a)))
			}
		}
		out, ok := rule(w, op, args)
		if !ok {
			return "", false
		}
		for _, o := range out {
			fmt.Fprintf(&b, "\t%s\n", o)
		}
	}
	return b.String(), true
}
