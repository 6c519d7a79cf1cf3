package main

// The test fixture generator, "tlogcheck gen OUT_DIR SIZE OLD_SIZE INDEX": it lets the checks
// of this program (go test, see main_test.go) and the Java wrapper (GoTlogOracleIT) run before
// and independently of the Java ledger. It builds, with tlog itself, a log of SIZE pseudo-random
// entries (seeded by SIZE; lengths 0..399 bytes) published at OLD_SIZE and then at SIZE, and
// writes into OUT_DIR (which must not exist, or be empty):
//
//	vkey                  the note verifier key (a fresh Ed25519 key; skey is its signer key)
//	ledger/               the C2SP tlog-tiles layout: the hash tiles and entry bundles of the
//	                      tree at OLD_SIZE (its partial tiles) and at SIZE
//	old-checkpoint        the signed checkpoint of the tree at OLD_SIZE
//	checkpoint            the signed checkpoint of the tree at SIZE
//	consistency.proof     tlog.ProveTree(SIZE, OLD_SIZE), base64 lines
//	inclusion.tlog-proof  a c2sp.org/tlog-proof@v1 of entry INDEX (the entry in "extra")
//	                      against the checkpoint at SIZE

import (
	"crypto/rand"
	"fmt"
	mrand "math/rand"
	"os"
	"path/filepath"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const genOrigin = "example.com/custody/tlogcheck-gen"

func cmdGen(outDir, sizeArg, oldArg, indexArg string) (string, error) {
	size, err1 := parseDecimal(sizeArg)
	old, err2 := parseDecimal(oldArg)
	index, err3 := parseDecimal(indexArg)
	if err1 != nil || err2 != nil || err3 != nil || size < 1 || size > 1<<20 || old > size || index >= size {
		return "", usageError{"gen wants 1 <= SIZE <= 2^20, 0 <= OLD_SIZE <= SIZE, 0 <= INDEX < SIZE"}
	}
	if ents, err := os.ReadDir(outDir); err == nil && len(ents) > 0 {
		return "", fmt.Errorf("gen: %s is not empty", outDir)
	}
	skey, vkey, err := note.GenerateKey(rand.Reader, genOrigin)
	if err != nil {
		return "", err
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		return "", err
	}

	rnd := mrand.New(mrand.NewSource(size))
	entries := make([][]byte, size)
	var store hashStore
	for i := range entries {
		e := make([]byte, rnd.Intn(400))
		rnd.Read(e)
		entries[i] = e
		add, err := tlog.StoredHashes(int64(i), e, store)
		if err != nil {
			return "", err
		}
		store = append(store, add...)
	}
	root := func(n int64) (tlog.Hash, error) {
		if n == 0 {
			return emptyRoot, nil
		}
		return tlog.TreeHash(n, store)
	}

	files := map[string][]byte{"vkey": []byte(vkey + "\n"), "skey": []byte(skey + "\n")}
	for _, n := range []int64{old, size} {
		for _, t := range hashTilesForSize(n) {
			d, err := tlog.ReadTileData(t, store)
			if err != nil {
				return "", err
			}
			files[filepath.Join("ledger", pathOf(t))] = d
		}
		for k := int64(0); k*fullWidth < n; k++ {
			w := bundleWidth(n, k)
			files[filepath.Join("ledger", pathOf(tlog.Tile{H: tileHeight, L: -1, N: k, W: w}))] =
				encodeBundle(entries[k*fullWidth : k*fullWidth+int64(w)])
		}
	}
	var notes [2][]byte
	for i, n := range []int64{old, size} {
		h, err := root(n)
		if err != nil {
			return "", err
		}
		text := fmt.Sprintf("%s\n%d\n%s\n", genOrigin, n, b64(h))
		notes[i], err = note.Sign(&note.Note{Text: text}, signer)
		if err != nil {
			return "", err
		}
	}
	files["old-checkpoint"], files["checkpoint"] = notes[0], notes[1]

	var tp []tlog.Hash
	if old > 0 {
		if tp, err = tlog.ProveTree(size, old, store); err != nil {
			return "", err
		}
	}
	files["consistency.proof"] = []byte(formatHashes(tp))

	rp, err := tlog.ProveRecord(size, index, store)
	if err != nil {
		return "", err
	}
	files["inclusion.tlog-proof"] = []byte(fmt.Sprintf("%s\nextra %s\nindex %d\n%s\n%s", proofHeader,
		b64bytes(entries[index]), index, formatHashes(rp), notes[1]))

	for name, d := range files {
		p := filepath.Join(outDir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(p, d, 0o644); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("ok generated %d entries (old size %d, proof of entry %d) in %s\n", size, old, index, outDir), nil
}
