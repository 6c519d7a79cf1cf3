// Command tlogcheck checks Custody's ledger (issue 16) with an implementation we did not write:
// golang.org/x/mod/sumdb/note and golang.org/x/mod/sumdb/tlog (Debian's golang-golang-x-mod-dev).
//
// The ledger is an RFC 6962 Merkle log laid out as C2SP tlog-tiles (c2sp.org/tlog-tiles), with
// C2SP tlog-checkpoint signed notes (Ed25519) and C2SP tlog-proof inclusion proofs. Usage:
//
//	tlogcheck checkpoint  VKEY_FILE CHECKPOINT_FILE
//	tlogcheck inclusion   VKEY_FILE PROOF_FILE
//	tlogcheck consistency VKEY_FILE OLD_CHECKPOINT NEW_CHECKPOINT PROOF_FILE
//	tlogcheck tiles       VKEY_FILE CHECKPOINT_FILE LEDGER_DIR
//	tlogcheck prove       VKEY_FILE CHECKPOINT_FILE LEDGER_DIR INDEX
//	tlogcheck prove-tree  VKEY_FILE NEW_CHECKPOINT LEDGER_DIR OLD_SIZE
//	tlogcheck gen         OUT_DIR SIZE OLD_SIZE INDEX     (test fixture, see gen.go)
//
// VKEY_FILE holds one note verifier key, <name>+<8 hex key id>+<base64(0x01 || Ed25519 key)>;
// the key name must be the checkpoint's origin. A checkpoint file is a signed note whose body is
// <origin>\n<size>\n<base64 root hash>\n (then optional extension lines). A proof file for
// inclusion is a c2sp.org/tlog-proof@v1 document whose "extra" line carries the entry's bytes;
// one for consistency holds base64 hashes, one per line. prove and prove-tree print the proof
// tlog computes from the tiles of LEDGER_DIR, one base64 hash per line.
//
// On success the checking subcommands print a line starting with "ok " and exit 0; on any
// failure tlogcheck prints the reason on stderr and exits 1 (2 for a usage error).
//
// Build (no network, Debian's GOPATH):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= GOCACHE=ledger/target/go-cache \
//	  go build -o ledger/target/tlogcheck ./ledger/src/test/go/tlogcheck
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const usage = `usage:
  tlogcheck checkpoint  VKEY_FILE CHECKPOINT_FILE
  tlogcheck inclusion   VKEY_FILE PROOF_FILE
  tlogcheck consistency VKEY_FILE OLD_CHECKPOINT NEW_CHECKPOINT PROOF_FILE
  tlogcheck tiles       VKEY_FILE CHECKPOINT_FILE LEDGER_DIR
  tlogcheck prove       VKEY_FILE CHECKPOINT_FILE LEDGER_DIR INDEX
  tlogcheck prove-tree  VKEY_FILE NEW_CHECKPOINT LEDGER_DIR OLD_SIZE
  tlogcheck gen         OUT_DIR SIZE OLD_SIZE INDEX
`

// usageError is a wrong command line (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit code. A panic (a bug here or in tlog on
// input we did not foresee) is reported as a failure, never as a crash.
func run(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(stderr, "tlogcheck: FAIL: internal error: %v\n", p)
			code = 1
		}
	}()
	out, notes, err := dispatch(args)
	for _, n := range notes {
		fmt.Fprintf(stderr, "tlogcheck: note: %s\n", n)
	}
	if err != nil {
		if _, ok := err.(usageError); ok {
			fmt.Fprintf(stderr, "tlogcheck: %v\n%s", err, usage)
			return 2
		}
		fmt.Fprintf(stderr, "tlogcheck: FAIL: %v\n", err)
		return 1
	}
	fmt.Fprint(stdout, out)
	return 0
}

