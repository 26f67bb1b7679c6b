//go:build !linux

package retrieval

// allocVectors returns a zeroed block for n float32s.
func allocVectors(n int) []float32 { return make([]float32, n) }
