#!/usr/bin/python3
"""tests/tools/images_test.py - the real boards' images, checked without
the boards (`make test` builds them; no hardware here).

A real board is one that board.mk says how to flash (OPENOCD_CFG or
UF2_FAMILY): micro:bit, STM32F4 Discovery, nRF52840 DK, Pico.  For each,
both images (tern.elf, tests.elf) go through tools/imgcheck: boot words
at the flash base (initial SP in RAM, reset handler Thumb and in flash),
the vector table, every section inside the chip's memory (memory.ld),
and on a UF2 board the second-stage boot's CRC and the .uf2 read back
against the ELF.  Then `make flash DRYRUN=1` must print a command whose
program exists and, for OpenOCD, whose -f scripts exist in OpenOCD's
script directory (SKIP without OpenOCD: tools/install-deps flash).

Prints PASS/FAIL/SKIP lines for tools/run-tests; exits 1 on a failure.
"""
import os
import re
import shlex
import shutil
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OPENOCD_SCRIPTS = "/usr/share/openocd/scripts"
failed = 0


def result(name, ok, why=""):
    global failed
    if ok:
        print("PASS images." + name)
    else:
        failed += 1
        print("FAIL images.%s: %s" % (name, why))


def board_vars(board):
    text = open(os.path.join(ROOT, "boards", board, "board.mk")).read()
    return dict(re.findall(r"^(\w+)\s*[:?+]?=\s*(.*)$", text, re.M))


def real_boards():
    out = []
    for b in sorted(os.listdir(os.path.join(ROOT, "boards"))):
        mk = os.path.join(ROOT, "boards", b, "board.mk")
        if os.path.exists(mk):
            v = board_vars(b)
            if "OPENOCD_CFG" in v or "UF2_FAMILY" in v:
                out.append((b, v))
    return out


def check_images(board, v):
    for image in ("tern", "tests"):
        elf = os.path.join(ROOT, "build", board, image + ".elf")
        name = "%s.%s" % (board, image)
        if not os.path.exists(elf):
            result(name, False, "%s not built (make images BOARD=%s)" % (elf, board))
            continue
        cmd = [os.path.join(ROOT, "tools", "imgcheck"), elf,
               os.path.join(ROOT, "boards", board, "memory.ld")]
        if "BOOT2" in v:
            cmd.append("--boot2")
        if "UF2_FAMILY" in v:
            cmd += ["--uf2", elf[:-4] + ".uf2", v["UF2_FAMILY"].strip()]
        p = subprocess.run(cmd, capture_output=True, text=True)
        lines = p.stdout.splitlines()
        bad = [ln for ln in lines if ln.startswith("FAIL")]
        result(name, p.returncode == 0 and lines and not bad,
               "; ".join(bad) or p.stderr.strip() or "imgcheck exit %d" % p.returncode)


def check_size_subsys(board):
    """tools/size-subsys (make size): its per-subsystem columns add up to
    the ELF's sections, byte for byte."""
    name = "%s.size_per_subsystem_adds_up" % board
    elf_path = os.path.join(ROOT, "build", board, "tern.elf")
    if not os.path.exists(elf_path):
        result(name, False, "%s not built" % elf_path)
        return
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    from elfread import Elf
    secs = {s.name: s.size for s in Elf(elf_path).sections}
    want = [secs.get(".text", 0) + secs.get(".ARM.exidx", 0) + secs.get(".ARM.extab", 0),
            secs.get(".rodata", 0), secs.get(".data", 0), secs.get(".bss", 0),
            secs.get(".tern_private", 0)]
    p = subprocess.run([os.path.join(ROOT, "tools", "size-subsys"), elf_path[:-4] + ".map"],
                       capture_output=True, text=True)
    total = [ln.split() for ln in p.stdout.splitlines() if ln.startswith("total")]
    got = [int(x) for x in total[0][1:6]] if total else None
    result(name, got == want, "sections %s, size-subsys %s" % (want, got))


