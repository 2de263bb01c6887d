#!/usr/bin/python3
"""tests/tools/memplot_test.py - tools/memplot on a checked-in console log.

tests/data/memplot-sample.log is a real `make plot`-style run on
mps2-an385 (12 `memstats -json` lines among the boot banner, prompts and
echoes).  The parser must find exactly those samples with their values;
gctrace parsing is checked on Go-format lines written here (the GC that
prints them is not in yet).  Then the sample is drawn: the PNG must exist,
have the asked-for size (read from its IHDR header) and not be blank.

Prints PASS/FAIL/SKIP lines for tools/run-tests; exits 1 on a failure.
Without matplotlib (tools/install-deps plot) the drawing is skipped,
visibly; the parser needs only the standard library.
"""
import importlib.machinery
import importlib.util
import os
import struct
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
failed = 0


def result(name, ok, why=""):
    global failed
    if ok:
        print("PASS memplot." + name)
    else:
        failed += 1
        print("FAIL memplot.%s: %s" % (name, why))


def load_memplot():
    path = os.path.join(ROOT, "tools", "memplot")
    loader = importlib.machinery.SourceFileLoader("memplot", path)
    spec = importlib.util.spec_from_loader("memplot", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


mp = load_memplot()

# --- the sample log's memstats lines -----------------------------------------
SAMPLE = os.path.join(ROOT, "tests", "data", "memplot-sample.log")
with open(SAMPLE, encoding="utf-8") as f:
    s = mp.parse(f)
want_t = [0.85125412, 1.15319496, 1.45604648, 1.76118532, 2.0631834,
          2.36964364, 2.6706726, 2.97670368, 3.27867952, 3.582377, 3.8848886,
          4.18512332]
want_alloc = [1944, 1856, 1920, 1840, 1840, 1872, 1784, 2096, 1832, 1856,
              1976, 1992]
want_inuse = [40960] + [45056] * 11
result("sample_series_lengths",
       len(s.mem_t) == len(s.heap_alloc) == len(s.heap_inuse) ==
       len(s.next_gc) == len(s.num_gc) == 12 and not s.gc_t,
       "%d samples, %d gctrace lines" % (len(s.mem_t), len(s.gc_t)))
result("sample_times", s.mem_t == want_t, "got %s" % s.mem_t)
result("sample_heap_alloc", s.heap_alloc == want_alloc,
       "got %s" % s.heap_alloc)
result("sample_heap_inuse", s.heap_inuse == want_inuse,
       "got %s" % s.heap_inuse)
result("sample_no_gc_yet", s.num_gc == [0] * 12 and s.gc_times() == [],
       "NumGC %s" % s.num_gc)

# --- gctrace lines (Go's format), with a prompt and garbage around -----------
trace = [
    "gc 1 @0.012s 2%: 0.026+0.39+0.10 ms clock, 0.21+0.15/0.21/0.33+0.82 ms "
    "cpu, 4->4->1 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 8 P\r\n",
    "tern> gc\n",
    "gc 2 @1.500s 1%: 0.5+2.0+0.25 ms clock, 0.5+0/1/0+0.25 ms cpu, "
    "9->10->3 KB, 12 KB goal, 1 P (forced)\n",
    "gc 3 @x.5s broken line\n",
    '{"Time":2000000000,"HeapAlloc":100,"HeapInuse":4096,"NextGC":8192,'
    '"NumGC":2}\n',
    '{"Time":3000000000,"HeapAlloc":\n',  # cut off: skipped
]
g = mp.parse(trace)
result("gctrace_cycles", g.gc_n == [1, 2] and g.gc_t == [0.012, 1.5],
       "cycles %s at %s" % (g.gc_n, g.gc_t))
result("gctrace_sizes",
       g.gc_start == [4 << 20, 9 << 10] and g.gc_live == [1 << 20, 3 << 10]
       and g.gc_goal == [5 << 20, 12 << 10],
       "start %s live %s goal %s" % (g.gc_start, g.gc_live, g.gc_goal))
result("gctrace_pauses",
       [round(p, 3) for p in g.gc_pause_ms] == [0.126, 0.75],
       "got %s" % g.gc_pause_ms)
result("json_after_gctrace",
       g.mem_t == [2.0] and g.next_gc == [8192] and g.num_gc == [2],
       "got t %s NextGC %s" % (g.mem_t, g.next_gc))


# --- drawing ------------------------------------------------------------------
def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


try:
    import matplotlib.image
except ImportError:
    matplotlib = None
if matplotlib is None:
    print("SKIP memplot.draw: matplotlib missing (tools/install-deps plot)")
else:
    with tempfile.TemporaryDirectory() as tmp:
        for name, series, w, h in (("sample", s, 1000, 500),
                                   ("gctrace", g, 640, 480)):
            out = os.path.join(tmp, name + ".png")
            mp.plot(series, out, w, h)
            size = png_size(out) if os.path.exists(out) else None
            result("draw_%s_size" % name, size == (w, h),
                   "%s: size %s, want %dx%d" % (out, size, w, h))
            if size is None:
                continue
            img = matplotlib.image.imread(out)
            colours = len({tuple(px) for px in img.reshape(-1, img.shape[-1])
                           [::7].tolist()})
            result("draw_%s_not_blank" % name,
                   float(img.min()) < float(img.max()) and colours > 5,
                   "%d colours" % colours)
        svg = os.path.join(tmp, "sample.svg")
        mp.plot(s, svg)
        with open(svg, encoding="utf-8") as f:
            text = f.read()
        result("draw_svg", "<svg" in text and "HeapInuse" in text,
               "%d bytes, no <svg or legend" % len(text))

sys.exit(1 if failed else 0)