func dispatch(args []string) (out string, notes []string, err error) {
	if len(args) == 0 {
		return "", nil, usageError{"no subcommand"}
	}
	want := map[string]int{"checkpoint": 2, "inclusion": 2, "consistency": 4, "tiles": 3,
		"prove": 4, "prove-tree": 4, "gen": 4}
	n, ok := want[args[0]]
	if !ok {
		return "", nil, usageError{fmt.Sprintf("unknown subcommand %q", args[0])}
	}
	a := args[1:]
	if len(a) != n {
		return "", nil, usageError{fmt.Sprintf("%s takes %d arguments, got %d", args[0], n, len(a))}
	}
	switch args[0] {
	case "checkpoint":
		cp, err := readCheckpoint(a[0], a[1])
		if err != nil {
			return "", nil, err
		}
		return fmt.Sprintf("ok %s %d %s\n", cp.origin, cp.size, b64(cp.root)), nil, nil
	case "inclusion":
		out, err := cmdInclusion(a[0], a[1])
		return out, nil, err
	case "consistency":
		out, err := cmdConsistency(a[0], a[1], a[2], a[3])
		return out, nil, err
	case "tiles":
		return cmdTiles(a[0], a[1], a[2])
	case "prove":
		return cmdProve(a[0], a[1], a[2], a[3])
	case "prove-tree":
		return cmdProveTree(a[0], a[1], a[2], a[3])
	case "gen":
		out, err := cmdGen(a[0], a[1], a[2], a[3])
		return out, nil, err
	}
	return "", nil, usageError{"unreachable"}
}

// checkpoint is a verified C2SP tlog-checkpoint.
type checkpoint struct {
	origin string
	size   int64
	root   tlog.Hash
}

func (c checkpoint) tree() tlog.Tree { return tlog.Tree{N: c.size, Hash: c.root} }

func b64(h tlog.Hash) string { return base64.StdEncoding.EncodeToString(h[:]) }

// maxTreeSize is the largest tree size tlog handles: its maxpow2(size+1) loops forever from
// 2^62 on (1<<63 overflows int64).
const maxTreeSize = 1<<62 - 1

// emptyRoot is the RFC 6962 hash of the empty tree, SHA-256 of nothing (tlog uses all zeros).
var emptyRoot = tlog.Hash(sha256.Sum256(nil))

func readVerifier(vkeyFile string) (note.Verifier, error) {
	b, err := os.ReadFile(vkeyFile)
	if err != nil {
		return nil, fmt.Errorf("verifier key: %v", err)
	}
	s := strings.TrimRight(string(b), "\r\n")
	if strings.ContainsAny(s, "\n\r") {
		return nil, fmt.Errorf("verifier key file %s holds more than one line", vkeyFile)
	}
	v, err := note.NewVerifier(s)
	if err != nil {
		return nil, fmt.Errorf("verifier key %q: %v", s, err)
	}
	return v, nil
}

func readCheckpoint(vkeyFile, cpFile string) (checkpoint, error) {
	v, err := readVerifier(vkeyFile)
	if err != nil {
		return checkpoint{}, err
	}
	b, err := os.ReadFile(cpFile)
	if err != nil {
		return checkpoint{}, fmt.Errorf("checkpoint: %v", err)
	}
	cp, err := openCheckpoint(v, b)
	if err != nil {
		return checkpoint{}, fmt.Errorf("checkpoint %s: %v", cpFile, err)
	}
	return cp, nil
}

