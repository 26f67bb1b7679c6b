package corpus

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// ErrEncoding marks a file that is neither UTF-8 nor plausibly
// Windows-1252 (which includes Latin-1's printable characters).
var ErrEncoding = errors.New("not UTF-8 text, nor plausibly Windows-1252 or Latin-1")

// EncodingWindows1252 names the encoding decode falls back to.
const EncodingWindows1252 = "Windows-1252"

// cp1252 maps the bytes 0x80–0x9F, where Windows-1252 differs from
// Latin-1, to Unicode. Zero marks the five bytes Windows-1252 leaves
// undefined; text holding them is not Windows-1252.
var cp1252 = [32]rune{
	'€', 0, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0, 'Ž', 0,
	0, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0, 'ž', 'Ÿ',
}

// decode returns raw as UTF-8 text, and the name of the encoding it was
// converted from ("" when it already was UTF-8).
//
// Text that is not valid UTF-8 is read as Windows-1252 when that is
// plausible: single-byte text with no NUL bytes, no bytes that Windows-1252
// leaves undefined, few other control bytes, a minority of non-ASCII bytes
// (accents, currency signs and curly quotes in prose, not binary noise), and
// no valid multi-byte UTF-8 sequences, which would mean a UTF-8 file with
// corrupt bytes that decoding as Windows-1252 would garble further.
func decode(raw string) (string, string, error) {
	if utf8.ValidString(raw) {
		return raw, "", nil
	}
	var high, control int
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == 0:
			return "", "", ErrEncoding
		case c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' || c == 0x7f:
			control++
		case c >= 0x80 && c <= 0x9f && cp1252[c-0x80] == 0:
			return "", "", ErrEncoding
		case c >= 0x80:
			high++
			if c >= 0xc2 {
				if r, n := utf8.DecodeRuneInString(raw[i:]); r != utf8.RuneError && n > 1 {
					return "", "", ErrEncoding
				}
			}
		}
	}
	// Latin-script prose has a few accented letters per word at most;
	// a third of non-ASCII bytes is binary data or another script's encoding.
	if control*100 > len(raw) || high*3 > len(raw) {
		return "", "", ErrEncoding
	}
	var b strings.Builder
	b.Grow(len(raw) + high)
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case c < 0x80:
			b.WriteByte(c)
		case c < 0xa0:
			b.WriteRune(cp1252[c-0x80])
		default:
			b.WriteRune(rune(c)) // Latin-1 is the first 256 code points
		}
	}
	return b.String(), EncodingWindows1252, nil
}
