package retrieval

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"unsafe"
)

// A store's vectors live in a file of their own beside the index file: a
// header page, then one slot per vector, each dims float32s in
// little-endian order, unit length. The index file names the vectors file,
// how many of its slots it covers and their checksum, and gives every
// chunk its slot. Loading maps the file and hands its slots to the vector
// store in place: nothing is decoded or copied, and the pages are the page
// cache's. Re-indexing appends the vectors of new chunks (the slots an
// index file covers never change, so a process reading an older index
// file is not disturbed) and rewrites the file only when most of its slots
// are no longer used by any chunk.

// vectorsMagic begins every vectors file.
const vectorsMagic = "ABVECS\x00\x01"

// vectorsHeader is the bytes before the first slot: one page, so that the
// slots of a mapped file are aligned for float32.
const vectorsHeader = 4096

// slotBytes is the size of one slot of dims dimensions.
func slotBytes(dims int) int { return 4 * dims }

// vectorsRef is what an index file records of its vectors file.
type vectorsRef struct {
	File  string `json:"file"` // base name, in the index file's directory
	ID    string `json:"id"`   // the file's identity, from its header
	Slots int    `json:"slots"`
	// CRC32C covers the slots' bytes.
	CRC32C uint32 `json:"crc32c"`
	// Size and ModTime (nanoseconds) are the file's when the index was
	// saved. While the file still has them, nothing has written to it
	// since, and its checksum is not computed again at every load (which
	// would read every vector once more); a file that changed in any way
	// is checked before it is used.
	Size    int64 `json:"size"`
	ModTime int64 `json:"mtime"`
}

// stamp records the vectors file's size and modification time in ref.
func (ref *vectorsRef) stamp(indexPath string) error {
	info, err := os.Stat(filepath.Join(filepath.Dir(indexPath), ref.File))
	if err != nil {
		return err
	}
	ref.Size, ref.ModTime = info.Size(), info.ModTime().UnixNano()
	return nil
}

// mappedVectors is a vectors file mapped into memory. Vectors taken from it
// point into the mapping, which is released when nothing refers to the
// mappedVectors any more: whatever holds such vectors (a persisted file
// read, an Index) holds it too.
type mappedVectors struct {
	data []byte // the slots
	// unchanged is set when the file's size and modification time are
	// those the index recorded (see vectorsRef.Size).
	unchanged bool
}

// isLittleEndian is whether float32s in memory are laid out as the file
// lays them out, so that its bytes can be used in place.
var isLittleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// openVectors maps the slots ref describes from the vectors file beside
// the index file at indexPath, checking its header against ref and dims.
func openVectors(indexPath string, ref vectorsRef, dims int) (*mappedVectors, error) {
	if ref.File == "" || ref.File != filepath.Base(ref.File) || !strings.HasPrefix(ref.File, vectorsPrefix(indexPath)) {
		return nil, fmt.Errorf("bad vectors file name %q", ref.File)
	}
	f, err := openRegular(filepath.Join(filepath.Dir(indexPath), ref.File))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("vectors: not a regular file (%s)", info.Mode().Type())
	}
	size := int64(vectorsHeader) + int64(ref.Slots)*int64(slotBytes(dims))
	if ref.Slots < 0 || info.Size() < size {
		return nil, fmt.Errorf("vectors: %d bytes, the index needs %d", info.Size(), size)
	}
	var hdr [len(vectorsMagic) + 4 + 16]byte
	if _, err := io.ReadFull(io.NewSectionReader(f, 0, int64(len(hdr))), hdr[:]); err != nil || string(hdr[:len(vectorsMagic)]) != vectorsMagic {
		return nil, errors.New("vectors: not an articlebot vectors file")
	}
	if d := binary.LittleEndian.Uint32(hdr[len(vectorsMagic):]); int(d) != dims {
		return nil, fmt.Errorf("vectors: %d dimensions, want %d", d, dims)
	}
	if id := hex.EncodeToString(hdr[len(vectorsMagic)+4:]); id != ref.ID {
		return nil, fmt.Errorf("vectors: file %s, the index wants %s", id, ref.ID)
	}
	unchanged := ref.Size == info.Size() && ref.ModTime == info.ModTime().UnixNano()
	if ref.Slots == 0 {
		return &mappedVectors{unchanged: unchanged}, nil
	}
	data, unmap, err := mapFile(f, size)
	if err != nil {
		return nil, err
	}
	m := &mappedVectors{data: data[vectorsHeader:], unchanged: unchanged}
	runtime.AddCleanup(m, func(unmap func()) { unmap() }, unmap)
	return m, nil
}