// openCheckpoint verifies the signed note msg with v and parses its C2SP tlog-checkpoint body.
func openCheckpoint(v note.Verifier, msg []byte) (checkpoint, error) {
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		if e, ok := err.(*note.UnverifiedNoteError); ok {
			names := []string{}
			for _, s := range e.Note.UnverifiedSigs {
				names = append(names, fmt.Sprintf("%s+%08x", s.Name, s.Hash))
			}
			return checkpoint{}, fmt.Errorf("signed note: no signature by %s+%08x (signatures by: %s)",
				v.Name(), v.KeyHash(), strings.Join(names, ", "))
		}
		return checkpoint{}, fmt.Errorf("signed note: %v", err)
	}
	// note.Open decodes signatures leniently (non-zero padding bits pass); ours are canonical.
	for _, sig := range append(append([]note.Signature(nil), n.Sigs...), n.UnverifiedSigs...) {
		if b, err := base64.StdEncoding.Strict().DecodeString(sig.Base64); err != nil || base64.StdEncoding.EncodeToString(b) != sig.Base64 {
			return checkpoint{}, fmt.Errorf("signature by %s is not canonical base64", sig.Name)
		}
	}
	lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
	if len(lines) < 3 {
		return checkpoint{}, fmt.Errorf("body has %d lines, want at least 3 (origin, size, root)", len(lines))
	}
	for i, l := range lines {
		if l == "" {
			return checkpoint{}, fmt.Errorf("body line %d is empty", i+1)
		}
	}
	cp := checkpoint{origin: lines[0]}
	if cp.origin != v.Name() {
		return checkpoint{}, fmt.Errorf("origin %q is not the key name %q", cp.origin, v.Name())
	}
	cp.size, err = parseDecimal(lines[1])
	if err != nil {
		return checkpoint{}, fmt.Errorf("tree size: %v", err)
	}
	if cp.size > maxTreeSize {
		return checkpoint{}, fmt.Errorf("tree size %d is 2^62 or more, more than tlog can compute with", cp.size)
	}
	cp.root, err = parseHash(lines[2])
	if err != nil {
		return checkpoint{}, fmt.Errorf("root hash: %v", err)
	}
	return cp, nil
}

// parseDecimal parses a non-negative int64 in canonical ASCII decimal (no sign, no leading zero).
func parseDecimal(s string) (int64, error) {
	if s == "" || (len(s) > 1 && s[0] == '0') || strings.Trim(s, "0123456789") != "" {
		return 0, fmt.Errorf("%q is not a canonical decimal number", s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q: %v", s, err)
	}
	return n, nil
}

// parseHash parses a 32-byte hash in canonical standard base64 (with padding).
func parseHash(s string) (tlog.Hash, error) {
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil || base64.StdEncoding.EncodeToString(b) != s {
		return tlog.Hash{}, fmt.Errorf("%q is not canonical base64", s)
	}
	if len(b) != tlog.HashSize {
		return tlog.Hash{}, fmt.Errorf("%q decodes to %d bytes, want %d", s, len(b), tlog.HashSize)
	}
	var h tlog.Hash
	copy(h[:], b)
	return h, nil
}

// parseHashLines parses hashes, one per line (each line ending with \n).
func parseHashLines(what string, lines []string) ([]tlog.Hash, error) {
	var hs []tlog.Hash
	for i, l := range lines {
		h, err := parseHash(l)
		if err != nil {
			return nil, fmt.Errorf("%s hash %d: %v", what, i, err)
		}
		hs = append(hs, h)
	}
	return hs, nil
}

const proofHeader = "c2sp.org/tlog-proof@v1"

// tlogProof is a parsed c2sp.org/tlog-proof@v1 document.
type tlogProof struct {
	extra    []byte
	hasExtra bool
	index    int64
	hashes   []tlog.Hash
	note     []byte
}

func parseTlogProof(b []byte) (tlogProof, error) {
	var p tlogProof
	rest := b
	next := func() (string, bool) {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			return "", false
		}
		l := string(rest[:i])
		rest = rest[i+1:]
		return l, true
	}
	l, ok := next()
	if !ok || l != proofHeader {
		return p, fmt.Errorf("first line is not %q", proofHeader)
	}
	if l, ok = next(); !ok {
		return p, fmt.Errorf("truncated after the header")
	}
	if strings.HasPrefix(l, "extra ") {
		e, err := base64.StdEncoding.Strict().DecodeString(l[len("extra "):])
		if err != nil || base64.StdEncoding.EncodeToString(e) != l[len("extra "):] {
			return p, fmt.Errorf("extra line: not canonical base64")
		}
		p.extra, p.hasExtra = e, true
		if l, ok = next(); !ok {
			return p, fmt.Errorf("truncated after the extra line")
		}
	}
	if !strings.HasPrefix(l, "index ") {
		return p, fmt.Errorf("want an \"index N\" line, got %q", l)
	}
	idx, err := parseDecimal(l[len("index "):])
	if err != nil {
		return p, fmt.Errorf("index: %v", err)
	}
	p.index = idx
	for {
		l, ok = next()
		if !ok {
			return p, fmt.Errorf("no empty line between the proof hashes and the checkpoint")
		}
		if l == "" {
			break
		}
		h, err := parseHash(l)
		if err != nil {
			return p, fmt.Errorf("proof hash %d: %v", len(p.hashes), err)
		}
		p.hashes = append(p.hashes, h)
	}
	if len(rest) == 0 {
		return p, fmt.Errorf("no checkpoint after the empty line")
	}
	p.note = rest
	return p, nil
}

