package main

// The C2SP tlog-tiles layout of a ledger directory, read through tlog's TileReader.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// tileHeight is the height of every C2SP tile: 256 hashes (or entries) per full tile.
const tileHeight = 8

const fullWidth = 1 << tileHeight

// c2spPath maps a tlog tile (H=8) to its path in the C2SP tlog-tiles layout:
// tile/<L>/<N>[.p/<W>] for hash tiles and tile/entries/<N>[.p/<W>] for the data tiles (L = -1).
// N is written as zero-padded 3-digit path elements, all but the last prefixed with x.
func c2spPath(t tlog.Tile) (string, error) {
	if t.H != tileHeight || t.L < -1 || t.L > 63 || t.N < 0 || t.W < 1 || t.W > fullWidth {
		return "", fmt.Errorf("no C2SP path for tile H=%d L=%d N=%d W=%d", t.H, t.L, t.N, t.W)
	}
	n := t.N
	nStr := fmt.Sprintf("%03d", n%1000)
	for n >= 1000 {
		n /= 1000
		nStr = fmt.Sprintf("x%03d/%s", n%1000, nStr)
	}
	level := "entries"
	if t.L >= 0 {
		level = fmt.Sprintf("%d", t.L)
	}
	p := "tile/" + level + "/" + nStr
	if t.W != fullWidth {
		p += fmt.Sprintf(".p/%d", t.W)
	}
	return p, nil
}

// dirTileReader is a tlog.TileReader over a C2SP tlog-tiles directory (a file: store root).
// C2SP lets a log delete a partial tile once the full tile exists, and a client then reads the
// full tile instead: when a partial file is missing, the reader uses the first W hashes of the
// full tile and records that in notes (printed on stderr).
type dirTileReader struct {
	dir   string
	cache map[string][]byte
	notes []string
}

func newDirTileReader(dir string) (*dirTileReader, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("ledger directory: %v", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("ledger directory %s is not a directory", dir)
	}
	return &dirTileReader{dir: dir, cache: map[string][]byte{}}, nil
}

func (r *dirTileReader) Height() int { return tileHeight }

func (r *dirTileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	data := make([][]byte, len(tiles))
	for i, t := range tiles {
		if t.L < 0 {
			return nil, fmt.Errorf("unexpected request for a data tile")
		}
		d, _, err := r.readHashTile(t)
		if err != nil {
			return nil, err
		}
		data[i] = d
	}
	return data, nil
}

func (r *dirTileReader) SaveTiles(tiles []tlog.Tile, data [][]byte) {}

// readFile reads a file of the layout, relative to the directory.
func (r *dirTileReader) readFile(rel string) ([]byte, error) {
	if d, ok := r.cache[rel]; ok {
		return d, nil
	}
	d, err := os.ReadFile(filepath.Join(r.dir, filepath.FromSlash(rel)))
	if err != nil {
		return nil, err
	}
	r.cache[rel] = d
	return d, nil
}

// readHashTile reads hash tile t (exactly W*32 bytes), falling back to the full tile when a
// partial one is missing. It returns the data and the path it was read from.
func (r *dirTileReader) readHashTile(t tlog.Tile) ([]byte, string, error) {
	p, err := c2spPath(t)
	if err != nil {
		return nil, "", err
	}
	d, err := r.readFile(p)
	if err != nil && errors.Is(err, fs.ErrNotExist) && t.W < fullWidth {
		full := t
		full.W = fullWidth
		fp, _ := c2spPath(full)
		fd, ferr := r.readFile(fp)
		if ferr == nil {
			if len(fd) != fullWidth*tlog.HashSize {
				return nil, "", fmt.Errorf("tile %s: %d bytes, want %d", fp, len(fd), fullWidth*tlog.HashSize)
			}
			r.note(fmt.Sprintf("%s is missing: used the first %d hashes of %s", p, t.W, fp))
			return fd[:t.W*tlog.HashSize], fp, nil
		}
	}
	if err != nil {
		return nil, "", fmt.Errorf("tile %s: %v", p, err)
	}
	if len(d) != t.W*tlog.HashSize {
		return nil, "", fmt.Errorf("tile %s: %d bytes, want %d (%d hashes)", p, len(d), t.W*tlog.HashSize, t.W)
	}
	return d, p, nil
}

