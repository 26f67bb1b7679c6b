package retrieval

import "testing"

func TestBackgroundIDF(t *testing.T) {
	if n := BackgroundDocs(); n < 1000 {
		t.Fatalf("BackgroundDocs = %d, want the reference collection's thousands", n)
	}
	common, rare, unknown := BackgroundIDF(Stem("said")), BackgroundIDF(Stem("profits")), BackgroundIDF("zzqxj")
	if !(common < rare && rare < unknown) {
		t.Errorf("IDF said %.2f, profits %.2f, unknown %.2f: want increasing", common, rare, unknown)
	}
	if unknown != BackgroundMaxIDF() {
		t.Errorf("unknown stem IDF %.3f, want the maximum %.3f", unknown, BackgroundMaxIDF())
	}
	if BackgroundDF(Stem("profits")) == 0 || BackgroundDF("zzqxj") != 0 {
		t.Errorf("BackgroundDF: profits %d, unknown %d", BackgroundDF(Stem("profits")), BackgroundDF("zzqxj"))
	}
}
