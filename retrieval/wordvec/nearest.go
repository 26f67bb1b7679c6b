package wordvec

import (
	_ "embed"
	"encoding/binary"
)

// tableK is how many nearest words of each word nearest.bin holds.
const tableK = 10

// nearestBin holds, for word number i, the numbers of its tableK nearest
// words at bytes i*2*tableK..(i+1)*2*tableK, most similar first, each a
// little-endian uint16: what Nearest's scan of the whole table returns,
// computed once (go test -run TestNearestTable -update) so that a lookup
// of up to tableK neighbours takes microseconds, not the milliseconds of
// a scan. TestNearestTable checks it against the scan.
//
//go:embed nearest.bin
var nearestBin string

// fromTable returns word i's k nearest from nearestBin, or false when the
// table can't answer (k too large, or a table of another word list).
func fromTable(i, k int) ([]Neighbor, bool) {
	if k > tableK || len(nearestBin) != Len()*2*tableK {
		return nil, false
	}
	// The k+1 rows' lengths, not norms' table of every row: a process
	// asking one question looks up a few words.
	q := row(i)
	qq := dot(q, q)
	out := make([]Neighbor, k)
	for n := range out {
		at := (i*tableK + n) * 2
		j := int(binary.LittleEndian.Uint16([]byte(nearestBin[at : at+2])))
		r := row(j)
		out[n] = Neighbor{Word: word(j), Similarity: cosine(dot(q, r), qq, dot(r, r))}
	}
	return out, true
}
