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

// func MulAddAVX2(dst, src *float64, e float64, n int): dst[x] = dst[x] + src[x]*e.
TEXT ·MulAddAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	VBROADCASTSD e+16(FP), Y2
	MOVQ n+24(FP), CX
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-8, DX
mloop8:
	CMPQ AX, DX
	JGE mtail
	VMULPD (SI)(AX*8), Y2, Y0
	VMULPD 32(SI)(AX*8), Y2, Y1
	VADDPD (DI)(AX*8), Y0, Y0
	VADDPD 32(DI)(AX*8), Y1, Y1
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD Y1, 32(DI)(AX*8)
	ADDQ $8, AX
	JMP mloop8
mtail:
	CMPQ AX, CX
	JGE mdone
	VMOVSD (SI)(AX*8), X0
	VMULSD X2, X0, X0
	VADDSD (DI)(AX*8), X0, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ AX
	JMP mtail
mdone:
	VZEROUPPER
	RET

// func AddToAVX512(dst, src *float64, n int): dst[x] = dst[x] + src[x], 8 lanes at a time
// (AVX-512F; the last n mod 8 under a mask), each result rounded as the
// scalar loop rounds it.
TEXT ·AddToAVX512(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-8, DX
loop:
	CMPQ AX, DX
	JGE tail
	VMOVUPD (DI)(AX*8), Z0
	VADDPD (SI)(AX*8), Z0, Z0
	VMOVUPD Z0, (DI)(AX*8)
	ADDQ $8, AX
	JMP loop
tail:
	SUBQ AX, CX
	JEQ done
	MOVQ $1, BX
	SHLQ CX, BX
	DECQ BX
	KMOVB BX, K1
	VMOVUPD.Z (DI)(AX*8), K1, Z0
	VMOVUPD.Z (SI)(AX*8), K1, Z1
	VADDPD Z1, Z0, Z0
	VMOVUPD Z0, K1, (DI)(AX*8)
done:
	VZEROUPPER
	RET

// func MulAddAVX512(dst, src *float64, e float64, n int): dst[x] = dst[x] + src[x]*e, 8 lanes at a time
// (AVX-512F; the last n mod 8 under a mask), each result rounded as the
// scalar loop rounds it.
TEXT ·MulAddAVX512(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	VBROADCASTSD e+16(FP), Z2
	MOVQ n+24(FP), CX
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-8, DX
loop:
	CMPQ AX, DX
	JGE tail
	VMULPD (SI)(AX*8), Z2, Z0
	VADDPD (DI)(AX*8), Z0, Z0
	VMOVUPD Z0, (DI)(AX*8)
	ADDQ $8, AX
	JMP loop
tail:
	SUBQ AX, CX
	JEQ done
	MOVQ $1, BX
	SHLQ CX, BX
	DECQ BX
	KMOVB BX, K1
	VMOVUPD.Z (SI)(AX*8), K1, Z0
	VMOVUPD.Z (DI)(AX*8), K1, Z1
	VMULPD Z0, Z2, Z0
	VADDPD Z1, Z0, Z0
	VMOVUPD Z0, K1, (DI)(AX*8)
done:
	VZEROUPPER
	RET

// func AddTo32AVX512(dst, src *float32, n int): dst[x] = dst[x] + src[x], 16 lanes at a time
// (AVX-512F; the last n mod 16 under a mask), each result rounded as the
// scalar loop rounds it.
TEXT ·AddTo32AVX512(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-16, DX
loop:
	CMPQ AX, DX
	JGE tail
	VMOVUPS (DI)(AX*4), Z0
	VADDPS (SI)(AX*4), Z0, Z0
	VMOVUPS Z0, (DI)(AX*4)
	ADDQ $16, AX
	JMP loop
tail:
	SUBQ AX, CX
	JEQ done
	MOVQ $1, BX
	SHLQ CX, BX
	DECQ BX
	KMOVW BX, K1
	VMOVUPS.Z (DI)(AX*4), K1, Z0
	VMOVUPS.Z (SI)(AX*4), K1, Z1
	VADDPS Z1, Z0, Z0
	VMOVUPS Z0, K1, (DI)(AX*4)
done:
	VZEROUPPER
	RET

// func MulAdd32AVX512(dst, src *float32, e float32, n int): dst[x] = dst[x] + src[x]*e, 16 lanes at a time
// (AVX-512F; the last n mod 16 under a mask), each result rounded as the
// scalar loop rounds it.
TEXT ·MulAdd32AVX512(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	VBROADCASTSS e+16(FP), Z2
	MOVQ n+24(FP), CX
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-16, DX
loop:
	CMPQ AX, DX
	JGE tail
	VMULPS (SI)(AX*4), Z2, Z0
	VADDPS (DI)(AX*4), Z0, Z0
	VMOVUPS Z0, (DI)(AX*4)
	ADDQ $16, AX
	JMP loop
tail:
	SUBQ AX, CX
	JEQ done
	MOVQ $1, BX
	SHLQ CX, BX
	DECQ BX
	KMOVW BX, K1
	VMOVUPS.Z (SI)(AX*4), K1, Z0
	VMOVUPS.Z (DI)(AX*4), K1, Z1
	VMULPS Z0, Z2, Z0
	VADDPS Z1, Z0, Z0
	VMOVUPS Z0, K1, (DI)(AX*4)
done:
	VZEROUPPER
	RET

// expPD: Y0 = Exp(Y0) in each of the four lanes, with exactly the
// operations of Exp (exp.go), so the same bits. The generated vector
// kernels CALL it with the argument in Y0; it preserves every other
// register. Constants: expK.
TEXT ·expPD(SB), NOSPLIT, $160-0
	VMOVUPD Y1, 0(SP)
	VMOVUPD Y2, 32(SP)
	VMOVUPD Y3, 64(SP)
	VMOVUPD Y4, 96(SP)
	VMOVUPD Y5, 128(SP)
	// x = min(x, 710), then max(x, -746); a NaN stays (the second source).
	VBROADCASTSD expK<>+0(SB), Y1
	VMINPD Y0, Y1, Y0
	VBROADCASTSD expK<>+8(SB), Y1
	VMAXPD Y0, Y1, Y0
	// t = x*log2e + shift; k = t - shift
	VBROADCASTSD expK<>+16(SB), Y1
	VMULPD Y1, Y0, Y1
	VBROADCASTSD expK<>+24(SB), Y2
	VADDPD Y2, Y1, Y1
	VSUBPD Y2, Y1, Y3
	// r = fma(-k, ln2hi, x); r = fma(-k, ln2lo, r)
	VBROADCASTSD expK<>+32(SB), Y4
	VFNMADD231PD Y4, Y3, Y0
	VBROADCASTSD expK<>+40(SB), Y4
	VFNMADD231PD Y4, Y3, Y0
	// p = 1/13!; p = fma(p, r, c) for c = 1/12!, ..., 1/0!
	VBROADCASTSD expK<>+64(SB), Y1
	VBROADCASTSD expK<>+72(SB), Y4
	VFMADD213PD Y4, Y0, Y1
	VBROADCASTSD expK<>+80(SB), Y4
	VFMADD213PD Y4, Y0, Y1
	VBROADCASTSD expK<>+88(SB), Y4
	VFMADD213PD Y4, Y0, Y1
	VBROADCASTSD expK<>+96(SB), Y4
	VFMADD213PD Y4, Y0, Y1
	VBROADCASTSD expK<>+104(SB), Y4
	VFMADD213PD Y4, Y0, Y1
	VBROADCASTSD expK<>+112(SB), Y4
	VFMADD213PD Y4, Y0, Y1
	VBROADCASTSD expK<>+120(SB), Y4
	VFMADD213PD Y4, Y0, Y1
	VBROADCASTSD expK<>+128(SB), Y4
	VFMADD213PD Y4, Y0, Y1
	VBROADCASTSD expK<>+136(SB), Y4
	VFMADD213PD Y4, Y0, Y1
	VBROADCASTSD expK<>+144(SB), Y4
	VFMADD213PD Y4, Y0, Y1
	VBROADCASTSD expK<>+152(SB), Y4
	VFMADD213PD Y4, Y0, Y1
	VBROADCASTSD expK<>+160(SB), Y4
	VFMADD213PD Y4, Y0, Y1
	VBROADCASTSD expK<>+168(SB), Y4
	VFMADD213PD Y4, Y0, Y1
	// t1 = k*0.5 + shift; k1 = t1 - shift; t2 = (k - k1) + shift
	VBROADCASTSD expK<>+48(SB), Y4
	VMULPD Y4, Y3, Y4
	VADDPD Y2, Y4, Y4
	VSUBPD Y2, Y4, Y5
	VSUBPD Y5, Y3, Y5
	VADDPD Y2, Y5, Y5
	// 2^k1 and 2^k2: (bits(t) - (bits(shift) - 1023)) << 52
	VPBROADCASTQ expK<>+56(SB), Y2
	VPSUBQ Y2, Y4, Y4
	VPSLLQ $52, Y4, Y4
	VPSUBQ Y2, Y5, Y5
	VPSLLQ $52, Y5, Y5
	// p * 2^k1 * 2^k2
	VMULPD Y4, Y1, Y1
	VMULPD Y5, Y1, Y0
	VMOVUPD 0(SP), Y1
	VMOVUPD 32(SP), Y2
	VMOVUPD 64(SP), Y3
	VMOVUPD 96(SP), Y4
	VMOVUPD 128(SP), Y5
	RET

// expPDZ is expPD on the eight lanes of Z0 (AVX-512F): the same operations
// on wider registers, so the same bits. It preserves every other register
// (K registers included: it uses none).
TEXT ·expPDZ(SB), NOSPLIT, $320-0
	VMOVUPD Z1, 0(SP)
	VMOVUPD Z2, 64(SP)
	VMOVUPD Z3, 128(SP)
	VMOVUPD Z4, 192(SP)
	VMOVUPD Z5, 256(SP)
	// x = min(x, 710), then max(x, -746); a NaN stays (the second source).
	VBROADCASTSD expK<>+0(SB), Z1
	VMINPD Z0, Z1, Z0
	VBROADCASTSD expK<>+8(SB), Z1
	VMAXPD Z0, Z1, Z0
	// t = x*log2e + shift; k = t - shift
	VBROADCASTSD expK<>+16(SB), Z1
	VMULPD Z1, Z0, Z1
	VBROADCASTSD expK<>+24(SB), Z2
	VADDPD Z2, Z1, Z1
	VSUBPD Z2, Z1, Z3
	// r = fma(-k, ln2hi, x); r = fma(-k, ln2lo, r)
	VBROADCASTSD expK<>+32(SB), Z4
	VFNMADD231PD Z4, Z3, Z0
	VBROADCASTSD expK<>+40(SB), Z4
	VFNMADD231PD Z4, Z3, Z0
	// p = 1/13!; p = fma(p, r, c) for c = 1/12!, ..., 1/0!
	VBROADCASTSD expK<>+64(SB), Z1
	VBROADCASTSD expK<>+72(SB), Z4
	VFMADD213PD Z4, Z0, Z1
	VBROADCASTSD expK<>+80(SB), Z4
	VFMADD213PD Z4, Z0, Z1
	VBROADCASTSD expK<>+88(SB), Z4
	VFMADD213PD Z4, Z0, Z1
	VBROADCASTSD expK<>+96(SB), Z4
	VFMADD213PD Z4, Z0, Z1
	VBROADCASTSD expK<>+104(SB), Z4
	VFMADD213PD Z4, Z0, Z1
	VBROADCASTSD expK<>+112(SB), Z4
	VFMADD213PD Z4, Z0, Z1
	VBROADCASTSD expK<>+120(SB), Z4
	VFMADD213PD Z4, Z0, Z1
	VBROADCASTSD expK<>+128(SB), Z4
	VFMADD213PD Z4, Z0, Z1
	VBROADCASTSD expK<>+136(SB), Z4
	VFMADD213PD Z4, Z0, Z1
	VBROADCASTSD expK<>+144(SB), Z4
	VFMADD213PD Z4, Z0, Z1
	VBROADCASTSD expK<>+152(SB), Z4
	VFMADD213PD Z4, Z0, Z1
	VBROADCASTSD expK<>+160(SB), Z4
	VFMADD213PD Z4, Z0, Z1
	VBROADCASTSD expK<>+168(SB), Z4
	VFMADD213PD Z4, Z0, Z1
	// t1 = k*0.5 + shift; k1 = t1 - shift; t2 = (k - k1) + shift
	VBROADCASTSD expK<>+48(SB), Z4
	VMULPD Z4, Z3, Z4
	VADDPD Z2, Z4, Z4
	VSUBPD Z2, Z4, Z5
	VSUBPD Z5, Z3, Z5
	VADDPD Z2, Z5, Z5
	// 2^k1 and 2^k2: (bits(t) - (bits(shift) - 1023)) << 52
	VPBROADCASTQ expK<>+56(SB), Z2
	VPSUBQ Z2, Z4, Z4
	VPSLLQ $52, Z4, Z4
	VPSUBQ Z2, Z5, Z5
	VPSLLQ $52, Z5, Z5
	// p * 2^k1 * 2^k2
	VMULPD Z4, Z1, Z1
	VMULPD Z5, Z1, Z0
	VMOVUPD 0(SP), Z1
	VMOVUPD 64(SP), Z2
	VMOVUPD 128(SP), Z3
	VMOVUPD 192(SP), Z4
	VMOVUPD 256(SP), Z5
	RET

// func expPD8(dst, src *[8]float64): the test's entry to expPDZ.
TEXT ·expPD8(SB), NOSPLIT, $0-16
	MOVQ src+8(FP), AX
	VMOVUPD (AX), Z0
	CALL ·expPDZ(SB)
	MOVQ dst+0(FP), AX
	VMOVUPD Z0, (AX)
	VZEROUPPER
	RET

// func expPD4(dst, src *[4]float64): the test's entry to expPD.
TEXT ·expPD4(SB), NOSPLIT, $0-16
	MOVQ src+8(FP), AX
	VMOVUPD (AX), Y0
	CALL ·expPD(SB)
	MOVQ dst+0(FP), AX
	VMOVUPD Y0, (AX)
	VZEROUPPER
	RET

DATA expK<>+0(SB)/8, $0x4086300000000000 // hi
DATA expK<>+8(SB)/8, $0xc087500000000000 // lo
DATA expK<>+16(SB)/8, $0x3ff71547652b82fe // log2e
DATA expK<>+24(SB)/8, $0x4338000000000000 // shift
DATA expK<>+32(SB)/8, $0x3fe62e42fee00000 // ln2hi
DATA expK<>+40(SB)/8, $0x3dea39ef35793c76 // ln2lo
DATA expK<>+48(SB)/8, $0x3fe0000000000000 // half
DATA expK<>+56(SB)/8, $0x4337fffffffffc01 // the bits of shift, less the exponent bias 1023
DATA expK<>+64(SB)/8, $0x3de6124613a86d09 // 1/13!
DATA expK<>+72(SB)/8, $0x3e21eed8eff8d898 // 1/12!
DATA expK<>+80(SB)/8, $0x3e5ae64567f544e4 // 1/11!
DATA expK<>+88(SB)/8, $0x3e927e4fb7789f5c // 1/10!
DATA expK<>+96(SB)/8, $0x3ec71de3a556c734 // 1/9!
DATA expK<>+104(SB)/8, $0x3efa01a01a01a01a // 1/8!
DATA expK<>+112(SB)/8, $0x3f2a01a01a01a01a // 1/7!
DATA expK<>+120(SB)/8, $0x3f56c16c16c16c17 // 1/6!
DATA expK<>+128(SB)/8, $0x3f81111111111111 // 1/5!
DATA expK<>+136(SB)/8, $0x3fa5555555555555 // 1/4!
DATA expK<>+144(SB)/8, $0x3fc5555555555555 // 1/3!
DATA expK<>+152(SB)/8, $0x3fe0000000000000 // 1/2!
DATA expK<>+160(SB)/8, $0x3ff0000000000000 // 1/1!
DATA expK<>+168(SB)/8, $0x3ff0000000000000 // 1/0!
GLOBL expK<>(SB), RODATA|NOPTR, $176

// func ScatterAddRows(dst *float64, idx *int32, src *float64, parts *int32, n int):
// for each row q < n, [a, b) = [parts[2q], parts[2q+1]), in order:
// dst[idx[x]] = dst[idx[x]] + src[x], x = a, a+1, ... (SSE2). The rows
// of four rows later are prefetched: the rows of a step's spikes lie at
// random places, and a loop over them one at a time would wait for each.
TEXT ·ScatterAddRows(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ idx+8(FP), SI
	MOVQ src+16(FP), DX
	MOVQ parts+24(FP), BX
	XORQ R13, R13
wrow:
	CMPQ R13, n+32(FP)
	JGE wdone
	LEAQ 4(R13), R9
	CMPQ R9, n+32(FP)
	JGE wnopf
	MOVLQSX (BX)(R9*8), R9
	PREFETCHT0 (SI)(R9*4)
	PREFETCHT0 (DX)(R9*8)
	PREFETCHT0 64(DX)(R9*8)
wnopf:
	MOVLQSX (BX)(R13*8), AX
	MOVLQSX 4(BX)(R13*8), CX
	MOVQ CX, R8
	SUBQ AX, R8
	ANDQ $-4, R8
	ADDQ AX, R8
wloop:
	CMPQ AX, R8
	JGE wtail
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
	JMP wloop
wtail:
	CMPQ AX, CX
	JGE wnext
	MOVLQSX (SI)(AX*4), R9
	MOVSD (DI)(R9*8), X0
	ADDSD (DX)(AX*8), X0
	MOVSD X0, (DI)(R9*8)
	INCQ AX
	JMP wtail
wnext:
	INCQ R13
	JMP wrow
wdone:
	RET

// func ScatterAddConstRows(dst *float64, idx *int32, w float64, parts *int32, n int):
// ScatterAddRows with every src[x] = w.
TEXT ·ScatterAddConstRows(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ idx+8(FP), SI
	MOVSD w+16(FP), X4
	MOVQ parts+24(FP), BX
	XORQ R13, R13
krow:
	CMPQ R13, n+32(FP)
	JGE kdone
	LEAQ 4(R13), R9
	CMPQ R9, n+32(FP)
	JGE knopf
	MOVLQSX (BX)(R9*8), R9
	PREFETCHT0 (SI)(R9*4)
	PREFETCHT0 64(SI)(R9*4)
knopf:
	MOVLQSX (BX)(R13*8), AX
	MOVLQSX 4(BX)(R13*8), CX
	MOVQ CX, R8
	SUBQ AX, R8
	ANDQ $-4, R8
	ADDQ AX, R8
kloop:
	CMPQ AX, R8
	JGE ktail
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
	JMP kloop
ktail:
	CMPQ AX, CX
	JGE knext
	MOVLQSX (SI)(AX*4), R9
	MOVSD (DI)(R9*8), X0
	ADDSD X4, X0
	MOVSD X0, (DI)(R9*8)
	INCQ AX
	JMP ktail
knext:
	INCQ R13
	JMP krow
kdone:
	RET

// expPS: Y0 = Exp32(Y0) in each of the eight single-precision lanes, with
// exactly the operations of Exp32 (exp.go), so the same bits: the clamp in
// single precision, then each half of the lanes widened to float64 and
// computed as Exp32 does, then narrowed (one rounding each). The generated
// float32 kernels CALL it with the argument in Y0; it preserves every other
// register. Constants: exp32K.
TEXT ·expPS(SB), NOSPLIT, $256-0
	VMOVUPD Y1, 0(SP)
	VMOVUPD Y2, 32(SP)
	VMOVUPD Y3, 64(SP)
	VMOVUPD Y4, 96(SP)
	VMOVUPD Y5, 128(SP)
	VMOVUPD Y6, 160(SP)
	VMOVUPD Y7, 192(SP)
	VMOVUPD Y8, 224(SP)
	// x = min(x, 100), then max(x, -110); a NaN stays (the second source).
	VBROADCASTSS exp32K<>+0(SB), Y1
	VMINPS Y0, Y1, Y0
	VBROADCASTSS exp32K<>+4(SB), Y1
	VMAXPS Y0, Y1, Y0
	// d: lanes 0-3 in Y1, lanes 4-7 in Y2
	VCVTPS2PD X0, Y1
	VEXTRACTF128 $1, Y0, X2
	VCVTPS2PD X2, Y2
	// t = d*log2e + shift; k = t - shift
	VBROADCASTSD exp32K<>+8(SB), Y7
	VMULPD Y7, Y1, Y3
	VMULPD Y7, Y2, Y4
	VBROADCASTSD exp32K<>+16(SB), Y8
	VADDPD Y8, Y3, Y3
	VADDPD Y8, Y4, Y4
	VSUBPD Y8, Y3, Y5
	VSUBPD Y8, Y4, Y6
	// r = fma(-k, ln2, d)
	VBROADCASTSD exp32K<>+24(SB), Y7
	VFNMADD231PD Y7, Y5, Y1
	VFNMADD231PD Y7, Y6, Y2
	// p = 1/9!; p = fma(p, r, c) for c = 1/8!, ..., 1/0!
	VBROADCASTSD exp32K<>+40(SB), Y5
	VMOVAPD Y5, Y6
	VBROADCASTSD exp32K<>+48(SB), Y7
	VFMADD213PD Y7, Y1, Y5
	VFMADD213PD Y7, Y2, Y6
	VBROADCASTSD exp32K<>+56(SB), Y7
	VFMADD213PD Y7, Y1, Y5
	VFMADD213PD Y7, Y2, Y6
	VBROADCASTSD exp32K<>+64(SB), Y7
	VFMADD213PD Y7, Y1, Y5
	VFMADD213PD Y7, Y2, Y6
	VBROADCASTSD exp32K<>+72(SB), Y7
	VFMADD213PD Y7, Y1, Y5
	VFMADD213PD Y7, Y2, Y6
	VBROADCASTSD exp32K<>+80(SB), Y7
	VFMADD213PD Y7, Y1, Y5
	VFMADD213PD Y7, Y2, Y6
	VBROADCASTSD exp32K<>+88(SB), Y7
	VFMADD213PD Y7, Y1, Y5
	VFMADD213PD Y7, Y2, Y6
	VBROADCASTSD exp32K<>+96(SB), Y7
	VFMADD213PD Y7, Y1, Y5
	VFMADD213PD Y7, Y2, Y6
	VBROADCASTSD exp32K<>+104(SB), Y7
	VFMADD213PD Y7, Y1, Y5
	VFMADD213PD Y7, Y2, Y6
	VBROADCASTSD exp32K<>+112(SB), Y7
	VFMADD213PD Y7, Y1, Y5
	VFMADD213PD Y7, Y2, Y6
	// 2^k: (bits(t) - (bits(shift) - 1023)) << 52; p * 2^k
	VPBROADCASTQ exp32K<>+32(SB), Y7
	VPSUBQ Y7, Y3, Y3
	VPSLLQ $52, Y3, Y3
	VPSUBQ Y7, Y4, Y4
	VPSLLQ $52, Y4, Y4
	VMULPD Y3, Y5, Y5
	VMULPD Y4, Y6, Y6
	// narrowed to float32, lanes 0-3 then 4-7
	VCVTPD2PSY Y5, X0
	VCVTPD2PSY Y6, X6
	VINSERTF128 $1, X6, Y0, Y0
	VMOVUPD 0(SP), Y1
	VMOVUPD 32(SP), Y2
	VMOVUPD 64(SP), Y3
	VMOVUPD 96(SP), Y4
	VMOVUPD 128(SP), Y5
	VMOVUPD 160(SP), Y6
	VMOVUPD 192(SP), Y7
	VMOVUPD 224(SP), Y8
	RET

// expPSZ is expPS on the sixteen lanes of Z0 (AVX-512F and DQ): the same
// operations on wider registers (lanes 0-7 and 8-15 widened to float64), so
// the same bits. It preserves every other register.
TEXT ·expPSZ(SB), NOSPLIT, $512-0
	VMOVUPD Z1, 0(SP)
	VMOVUPD Z2, 64(SP)
	VMOVUPD Z3, 128(SP)
	VMOVUPD Z4, 192(SP)
	VMOVUPD Z5, 256(SP)
	VMOVUPD Z6, 320(SP)
	VMOVUPD Z7, 384(SP)
	VMOVUPD Z8, 448(SP)
	// x = min(x, 100), then max(x, -110); a NaN stays (the second source).
	VBROADCASTSS exp32K<>+0(SB), Z1
	VMINPS Z0, Z1, Z0
	VBROADCASTSS exp32K<>+4(SB), Z1
	VMAXPS Z0, Z1, Z0
	// d: lanes 0-7 in Z1, lanes 8-15 in Z2
	VCVTPS2PD Y0, Z1
	VEXTRACTF32X8 $1, Z0, Y2
	VCVTPS2PD Y2, Z2
	// t = d*log2e + shift; k = t - shift
	VBROADCASTSD exp32K<>+8(SB), Z7
	VMULPD Z7, Z1, Z3
	VMULPD Z7, Z2, Z4
	VBROADCASTSD exp32K<>+16(SB), Z8
	VADDPD Z8, Z3, Z3
	VADDPD Z8, Z4, Z4
	VSUBPD Z8, Z3, Z5
	VSUBPD Z8, Z4, Z6
	// r = fma(-k, ln2, d)
	VBROADCASTSD exp32K<>+24(SB), Z7
	VFNMADD231PD Z7, Z5, Z1
	VFNMADD231PD Z7, Z6, Z2
	// p = 1/9!; p = fma(p, r, c) for c = 1/8!, ..., 1/0!
	VBROADCASTSD exp32K<>+40(SB), Z5
	VMOVAPD Z5, Z6
	VBROADCASTSD exp32K<>+48(SB), Z7
	VFMADD213PD Z7, Z1, Z5
	VFMADD213PD Z7, Z2, Z6
	VBROADCASTSD exp32K<>+56(SB), Z7
	VFMADD213PD Z7, Z1, Z5
	VFMADD213PD Z7, Z2, Z6
	VBROADCASTSD exp32K<>+64(SB), Z7
	VFMADD213PD Z7, Z1, Z5
	VFMADD213PD Z7, Z2, Z6
	VBROADCASTSD exp32K<>+72(SB), Z7
	VFMADD213PD Z7, Z1, Z5
	VFMADD213PD Z7, Z2, Z6
	VBROADCASTSD exp32K<>+80(SB), Z7
	VFMADD213PD Z7, Z1, Z5
	VFMADD213PD Z7, Z2, Z6
	VBROADCASTSD exp32K<>+88(SB), Z7
	VFMADD213PD Z7, Z1, Z5
	VFMADD213PD Z7, Z2, Z6
	VBROADCASTSD exp32K<>+96(SB), Z7
	VFMADD213PD Z7, Z1, Z5
	VFMADD213PD Z7, Z2, Z6
	VBROADCASTSD exp32K<>+104(SB), Z7
	VFMADD213PD Z7, Z1, Z5
	VFMADD213PD Z7, Z2, Z6
	VBROADCASTSD exp32K<>+112(SB), Z7
	VFMADD213PD Z7, Z1, Z5
	VFMADD213PD Z7, Z2, Z6
	// 2^k: (bits(t) - (bits(shift) - 1023)) << 52; p * 2^k
	VPBROADCASTQ exp32K<>+32(SB), Z7
	VPSUBQ Z7, Z3, Z3
	VPSLLQ $52, Z3, Z3
	VPSUBQ Z7, Z4, Z4
	VPSLLQ $52, Z4, Z4
	VMULPD Z3, Z5, Z5
	VMULPD Z4, Z6, Z6
	// narrowed to float32, lanes 0-7 then 8-15
	VCVTPD2PS Z5, Y0
	VCVTPD2PS Z6, Y6
	VINSERTF32X8 $1, Y6, Z0, Z0
	VMOVUPD 0(SP), Z1
	VMOVUPD 64(SP), Z2
	VMOVUPD 128(SP), Z3
	VMOVUPD 192(SP), Z4
	VMOVUPD 256(SP), Z5
	VMOVUPD 320(SP), Z6
	VMOVUPD 384(SP), Z7
	VMOVUPD 448(SP), Z8
	RET

// func expPS16(dst, src *[16]float32): the test's entry to expPSZ.
TEXT ·expPS16(SB), NOSPLIT, $0-16
	MOVQ src+8(FP), AX
	VMOVUPS (AX), Z0
	CALL ·expPSZ(SB)
	MOVQ dst+0(FP), AX
	VMOVUPS Z0, (AX)
	VZEROUPPER
	RET

// func expPS8(dst, src *[8]float32): the test's entry to expPS.
TEXT ·expPS8(SB), NOSPLIT, $0-16
	MOVQ src+8(FP), AX
	VMOVUPS (AX), Y0
	CALL ·expPS(SB)
	MOVQ dst+0(FP), AX
	VMOVUPS Y0, (AX)
	VZEROUPPER
	RET

DATA exp32K<>+0(SB)/4, $0x42c80000 // hi, float32 100
DATA exp32K<>+4(SB)/4, $0xc2dc0000 // lo, float32 -110
DATA exp32K<>+8(SB)/8, $0x3ff71547652b82fe // log2e
DATA exp32K<>+16(SB)/8, $0x4338000000000000 // shift
DATA exp32K<>+24(SB)/8, $0x3fe62e42fefa39ef // ln2
DATA exp32K<>+32(SB)/8, $0x4337fffffffffc01 // the bits of shift, less the exponent bias 1023
DATA exp32K<>+40(SB)/8, $0x3ec71de3a556c734 // 1/9!
DATA exp32K<>+48(SB)/8, $0x3efa01a01a01a01a // 1/8!
DATA exp32K<>+56(SB)/8, $0x3f2a01a01a01a01a // 1/7!
DATA exp32K<>+64(SB)/8, $0x3f56c16c16c16c17 // 1/6!
DATA exp32K<>+72(SB)/8, $0x3f81111111111111 // 1/5!
DATA exp32K<>+80(SB)/8, $0x3fa5555555555555 // 1/4!
DATA exp32K<>+88(SB)/8, $0x3fc5555555555555 // 1/3!
DATA exp32K<>+96(SB)/8, $0x3fe0000000000000 // 1/2!
DATA exp32K<>+104(SB)/8, $0x3ff0000000000000 // 1/1!
DATA exp32K<>+112(SB)/8, $0x3ff0000000000000 // 1/0!
GLOBL exp32K<>(SB), RODATA|NOPTR, $120

// func AddTo32AVX2(dst, src *float32, n int): dst[x] = dst[x] + src[x].
TEXT ·AddTo32AVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-16, DX
floop16:
	CMPQ AX, DX
	JGE ftail
	VMOVUPS (DI)(AX*4), Y0
	VMOVUPS 32(DI)(AX*4), Y1
	VADDPS (SI)(AX*4), Y0, Y0
	VADDPS 32(SI)(AX*4), Y1, Y1
	VMOVUPS Y0, (DI)(AX*4)
	VMOVUPS Y1, 32(DI)(AX*4)
	ADDQ $16, AX
	JMP floop16
ftail:
	CMPQ AX, CX
	JGE fdone
	VMOVSS (DI)(AX*4), X0
	VADDSS (SI)(AX*4), X0, X0
	VMOVSS X0, (DI)(AX*4)
	INCQ AX
	JMP ftail
fdone:
	VZEROUPPER
	RET

// func MulAdd32AVX2(dst, src *float32, e float32, n int): dst[x] = dst[x] + src[x]*e.
TEXT ·MulAdd32AVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	VBROADCASTSS e+16(FP), Y2
	MOVQ n+24(FP), CX
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-16, DX
m32loop16:
	CMPQ AX, DX
	JGE m32tail
	VMULPS (SI)(AX*4), Y2, Y0
	VMULPS 32(SI)(AX*4), Y2, Y1
	VADDPS (DI)(AX*4), Y0, Y0
	VADDPS 32(DI)(AX*4), Y1, Y1
	VMOVUPS Y0, (DI)(AX*4)
	VMOVUPS Y1, 32(DI)(AX*4)
	ADDQ $16, AX
	JMP m32loop16
m32tail:
	CMPQ AX, CX
	JGE m32done
	VMOVSS (SI)(AX*4), X0
	VMULSS X2, X0, X0
	VADDSS (DI)(AX*4), X0, X0
	VMOVSS X0, (DI)(AX*4)
	INCQ AX
	JMP m32tail
m32done:
	VZEROUPPER
	RET

// func ScatterAdd32(dst *float32, idx *int32, src *float32, n int):
// dst[idx[x]] = dst[idx[x]] + src[x], x = 0, 1, ... (SSE).
TEXT ·ScatterAdd32(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ idx+8(FP), SI
	MOVQ src+16(FP), DX
	MOVQ n+24(FP), CX
	XORQ AX, AX
	MOVQ CX, R8
	ANDQ $-4, R8
fsloop:
	CMPQ AX, R8
	JGE fstail
	MOVLQSX (SI)(AX*4), R9
	MOVLQSX 4(SI)(AX*4), R10
	MOVLQSX 8(SI)(AX*4), R11
	MOVLQSX 12(SI)(AX*4), R12
	MOVSS (DI)(R9*4), X0
	ADDSS (DX)(AX*4), X0
	MOVSS X0, (DI)(R9*4)
	MOVSS (DI)(R10*4), X1
	ADDSS 4(DX)(AX*4), X1
	MOVSS X1, (DI)(R10*4)
	MOVSS (DI)(R11*4), X2
	ADDSS 8(DX)(AX*4), X2
	MOVSS X2, (DI)(R11*4)
	MOVSS (DI)(R12*4), X3
	ADDSS 12(DX)(AX*4), X3
	MOVSS X3, (DI)(R12*4)
	ADDQ $4, AX
	JMP fsloop
fstail:
	CMPQ AX, CX
	JGE fsdone
	MOVLQSX (SI)(AX*4), R9
	MOVSS (DI)(R9*4), X0
	ADDSS (DX)(AX*4), X0
	MOVSS X0, (DI)(R9*4)
	INCQ AX
	JMP fstail
fsdone:
	RET

// func ScatterAddConst32(dst *float32, idx *int32, w float32, n int):
// dst[idx[x]] = dst[idx[x]] + w, x = 0, 1, ... (SSE).
TEXT ·ScatterAddConst32(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ idx+8(FP), SI
	MOVSS w+16(FP), X4
	MOVQ n+24(FP), CX
	XORQ AX, AX
	MOVQ CX, R8
	ANDQ $-4, R8
fcloop:
	CMPQ AX, R8
	JGE fctail
	MOVLQSX (SI)(AX*4), R9
	MOVLQSX 4(SI)(AX*4), R10
	MOVLQSX 8(SI)(AX*4), R11
	MOVLQSX 12(SI)(AX*4), R12
	MOVSS (DI)(R9*4), X0
	ADDSS X4, X0
	MOVSS X0, (DI)(R9*4)
	MOVSS (DI)(R10*4), X1
	ADDSS X4, X1
	MOVSS X1, (DI)(R10*4)
	MOVSS (DI)(R11*4), X2
	ADDSS X4, X2
	MOVSS X2, (DI)(R11*4)
	MOVSS (DI)(R12*4), X3
	ADDSS X4, X3
	MOVSS X3, (DI)(R12*4)
	ADDQ $4, AX
	JMP fcloop
fctail:
	CMPQ AX, CX
	JGE fcdone
	MOVLQSX (SI)(AX*4), R9
	MOVSS (DI)(R9*4), X0
	ADDSS X4, X0
	MOVSS X0, (DI)(R9*4)
	INCQ AX
	JMP fctail
fcdone:
	RET

// func ScatterAddRows32(dst *float32, idx *int32, src *float32, parts *int32, n int):
// for each row q < n, [a, b) = [parts[2q], parts[2q+1]), in order:
// dst[idx[x]] = dst[idx[x]] + src[x], x = a, a+1, ... (SSE). The rows
// of four rows later are prefetched: the rows of a step's spikes lie at
// random places, and a loop over them one at a time would wait for each.
TEXT ·ScatterAddRows32(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ idx+8(FP), SI
	MOVQ src+16(FP), DX
	MOVQ parts+24(FP), BX
	XORQ R13, R13
fwrow:
	CMPQ R13, n+32(FP)
	JGE fwdone
	LEAQ 4(R13), R9
	CMPQ R9, n+32(FP)
	JGE fwnopf
	MOVLQSX (BX)(R9*8), R9
	PREFETCHT0 (SI)(R9*4)
	PREFETCHT0 (DX)(R9*4)
	PREFETCHT0 64(DX)(R9*4)
fwnopf:
	MOVLQSX (BX)(R13*8), AX
	MOVLQSX 4(BX)(R13*8), CX
	MOVQ CX, R8
	SUBQ AX, R8
	ANDQ $-4, R8
	ADDQ AX, R8
fwloop:
	CMPQ AX, R8
	JGE fwtail
	MOVLQSX (SI)(AX*4), R9
	MOVLQSX 4(SI)(AX*4), R10
	MOVLQSX 8(SI)(AX*4), R11
	MOVLQSX 12(SI)(AX*4), R12
	MOVSS (DI)(R9*4), X0
	ADDSS (DX)(AX*4), X0
	MOVSS X0, (DI)(R9*4)
	MOVSS (DI)(R10*4), X1
	ADDSS 4(DX)(AX*4), X1
	MOVSS X1, (DI)(R10*4)
	MOVSS (DI)(R11*4), X2
	ADDSS 8(DX)(AX*4), X2
	MOVSS X2, (DI)(R11*4)
	MOVSS (DI)(R12*4), X3
	ADDSS 12(DX)(AX*4), X3
	MOVSS X3, (DI)(R12*4)
	ADDQ $4, AX
	JMP fwloop
fwtail:
	CMPQ AX, CX
	JGE fwnext
	MOVLQSX (SI)(AX*4), R9
	MOVSS (DI)(R9*4), X0
	ADDSS (DX)(AX*4), X0
	MOVSS X0, (DI)(R9*4)
	INCQ AX
	JMP fwtail
fwnext:
	INCQ R13
	JMP fwrow
fwdone:
	RET

// func ScatterAddConstRows32(dst *float32, idx *int32, w float32, parts *int32, n int):
// ScatterAddRows32 with every src[x] = w.
TEXT ·ScatterAddConstRows32(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ idx+8(FP), SI
	MOVSS w+16(FP), X4
	MOVQ parts+24(FP), BX
	XORQ R13, R13
fkrow:
	CMPQ R13, n+32(FP)
	JGE fkdone
	LEAQ 4(R13), R9
	CMPQ R9, n+32(FP)
	JGE fknopf
	MOVLQSX (BX)(R9*8), R9
	PREFETCHT0 (SI)(R9*4)
	PREFETCHT0 64(SI)(R9*4)
fknopf:
	MOVLQSX (BX)(R13*8), AX
	MOVLQSX 4(BX)(R13*8), CX
	MOVQ CX, R8
	SUBQ AX, R8
	ANDQ $-4, R8
	ADDQ AX, R8
fkloop:
	CMPQ AX, R8
	JGE fktail
	MOVLQSX (SI)(AX*4), R9
	MOVLQSX 4(SI)(AX*4), R10
	MOVLQSX 8(SI)(AX*4), R11
	MOVLQSX 12(SI)(AX*4), R12
	MOVSS (DI)(R9*4), X0
	ADDSS X4, X0
	MOVSS X0, (DI)(R9*4)
	MOVSS (DI)(R10*4), X1
	ADDSS X4, X1
	MOVSS X1, (DI)(R10*4)
	MOVSS (DI)(R11*4), X2
	ADDSS X4, X2
	MOVSS X2, (DI)(R11*4)
	MOVSS (DI)(R12*4), X3
	ADDSS X4, X3
	MOVSS X3, (DI)(R12*4)
	ADDQ $4, AX
	JMP fkloop
fktail:
	CMPQ AX, CX
	JGE fknext
	MOVLQSX (SI)(AX*4), R9
	MOVSS (DI)(R9*4), X0
	ADDSS X4, X0
	MOVSS X0, (DI)(R9*4)
	INCQ AX
	JMP fktail
fknext:
	INCQ R13
	JMP fkrow
fkdone:
	RET

// func prefetchIdx(idx *int32, n int, base unsafe.Pointer, shift uint)
TEXT ·prefetchIdx(SB), NOSPLIT, $0-32
	MOVQ idx+0(FP), SI
	MOVQ n+8(FP), BX
	MOVQ base+16(FP), DI
	MOVQ shift+24(FP), CX
	TESTQ BX, BX
	JZ prefetchdone
prefetchloop:
	MOVLQSX (SI), AX
	SHLQ CX, AX
	PREFETCHT0 (DI)(AX*1)
	ADDQ $4, SI
	DECQ BX
	JNZ prefetchloop
prefetchdone:
	RET
