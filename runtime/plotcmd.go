package runtime

import (
	"fmt"
	"io"
	"os"
	"os/exec"
)

// plotResults hands a finished results directory to `annc plot`. Plotting
// lives in annc, not here, so that the runtime stays standard-library only;
// `annc run` tells the runner where annc is through ANNC_BIN.
func plotResults(dir string, stderr io.Writer) int {
	bin := os.Getenv("ANNC_BIN")
	if bin == "" {
		p, err := exec.LookPath("annc")
		if err != nil {
			fmt.Fprintf(stderr, "cannot plot: annc is not on PATH (run `annc plot %s` yourself)\n", dir)
			return ExitError
		}
		bin = p
	}
	cmd := exec.Command(bin, "plot", dir)
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(stderr, "plotting %s failed: %v\n", dir, err)
		return ExitError
	}
	return ExitOK
}
