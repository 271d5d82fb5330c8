// Package results owns the files an annc run leaves on disk: NumPy .npy
// arrays (read, written whole or streamed frame by frame), .npz archives,
// and manifest.json, the description of a results directory that tells a
// complete run from a broken one. The runtime writes them; the analysis and
// plot packages and the annc command read them.
//
// It uses the standard library only: annc copies it with the runtime into
// every build directory, where it must build without network access.
//
// # Crash consistency
//
// A run first marks the directory's manifest as "running" (Begin), writes
// every array to a temporary name renamed into place when complete
// (WriteNpyFile, WriteFileAtomic), and writes the final manifest last. A
// reader needs only the manifest: status "running" (or no manifest) means
// the directory does not hold a complete run; any other status means every
// file it lists is present with the shape and dtype it gives (Check).
// Streamed arrays (NpyStream) are written in place under their final names
// and keep a valid header for the frames already in the file, so an
// interrupted streamed run is readable up to its last complete frame.
package results
