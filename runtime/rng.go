package runtime

import (
	"math"
	"math/bits"
)

// RNG is a xoshiro256** pseudo-random generator with a cached spare normal
// deviate. It is a small value type: copying it forks the stream, and none
// of its methods allocate. Streams are created by NewRNG from a seed and a
// list of keys naming the object and purpose that draws from them, so the
// numbers an object sees never depend on the order in which objects are
// built or on how many goroutines run networks.
type RNG struct {
	s0, s1, s2, s3 uint64
	spare          float64
	hasSpare       bool
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

// Normal returns a standard normal deviate (Marsaglia's polar method; the
// second deviate of each pair is kept for the next call).
func (r *RNG) Normal() float64 {
	if r.hasSpare {
		r.hasSpare = false
		return r.spare
	}
	for {
		u := 2*r.Float64() - 1
		v := 2*r.Float64() - 1
		s := u*u + v*v
		if s < 1 && s > 0 {
			f := math.Sqrt(-2 * math.Log(s) / s)
			r.spare = v * f
			r.hasSpare = true
			return u * f
		}
	}
}

// NormalMS returns a normal deviate with mean mu and standard deviation sigma.
func (r *RNG) NormalMS(mu, sigma float64) float64 {
	return mu + sigma*r.Normal()
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