// readBundle reads entry bundle n, which must hold exactly w entries, and parses its entries
// (each a big-endian uint16 length, then that many bytes). A missing partial bundle is read
// from the full bundle (which must hold exactly 256 entries) and truncated.
func (r *dirTileReader) readBundle(n int64, w int) ([][]byte, string, error) {
	t := tlog.Tile{H: tileHeight, L: -1, N: n, W: w}
	p, err := c2spPath(t)
	if err != nil {
		return nil, "", err
	}
	want := w
	d, err := r.readFile(p)
	if err != nil && errors.Is(err, fs.ErrNotExist) && w < fullWidth {
		t.W = fullWidth
		fp, _ := c2spPath(t)
		if fd, ferr := r.readFile(fp); ferr == nil {
			r.note(fmt.Sprintf("%s is missing: used the first %d entries of %s", p, w, fp))
			p, d, err, want = fp, fd, nil, fullWidth
		}
	}
	if err != nil {
		return nil, "", fmt.Errorf("entry bundle %s: %v", p, err)
	}
	entries, err := parseBundle(d)
	if err != nil {
		return nil, "", fmt.Errorf("entry bundle %s: %v", p, err)
	}
	if len(entries) != want {
		return nil, "", fmt.Errorf("entry bundle %s holds %d entries, want %d", p, len(entries), want)
	}
	return entries[:w], p, nil
}

func (r *dirTileReader) note(s string) {
	for _, n := range r.notes {
		if n == s {
			return
		}
	}
	r.notes = append(r.notes, s)
}

// parseBundle splits a C2SP entry bundle into its entries.
func parseBundle(d []byte) ([][]byte, error) {
	var entries [][]byte
	for off := 0; off < len(d); {
		if len(d)-off < 2 {
			return nil, fmt.Errorf("truncated length prefix at byte %d (entry %d)", off, len(entries))
		}
		l := int(binary.BigEndian.Uint16(d[off:]))
		off += 2
		if len(d)-off < l {
			return nil, fmt.Errorf("entry %d: length %d runs past the end of the bundle (%d bytes left)", len(entries), l, len(d)-off)
		}
		entries = append(entries, d[off:off+l])
		off += l
	}
	return entries, nil
}

// encodeBundle is the inverse of parseBundle (for the generator).
func encodeBundle(entries [][]byte) []byte {
	var b []byte
	for _, e := range entries {
		if len(e) > 0xffff {
			panic("entry too long for a bundle")
		}
		b = binary.BigEndian.AppendUint16(b, uint16(len(e)))
		b = append(b, e...)
	}
	return b
}

// hashTilesForSize lists the hash tiles a tree of size n publishes: at every level, the full
// tiles and the final partial one (if any), with the widths tlog expects for that tree.
func hashTilesForSize(n int64) []tlog.Tile {
	var tiles []tlog.Tile
	for level := 0; n>>(tileHeight*level) > 0; level++ {
		count := n >> (tileHeight * level) // hashes at this level
		for k := int64(0); k < count>>tileHeight; k++ {
			tiles = append(tiles, tlog.Tile{H: tileHeight, L: level, N: k, W: fullWidth})
		}
		if w := int(count % fullWidth); w > 0 {
			tiles = append(tiles, tlog.Tile{H: tileHeight, L: level, N: count >> tileHeight, W: w})
		}
	}
	return tiles
}

// bundleWidth is how many entries bundle k holds in a tree of size n.
func bundleWidth(n, k int64) int {
	if rest := n - k*fullWidth; rest < fullWidth {
		return int(rest)
	}
	return fullWidth
}

func pathOf(t tlog.Tile) string {
	p, err := c2spPath(t)
	if err != nil {
		return fmt.Sprintf("<%v>", err)
	}
	return p
}

func joinNotes(notes []string) string {
	return strings.Join(notes, "\n")
}