// vectors returns the n slots of dims dimensions from the mapping as
// float32s: in place, or decoded where the host's byte order differs.
func (m *mappedVectors) vectors(n, dims int) []float32 {
	b := m.data[:n*slotBytes(dims)]
	if len(b) == 0 {
		return nil
	}
	if isLittleEndian && uintptr(unsafe.Pointer(&b[0]))%4 == 0 {
		return unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), len(b)/4)
	}
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

// checksum is the CRC32C of the first n slots, computed in pieces so that
// it stops when ctx ends.
func (m *mappedVectors) checksum(ctx context.Context, n, dims int) (uint32, error) {
	crc := crcPieces(ctx, m.data[:n*slotBytes(dims)])
	return crc, ctx.Err()
}

// appendSlots appends the vectors' bytes to b.
func appendSlots(b []byte, vecs ...[]float32) []byte {
	for _, v := range vecs {
		if isLittleEndian && len(v) > 0 {
			b = append(b, unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 4*len(v))...)
			continue
		}
		for _, x := range v {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
		}
	}
	return b
}

// vectorsPrefix begins the names of the vectors files of the index file
// at indexPath.
func vectorsPrefix(indexPath string) string {
	return strings.TrimSuffix(filepath.Base(indexPath), filepath.Ext(indexPath)) + "-vectors-"
}

// writeVectors writes a new vectors file of the given vectors beside the
// index file, synced, and returns its reference.
func writeVectors(indexPath string, dims int, vecs [][]float32) (vectorsRef, error) {
	var id [16]byte
	if _, err := rand.Read(id[:]); err != nil {
		return vectorsRef{}, err
	}
	ref := vectorsRef{ID: hex.EncodeToString(id[:]), Slots: len(vecs)}
	ref.File = vectorsPrefix(indexPath) + ref.ID[:12] + ".vec"
	hdr := make([]byte, vectorsHeader)
	copy(hdr, vectorsMagic)
	binary.LittleEndian.PutUint32(hdr[len(vectorsMagic):], uint32(dims))
	copy(hdr[len(vectorsMagic)+4:], id[:])
	crc := crc32.New(castagnoli)
	err := writeAtomic(filepath.Join(filepath.Dir(indexPath), ref.File), func(w io.Writer) error {
		if _, err := w.Write(hdr); err != nil {
			return err
		}
		buf := make([]byte, 0, 1<<20)
		for i, v := range vecs {
			buf = appendSlots(buf, v)
			if len(buf) >= 1<<20-slotBytes(dims) || i == len(vecs)-1 {
				crc.Write(buf)
				if _, err := w.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
		}
		return nil
	})
	ref.CRC32C = crc.Sum32()
	return ref, err
}

// appendVectors adds the vectors to the file ref names after its slots,
// in place of anything a failed save left there, synced, and returns the
// reference that covers them too.
func appendVectors(indexPath string, ref vectorsRef, dims int, vecs [][]float32) (vectorsRef, error) {
	if len(vecs) == 0 {
		return ref, nil
	}
	f, err := os.OpenFile(filepath.Join(filepath.Dir(indexPath), ref.File), os.O_RDWR, 0)
	if err != nil {
		return ref, err
	}
	defer f.Close()
	b := appendSlots(make([]byte, 0, len(vecs)*slotBytes(dims)), vecs...)
	off := int64(vectorsHeader) + int64(ref.Slots)*int64(slotBytes(dims))
	if _, err := f.WriteAt(b, off); err != nil {
		return ref, err
	}
	if err := f.Truncate(off + int64(len(b))); err != nil {
		return ref, err
	}
	if err := f.Sync(); err != nil {
		return ref, err
	}
	ref.Slots += len(vecs)
	ref.CRC32C = crc32.Update(ref.CRC32C, castagnoli, b)
	return ref, nil
}

// removeOtherVectors deletes the index file's vectors files but keep.
// A process still using one keeps its mapping; one that read the index
// file that named it just before finds it gone and reads the index again.
func removeOtherVectors(indexPath, keep string) {
	dir := filepath.Dir(indexPath)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := vectorsPrefix(indexPath)
	for _, e := range entries {
		if n := e.Name(); n != keep && strings.HasPrefix(n, prefix) && strings.HasSuffix(n, ".vec") {
			_ = os.Remove(filepath.Join(dir, n))
		}
	}
}

// writeAtomic writes a file through fill into a temporary file beside
// path, syncs it and renames it into place, so that path is always either
// the old file or the whole new one.
func writeAtomic(path string, fill func(w io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("couldn't create the data directory: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".index-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriterSize(tmp, 1<<20)
	err = fill(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	return err
}
