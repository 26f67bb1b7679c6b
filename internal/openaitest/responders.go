package openaitest

import (
	"bufio"
	"fmt"
	"hash/fnv"
	"io"
	"regexp"
	"strings"
	"unicode"
)

// This file holds the default responders, and helpers for tests that
// script their own.

// HashEmbed is the default embedder: hashed bags of lower-cased words,
// deliberately not of unit length so that clients must normalise.
func HashEmbed(model string, inputs []string) [][]float32 {
	out := make([][]float32, len(inputs))
	for i, in := range inputs {
		v := make([]float32, Dims)
		words := strings.FieldsFunc(strings.ToLower(in), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		})
		for _, w := range words {
			h := fnv.New32a()
			io.WriteString(h, w)
			v[h.Sum32()%Dims] += 3
		}
		if len(words) == 0 {
			v[0] = 1
		}
		out[i] = v
	}
	return out
}

// passageRE finds a numbered passage in a prompt: a line starting "[n]" or a
// tag with n="…", followed by its text.
var passageRE = regexp.MustCompile(`(?m)^(?:\[(\d+)\][^\n]*|<passage n="(\d+)"[^\n]*)\n([^\n<]+)`)

// Passages returns the numbered passages of a prompt, by number.
func Passages(prompt string) map[int]string {
	out := map[int]string{}
	for _, m := range passageRE.FindAllStringSubmatch(prompt, -1) {
		n := 0
		fmt.Sscan(m[1]+m[2], &n)
		out[n] = strings.TrimSpace(m[3])
	}
	return out
}

// FirstSentence returns text up to its first sentence end.
func FirstSentence(text string) string {
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Split(bufio.ScanRunes)
	var b strings.Builder
	for sc.Scan() {
		b.WriteString(sc.Text())
		if t := sc.Text(); (t == "." || t == "!" || t == "?") && b.Len() > 20 {
			break
		}
	}
	return strings.TrimSpace(b.String())
}

// CiteFirstPassage is the default chat responder: the first sentence of
// passage 1, cited as [1]. Without passages it says it found nothing.
func CiteFirstPassage(req Request) Reply {
	ps := Passages(req.Last("user"))
	if p, ok := ps[1]; ok {
		return Reply{Content: FirstSentence(p) + " [1]"}
	}
	return Reply{Content: "I found no passages to answer from."}
}
