package results

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
)

// streamBuffer is how many bytes of frames a stream gathers before writing
// them to its file.
const streamBuffer = 1 << 16

// NpyStream writes an array of shape (T, frame...) one frame at a time, so
// long recordings need bounded memory. Frames are gathered in a buffer;
// whenever the buffer goes to the file, the header is rewritten for the
// frames the file then holds (data first, header second), so the file is a
// valid .npy of every frame written so far even if the process is killed: at
// worst a few trailing bytes follow the announced frames, which numpy.load
// ignores. numpy's growth room keeps the header's length unchanged, so the
// closed file is byte-identical to what numpy.save writes for the whole
// array.
type NpyStream struct {
	f       *os.File
	path    string
	descr   string
	frame   []int
	size    int // values per frame
	item    int // bytes per value
	frames  int // frames appended
	written int // frames in the file (and in its header)
	buf     []byte
	err     error
}

// CreateNpyStream creates path (replacing any file of that name) holding
// the header of an empty (0, frame...) array of dtype "float64", "float32" or "int64" (or the
// NumPy descriptors "<f8", "<f4", "<i8").
func CreateNpyStream(path string, frame []int, dtype string) (*NpyStream, error) {
	descr, item, err := Descr(dtype)
	if err != nil {
		return nil, err
	}
	if descr != "<f8" && descr != "<f4" && descr != "<i8" {
		return nil, fmt.Errorf("npy stream %s: unsupported dtype %q (want float64, float32 or int64)", path, dtype)
	}
	size, err := checkShape(frame)
	if err != nil {
		return nil, err
	}
	// The header is written under a temporary name, so that path never
	// names a file without one.
	f, err := createTemp(path)
	if err != nil {
		return nil, err
	}
	s := &NpyStream{f: f, path: path, descr: descr, frame: append([]int(nil), frame...),
		size: size, item: item, buf: make([]byte, 0, max(streamBuffer, 2*size*item))}
	_, err = f.Write(NpyHeader(descr, s.shape(0)))
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return s, nil
}

func (s *NpyStream) shape(frames int) []int {
	return append([]int{frames}, s.frame...)
}

// Frames returns the number of frames appended so far.
func (s *NpyStream) Frames() int { return s.frames }

// Path returns the file name given to CreateNpyStream.
func (s *NpyStream) Path() string { return s.path }

// Flush writes the gathered frames to the file and then its header for
// them.
func (s *NpyStream) Flush() error {
	if s.err != nil {
		return s.err
	}
	if s.f == nil {
		return fmt.Errorf("npy stream %s: closed", s.path)
	}
	if len(s.buf) == 0 {
		return nil
	}
	if _, err := s.f.Write(s.buf); err != nil {
		s.err = err
		return err
	}
	s.buf = s.buf[:0]
	s.written = s.frames
	if _, err := s.f.WriteAt(NpyHeader(s.descr, s.shape(s.written)), 0); err != nil {
		s.err = err
		return err
	}
	return nil
}

func (s *NpyStream) check(n int) error {
	if s.err != nil {
		return s.err
	}
	if s.f == nil {
		return fmt.Errorf("npy stream %s: closed", s.path)
	}
	if n != s.size {
		return fmt.Errorf("npy stream %s: frame has %d values, want %d", s.path, n, s.size)
	}
	return nil
}

// endFrame counts the frame just added to the buffer and writes the buffer
// out when it is full.
func (s *NpyStream) endFrame() error {
	s.frames++
	if len(s.buf)+s.size*s.item > cap(s.buf) {
		return s.Flush()
	}
	return nil
}

func (s *NpyStream) put(x float64) {
	le := binary.LittleEndian
	switch s.descr {
	case "<f8":
		s.buf = le.AppendUint64(s.buf, math.Float64bits(x))
	case "<f4":
		s.buf = le.AppendUint32(s.buf, math.Float32bits(float32(x)))
	default:
		s.buf = le.AppendUint64(s.buf, uint64(int64(x)))
	}
}

// Append writes one frame, converted to the stream's dtype; len(vals) must
// be the frame size.
func (s *NpyStream) Append(vals []float64) error {
	if err := s.check(len(vals)); err != nil {
		return err
	}
	if s.descr == "<f8" {
		for _, x := range vals {
			s.buf = binary.LittleEndian.AppendUint64(s.buf, math.Float64bits(x))
		}
	} else {
		for _, x := range vals {
			s.put(x)
		}
	}
	return s.endFrame()
}

// Append32 writes one frame given as float32 values.
func (s *NpyStream) Append32(vals []float32) error {
	if err := s.check(len(vals)); err != nil {
		return err
	}
	if s.descr == "<f4" {
		for _, x := range vals {
			s.buf = binary.LittleEndian.AppendUint32(s.buf, math.Float32bits(x))
		}
	} else {
		for _, x := range vals {
			s.put(float64(x))
		}
	}
	return s.endFrame()
}

// AppendInt64 writes one frame given as int64 values.
func (s *NpyStream) AppendInt64(vals []int64) error {
	if err := s.check(len(vals)); err != nil {
		return err
	}
	for _, x := range vals {
		if s.descr == "<i8" {
			s.buf = binary.LittleEndian.AppendUint64(s.buf, uint64(x))
		} else {
			s.put(float64(x))
		}
	}
	return s.endFrame()
}

// Close writes the remaining frames and the final header and closes the
// file. Closing twice is an error.
func (s *NpyStream) Close() error {
	if s.f == nil {
		return fmt.Errorf("npy stream %s: already closed", s.path)
	}
	err := s.Flush()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	s.f = nil
	if err != nil {
		return fmt.Errorf("npy stream %s: %w", s.path, err)
	}
	return nil
}
