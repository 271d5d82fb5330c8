// Vector helpers of the generated networks that do not depend on the model
// (their Go declarations are in simd_amd64.go).

#include "textflag.h"

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax, edx uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET

// func ScatterAdd(dst *float64, idx *int32, src *float64, n int):
// dst[idx[x]] = dst[idx[x]] + src[x], x = 0, 1, ... (SSE2).
TEXT ·ScatterAdd(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ idx+8(FP), SI
	MOVQ src+16(FP), DX
	MOVQ n+24(FP), CX
	XORQ AX, AX
	MOVQ CX, R8
	ANDQ $-4, R8
sloop:
	CMPQ AX, R8
	JGE stail
	MOVLQSX (SI)(AX*4), R9
	MOVLQSX 4(SI)(AX*4), R10
	MOVLQSX 8(SI)(AX*4), R11
	MOVLQSX 12(SI)(AX*4), R12
	MOVSD (DI)(R9*8), X0
	ADDSD (DX)(AX*8), X0
	MOVSD X0, (DI)(R9*8)
	MOVSD (DI)(R10*8), X1
	ADDSD 8(DX)(AX*8), X1
	MOVSD X1, (DI)(R10*8)
	MOVSD (DI)(R11*8), X2
	ADDSD 16(DX)(AX*8), X2
	MOVSD X2, (DI)(R11*8)
	MOVSD (DI)(R12*8), X3
	ADDSD 24(DX)(AX*8), X3
	MOVSD X3, (DI)(R12*8)
	ADDQ $4, AX
	JMP sloop
stail:
	CMPQ AX, CX
	JGE sdone
	MOVLQSX (SI)(AX*4), R9
	MOVSD (DI)(R9*8), X0
	ADDSD (DX)(AX*8), X0
	MOVSD X0, (DI)(R9*8)
	INCQ AX
	JMP stail
sdone:
	RET

// func ScatterAddConst(dst *float64, idx *int32, w float64, n int):
// dst[idx[x]] = dst[idx[x]] + w, x = 0, 1, ... (SSE2).
TEXT ·ScatterAddConst(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ idx+8(FP), SI
	MOVSD w+16(FP), X4
	MOVQ n+24(FP), CX
	XORQ AX, AX
	MOVQ CX, R8
	ANDQ $-4, R8
cloop:
	CMPQ AX, R8
	JGE ctail
	MOVLQSX (SI)(AX*4), R9
	MOVLQSX 4(SI)(AX*4), R10
	MOVLQSX 8(SI)(AX*4), R11
	MOVLQSX 12(SI)(AX*4), R12
	MOVSD (DI)(R9*8), X0
	ADDSD X4, X0
	MOVSD X0, (DI)(R9*8)
	MOVSD (DI)(R10*8), X1
	ADDSD X4, X1
	MOVSD X1, (DI)(R10*8)
	MOVSD (DI)(R11*8), X2
	ADDSD X4, X2
	MOVSD X2, (DI)(R11*8)
	MOVSD (DI)(R12*8), X3
	ADDSD X4, X3
	MOVSD X3, (DI)(R12*8)
	ADDQ $4, AX
	JMP cloop
ctail:
	CMPQ AX, CX
	JGE cdone
	MOVLQSX (SI)(AX*4), R9
	MOVSD (DI)(R9*8), X0
	ADDSD X4, X0
	MOVSD X0, (DI)(R9*8)
	INCQ AX
	JMP ctail
cdone:
	RET

// func AddToAVX2(dst, src *float64, n int): dst[x] = dst[x] + src[x].
TEXT ·AddToAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-8, DX
loop8:
	CMPQ AX, DX
	JGE tail
	VMOVUPD (DI)(AX*8), Y0
	VMOVUPD 32(DI)(AX*8), Y1
	VADDPD (SI)(AX*8), Y0, Y0
	VADDPD 32(SI)(AX*8), Y1, Y1
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD Y1, 32(DI)(AX*8)
	ADDQ $8, AX
	JMP loop8
tail:
	CMPQ AX, CX
	JGE done
	VMOVSD (DI)(AX*8), X0
	VADDSD (SI)(AX*8), X0, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ AX
	JMP tail
done:
	VZEROUPPER
	RET
