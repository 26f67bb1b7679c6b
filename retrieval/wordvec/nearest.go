package wordvec

import (
	_ "embed"
	"encoding/binary"
	"math"
)

// tableK is how many nearest words of each word nearest.bin holds.
const tableK = 10

// entryLen is the length of one neighbour's entry in nearestBin.
const entryLen = 6

// nearestBin holds, for word number i, its tableK nearest words at bytes
// i*tableK*entryLen..(i+1)*tableK*entryLen, most similar first, each
// entry the word's number (a little-endian uint16) and its similarity (the
// little-endian bits of the float32 cosine of the two rows): what
// Nearest's scan of the whole table returns, computed once (go test -run
// TestNearestTable -update-nearest) so that a lookup of up to tableK
// neighbours takes microseconds, not the milliseconds of a scan.
// TestNearestTable checks it against the scan.
//
// The similarities are stored, not computed from the rows at each lookup:
// a lookup then reads one entry of this table and none of vectorsBin,
// where the neighbours' rows lie scattered over the 3.4 MB, and the kernel
// maps 64 KB around every page a process touches in its binary: ten rows
// read cost some 600 KB of resident memory for each question word.
//
//go:embed nearest.bin
var nearestBin string

// fromTable returns word i's k nearest from nearestBin, or false when the
// table can't answer (k too large, or a table of another word list).
func fromTable(i, k int) ([]Neighbor, bool) {
	if k > tableK || len(nearestBin) != Len()*tableK*entryLen {
		return nil, false
	}
	out := make([]Neighbor, k)
	for n := range out {
		e := []byte(nearestBin[(i*tableK+n)*entryLen : (i*tableK+n+1)*entryLen])
		j := int(binary.LittleEndian.Uint16(e))
		out[n] = Neighbor{Word: word(j), Similarity: math.Float32frombits(binary.LittleEndian.Uint32(e[2:]))}
	}
	return out, true
}

// putEntry writes a neighbour's entry of nearestBin at the start of b.
func putEntry(b []byte, j int, similarity float32) {
	binary.LittleEndian.PutUint16(b, uint16(j))
	binary.LittleEndian.PutUint32(b[2:], math.Float32bits(similarity))
}
