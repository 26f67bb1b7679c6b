package nountype

import "testing"

func TestOf(t *testing.T) {
	for noun, want := range map[string]string{
		"revenue":   Money,
		"salary":    Money,
		"slice":     Quantity,
		"spokesman": Person,
		"country":   Place,
		"city":      Place,
		"party":     Organisation,
		"steel":     Substance,
		"gave":      Verb,
		"idea":      "",
	} {
		if got := Of(noun); got != want {
			t.Errorf("Of(%q) = %q, want %q", noun, got, want)
		}
	}
}
