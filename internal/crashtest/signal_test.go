package crashtest

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/annc/annc/runtime/results"
)

// TestAnncRunForwardsSignals sends SIGINT and SIGTERM to annc run itself
// while the runner simulates: the runner must get the signal, end the run
// with status "interrupted" and its files written, annc must wait for it,
// exit 130 and leave nothing running.
func TestAnncRunForwardsSignals(t *testing.T) {
	setup(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		out := filepath.Join(t.TempDir(), "out")
		cmd := exec.Command(anncBin, "run", "-d", buildDir, modelFile, "-out", out, "-duration", "1e6", "-stream")
		cmd.Dir = tmpRoot
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 60*time.Second, func() bool {
			m, err := results.ReadManifest(out)
			return err == nil && m.Status == results.StatusRunning
		})
		time.Sleep(200 * time.Millisecond)
		kids := descendants(cmd.Process.Pid)
		if len(kids) == 0 {
			t.Fatalf("%v: annc run has no child process", sig)
		}
		cmd.Process.Signal(sig)
		code := exitCode(t, cmd, 30*time.Second)
		if code != 130 {
			t.Errorf("%v: annc run exited %d, want 130; stderr:\n%s", sig, code, stderr.String())
		}
		if alive := stillAlive(kids); len(alive) > 0 {
			t.Errorf("%v: processes %v outlived annc run", sig, alive)
		}
		m, err := results.ReadComplete(out)
		if err != nil {
			t.Fatalf("%v: %v", sig, err)
		}
		if m.Status != results.StatusInterrupted || m.Steps == 0 {
			t.Errorf("%v: status %q after %d steps, want interrupted", sig, m.Status, m.Steps)
		}
	}
}

// TestAnncCompileForwardsSignals sends SIGINT and SIGTERM to annc compile
// while go build runs: go build and its compilers must end, annc must exit
// 130 saying it was interrupted, and the next compile of the same directory
// must build without reporting hand edits.
func TestAnncCompileForwardsSignals(t *testing.T) {
	setup(t)
	dir := filepath.Join(tmpRoot, "build2")
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		cmd := exec.Command(anncBin, "compile", modelFile, "-d", dir, "--force")
		cmd.Dir = tmpRoot
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var kids []int
		waitFor(t, 60*time.Second, func() bool {
			kids = descendants(cmd.Process.Pid)
			return len(kids) > 1 // go build and at least one of its tools
		})
		cmd.Process.Signal(sig)
		code := exitCode(t, cmd, 60*time.Second)
		if code != 130 || !strings.Contains(stderr.String(), "interrupted") {
			t.Errorf("%v: annc compile exited %d, want 130; stderr:\n%s", sig, code, stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
		if alive := stillAlive(kids); len(alive) > 0 {
			t.Errorf("%v: processes %v outlived annc compile", sig, alive)
		}
	}
	out, err := exec.Command(anncBin, "compile", modelFile, "-d", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("compile after the interrupted ones: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "by hand") || !strings.Contains(string(out), "the previous build did not finish") {
		t.Errorf("compile after the interrupted ones says:\n%s", out)
	}
}

func waitFor(t *testing.T, limit time.Duration, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("condition not met within %v", limit)
}

// exitCode waits for cmd (killing it after limit) and returns its exit
// status.
func exitCode(t *testing.T, cmd *exec.Cmd, limit time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var xe *exec.ExitError
		if errors.As(err, &xe) {
			return xe.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(limit):
		cmd.Process.Kill()
		<-done
		t.Fatalf("%s did not end within %v of the signal", cmd.Path, limit)
		return -1
	}
}

// descendants lists the processes below pid, from /proc.
func descendants(pid int) []int {
	ents, _ := os.ReadDir("/proc")
	parent := map[int]int{}
	for _, e := range ents {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if pp, _, ok := procStat(p); ok {
			parent[p] = pp
		}
	}
	var out []int
	for p := range parent {
		for q := parent[p]; q > 1; q = parent[q] {
			if q == pid {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// procStat returns the parent and state of a process.
func procStat(pid int) (ppid int, state byte, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	i := bytes.LastIndexByte(b, ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 {
		return 0, 0, false
	}
	pp, _ := strconv.Atoi(f[1])
	return pp, f[0][0], true
}

// stillAlive lists the processes of pids that exist and are not zombies.
func stillAlive(pids []int) []int {
	var out []int
	for _, p := range pids {
		if _, st, ok := procStat(p); ok && st != 'Z' {
			out = append(out, p)
		}
	}
	return out
}