def check_flash(board):
    name = "%s.flash_command" % board
    p = subprocess.run(["make", "-s", "--no-print-directory", "-C", ROOT, "flash",
                        "BOARD=" + board, "DRYRUN=1"], capture_output=True, text=True)
    cmd = p.stdout.strip()
    if p.returncode != 0 or not cmd:
        result(name, False, "make flash DRYRUN=1: exit %d %s" % (p.returncode, p.stderr.strip()))
        return
    words = shlex.split(cmd.split("&&")[0])
    if words[0] != "openocd":
        result(name, shutil.which(words[0]) is not None, "%s: no such program" % words[0])
        return
    if shutil.which("openocd") is None or not os.path.isdir(OPENOCD_SCRIPTS):
        print("SKIP images.%s: OpenOCD not installed (tools/install-deps flash)" % name)
        return
    scripts = [words[i + 1] for i, w in enumerate(words) if w == "-f"]
    missing = [s for s in scripts if not os.path.exists(os.path.join(OPENOCD_SCRIPTS, s))]
    result(name, scripts and not missing, "missing OpenOCD scripts: %s" % missing)


def load_tool(name):
    import importlib.machinery
    import importlib.util
    loader = importlib.machinery.SourceFileLoader(name, os.path.join(ROOT, "tools", name))
    spec = importlib.util.spec_from_loader(name, loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def check_checkers_catch_damage():
    """The checkers themselves: a flipped byte must not pass."""
    import tempfile
    mk = load_tool("mkboot2")
    result("crc32_check_value", mk.crc32_mpeg2(b"123456789") == 0x0376E6E7, "wrong CRC")
    block = mk.seal(bytes(range(200)))
    damaged = block[:10] + bytes([block[10] ^ 1]) + block[11:]
    result("boot2_crc_catches_a_flipped_bit", mk.valid(block) and not mk.valid(damaged),
           "valid(sealed)=%s valid(damaged)=%s" % (mk.valid(block), mk.valid(damaged)))
    elf = os.path.join(ROOT, "build", "rpi-pico", "tern.elf")
    if not os.path.exists(elf):
        result("uf2_check_catches_damage", False, "%s not built" % elf)
        return
    u = load_tool("uf2")
    with tempfile.TemporaryDirectory() as d:
        good = os.path.join(d, "good.uf2")
        u.make(elf, good, 0xE48BFF56)
        raw = bytearray(open(good, "rb").read())
        caught = []
        for what, off in (("payload", 512 * 3 + 32 + 17), ("address", 512 * 2 + 12),
                          ("end magic", 512 + 508)):
            bad = bytearray(raw)
            bad[off] ^= 0x40
            path = os.path.join(d, "bad.uf2")
            open(path, "wb").write(bad)
            try:
                u.check(path, elf, 0xE48BFF56)
            except ValueError:
                caught.append(what)
        result("uf2_check_catches_damage", len(caught) == 3, "caught only %s" % caught)


def check_semihosting_without_host():
    """A semihosting call with no host to take it fails and the program
    goes on (arch/cortex-m/fault.c): the micro:bit image, built for QEMU
    with semihosting, boots in QEMU with semihosting off as on the real
    board - the banner and the demo's first line come out."""
    name = "microbit.boots_without_semihosting"
    elf = os.path.join(ROOT, "build", "microbit", "tern.elf")
    if shutil.which("qemu-system-arm") is None or not os.path.exists(elf):
        result(name, False, "qemu-system-arm or %s missing" % elf)
        return
    import select
    import time
    p = subprocess.Popen(["qemu-system-arm", "-M", "microbit", "-display", "none",
                          "-serial", "stdio", "-kernel", elf],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    out, end = b"", time.monotonic() + 10
    while b"demo:" not in out and time.monotonic() < end:
        if select.select([p.stdout], [], [], 0.2)[0]:
            chunk = os.read(p.stdout.fileno(), 4096)
            if not chunk:
                break
            out += chunk
    p.kill()
    p.wait()
    out = out.decode(errors="replace")
    result(name, "on microbit" in out and "demo:" in out,
           "no banner and demo line in %r" % out[-300:])


def main():
    boards = real_boards()
    result("real_boards_found", len(boards) >= 4, "found %s" % [b for b, _ in boards])
    for board, v in boards:
        check_images(board, v)
        check_flash(board)
        check_size_subsys(board)
    check_checkers_catch_damage()
    check_semihosting_without_host()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
