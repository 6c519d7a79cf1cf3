package main

// Tests of tlogcheck itself, on fixtures from "tlogcheck gen" (gen.go): every subcommand accepts
// a good fixture and rejects it with one byte changed. Run, from the repository root:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= GOCACHE=$PWD/ledger/target/go-cache \
//	  go test ./ledger/src/test/go/tlogcheck

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type result struct {
	code     int
	out, err string
}

func runArgs(args ...string) result {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return result{code, out.String(), errb.String()}
}

func mustOK(t *testing.T, args ...string) result {
	t.Helper()
	r := runArgs(args...)
	if r.code != 0 {
		t.Fatalf("%v: exit %d\n%s", args, r.code, r.err)
	}
	return r
}

func mustFail(t *testing.T, what string, args ...string) result {
	t.Helper()
	r := runArgs(args...)
	if r.code != 1 {
		t.Fatalf("%s: %v: exit %d, want 1\nstdout: %s\nstderr: %s", what, args, r.code, r.out, r.err)
	}
	if strings.Contains(r.err, "internal error") {
		t.Fatalf("%s: %v: panicked: %s", what, args, r.err)
	}
	return r
}

func gen(t *testing.T, size, old, index string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "fx")
	mustOK(t, "gen", dir, size, old, index)
	return dir
}

func copyDir(t *testing.T, from string) string {
	t.Helper()
	to := filepath.Join(t.TempDir(), "copy")
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return to
}

func flip(t *testing.T, file string, at int) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	b[at] ^= 0x01
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func all(t *testing.T, dir string) {
	t.Helper()
	j := func(n string) string { return filepath.Join(dir, n) }
	mustOK(t, "checkpoint", j("vkey"), j("checkpoint"))
	mustOK(t, "checkpoint", j("vkey"), j("old-checkpoint"))
	mustOK(t, "inclusion", j("vkey"), j("inclusion.tlog-proof"))
	mustOK(t, "consistency", j("vkey"), j("old-checkpoint"), j("checkpoint"), j("consistency.proof"))
	if r := mustOK(t, "tiles", j("vkey"), j("checkpoint"), j("ledger")); !strings.HasPrefix(r.out, "ok ") {
		t.Fatalf("tiles printed %q", r.out)
	}
	mustOK(t, "tiles", j("vkey"), j("old-checkpoint"), j("ledger"))
}

func TestGoodFixtures(t *testing.T) {
	for _, c := range [][3]string{
		{"1", "0", "0"}, {"1", "1", "0"}, {"2", "1", "1"}, {"255", "7", "254"}, {"256", "255", "128"},
		{"257", "256", "256"}, {"513", "256", "0"}, {"1000", "300", "517"}, {"3000", "2999", "1234"},
	} {
		dir := gen(t, c[0], c[1], c[2])
		all(t, dir)
		j := func(n string) string { return filepath.Join(dir, n) }
		// prove and prove-tree reproduce, from the tiles, what gen proved from memory.
		p, _ := os.ReadFile(j("inclusion.tlog-proof"))
		lines := strings.Split(string(p), "\n")
		var want []string
		for _, l := range lines[3:] {
			if l == "" {
				break
			}
			want = append(want, l)
		}
		got := mustOK(t, "prove", j("vkey"), j("checkpoint"), j("ledger"), c[2]).out
		if got != strings.Join(append(want, ""), "\n") && !(got == "" && len(want) == 0) {
			t.Fatalf("%v: prove printed\n%s\nwant\n%v", c, got, want)
		}
		tp, _ := os.ReadFile(j("consistency.proof"))
		if got := mustOK(t, "prove-tree", j("vkey"), j("checkpoint"), j("ledger"), c[1]).out; got != string(tp) {
			t.Fatalf("%v: prove-tree printed\n%s\nwant\n%s", c, got, tp)
		}
	}
}

