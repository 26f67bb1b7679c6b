package retrieval

import (
	"encoding/binary"
	"math"
	"runtime"
	"sync"
)

// Vectors are stored as 16-bit integers scaled so that the largest
// component is ±32767: half of float32's bytes to read and check at every
// start, with a step of 1/32767 of the largest component, far below what
// moves a ranking. A stored vector decodes to q/‖q‖, which depends on the
// integers alone, so storing a decoded vector again gives the same
// integers. The index always holds vectors as the file gives them back
// (quantizeRoundTrip), so a freshly built index and a loaded one rank alike.

const quantMax = 32767

// quantizedSize is the bytes of one stored vector of dims dimensions.
func quantizedSize(dims int) int { return 2 * dims }

// appendQuantized appends v's 16-bit components to b.
func appendQuantized(b []byte, v []float32) []byte {
	var peak float64
	for _, x := range v {
		peak = max(peak, math.Abs(float64(x)))
	}
	for _, x := range v {
		q := 0.0
		if peak > 0 {
			q = math.Round(float64(x) * quantMax / peak)
		}
		b = binary.LittleEndian.AppendUint16(b, uint16(int16(max(-quantMax, min(quantMax, q)))))
	}
	return b
}

// dequantize decodes one stored vector into v, as a unit vector.
func dequantize(v []float32, rec []byte) {
	var sum int64
	for i := range v {
		q := int64(int16(binary.LittleEndian.Uint16(rec[2*i:])))
		sum += q * q
	}
	if sum == 0 {
		clear(v)
		v[0] = 1
		return
	}
	inv := 1 / math.Sqrt(float64(sum))
	for i := range v {
		v[i] = float32(float64(int16(binary.LittleEndian.Uint16(rec[2*i:]))) * inv)
	}
}

// dequantizeAll decodes n stored vectors of dims dimensions from raw into
// one block, in parallel, and returns it.
func dequantizeAll(raw []byte, n, dims int) []float32 {
	out := allocVectors(n * dims)
	rec := quantizedSize(dims)
	workers := min(runtime.NumCPU(), max(1, n/512))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				dequantize(out[i*dims:(i+1)*dims], raw[i*rec:(i+1)*rec])
			}
		})
	}
	wg.Wait()
	return out
}

// quantizeRoundTrip returns v as storing and loading it gives it back.
func quantizeRoundTrip(v []float32) []float32 {
	out := make([]float32, len(v))
	dequantize(out, appendQuantized(make([]byte, 0, quantizedSize(len(v))), v))
	return out
}
