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

func TestReadNounIndexAndData(t *testing.T) {
	dir := t.TempDir()
	index := "  1 licence\ncancer n 2 3 @ ~ #m 2 1 14239918 09752657\nguitar n 1 2 @ ~ 1 1 03467517\n"
	data := "  1 licence\n" +
		"14239918 26 n 02 cancer 0 malignant_neoplastic_disease 0 002 @ 14238528 n 0000 ~ 14240380 n 0000 | a tumor\n" +
		"09752657 18 n 03 Cancer 0 Crab 0 Cancer_the_Crab 0 002 @i 09768302 n 0000 @ 09768303 v 0000 | a person\n"
	if err := os.WriteFile(filepath.Join(dir, "index.noun"), []byte(index), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "data.noun"), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	offsets, tagged, err := ReadNounIndex(filepath.Join(dir, "index.noun"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"14239918", "09752657"}; !reflect.DeepEqual(offsets["cancer"], want) || tagged["cancer"] != 1 || tagged["guitar"] != 1 {
		t.Errorf("cancer: offsets %q tagged %d, want %q and 1", offsets["cancer"], tagged["cancer"], want)
	}
	synsets, err := ReadNounData(filepath.Join(dir, "data.noun"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Synset{
		"14239918": {Words: []string{"cancer", "malignant_neoplastic_disease"}, Hypernyms: []string{"14238528"}},
		// A verb's pointer is no noun's hypernym.
		"09752657": {Words: []string{"cancer", "crab", "cancer_the_crab"}, InstanceOf: []string{"09768302"}},
	}
	if !reflect.DeepEqual(synsets, want) {
		t.Errorf("synsets %+v, want %+v", synsets, want)
	}
	if err := os.WriteFile(filepath.Join(dir, "bad"), []byte("cancer n x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadNounIndex(filepath.Join(dir, "bad")); err == nil {
		t.Error("a short index line gave no error")
	}
	if _, err := ReadNounData(filepath.Join(dir, "bad")); err == nil {
		t.Error("a short data line gave no error")
	}
}
