package runtime

import (
	"math"
	"math/bits"
)

// RNG is a xoshiro256** pseudo-random generator. It is a small value type: copying it forks the stream, and none
// of its methods allocate. Streams are created by NewRNG from a seed and a
// list of keys naming the object and purpose that draws from them, so the
// numbers an object sees never depend on the order in which objects are
// built or on how many goroutines run networks.
type RNG struct {
	s0, s1, s2, s3 uint64
}

// splitmix64 advances *x and returns the next SplitMix64 output. It is used
// to hash seeds and keys into well-mixed xoshiro states.
func splitmix64(x *uint64) uint64 {
	*x += 0x9e3779b97f4a7c15
	z := *x
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// NewRNG returns the stream identified by seed and keys. Different key lists
// (including lists that differ only in length or order) give unrelated
// streams; the same seed and keys always give the same stream. Keys are
// typically an object index and a purpose code.
func NewRNG(seed int64, keys ...uint64) RNG {
	h := uint64(seed)
	acc := splitmix64(&h)
	for i, k := range keys {
		// Hash the key together with its position and the running state,
		// so (1, 2) and (2, 1) and (1, 2, 0) are all different streams.
		x := k ^ (uint64(i+1) * 0xd6e8feb86659fd93)
		acc ^= splitmix64(&x)
		acc = splitmix64(&acc)
	}
	x := acc ^ uint64(len(keys))*0xa0761d6478bd642f
	var r RNG
	r.s0 = splitmix64(&x)
	r.s1 = splitmix64(&x)
	r.s2 = splitmix64(&x)
	r.s3 = splitmix64(&x)
	if r.s0|r.s1|r.s2|r.s3 == 0 {
		r.s0 = 1 // the all-zero state is a fixed point of xoshiro
	}
	return r
}

// Uint64 returns 64 uniformly distributed random bits.
func (r *RNG) Uint64() uint64 {
	res := bits.RotateLeft64(r.s1*5, 7) * 9
	t := r.s1 << 17
	r.s2 ^= r.s0
	r.s3 ^= r.s1
	r.s1 ^= r.s2
	r.s0 ^= r.s3
	r.s2 ^= t
	r.s3 = bits.RotateLeft64(r.s3, 45)
	return res
}

// Float64 returns a uniform number in [0, 1) with 53 random bits.
func (r *RNG) Float64() float64 {
	return float64(r.Uint64()>>11) * 0x1p-53
}

// Uniform returns a uniform number in [a, b).
func (r *RNG) Uniform(a, b float64) float64 {
	return a + (b-a)*r.Float64()
}

// Intn returns a uniform integer in [0, n) (Lemire's nearly divisionless
// method). It panics if n <= 0.
func (r *RNG) Intn(n int) int {
	if n <= 0 {
		panic("runtime: RNG.Intn: n <= 0")
	}
	un := uint64(n)
	hi, lo := bits.Mul64(r.Uint64(), un)
	if lo < un {
		thresh := -un % un
		for lo < thresh {
			hi, lo = bits.Mul64(r.Uint64(), un)
		}
	}
	return int(hi)
}

// Normal returns a standard normal deviate, by the ziggurat method of
// Marsaglia and Tsang (2000) with the layer index, the sign and a 53-bit
// uniform taken from one 64-bit draw (the layout of Doornik's ZIGNOR, with
// independent bits for the three). About 98.8 % of the calls cost one
// Uint64, one multiplication and one comparison; the rest sample a wedge
// under the density or the tail beyond zig.r exactly, so the result has the
// normal distribution up to the rounding of the tables.
func (r *RNG) Normal() float64 {
	for {
		u := r.Uint64()
		x := float64(u>>11) * zig.w[u&0x1ff]
		if math.Abs(x) < zig.inner[u&0xff] {
			return x
		}
		if z, ok := r.normalEdge(u&0xff, x); ok {
			return z
		}
	}
}

// NormalMS returns a normal deviate with mean mu and standard deviation sigma.
// The product is rounded before the sum (no fused multiply-add), so a loop
// of NormalMS and FillNormal give the same bits on every architecture.
func (r *RNG) NormalMS(mu, sigma float64) float64 {
	return mu + float64(sigma*r.Normal())
}

// FillNormal sets every element of dst, in order, to a normal deviate with
// mean mu and standard deviation sigma: the same numbers as a loop of
// NormalMS, faster, because the generator state stays in registers.
func (r *RNG) FillNormal(dst []float64, mu, sigma float64) {
	s0, s1, s2, s3 := r.s0, r.s1, r.s2, r.s3
	for k := range dst {
		for {
			var u uint64
			u, s0, s1, s2, s3 = xoshiroStep(s0, s1, s2, s3)
			x := float64(u>>11) * zig.w[u&0x1ff]
			if math.Abs(x) < zig.inner[u&0xff] {
				dst[k] = mu + float64(sigma*x)
				break
			}
			r.s0, r.s1, r.s2, r.s3 = s0, s1, s2, s3
			z, ok := r.normalEdge(u&0xff, x)
			s0, s1, s2, s3 = r.s0, r.s1, r.s2, r.s3
			if ok {
				dst[k] = mu + float64(sigma*z)
				break
			}
		}
	}
	r.s0, r.s1, r.s2, r.s3 = s0, s1, s2, s3
}

// FillNormal32 is FillNormal for float32 slices: each deviate is computed
// in float64 as by NormalMS and then rounded.
func (r *RNG) FillNormal32(dst []float32, mu, sigma float64) {
	s0, s1, s2, s3 := r.s0, r.s1, r.s2, r.s3
	for k := range dst {
		for {
			var u uint64
			u, s0, s1, s2, s3 = xoshiroStep(s0, s1, s2, s3)
			x := float64(u>>11) * zig.w[u&0x1ff]
			if math.Abs(x) < zig.inner[u&0xff] {
				dst[k] = float32(mu + float64(sigma*x))
				break
			}
			r.s0, r.s1, r.s2, r.s3 = s0, s1, s2, s3
			z, ok := r.normalEdge(u&0xff, x)
			s0, s1, s2, s3 = r.s0, r.s1, r.s2, r.s3
			if ok {
				dst[k] = float32(mu + float64(sigma*z))
				break
			}
		}
	}
	r.s0, r.s1, r.s2, r.s3 = s0, s1, s2, s3
}

// FillUniform sets every element of dst, in order, to a uniform number in
// [a, b): the same numbers as a loop of Uniform.
func (r *RNG) FillUniform(dst []float64, a, b float64) {
	s0, s1, s2, s3 := r.s0, r.s1, r.s2, r.s3
	w := b - a
	for k := range dst {
		var u uint64
		u, s0, s1, s2, s3 = xoshiroStep(s0, s1, s2, s3)
		dst[k] = a + w*(float64(u>>11)*0x1p-53)
	}
	r.s0, r.s1, r.s2, r.s3 = s0, s1, s2, s3
}

// FillUniform32 is FillUniform for float32 slices (computed in float64,
// then rounded, as float32(r.Uniform(a, b))).
func (r *RNG) FillUniform32(dst []float32, a, b float64) {
	s0, s1, s2, s3 := r.s0, r.s1, r.s2, r.s3
	w := b - a
	for k := range dst {
		var u uint64
		u, s0, s1, s2, s3 = xoshiroStep(s0, s1, s2, s3)
		dst[k] = float32(a + w*(float64(u>>11)*0x1p-53))
	}
	r.s0, r.s1, r.s2, r.s3 = s0, s1, s2, s3
}

// xoshiroStep is Uint64 on a state held in local variables, so that the
// fill loops keep it in registers.
func xoshiroStep(s0, s1, s2, s3 uint64) (out, n0, n1, n2, n3 uint64) {
	out = bits.RotateLeft64(s1*5, 7) * 9
	t := s1 << 17
	s2 ^= s0
	s3 ^= s1
	s1 ^= s2
	s0 ^= s3
	s2 ^= t
	s3 = bits.RotateLeft64(s3, 45)
	return out, s0, s1, s2, s3
}

// normalEdge finishes a ziggurat draw x from layer l that fell outside the
// layer's inner rectangle. In the base layer it samples the tail beyond
// zig.r (with x's sign); in the others it accepts x when a uniform height
// in the layer lies under the density. ok is false when the draw is
// rejected and must start again.
func (r *RNG) normalEdge(l uint64, x float64) (z float64, ok bool) {
	if l == 0 {
		return math.Copysign(r.normalTail(), x), true
	}
	y := zig.f[l] + r.Float64()*(zig.f[l+1]-zig.f[l])
	return x, y < math.Exp(-0.5*x*x)
}

// normalTail returns a standard normal deviate conditioned on being
// greater than zig.r (Marsaglia 1964: r + a with a exponential of rate r,
// accepted with probability exp(-a²/2)). 1-U lies in (0, 1].
func (r *RNG) normalTail() float64 {
	for {
		a := -math.Log(1-r.Float64()) / zig.r
		b := -math.Log(1 - r.Float64())
		if 2*b > a*a {
			return zig.r + a
		}
	}
}

// zigLayers is the number of layers of the normal ziggurat.
const zigLayers = 256

// ziggurat covers the right half of the unnormalised density
// f(x) = exp(-x²/2) with zigLayers layers of equal area v: the base layer
// is the rectangle [0, r]×[0, f(r)] plus the tail beyond r, and layer
// i ≥ 1 is the rectangle [0, x[i]]×[f(x[i]), f(x[i+1])], with x[1] = r
// decreasing to x[zigLayers] = 0. The base layer is drawn as a rectangle of
// width x[0] = v/f(r); its part beyond r stands for the tail.
type ziggurat struct {
	r, v  float64
	x     [zigLayers + 1]float64
	f     [zigLayers + 1]float64 // f[i] = f(x[i]) for i ≥ 1; f[0] = 0
	inner [zigLayers]float64     // inner[i] = x[i+1]: draws below it are accepted at once
	w     [2 * zigLayers]float64 // w[s<<8|i] = ±x[i]·2⁻⁵³ (minus when s = 1)
}

// zig is computed once, when the package is initialised, from the
// condition that the layers fit exactly (see newZiggurat).
var zig = newZiggurat()

// zigLayout builds the layers from a candidate r; v is then the area of the
// base layer, r·f(r) + ∫_r^∞ f. It returns how far the top layer misses
// the density's peak: f(x[255]) + v/x[255] - 1, which is positive when r is
// too small (layers too thick; a layer that already overshoots the peak
// returns +Inf) and negative when r is too large.
func zigLayout(z *ziggurat, r float64) float64 {
	f := func(x float64) float64 { return math.Exp(-0.5 * x * x) }
	v := r*f(r) + math.Sqrt(math.Pi/2)*math.Erfc(r/math.Sqrt2)
	z.r, z.v = r, v
	z.x[0], z.f[0] = v/f(r), 0
	z.x[1], z.f[1] = r, f(r)
	for i := 1; i < zigLayers; i++ {
		top := z.f[i] + v/z.x[i]
		if i == zigLayers-1 {
			z.x[zigLayers], z.f[zigLayers] = 0, 1
			return top - 1
		}
		if top >= 1 {
			return math.Inf(1)
		}
		z.x[i+1] = math.Sqrt(-2 * math.Log(top))
		z.f[i+1] = top
	}
	panic("unreachable")
}

// newZiggurat finds r by bisection (to the last bit; about 3.6541528853610088
// for 256 layers, as Marsaglia and Tsang give) and derives the tables.
func newZiggurat() *ziggurat {
	z := new(ziggurat)
	lo, hi := 3.0, 4.0
	for {
		mid := lo + (hi-lo)/2
		if mid <= lo || mid >= hi {
			break
		}
		if zigLayout(z, mid) > 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	// Of the two neighbours, keep the one whose top layer fits better.
	if math.Abs(zigLayout(z, lo)) < math.Abs(zigLayout(z, hi)) {
		zigLayout(z, lo)
	} else {
		zigLayout(z, hi)
	}
	for i := 0; i < zigLayers; i++ {
		z.inner[i] = z.x[i+1]
		z.w[i] = z.x[i] * 0x1p-53
		z.w[zigLayers+i] = -z.x[i] * 0x1p-53
	}
	return z
}

// LogNormal returns exp(N(mu, sigma)).
func (r *RNG) LogNormal(mu, sigma float64) float64 {
	return math.Exp(mu + sigma*r.Normal())
}

// Exponential returns an exponential deviate with the given rate (mean
// 1/rate), as annc's Exponential(lambda) is defined everywhere. 1-U is
// exact for the multiples of 2^-53 that Float64 returns.
func (r *RNG) Exponential(rate float64) float64 {
	return -math.Log(1-r.Float64()) / rate
}

// Gamma returns a gamma deviate with shape k and scale theta (mean k·theta,
// variance k·theta²), by Marsaglia and Tsang's method.
func (r *RNG) Gamma(k, theta float64) float64 {
	if k <= 0 {
		return 0
	}
	boost := 1.0
	if k < 1 {
		// G(k) = G(k+1)·U^(1/k), with U in (0, 1].
		boost = math.Pow(1-r.Float64(), 1/k)
		k++
	}
	d := k - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.Normal()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		x2 := x * x
		if u < 1-0.0331*x2*x2 || math.Log(u) < 0.5*x2+d*(1-v+math.Log(v)) {
			return d * v * theta * boost
		}
	}
}

// beta returns a Beta(a, b) deviate.
func (r *RNG) beta(a, b float64) float64 {
	x := r.Gamma(a, 1)
	y := r.Gamma(b, 1)
	return x / (x + y)
}

// DiscreteUniform returns a uniform integer in [ceil(a), floor(b)], as a
// float64. An empty range returns ceil(a).
func (r *RNG) DiscreteUniform(a, b float64) float64 {
	lo, hi := math.Ceil(a), math.Floor(b)
	if hi <= lo {
		return lo
	}
	return lo + float64(r.Intn(int(hi-lo)+1))
}

// Binomial returns the number of successes in n (rounded to an integer)
// trials of probability p, as a float64.
func (r *RNG) Binomial(n, p float64) float64 {
	return float64(r.binomial(int64(math.Round(n)), p))
}

// binomial is exact for every n: large n are split with Knuth's order
// statistic method (the a-th smallest of n uniforms is Beta(a, n+1-a)) until
// few trials remain, which are then counted one by one.
func (r *RNG) binomial(n int64, p float64) int64 {
	if n <= 0 || !(p > 0) {
		return 0
	}
	if p >= 1 {
		return n
	}
	if p > 0.5 {
		return n - r.binomial(n, 1-p)
	}
	var acc int64
	for n > 40 {
		a := 1 + n/2
		b := n + 1 - a
		x := r.beta(float64(a), float64(b))
		if x >= p {
			n = a - 1
			p /= x
		} else {
			acc += a
			n = b - 1
			p = (p - x) / (1 - x)
		}
	}
	for ; n > 0; n-- {
		if r.Float64() < p {
			acc++
		}
	}
	return acc
}

// Poisson returns a Poisson deviate of mean lambda. Large means are reduced
// exactly through gamma-distributed arrival times; small ones use Knuth's
// product of uniforms.
func (r *RNG) Poisson(lambda float64) int {
	if !(lambda > 0) {
		return 0
	}
	acc := 0
	for lambda > 16 {
		m := int64(lambda * 0.875)
		x := r.Gamma(float64(m), 1)
		if x >= lambda {
			return acc + int(r.binomial(m-1, lambda/x))
		}
		acc += int(m)
		lambda -= x
	}
	l := math.Exp(-lambda)
	k := 0
	for p := r.Float64(); p > l; p *= r.Float64() {
		k++
	}
	return acc + k
}
