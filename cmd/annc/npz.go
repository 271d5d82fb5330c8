package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/annc/annc/runtime/results"
	"github.com/spf13/cobra"
)

func npzCmd(stdout io.Writer) *cobra.Command {
	var out string
	c := &cobra.Command{
		Use:     "npz DIR [-o FILE]",
		Short:   "Bundle the .npy files of a results directory into one .npz",
		Example: "  annc npz results -o run.npz   # then numpy.load(\"run.npz\")[\"P.spike_times\"]",
		Args:    exactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if out == "" {
				out = filepath.Join(args[0], "results.npz")
			}
			if err := results.WriteRunNpz(args[0], out); err != nil {
				return modelErr("%v", err)
			}
			fmt.Fprintln(stdout, out)
			return nil
		},
	}
	c.Flags().StringVarP(&out, "output", "o", "", "archive to write (default DIR/results.npz)")
	return c
}