// Every single changed byte of a checkpoint, a tlog-proof or a consistency proof is rejected.
func TestEveryByteOfNotesAndProofs(t *testing.T) {
	dir := gen(t, "700", "300", "600")
	j := func(n string) string { return filepath.Join(dir, n) }
	check := map[string][]string{
		"checkpoint":           {"checkpoint", j("vkey"), "FILE"},
		"old-checkpoint":       {"consistency", j("vkey"), "FILE", j("checkpoint"), j("consistency.proof")},
		"inclusion.tlog-proof": {"inclusion", j("vkey"), "FILE"},
		"consistency.proof":    {"consistency", j("vkey"), j("old-checkpoint"), j("checkpoint"), "FILE"},
	}
	for name, args := range check {
		orig, _ := os.ReadFile(j(name))
		f := filepath.Join(t.TempDir(), name)
		a := append([]string(nil), args...)
		for i := range a {
			if a[i] == "FILE" {
				a[i] = f
			}
		}
		for at := range orig {
			b := append([]byte(nil), orig...)
			b[at] ^= 0x01
			os.WriteFile(f, b, 0o644)
			mustFail(t, fmt.Sprintf("%s byte %d", name, at), a...)
		}
		// Truncations and garbage fail too, without a panic.
		for _, b := range [][]byte{nil, orig[:len(orig)/2], orig[:len(orig)-1], append(orig, 'x'), []byte("\x00\xff\n\n")} {
			os.WriteFile(f, b, 0o644)
			if name == "consistency.proof" && len(b) == 0 {
				continue // an empty proof parses; CheckTree rejects it below
			}
			mustFail(t, name+" mangled", a...)
		}
		os.WriteFile(f, nil, 0o644)
		mustFail(t, name+" empty", a...)
	}
}

