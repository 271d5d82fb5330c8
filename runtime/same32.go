package runtime

import "math"

// Same32 is Same for float32 weights: the common value when every weight
// has the same bits (ok false when w is empty or two differ).
func Same32(w []float32) (float32, bool) {
	if len(w) == 0 {
		return 0, false
	}
	b := math.Float32bits(w[0])
	for _, x := range w[1:] {
		if math.Float32bits(x) != b {
			return 0, false
		}
	}
	return w[0], true
}