func cmdInclusion(vkeyFile, proofFile string) (string, error) {
	v, err := readVerifier(vkeyFile)
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(proofFile)
	if err != nil {
		return "", fmt.Errorf("proof: %v", err)
	}
	p, err := parseTlogProof(b)
	if err != nil {
		return "", fmt.Errorf("tlog-proof %s: %v", proofFile, err)
	}
	cp, err := openCheckpoint(v, p.note)
	if err != nil {
		return "", fmt.Errorf("tlog-proof %s: checkpoint: %v", proofFile, err)
	}
	if !p.hasExtra {
		return "", fmt.Errorf("tlog-proof %s has no extra line (the entry's bytes)", proofFile)
	}
	if p.index >= cp.size {
		return "", fmt.Errorf("tlog-proof %s: index %d is not in the tree of size %d", proofFile, p.index, cp.size)
	}
	if err := tlog.CheckRecord(p.hashes, cp.size, cp.root, p.index, tlog.RecordHash(p.extra)); err != nil {
		return "", fmt.Errorf("tlog-proof %s: entry %d in tree %d: tlog.CheckRecord: %v", proofFile, p.index, cp.size, err)
	}
	return fmt.Sprintf("ok entry %d in %s %d %s\n", p.index, cp.origin, cp.size, b64(cp.root)), nil
}

func cmdConsistency(vkeyFile, oldFile, newFile, proofFile string) (string, error) {
	oldCp, err := readCheckpoint(vkeyFile, oldFile)
	if err != nil {
		return "", fmt.Errorf("old %v", err)
	}
	newCp, err := readCheckpoint(vkeyFile, newFile)
	if err != nil {
		return "", fmt.Errorf("new %v", err)
	}
	b, err := os.ReadFile(proofFile)
	if err != nil {
		return "", fmt.Errorf("consistency proof: %v", err)
	}
	s := string(b)
	var lines []string
	if s != "" {
		if !strings.HasSuffix(s, "\n") {
			return "", fmt.Errorf("consistency proof %s: last line does not end with a newline", proofFile)
		}
		lines = strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	}
	proof, err := parseHashLines("consistency proof", lines)
	if err != nil {
		return "", fmt.Errorf("%s: %v", proofFile, err)
	}
	if oldCp.size > newCp.size {
		return "", fmt.Errorf("old tree size %d is larger than new tree size %d", oldCp.size, newCp.size)
	}
	if oldCp.size == 0 {
		if oldCp.root != emptyRoot {
			return "", fmt.Errorf("old checkpoint of size 0 has root %s, want SHA-256 of nothing %s", b64(oldCp.root), b64(emptyRoot))
		}
		if len(proof) != 0 {
			return "", fmt.Errorf("consistency proof from size 0 must be empty, has %d hashes", len(proof))
		}
	} else if err := tlog.CheckTree(proof, newCp.size, newCp.root, oldCp.size, oldCp.root); err != nil {
		return "", fmt.Errorf("tree %d -> %d: tlog.CheckTree: %v", oldCp.size, newCp.size, err)
	}
	return fmt.Sprintf("ok consistent %s %d -> %d\n", newCp.origin, oldCp.size, newCp.size), nil
}

