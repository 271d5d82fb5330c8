// Package proc runs the programs annc starts (the model's runner, go build)
// so that interrupting annc interrupts them: SIGINT and SIGTERM that annc
// receives while a child runs are forwarded to the child's process group,
// and annc waits for the child to finish before it goes on. The child runs
// in a process group of its own, so that a Ctrl-C in a terminal reaches it
// once (through annc), not twice; on Linux it also receives SIGTERM should
// annc die without forwarding (SIGKILL).
package proc

import (
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

// Run starts cmd and waits for it, forwarding SIGINT and SIGTERM to it. It
// returns what cmd.Run would, and the first signal forwarded (nil if none).
func Run(cmd *exec.Cmd) (os.Signal, error) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	setParentDeathSignal(cmd.SysProcAttr)
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var first os.Signal
	for {
		select {
		case err := <-done:
			return first, err
		case sig := <-sigs:
			if first == nil {
				first = sig
			}
			// The whole group: go build's compilers and linkers too.
			syscall.Kill(-cmd.Process.Pid, sig.(syscall.Signal))
		}
	}
}
