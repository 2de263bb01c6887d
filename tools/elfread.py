"""tools/elfread.py - the little of ELF32 (little-endian) that Tern's host
tools need: program headers, section headers, symbols.  No dependencies
beyond Python 3's standard library (binutils may not be the host's).

    elf = Elf("build/rpi-pico/tern.elf")
    elf.loads()        [(paddr, vaddr, data bytes, memsz, flags)] of PT_LOAD
    elf.sections       [Section(name, addr, size, type, flags, offset)]
    elf.symbols()      {name: value}
    elf.read(addr, n)  n bytes of the loaded image at physical addr
"""
import collections
import struct

PT_LOAD = 1
SHT_NOBITS = 8
SHT_SYMTAB = 2
SHF_ALLOC = 2

Section = collections.namedtuple("Section", "name addr size type flags offset")


class Elf:
    def __init__(self, path):
        with open(path, "rb") as f:
            self.raw = f.read()
        r = self.raw
        if r[:4] != b"\x7fELF" or r[4] != 1 or r[5] != 1:
            raise ValueError("%s: not a 32-bit little-endian ELF" % path)
        (self.type, self.machine, _, self.entry, self.phoff, self.shoff, _,
         _, self.phentsize, self.phnum, self.shentsize, self.shnum,
         self.shstrndx) = struct.unpack_from("<HHIIIIIHHHHHH", r, 16)
        self.sections = []
        hdrs = [struct.unpack_from("<IIIIIIIIII", r, self.shoff + i * self.shentsize)
                for i in range(self.shnum)]
        self._hdrs = hdrs
        strtab = hdrs[self.shstrndx][4] if self.shnum else 0
        for h in hdrs:
            self.sections.append(Section(self._str(strtab, h[0]), h[3], h[5], h[1], h[2], h[4]))

    def _str(self, base, off):
        end = self.raw.index(b"\0", base + off)
        return self.raw[base + off:end].decode()

    def loads(self):
        out = []
        for i in range(self.phnum):
            (ptype, off, vaddr, paddr, filesz, memsz, flags, _) = struct.unpack_from(
                "<IIIIIIII", self.raw, self.phoff + i * self.phentsize)
            if ptype == PT_LOAD:
                out.append((paddr, vaddr, self.raw[off:off + filesz], memsz, flags))
        return out

    def symbols(self):
        syms = {}
        for h in self._hdrs:
            if h[1] != SHT_SYMTAB:
                continue
            strtab = self._hdrs[h[6]][4]
            for i in range(h[5] // 16):
                name, value, _, _, _, _ = struct.unpack_from("<IIIBBH", self.raw, h[4] + i * 16)
                if name:
                    syms[self._str(strtab, name)] = value
        return syms

    def read(self, addr, n):
        for paddr, _, data, _, _ in self.loads():
            if paddr <= addr and addr + n <= paddr + len(data):
                return data[addr - paddr:addr - paddr + n]
        raise KeyError("0x%08x: not in a loaded segment" % addr)