// leafHashes reads the n leaf hashes of the checkpoint's tree through tlog.TileHashReader, which
// is meant to authenticate every tile it reads against the signed root (x/mod 0.7.0 skips some
// of them, see cmdProve: cmdTiles recomputes the root and every tile from the leaves). It reads
// one level-0 tile at a time, so that a huge (claimed) size fails on the first missing tile,
// not in allocation.
func leafHashes(cp checkpoint, r *dirTileReader) ([]tlog.Hash, error) {
	hr := tlog.TileHashReader(cp.tree(), r)
	var leaves []tlog.Hash
	for start := int64(0); start < cp.size; start += fullWidth {
		end := start + fullWidth
		if end > cp.size {
			end = cp.size
		}
		idx := make([]int64, 0, end-start)
		for i := start; i < end; i++ {
			idx = append(idx, tlog.StoredHashIndex(0, i))
		}
		hs, err := hr.ReadHashes(idx)
		if err != nil {
			return nil, fmt.Errorf("tlog.TileHashReader, leaves %d..%d: %v", start, end-1, err)
		}
		if len(hs) != len(idx) {
			return nil, fmt.Errorf("tlog.TileHashReader returned %d hashes for %d", len(hs), len(idx))
		}
		leaves = append(leaves, hs...)
	}
	return leaves, nil
}

// hashStore holds all the stored hashes (tlog's numbering) of a tree built from leaf hashes.
type hashStore []tlog.Hash

func (s hashStore) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(s)) {
			return nil, fmt.Errorf("hash index %d not stored", x)
		}
		out[i] = s[x]
	}
	return out, nil
}

func buildStore(leaves []tlog.Hash) (hashStore, error) {
	var s hashStore
	for i, h := range leaves {
		add, err := tlog.StoredHashesForRecordHash(int64(i), h, s)
		if err != nil {
			return nil, err
		}
		s = append(s, add...)
	}
	return s, nil
}

func rootOf(leaves []tlog.Hash) (tlog.Hash, hashStore, error) {
	if len(leaves) == 0 {
		return emptyRoot, nil, nil
	}
	s, err := buildStore(leaves)
	if err != nil {
		return tlog.Hash{}, nil, err
	}
	h, err := tlog.TreeHash(int64(len(leaves)), s)
	return h, s, err
}

func cmdTiles(vkeyFile, cpFile, dir string) (string, []string, error) {
	cp, err := readCheckpoint(vkeyFile, cpFile)
	if err != nil {
		return "", nil, err
	}
	r, err := newDirTileReader(dir)
	if err != nil {
		return "", nil, err
	}
	if cp.size == 0 {
		if cp.root != emptyRoot {
			return "", nil, fmt.Errorf("checkpoint of size 0 has root %s, want SHA-256 of nothing %s", b64(cp.root), b64(emptyRoot))
		}
		return "ok 0 entries\n", nil, nil
	}
	leaves, err := leafHashes(cp, r)
	if err != nil {
		return "", r.notes, fmt.Errorf("%v%s", err, diagnose(cp, dir))
	}
	th, store, err := rootOf(leaves)
	if err != nil {
		return "", r.notes, fmt.Errorf("tlog.TreeHash: %v", err)
	}
	if th != cp.root {
		// tlog.TileHashReader let a bad tile through (see cmdProve).
		return "", r.notes, fmt.Errorf("tlog.TreeHash of the %d leaf hashes read through tlog.TileHashReader is %s, the checkpoint says %s%s",
			cp.size, b64(th), b64(cp.root), diagnose(cp, dir))
	}
	// Every hash tile of the tree, compared with what tlog computes from the leaves.
	for _, t := range hashTilesForSize(cp.size) {
		d, p, err := r.readHashTile(t)
		if err != nil {
			return "", r.notes, err
		}
		want, err := tlog.ReadTileData(t, store)
		if err != nil {
			return "", r.notes, fmt.Errorf("tlog.ReadTileData %s: %v", pathOf(t), err)
		}
		if k := firstDiff(d, want); k >= 0 {
			return "", r.notes, fmt.Errorf("tile %s: hash %d differs from the one tlog computes from the leaves", p, k)
		}
	}
	// The entries: each bundle holds exactly the expected count, and RecordHash(entry) is its
	// leaf hash.
	for k := int64(0); k*fullWidth < cp.size; k++ {
		w := bundleWidth(cp.size, k)
		entries, p, err := r.readBundle(k, w)
		if err != nil {
			return "", r.notes, err
		}
		for j, e := range entries {
			i := k*fullWidth + int64(j)
			if tlog.RecordHash(e) != leaves[i] {
				return "", r.notes, fmt.Errorf("entry %d (entry %d of bundle %s): RecordHash %s is not the leaf hash %s in %s",
					i, j, p, b64(tlog.RecordHash(e)), b64(leaves[i]), pathOf(tlog.Tile{H: tileHeight, L: 0, N: k, W: w}))
			}
		}
	}
	return fmt.Sprintf("ok %d entries\n", cp.size), r.notes, nil
}

