package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"

	"github.com/spf13/cobra"
)

var modelName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// The starter network fires at about 25 Hz: 50 inputs at 50 Hz with weights
// of 2 on average hold g_exc near 25 (50 × 50/s × 2 × 5 ms), above the 20 mV
// from rest to threshold.
const starterModel = `# A starter model: Poisson input driving leaky integrate-and-fire neurons.
name: %s
dt: 0.1
seed: 1

neurons:
  LIF:
    parameters: |
      tau = 20.0 : population
      E_L = -70.0 : population
      v_thresh = -50.0 : population
      v_reset = -70.0 : population
      tau_exc = 5.0 : population
    equations: |
      tau * dv/dt = E_L - v + g_exc : init = -70.0
      tau_exc * dg_exc/dt = -g_exc
    spike: v > v_thresh
    reset: v = v_reset
    refractory: 2.0

populations:
  - name: inp
    geometry: 100
    poisson: {rates: 50.0}
  - name: exc
    geometry: 10
    neuron: LIF

projections:
  - name: inp_exc
    pre: inp
    post: exc
    target: exc
    connector:
      fixed_probability: {probability: 0.5, weights: "Uniform(1.0, 3.0)"}

monitors:
  - name: exc
    target: exc
    variables: [spike, v]

simulation:
  duration: 1000.0

# Units of variables, for plots and manifests (the equations do not say them).
units: {v: mV, g_exc: mV}
`

const starterGenerate = `package %s

//go:generate annc compile model.yaml -d annarchy
`

func initCmd(stdout, stderr io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "init NAME",
		Short: "Write a starter model.yaml and generate.go into a new directory NAME",
		Args:  exactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			name := filepath.Base(args[0])
			if !modelName.MatchString(name) {
				return usageErr("model name %q must match [a-z][a-z0-9_]*", name)
			}
			if err := os.MkdirAll(args[0], 0o755); err != nil {
				return modelErr("%v", err)
			}
			files := map[string]string{
				"model.yaml":  fmt.Sprintf(starterModel, name),
				"generate.go": fmt.Sprintf(starterGenerate, name),
			}
			for _, f := range []string{"model.yaml", "generate.go"} {
				p := filepath.Join(args[0], f)
				if _, err := os.Stat(p); err == nil {
					return usageErr("%s exists; not overwriting it", p)
				}
				if err := os.WriteFile(p, []byte(files[f]), 0o644); err != nil {
					return modelErr("%v", err)
				}
				fmt.Fprintln(stderr, "annc: wrote", p)
			}
			m := filepath.Join(args[0], "model.yaml")
			res := filepath.Join(args[0], "results")
			fmt.Fprintf(stdout, "Next:\n  annc check %s\n  annc run %s -out %s -plot\n  annc sweep %s -sweep exc.tau=10,20,40 -trials 3 -out %s -plot\n",
				m, m, res, m, filepath.Join(args[0], "sweep"))
			return nil
		},
	}
}
