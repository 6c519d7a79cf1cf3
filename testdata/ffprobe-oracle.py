#!/usr/bin/env python3
"""Write NAME.expected.json beside each given clip, using ffprobe/ffmpeg output only.

Usage: ffprobe-oracle.py CLIP [CLIP ...]

H.264 (.h264, raw Annex-B): stream info + packets (h264 parser, decode order) from
`ffprobe -show_streams -show_packets -count_packets`, decoded frames (presentation
order) from `ffprobe -show_frames`, and every distinct SPS/PPS as printed field by field
by `ffmpeg -bsf:v trace_headers`.
AAC (.aac, ADTS): stream info + packets from ffprobe.

No value in the JSON is computed by hand: everything is copied (or, for the
keyframe list and fps, trivially derived) from ffprobe/ffmpeg output.
Python 3 standard library only.
"""
import json
import os
import re
import subprocess
import sys
from fractions import Fraction


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit("command failed (%d): %s\n%s" % (p.returncode, " ".join(cmd), p.stderr))
    return p


def ffprobe_json(path, *args):
    out = run(["ffprobe", "-v", "error", "-print_format", "json", *args, path]).stdout
    return json.loads(out)


def to_int(v):
    """ffprobe JSON mixes ints and numeric strings; absent / 'N/A' -> None."""
    if v is None or v == "N/A":
        return None
    return int(v)


# "[trace_headers @ 0x55f9...] 84          num_units_in_tick     0000...0001 = 1"
FIELD_RE = re.compile(r"^\[trace_headers @ [^\]]+\]\s+(\d+)\s+(\S+)\s+([01]+)\s+=\s+(-?\d+)\s*$")


def trace_parameter_sets(path):
    """Return (sps_list, pps_list): distinct SPS/PPS NAL units, each a dict field->int.

    A NAL unit starts at a 'forbidden_zero_bit' field at bit position 0; its type is
    the nal_unit_type field (7 = SPS, 8 = PPS). Every field printed for the NAL unit is
    kept (array fields already carry index suffixes such as
    'pic_scaling_list_present_flag[0]'); for a name repeated within one NAL unit
    (e.g. rbsp_alignment_zero_bit) the last value wins. Identical occurrences are
    deduplicated, first-seen order is preserved (the extradata copy comes first).
    """
    p = run(["ffmpeg", "-nostdin", "-hide_banner", "-v", "info", "-i", path,
             "-map", "0:v:0", "-c", "copy", "-bsf:v", "trace_headers", "-f", "null", "-"])
    units = []
    cur = None
    for line in p.stderr.splitlines():
        m = FIELD_RE.match(line)
        if not m:
            continue
        pos, name, _bits, val = int(m.group(1)), m.group(2), m.group(3), int(m.group(4))
        if name == "forbidden_zero_bit" and pos == 0:
            cur = {}
            units.append(cur)
        if cur is not None:
            cur[name] = val
    sps, pps = [], []
    for u in units:
        t = u.get("nal_unit_type")
        target = sps if t == 7 else pps if t == 8 else None
        if target is not None and u not in target:
            target.append(u)
    return sps, pps


def h264_oracle(path):
    name = os.path.basename(path)
    info = ffprobe_json(path, "-select_streams", "v:0", "-show_streams",
                        "-show_packets", "-count_packets")
    st = info["streams"][0]
    pk = info.get("packets", [])
    frames = ffprobe_json(path, "-select_streams", "v:0", "-show_frames").get("frames", [])
    sps, pps = trace_parameter_sets(path)
    if not sps or not pps:
        sys.exit("%s: no SPS/PPS found in trace_headers output" % path)

    nb = to_int(st.get("nb_read_packets"))
    if nb != len(pk):
        sys.exit("%s: nb_read_packets %s != %d listed packets" % (path, nb, len(pk)))

    packets = [{"pts": to_int(p.get("pts")), "dts": to_int(p.get("dts")),
                "size": to_int(p.get("size")), "pos": to_int(p.get("pos")),
                "flags": p.get("flags")} for p in pk]
    return {
        "file": name,
        "codec": st.get("codec_name"),
        "width": st.get("width"),
        "height": st.get("height"),
        "coded_width": st.get("coded_width"),
        "coded_height": st.get("coded_height"),
        "profile": st.get("profile"),
        "profile_idc": sps[0]["profile_idc"],
        "level_idc": st.get("level"),
        "pix_fmt": st.get("pix_fmt"),
        "field_order": st.get("field_order"),
        "r_frame_rate": st.get("r_frame_rate"),
        "avg_frame_rate": st.get("avg_frame_rate"),
        "fps": float(Fraction(st["r_frame_rate"])) if st.get("r_frame_rate") not in (None, "0/0") else None,
        "access_units": nb,
        "keyframes": [i for i, p in enumerate(pk) if "K" in (p.get("flags") or "")],
        "packets": packets,
        "frames": [{"pts": to_int(f.get("pts")), "key_frame": to_int(f.get("key_frame")),
                    "pict_type": f.get("pict_type"), "pkt_pos": to_int(f.get("pkt_pos")),
                    "interlaced_frame": to_int(f.get("interlaced_frame"))} for f in frames],
        "time_base": st.get("time_base"),
        "sps": sps,
        "pps": pps,
    }


def aac_oracle(path):
    info = ffprobe_json(path, "-select_streams", "a:0", "-show_streams",
                        "-show_packets", "-count_packets")
    st = info["streams"][0]
    pk = info.get("packets", [])
    nb = to_int(st.get("nb_read_packets"))
    if nb != len(pk):
        sys.exit("%s: nb_read_packets %s != %d listed packets" % (path, nb, len(pk)))
    return {
        "file": os.path.basename(path),
        "codec": st.get("codec_name"),
        "sample_rate": to_int(st.get("sample_rate")),
        "channels": st.get("channels"),
        "profile": st.get("profile"),
        "access_units": nb,
        "packets": [{"pts": to_int(p.get("pts")), "dts": to_int(p.get("dts")),
                     "size": to_int(p.get("size"))} for p in pk],
        "time_base": st.get("time_base"),
    }


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    for path in argv[1:]:
        base, ext = os.path.splitext(path)
        if ext == ".h264":
            oracle = h264_oracle(path)
        elif ext == ".aac":
            oracle = aac_oracle(path)
        else:
            sys.exit("unsupported clip type: " + path)
        with open(base + ".expected.json", "w") as f:
            f.write(dumps(oracle))


def dumps(oracle):
    """Pretty JSON, but one line per packet / frame so the files stay small and diffable."""
    out = []
    for k, v in oracle.items():
        if k in ("packets", "frames") and v:
            body = ",\n".join("  " + json.dumps(e) for e in v)
            out.append(" %s: [\n%s\n ]" % (json.dumps(k), body))
        elif isinstance(v, list) and all(not isinstance(e, (dict, list)) for e in v):
            out.append(" %s: %s" % (json.dumps(k), json.dumps(v)))
        else:
            text = json.dumps(v, indent=2).replace("\n", "\n ")
            out.append(" %s: %s" % (json.dumps(k), text))
    return "{\n" + ",\n".join(out) + "\n}\n"


if __name__ == "__main__":
    main(sys.argv)
