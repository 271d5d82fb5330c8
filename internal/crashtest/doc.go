// Package crashtest checks what runs and builds leave behind when they are
// killed or interrupted: it builds annc and compiles testdata/kill.yaml with
// it, then SIGKILLs the runner at random instants over an existing results
// directory and checks the directory after each kill (the manifest describes
// exactly the files present, or says the run did not finish), and sends
// SIGINT and SIGTERM to annc run and annc compile (the signal reaches the
// runner or go build, annc waits for it, nothing is left running, the next
// compile does not report hand edits).
package crashtest