// firstDiff returns the index of the first 32-byte hash where a and b differ, or -1.
func firstDiff(a, b []byte) int {
	for k := 0; k*tlog.HashSize < len(a) || k*tlog.HashSize < len(b); k++ {
		lo, hi := k*tlog.HashSize, (k+1)*tlog.HashSize
		if hi > len(a) || hi > len(b) || !bytes.Equal(a[lo:hi], b[lo:hi]) {
			return k
		}
	}
	return -1
}

// diagnose runs after tlog rejected the tiles, to name the file at fault: it reads the level-0
// tiles and the entry bundles without authentication and sees which of them reproduce the
// signed root.
func diagnose(cp checkpoint, dir string) string {
	r, err := newDirTileReader(dir)
	if err != nil || cp.size > 1<<26 {
		return ""
	}
	var tileLeaves []tlog.Hash
	var tileErr error
	for k := int64(0); k*fullWidth < cp.size && tileErr == nil; k++ {
		var d []byte
		if d, _, tileErr = r.readHashTile(tlog.Tile{H: tileHeight, L: 0, N: k, W: bundleWidth(cp.size, k)}); tileErr == nil {
			for o := 0; o < len(d); o += tlog.HashSize {
				var h tlog.Hash
				copy(h[:], d[o:])
				tileLeaves = append(tileLeaves, h)
			}
		}
	}
	if tileErr != nil {
		return "\n  diagnosis: " + tileErr.Error()
	}
	th, store, err := rootOf(tileLeaves)
	if err != nil {
		return ""
	}
	if th == cp.root {
		for _, t := range hashTilesForSize(cp.size) {
			d, p, err := r.readHashTile(t)
			if err != nil {
				return "\n  diagnosis: " + err.Error()
			}
			want, err := tlog.ReadTileData(t, store)
			if err == nil {
				if k := firstDiff(d, want); k >= 0 {
					return fmt.Sprintf("\n  diagnosis: the level-0 tiles reproduce the signed root, but tile %s differs at hash %d", p, k)
				}
			}
		}
		return "\n  diagnosis: the level-0 tiles reproduce the signed root"
	}
	var entryLeaves []tlog.Hash
	for k := int64(0); k*fullWidth < cp.size; k++ {
		entries, _, err := r.readBundle(k, bundleWidth(cp.size, k))
		if err != nil {
			return "\n  diagnosis: the level-0 tiles do not reproduce the signed root; " + err.Error()
		}
		for _, e := range entries {
			entryLeaves = append(entryLeaves, tlog.RecordHash(e))
		}
	}
	eh, _, err := rootOf(entryLeaves)
	first := ""
	for i := range tileLeaves {
		if tileLeaves[i] != entryLeaves[i] {
			k := int64(i) / fullWidth
			first = fmt.Sprintf("leaf hash %d (hash %d of %s) is not RecordHash of entry %d", i, i%fullWidth,
				pathOf(tlog.Tile{H: tileHeight, L: 0, N: k, W: bundleWidth(cp.size, k)}), i)
			break
		}
	}
	if err == nil && eh == cp.root {
		return "\n  diagnosis: the entry bundles reproduce the signed root, the level-0 tiles do not: " + first
	}
	if first != "" {
		return "\n  diagnosis: neither the level-0 tiles nor the entry bundles reproduce the signed root; " + first
	}
	return "\n  diagnosis: neither the level-0 tiles nor the entry bundles reproduce the signed root (they agree with each other)"
}

