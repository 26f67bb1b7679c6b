package wordnet

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestEachLineSkipsTheLicenceHeader(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index.noun")
	text := "  1 This software and database is being provided\n  2 to you\n\ncar n 5 1 @ 5 0 02958343\nsale n 6 3 @ ~ + 6 4 01117541\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	var got [][]string
	err := EachLine(path, func(f []string) error { got = append(got, f[:2]); return nil })
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"car", "n"}, {"sale", "n"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("lines %q, want %q", got, want)
	}
	stop := errors.New("stop")
	if err := EachLine(path, func([]string) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("fn's error %v, want it wrapped with the path", err)
	}
	if err := EachLine(filepath.Join(t.TempDir(), "missing"), func([]string) error { return nil }); err == nil {
		t.Fatal("a missing file gave no error")
	}
}

func TestIsWord(t *testing.T) {
	for w, want := range map[string]bool{"car": true, "": false, "motor_car": false, "x-ray": false, "Paris": false, "a.m.": false} {
		if got := IsWord(w); got != want {
			t.Errorf("IsWord(%q) = %v, want %v", w, got, want)
		}
	}
}

func TestLine(t *testing.T) {
	table := "car automobile auto\ndecide decision\nempty \nsale selling\n"
	for word, want := range map[string]string{"car": "automobile auto", "decide": "decision", "sale": "selling", "empty": "", "bus": "", "zebra": "", "": ""} {
		got, ok := Line(table, word)
		if got != want || ok != (want != "") {
			t.Errorf("Line(%q) = %q, %v; want %q, %v", word, got, ok, want, want != "")
		}
	}
	if _, ok := Line("", "car"); ok {
		t.Error("an empty table found a word")
	}
}