// A changed byte in any tile or entry bundle fails "tiles" for every checkpoint whose tree uses
// that file, and the message names the file or the entry.
func TestEveryTileAndBundle(t *testing.T) {
	good := gen(t, "1000", "300", "517")
	var files []string
	filepath.WalkDir(filepath.Join(good, "ledger"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(filepath.Join(good, "ledger"), p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(files)
	uses := func(size int64) map[string]bool {
		m := map[string]bool{}
		for _, t := range hashTilesForSize(size) {
			m[pathOf(t)] = true
		}
		for k := int64(0); k*fullWidth < size; k++ {
			m[pathOf(tileOf(-1, k, bundleWidth(size, k)))] = true
		}
		return m
	}
	sizes := map[string]map[string]bool{"checkpoint": uses(1000), "old-checkpoint": uses(300)}
	rnd := rand.New(rand.NewSource(1))
	for _, f := range files {
		for _, cpName := range []string{"checkpoint", "old-checkpoint"} {
			if !sizes[cpName][f] {
				continue
			}
			info, _ := os.Stat(filepath.Join(good, "ledger", f))
			for _, at := range []int{0, int(info.Size()) - 1, rnd.Intn(int(info.Size()))} {
				dir := copyDir(t, good)
				flip(t, filepath.Join(dir, "ledger", f), at)
				r := mustFail(t, f, "tiles", filepath.Join(dir, "vkey"), filepath.Join(dir, cpName), filepath.Join(dir, "ledger"))
				if !strings.Contains(r.err, f) && !strings.Contains(r.err, "entry ") {
					t.Errorf("%s byte %d (%s): message names neither the file nor an entry:\n%s", f, at, cpName, r.err)
				}
				t.Logf("%s byte %d, %s: %s", f, at, cpName, strings.TrimSpace(r.err))
			}
		}
	}
}

func tileOf(l int, n int64, w int) tlog.Tile { return tlog.Tile{H: tileHeight, L: l, N: n, W: w} }

func newSignerForTest(skey string) (note.Signer, error) { return note.NewSigner(skey) }

func signForTest(s note.Signer, text string) ([]byte, error) {
	return note.Sign(&note.Note{Text: text}, s)
}

func TestProveRejectsBadTiles(t *testing.T) {
	dir := gen(t, "1000", "300", "517")
	j := func(n string) string { return filepath.Join(dir, n) }
	flip(t, filepath.Join(dir, "ledger", "tile", "0", "000"), 40) // leaf hash 1
	// x/mod 0.7.0's TileHashReader lets this tile through (see cmdProve); the self-check does not.
	for _, i := range []string{"0", "1", "5", "255"} {
		mustFail(t, "prove "+i, "prove", j("vkey"), j("checkpoint"), j("ledger"), i)
	}
	for _, old := range []string{"1", "2", "3", "100", "255", "256"[:2]} {
		mustFail(t, "prove-tree "+old, "prove-tree", j("vkey"), j("checkpoint"), j("ledger"), old)
	}
	// A proof that does not need the changed hash is still right, and printed.
	mustOK(t, "prove", j("vkey"), j("checkpoint"), j("ledger"), "300")
	mustOK(t, "prove-tree", j("vkey"), j("checkpoint"), j("ledger"), "256")
	mustFail(t, "index out of range", "prove", j("vkey"), j("checkpoint"), j("ledger"), "1000")
}

func TestMissingAndFallbackTiles(t *testing.T) {
	good := gen(t, "1000", "300", "517")
	// The tree at 300 has tile/0/001.p/44; a log may delete it once tile/0/001 exists.
	dir := copyDir(t, good)
	j := func(n string) string { return filepath.Join(dir, n) }
	os.Remove(filepath.Join(dir, "ledger", "tile", "0", "001.p", "44"))
	os.Remove(filepath.Join(dir, "ledger", "tile", "entries", "001.p", "44"))
	r := mustOK(t, "tiles", j("vkey"), j("old-checkpoint"), j("ledger"))
	if !strings.Contains(r.err, "tile/0/001.p/44 is missing") || !strings.Contains(r.err, "tile/entries/001.p/44 is missing") {
		t.Fatalf("no note of the fallback: %s", r.err)
	}
	// A missing partial tile with no full tile fails, naming it.
	for _, f := range []string{"tile/0/003.p/232", "tile/1/000.p/3", "tile/entries/003.p/232", "tile/0/002", "tile/entries/000"} {
		dir := copyDir(t, good)
		os.Remove(filepath.Join(dir, "ledger", filepath.FromSlash(f)))
		r := mustFail(t, f, "tiles", filepath.Join(dir, "vkey"), filepath.Join(dir, "checkpoint"), filepath.Join(dir, "ledger"))
		if !strings.Contains(r.err, f) {
			t.Errorf("missing %s: not named: %s", f, r.err)
		}
	}
}

func TestWrongKeyAndOrigin(t *testing.T) {
	a := gen(t, "10", "5", "3")
	b := gen(t, "10", "5", "3")
	mustFail(t, "other key", "checkpoint", filepath.Join(b, "vkey"), filepath.Join(a, "checkpoint"))
	mustFail(t, "other key", "inclusion", filepath.Join(b, "vkey"), filepath.Join(a, "inclusion.tlog-proof"))
	mustFail(t, "mixed", "consistency", filepath.Join(a, "vkey"), filepath.Join(a, "old-checkpoint"), filepath.Join(b, "checkpoint"), filepath.Join(a, "consistency.proof"))
	// Consistency the wrong way round.
	mustFail(t, "reversed", "consistency", filepath.Join(a, "vkey"), filepath.Join(a, "checkpoint"), filepath.Join(a, "old-checkpoint"), filepath.Join(a, "consistency.proof"))
	// Bad command lines exit 2.
	if r := runArgs("tiles", "x"); r.code != 2 {
		t.Fatalf("usage error: exit %d", r.code)
	}
	if r := runArgs(); r.code != 2 {
		t.Fatalf("no args: exit %d", r.code)
	}
	// Missing files and garbage exit 1.
	mustFail(t, "no file", "checkpoint", filepath.Join(a, "nope"), filepath.Join(a, "checkpoint"))
	mustFail(t, "garbage key", "checkpoint", filepath.Join(a, "checkpoint"), filepath.Join(a, "checkpoint"))
	mustFail(t, "not a dir", "tiles", filepath.Join(a, "vkey"), filepath.Join(a, "checkpoint"), filepath.Join(a, "vkey"))
}

// A checkpoint that claims a huge tree fails on the first missing tile, without allocating it.
func TestHugeClaimedSize(t *testing.T) {
	a := gen(t, "10", "5", "3")
	skey, _ := os.ReadFile(filepath.Join(a, "skey"))
	signer, err := newSignerForTest(strings.TrimSpace(string(skey)))
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []string{"4611686018427387903", "4294967296", "257"} {
		f := filepath.Join(t.TempDir(), "cp")
		msg, err := signForTest(signer, genOrigin+"\n"+size+"\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(f, msg, 0o644)
		mustOK(t, "checkpoint", filepath.Join(a, "vkey"), f)
		mustFail(t, "huge", "tiles", filepath.Join(a, "vkey"), f, filepath.Join(a, "ledger"))
		mustFail(t, "huge", "prove", filepath.Join(a, "vkey"), f, filepath.Join(a, "ledger"), "3")
		mustFail(t, "huge", "prove-tree", filepath.Join(a, "vkey"), f, filepath.Join(a, "ledger"), "3")
	}
	for _, body := range []string{
		genOrigin + "\n010\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		genOrigin + "\n-1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		genOrigin + "\n9223372036854775807\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		genOrigin + "\n4611686018427387904\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		genOrigin + "\n9223372036854775808\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		genOrigin + "\n10\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=\n",
		genOrigin + "\n10\n",
		"other.example/log\n10\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
	} {
		f := filepath.Join(t.TempDir(), "cp")
		msg, _ := signForTest(signer, body)
		os.WriteFile(f, msg, 0o644)
		mustFail(t, body, "checkpoint", filepath.Join(a, "vkey"), f)
	}
}