func formatHashes(hs []tlog.Hash) string {
	var b strings.Builder
	for _, h := range hs {
		b.WriteString(b64(h))
		b.WriteByte('\n')
	}
	return b.String()
}

func cmdProve(vkeyFile, cpFile, dir, indexArg string) (string, []string, error) {
	cp, err := readCheckpoint(vkeyFile, cpFile)
	if err != nil {
		return "", nil, err
	}
	index, err := parseDecimal(indexArg)
	if err != nil {
		return "", nil, usageError{"INDEX: " + err.Error()}
	}
	if index >= cp.size {
		return "", nil, fmt.Errorf("index %d is not in the tree of size %d", index, cp.size)
	}
	r, err := newDirTileReader(dir)
	if err != nil {
		return "", nil, err
	}
	hr := tlog.TileHashReader(cp.tree(), r)
	p, err := tlog.ProveRecord(cp.size, index, hr)
	if err != nil {
		return "", r.notes, fmt.Errorf("tlog.ProveRecord(%d, %d): %v", cp.size, index, err)
	}
	// x/mod 0.7.0's TileHashReader does not authenticate every tile it reads (its loop over
	// the tiles to check against their parents starts at len(stx), the number of subtree
	// indexes, not the number of tiles they need), so the proof is checked before it is printed.
	leaf, err := hr.ReadHashes([]int64{tlog.StoredHashIndex(0, index)})
	if err != nil {
		return "", r.notes, fmt.Errorf("leaf hash %d: %v", index, err)
	}
	if err := tlog.CheckRecord(p, cp.size, cp.root, index, leaf[0]); err != nil {
		return "", r.notes, fmt.Errorf("the proof tlog.ProveRecord(%d, %d) computed from the tiles does not verify against the checkpoint (tlog.CheckRecord: %v): the tiles are corrupt", cp.size, index, err)
	}
	return formatHashes(p), r.notes, nil
}

func cmdProveTree(vkeyFile, cpFile, dir, oldArg string) (string, []string, error) {
	cp, err := readCheckpoint(vkeyFile, cpFile)
	if err != nil {
		return "", nil, err
	}
	old, err := parseDecimal(oldArg)
	if err != nil {
		return "", nil, usageError{"OLD_SIZE: " + err.Error()}
	}
	if old > cp.size {
		return "", nil, fmt.Errorf("old size %d is larger than the tree size %d", old, cp.size)
	}
	if old == 0 {
		return "", nil, nil // the empty tree is a prefix of every tree: empty proof
	}
	r, err := newDirTileReader(dir)
	if err != nil {
		return "", nil, err
	}
	hr := tlog.TileHashReader(cp.tree(), r)
	p, err := tlog.ProveTree(cp.size, old, hr)
	if err != nil {
		return "", r.notes, fmt.Errorf("tlog.ProveTree(%d, %d): %v", cp.size, old, err)
	}
	// As in cmdProve, the proof is checked (it ties the old root read from the tiles to the
	// signed one) before it is printed.
	oldRoot, err := tlog.TreeHash(old, hr)
	if err != nil {
		return "", r.notes, fmt.Errorf("tlog.TreeHash(%d): %v", old, err)
	}
	if err := tlog.CheckTree(p, cp.size, cp.root, old, oldRoot); err != nil {
		return "", r.notes, fmt.Errorf("the proof tlog.ProveTree(%d, %d) computed from the tiles does not verify against the checkpoint (tlog.CheckTree: %v): the tiles are corrupt", cp.size, old, err)
	}
	return formatHashes(p), r.notes, nil
}

func b64bytes(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
