package conformance

import "testing"

// TestFromMatrixFiles: testdata/matrix.yaml, dt = 1 ms. m1's weights come
// from matrix_w.npy (post × pre [[1, 10], [100, NaN]]: three synapses) and
// its delays from a matrix ([[3, 1], [0, 7]], the 7 at the NaN unused). The
// spike of src[0] at step 2 reaches post[0] with delay 3 at step 5 and
// post[1] with delay 0 (one step at least) at step 3; the spike of src[1]
// at step 5 reaches post[0] with delay 1 at step 6. acc sums g_exc (reset
// after each step): post[0] has 1 from step 5 and 11 from step 6, post[1]
// 100 from step 3. m2 is the same projection given pre × post with
// pre_post: true, onto g_inh: acc2 = acc.
//
// big reads a 70 × 70 matrix w[j][i] = 100 j + i (over the literal limit,
// so it is embedded); with every pre r = 1, sum(exc) of post j is
// 7000 j + 2415.
func TestFromMatrixFiles(t *testing.T) {
	t.Parallel()
	r := run(t, "testdata/matrix.yaml")
	want := func(k, i int) float64 {
		switch {
		case i == 1 && k >= 3:
			return 100
		case i == 0 && k >= 6:
			return 11
		case i == 0 && k == 5:
			return 1
		}
		return 0
	}
	expect(t, trace(t, r, "post", "acc", 10, 2), want)
	expect(t, trace(t, r, "post", "acc2", 10, 2), want)
	// Recorded every 5 steps: at step 0 the sums read the r of before the
	// first step (0), at step 5 those of step 4.
	expect(t, trace(t, r, "sums", "r", 2, 70), func(k, j int) float64 {
		if k == 0 {
			return 0
		}
		return 7000*float64(j) + 2415
	})
}
