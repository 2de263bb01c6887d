# Tern - one non-recursive Makefile for every board.
#
#   make [BOARD=b]          build build/<b>/tern.{elf,bin,hex,map} and the
#                           test image build/<b>/tests.{elf,bin,hex,map}
#   make run [BOARD=b] [SMP=n]
#                           boot the demo image in QEMU (SMP=n: with n
#                           CPUs, on a board that has several: pc)
#   make test               host tests + target tests on every QEMU board +
#                           the host tools' tests (tests/tools: the real
#                           boards' images among them) + a bounded run of
#                           the shell's fuzzer
#   make flash [BOARD=b] [DRYRUN=1] [PROBE=p]
#                           program a real board (OpenOCD or UF2 copy)
#   make plot [BOARD=b]     the demo's heap over time: build/memplot.png
#   make fuzz               the shell's libFuzzer target, FUZZ_TIME seconds
#   make monitor [PORT=p] [BAUD=n] [DRYRUN=1]
#                           picocom on a real board's serial port
#   make bench [BOARD=b]    benchmarks (deterministic QEMU -icount)
#   make size [BOARD=b]     flash and RAM per segment and per subsystem,
#                           and the stack report
#   make stack-report [BOARD=b]
#                           worst-case stack of every goroutine entry
#   make gdb [BOARD=b]      gdb attached to QEMU's gdbstub (QEMU boards)
#                           or to OpenOCD (real boards; HW=1 for a QEMU
#                           board's real twin); DRYRUN=1 prints it
#   make format-check       clang-format on every source file
#   make clean
#
# A board is boards/<b>/{board.mk,memory.ld,board.c}; board.mk names the
# arch, whose arch/<arch>/arch.mk names the toolchain.  `make test` builds
# each board by invoking this same Makefile with BOARD set (one make
# instance per board, no sub-directory makefiles).

BOARDS := mps2-an385 netduinoplus2 microbit mps2-an505 pc linux
# Real hardware with no QEMU machine: `make test` builds them and checks
# their images (tests/tools/images_test.py); their drivers' twins boot
# above (stm32f4-discovery: netduinoplus2; nrf52840dk's TIMER: microbit).
REAL_BOARDS := stm32f4-discovery nrf52840dk rpi-pico
# QEMU boards whose suite does not fit yet: built, and their images
# checked by the tools tier (tests/tools/images_test.py), not run.
BUILT_BOARDS := stm32vldiscovery
# The target suite again with a full collection at every GC allocation.
STRESS_BOARDS := mps2-an385+gcstress
# The target suite again on a machine with four CPUs (QEMU -smp 4): the
# other three started and idling beside it (tests/target/smp_test.c).
SMP_BOARDS := pc+smp4
BOARD ?= mps2-an385

BOARD_DIR := boards/$(BOARD)
ifeq ($(wildcard $(BOARD_DIR)/board.mk),)
$(error unknown BOARD '$(BOARD)'; boards: $(BOARDS) $(REAL_BOARDS) $(BUILT_BOARDS))
endif
include $(BOARD_DIR)/board.mk
include arch/$(ARCH)/arch.mk

B := build/$(BOARD)
Q := $(if $(V),,@)
HOST_PAGE ?= 4096
HOST_B ?= build/host
GIT := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# --- flags -----------------------------------------------------------------

# board.mk may trade speed for flash (OPT := -Os: the 128 KiB boards).
OPT ?= -O2
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wundef
CFLAGS := -std=c11 $(WARN) -ffreestanding $(OPT) -g \
	-ffunction-sections -fdata-sections -fno-common -MMD -MP \
	-fstack-usage -fcallgraph-info=su \
	-Iinclude -I. -Iarch/$(ARCH) $(ARCH_CFLAGS) $(BOARD_DEFS) \
	-DBOARD_NAME='"$(BOARD)"' -DBOARD_CPU_HZ=$(BOARD_CPU_HZ)u \
	-DTERN_PAGE_SIZE=$(PAGE_SIZE) -DTERN_GIT='"$(GIT)"'
ifneq ($(GO_STACK),)
CFLAGS += -DTERN_GO_STACK=$(GO_STACK)
endif
ifneq ($(G0_STACK),)
CFLAGS += -DTERN_G0_STACK=$(G0_STACK)
endif
ifneq ($(RUNQ),)
CFLAGS += -DTERN_RUNQ=$(RUNQ)
endif
ifneq ($(SBRK_ARENA),)
CFLAGS += -DTERN_SBRK_ARENA=$(SBRK_ARENA)
endif
ASFLAGS := $(ARCH_CFLAGS) -g -MMD -MP -Iinclude -I. -Iarch/$(ARCH)
LDFLAGS := $(ARCH_LDFLAGS) -L$(BOARD_DIR) -Wl,--gc-sections -Wl,--no-warn-rwx-segments

# --- sources ---------------------------------------------------------------

KERNEL_SRCS := kernel/boot.c kernel/canary.c kernel/console.c kernel/fmt.c \
	kernel/layout.c kernel/panic.c kernel/segments.c kernel/time.c \
	kernel/shell.c kernel/shell_line.c kernel/shell_cmds.c kernel/shell_gc.c
ifeq ($(LIBC),newlib)
KERNEL_SRCS += kernel/syscalls.c
else ifeq ($(LIBC),glibc)
# the hosted port: the host's C library (arch/hosted/arch.c)
else
KERNEL_SRCS += kernel/klibc/string.c kernel/klibc/stdio.c kernel/klibc/errno.c
CFLAGS += -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-Ikernel/klibc/include
endif

# (the collector is linked wherever the heap is: mm calls its sweep)
GC_SRCS := gc/gc.c gc/mark.c gc/sweep.c gc/barrier.c gc/check.c \
	gc/finalizer.c gc/pool.c
MM_SRCS := mm/mm.c mm/mheap.c mm/mcentral.c mm/stack.c mm/stats.c mm/malloc.c \
	$(GC_SRCS)
SCHED_SRCS := sched/proc.c sched/runq.c sched/timer.c sched/chan.c \
	sched/sync.c sched/note.c sched/timers.c
RUNTIME_SRCS := $(ARCH_SRCS) $(BOARD_DIR)/board.c $(BOARD_SRCS) $(KERNEL_SRCS) \
	$(MM_SRCS) mm/init.c mm/libc.c $(SCHED_SRCS)
APP_SRCS := examples/demo/main.c
# (board.mk may leave suites out of a test image that cannot hold them
# all: TEST_EXCLUDE)
TEST_SRCS := tests/harness/harness.c tests/common/mm_model.c tests/common/capture.c \
	tests/common/gc_mutator.c tests/common/gc_fin.c \
	$(filter-out $(TEST_EXCLUDE),$(sort $(wildcard tests/target/*.c)))

obj = $(patsubst %,$(B)/obj/%.o,$(basename $(1)))
RUNTIME_OBJS := $(call obj,$(RUNTIME_SRCS))
APP_OBJS := $(call obj,$(APP_SRCS))
TEST_OBJS := $(call obj,$(TEST_SRCS))

IMAGES := $(B)/tern.elf $(B)/tests.elf
OUTPUTS := $(foreach i,$(IMAGES),$(i) $(i:.elf=.bin) $(i:.elf=.hex))
ifneq ($(UF2_FAMILY),)
OUTPUTS += $(IMAGES:.elf=.uf2)
endif

# A second-stage boot (board.mk: BOOT2, the RP2040's): assembled and
# linked on its own at the address the bootrom runs it from, sealed with
# the bootrom's CRC by tools/mkboot2 into 256 bytes, and linked first in
# flash (section .vectors.boot), the vector table right after it.
ifneq ($(BOOT2),)
BOOT2_OBJ := $(B)/boot2/boot2-sealed.o
RUNTIME_OBJS += $(BOOT2_OBJ)
LDFLAGS += -Wl,--defsym=__boot_gap=256
endif

# --- targets ---------------------------------------------------------------

.PHONY: all images deps run test test-host test-target bench size gdb \
	clean format-check format sizeclasses bench-doc bench-host deps-bench \
	monitor plot fuzz fuzz-build deps-fuzz flash stack-report
.DEFAULT_GOAL := all

all: deps
	@$(MAKE) --no-print-directory BOARD=$(BOARD) images

images: $(OUTPUTS) $(B)/qemu.env

deps:
	@tools/install-deps

# Objects are rebuilt when the compiler flags change (the git revision
# aside: boot.o and shell.o follow it below).  Expanded here, once, so
# that a target-specific addition (the bench objects') never reaches the
# stamp.
CFLAGS_STAMP := $(filter-out -DTERN_GIT=%,$(CFLAGS))
$(B)/cflags: FORCE
	@mkdir -p $(B)
	@echo '$(CFLAGS_STAMP)' | cmp -s - $@ || echo '$(CFLAGS_STAMP)' > $@

$(B)/obj/%.o: %.c $(BOARD_DIR)/board.mk $(B)/cflags
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(B)/obj/%.o: %.S $(BOARD_DIR)/board.mk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $@")
	$(Q)$(CC) $(ASFLAGS) -c $< -o $@

$(B)/tern.elf: $(RUNTIME_OBJS) $(APP_OBJS) $(BOARD_DIR)/memory.ld linker/$(ARCH).ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -Wl,-Map=$(@:.elf=.map) -o $@ $(RUNTIME_OBJS) $(APP_OBJS) $(ARCH_LIBS)

$(B)/tests.elf: $(RUNTIME_OBJS) $(TEST_OBJS) $(BOARD_DIR)/memory.ld linker/$(ARCH).ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -Wl,-Map=$(@:.elf=.map) -o $@ $(RUNTIME_OBJS) $(TEST_OBJS) $(ARCH_LIBS)

%.bin: %.elf
	$(Q)$(OBJCOPY) -O binary $< $@

%.uf2: %.elf tools/uf2 tools/elfread.py
	$(Q)tools/uf2 make $< $@ $(UF2_FAMILY)

$(B)/boot2/boot2.elf: $(BOOT2) $(dir $(BOOT2))boot2.ld $(BOARD_DIR)/board.mk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $@")
	$(Q)$(CC) $(CPU_FLAGS) -nostdlib -T $(dir $(BOOT2))boot2.ld -o $@ $(BOOT2)

$(B)/boot2/boot2-sealed.bin: $(B)/boot2/boot2.elf tools/mkboot2
	$(Q)$(OBJCOPY) -O binary $< $(@:-sealed.bin=.bin)
	$(Q)tools/mkboot2 $(@:-sealed.bin=.bin) $@

$(BOOT2_OBJ): $(B)/boot2/boot2-sealed.bin
	$(Q)printf '\t.section .vectors.boot, "a"\n\t.incbin "%s"\n' $< > $(@:.o=.s)
	$(Q)$(CC) $(CPU_FLAGS) -c -o $@ $(@:.o=.s)

%.hex: %.elf
	$(Q)$(OBJCOPY) -O ihex $< $@

# The banner and `version` name the git revision: rebuild boot.o and
# shell.o when it changes.
$(B)/git-version: FORCE
	@mkdir -p $(B)
	@echo '$(GIT)' | cmp -s - $@ || echo '$(GIT)' > $@
$(B)/obj/kernel/boot.o $(B)/obj/kernel/shell.o: $(B)/git-version
FORCE:

# What tools/qemu-run needs to boot an image of this board.
$(B)/qemu.env: $(BOARD_DIR)/board.mk Makefile
	@mkdir -p $(B)
	@printf 'QEMU=%s\nQEMU_ARGS="%s"\nQEMU_EXIT=%s\n' \
		'$(QEMU)' '$(QEMU_ARGS)' '$(QEMU_EXIT)' > $@

run: all
ifeq ($(QEMU),)
	@echo '$(BOARD) is real hardware with no QEMU machine: `make flash BOARD=$(BOARD)`, then `make monitor`'; exit 1
endif
ifneq ($(filter-out 1,$(SMP)),)
ifeq ($(QEMU_MAX_CPUS),)
	@echo '$(BOARD) has one CPU: SMP=$(SMP) needs a board with several (pc)'; exit 1
endif
	@[ "$(SMP)" -ge 1 ] 2>/dev/null && [ "$(SMP)" -le $(QEMU_MAX_CPUS) ] || \
		{ echo 'SMP=$(SMP): 1 to $(QEMU_MAX_CPUS) CPUs on $(BOARD)'; exit 1; }
endif
	$(if $(SMP),TERN_SMP=$(SMP) )tools/run-demo $(B)/qemu.env $(B)/tern.elf

# The demo's heap over time: the shell types `memstats -json` PLOT_SAMPLES
# times (0.3 s apart, tools/run-demo), tools/memplot draws the log.
PLOT_SAMPLES ?= 40

plot: all
	@tools/install-deps plot
	@yes 'memstats -json' | head -n $(PLOT_SAMPLES) | \
		tools/run-demo $(B)/qemu.env $(B)/tern.elf > build/memplot.log
	@tools/memplot build/memplot.log -o build/memplot.png

# --- tests -----------------------------------------------------------------

HOST_CC := gcc
HOST_CFLAGS := -std=c11 $(WARN) -O1 -g -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-D_DEFAULT_SOURCE -Iinclude -I. -Iarch/host -DBOARD_NAME='"host"' -MMD -MP \
	-DTERN_PAGE_SIZE=$(HOST_PAGE) $(if $(filter 512,$(HOST_PAGE)),-DARCH_HAS_UMULL=0)
HOST_SRCS := kernel/fmt.c kernel/console.c kernel/panic.c kernel/segments.c \
	kernel/canary.c kernel/shell.c kernel/shell_line.c kernel/shell_cmds.c \
	kernel/shell_gc.c kernel/time.c arch/host/arch.c arch/one_cpu.c tests/harness/harness.c \
	$(MM_SRCS) $(SCHED_SRCS) tests/common/mm_model.c tests/common/capture.c \
	tests/common/gc_mutator.c tests/common/gc_fin.c \
	$(sort $(wildcard tests/host/*.c))
HOST_OBJS := $(patsubst %,$(HOST_B)/obj/%.o,$(basename $(HOST_SRCS)))

$(HOST_B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

$(HOST_B)/tests: $(HOST_OBJS)
	@$(if $(Q),echo "  HOSTLD  $@")
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -o $@ $(HOST_OBJS)

# The host tier runs once per page size a board uses, so that every
# generated size-class table is exercised under ASan/UBSan.
HOST_PAGES := 4096 1024 512

test-host:
	@for p in $(HOST_PAGES); do \
		d=build/host; [ $$p = 4096 ] || d=build/host-p$$p; \
		$(MAKE) --no-print-directory HOST_PAGE=$$p HOST_B=$$d $$d/tests || exit 1; \
	done

test-target: deps
	@for b in $(BOARDS) $(REAL_BOARDS) $(BUILT_BOARDS); do \
		$(MAKE) --no-print-directory -s BOARD=$$b images || exit 1; \
	done

test: deps
	@tools/install-deps plot
	@tools/install-deps flash
	@$(MAKE) --no-print-directory -s test-host
	@$(MAKE) --no-print-directory -s fuzz-build
	@$(MAKE) --no-print-directory -s test-target
	@tools/run-tests $(BOARDS) $(STRESS_BOARDS) $(SMP_BOARDS)

# The shell's libFuzzer target (tests/fuzz/shell_fuzz.c): clang, ASan and
# UBSan, the host port.  `make fuzz` runs it for FUZZ_TIME seconds and adds
# what it finds to the corpus; run-tests runs it for FUZZ_RUNS inputs.
FUZZ_B := build/fuzz
FUZZ_SRCS := kernel/fmt.c kernel/console.c kernel/panic.c kernel/segments.c \
	kernel/canary.c kernel/shell.c kernel/shell_line.c kernel/shell_cmds.c \
	kernel/shell_gc.c kernel/time.c arch/host/arch.c arch/one_cpu.c $(MM_SRCS) $(SCHED_SRCS) \
	tests/host/fake_board.c tests/fuzz/shell_fuzz.c
FUZZ_TIME ?= 300

$(FUZZ_B)/shell-fuzz: $(FUZZ_SRCS) $(wildcard include/*.h kernel/*.h mm/*.h gc/*.h sched/*.h arch/host/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $@")
	$(Q)clang -std=c11 $(WARN) -O1 -g -fno-omit-frame-pointer \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-D_DEFAULT_SOURCE -Iinclude -I. -Iarch/host -DBOARD_NAME='"host"' \
		-DTERN_PAGE_SIZE=4096 -o $@ $(FUZZ_SRCS)

fuzz-build: deps-fuzz
	@$(MAKE) --no-print-directory $(FUZZ_B)/shell-fuzz

fuzz: fuzz-build
	$(FUZZ_B)/shell-fuzz -max_total_time=$(FUZZ_TIME) -max_len=512 \
		-dict=tests/fuzz/shell.dict tests/fuzz/corpus

deps-fuzz:
	@tools/install-deps fuzz

# The benchmark image: the runtime, tests/bench, and (on newlib boards)
# newlib-nano's own malloc and free, extracted from the toolchain's
# libc_nano.a with their symbols renamed, as the in-image baseline.
BENCH_SRCS := $(sort $(wildcard tests/bench/*.c))
BENCH_OBJS := $(call obj,$(BENCH_SRCS))
ifeq ($(LIBC),newlib)
NANO_LIB = $(shell $(CC) $(CPU_FLAGS) -print-file-name=libc_nano.a)
NANO_OBJS := $(B)/nano/nano-mallocr.o $(B)/nano/nano-freer.o
NANO_RENAME := --redefine-sym _malloc_r=nano_malloc_r \
	--redefine-sym _free_r=nano_free_r --redefine-sym _sbrk_r=nano_sbrk_r \
	--redefine-sym __malloc_lock=nano_malloc_lock \
	--redefine-sym __malloc_unlock=nano_malloc_unlock \
	--redefine-sym __malloc_free_list=nano_malloc_free_list \
	--redefine-sym __malloc_sbrk_start=nano_malloc_sbrk_start
$(B)/nano/nano-%.o: $(BOARD_DIR)/board.mk
	@mkdir -p $(dir $@)
	$(Q)cd $(dir $@) && $(CROSS)ar x $(NANO_LIB) lib_a-nano-$*.o
	$(Q)$(OBJCOPY) $(NANO_RENAME) $(dir $@)lib_a-nano-$*.o $@
$(BENCH_OBJS): CFLAGS += -DBENCH_NEWLIB
endif

$(B)/bench.elf: $(RUNTIME_OBJS) $(BENCH_OBJS) tests/harness/harness.c $(NANO_OBJS) $(BOARD_DIR)/memory.ld linker/$(ARCH).ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -Wl,-Map=$(@:.elf=.map) -o $@ $(RUNTIME_OBJS) $(BENCH_OBJS) $(B)/obj/tests/harness/harness.o $(NANO_OBJS) $(ARCH_LIBS)

# The same allocator workloads on the host: Tern vs glibc and mimalloc,
# instructions counted by callgrind (tools/bench-host).
$(HOST_B)/alloc-host: tests/bench-host/alloc_host.c $(MM_SRCS) kernel/fmt.c \
		kernel/panic.c kernel/console.c kernel/segments.c kernel/time.c \
		kernel/canary.c $(SCHED_SRCS) \
		arch/host/arch.c tests/host/fake_board.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTLD  $@")
	$(Q)$(HOST_CC) -std=c11 $(WARN) -O2 -g -D_DEFAULT_SOURCE -Iinclude -I. \
		-Iarch/host -DBOARD_NAME='"host"' -DTERN_PAGE_SIZE=4096 -o $@ $^ \
		-lmimalloc

bench-host: deps-bench $(HOST_B)/alloc-host
	@tools/bench-host $(HOST_B)/alloc-host

deps-bench:
	@tools/install-deps bench

# docs/benchmarks.md, from the commands' own output: the reference board,
# then the host.
bench-doc:
	@$(MAKE) --no-print-directory -s BOARD=mps2-an385 bench > build/bench.out
	@$(MAKE) --no-print-directory -s bench-host >> build/bench.out
	@tools/bench-doc mps2-an385 < build/bench.out > docs/benchmarks.md
	@echo "  GEN     docs/benchmarks.md"

bench: all
	@$(MAKE) --no-print-directory BOARD=$(BOARD) $(B)/bench.elf $(B)/obj/tests/harness/harness.o
	@tools/run-bench $(B)/qemu.env $(B)

size: all
	@echo "$(BOARD): $(B)/tern.elf"
	@tools/size-report $(NM) $(B)/tern.elf $(BOARD_DIR)/memory.ld
	@echo
	@tools/size-subsys $(B)/tern.map
	@echo
	@$(MAKE) --no-print-directory -s BOARD=$(BOARD) stack-report

# Static stack sizing (tools/stacksize): every object is compiled with
# -fstack-usage -fcallgraph-info=su; the arch's STACK_ARGS give the
# exception frame, the preemption trampoline and the assembly frames.
STACK_CI = $(wildcard $(RUNTIME_OBJS:.o=.ci) $(APP_OBJS:.o=.ci))

stack-report: all
	@tools/stacksize $(STACK_CI) --title '$(BOARD), $(B)/tern.elf' \
		--sources $(RUNTIME_SRCS) $(APP_SRCS) --entry main --wrapper goentry \
		--check-limit $(or $(GO_STACK),4096) $(STACK_ARGS) \
		$(patsubst -D%,--define=%,$(filter -D%,$(BOARD_DEFS)))

# A real board's console: picocom on its serial port (exit: Ctrl-A
# Ctrl-X).  DRYRUN=1 prints the command without running it.
PORT ?= /dev/ttyACM0
BAUD ?= 115200
MONITOR_CMD = picocom --baud $(BAUD) $(PORT)

monitor:
	@echo '$(MONITOR_CMD)'
ifeq ($(DRYRUN),)
	@tools/install-deps monitor
	@$(MONITOR_CMD)
endif

# --- real boards: flash and debug ---------------------------------------------
# board.mk says how: OPENOCD_CFG (OpenOCD's interface and target scripts,
# for ST-Link and CMSIS-DAP probes) and/or UF2_FAMILY + UF2_VOLUME (copy
# the .uf2 to the USB drive the board's bootloader mounts).  A UF2 board
# with OPENOCD_CFG as well uses OpenOCD when PROBE= is given.  The command
# is printed before it runs; DRYRUN=1 only prints it (nothing is built).
# `make gdb` attaches gdb-multiarch to QEMU's gdbstub on a QEMU board, to
# OpenOCD (port 3333) on a real one (HW=1: a QEMU board's real twin).
OPENOCD := openocd
UF2_MOUNT = $(firstword $(wildcard /media/*/$(UF2_VOLUME) /run/media/*/$(UF2_VOLUME)) \
	/media/$(or $(USER),$(shell id -un))/$(UF2_VOLUME))
ifneq ($(UF2_FAMILY),)
ifeq ($(PROBE),)
FLASH_CMD = cp $(B)/tern.uf2 $(UF2_MOUNT)/ && sync
endif
endif
ifneq ($(OPENOCD_CFG),)
FLASH_CMD ?= $(OPENOCD) $(OPENOCD_CFG) -c 'program $(B)/tern.elf verify reset exit'
GDB_SERVER := $(OPENOCD) $(OPENOCD_CFG)
endif
GDB_HW := $(if $(QEMU),$(HW),1)

flash:
ifeq ($(FLASH_CMD),)
	@echo '$(BOARD) is a QEMU board: `make run BOARD=$(BOARD)` boots it; nothing to flash'
else ifneq ($(DRYRUN),)
	@echo "$(FLASH_CMD)"
else
	@$(MAKE) --no-print-directory BOARD=$(BOARD) all
	@tools/install-deps flash
	@echo "$(FLASH_CMD)"
	@$(if $(and $(UF2_FAMILY),$(if $(PROBE),,1)),test -d $(UF2_MOUNT) || \
		{ echo "$(UF2_VOLUME) is not mounted: hold BOOTSEL while plugging the board in"; exit 1; })
	@$(FLASH_CMD)
endif

ifeq ($(QEMU),native)
# The hosted port is a process: gdb runs it, passing the signals that are
# its interrupts (arch/hosted/hosted.h) straight through.
GDB_CMD = $(GDB) -q -ex 'handle SIGALRM SIGUSR1 SIGIO nostop noprint pass' \
	--args $(B)/tern.elf
else ifeq ($(GDB_HW),)
GDB_CMD = tools/qemu-run --gdb $(B)/qemu.env $(B)/tern.elf & \
	$(GDB) -q -ex 'target remote localhost:1234' $(B)/tern.elf; \
	kill %1 2>/dev/null || true
else ifneq ($(GDB_SERVER),)
GDB_CMD = $(GDB_SERVER) & \
	$(GDB) -q -ex 'target extended-remote localhost:3333' \
	-ex 'monitor reset halt' $(B)/tern.elf; \
	kill %1 2>/dev/null || true
endif

gdb:
ifeq ($(GDB_CMD),)
	@echo '$(BOARD): no debug probe configured (board.mk: OPENOCD_CFG)'; exit 1
else ifneq ($(DRYRUN),)
	@echo "$(GDB_CMD)"
else
	@$(MAKE) --no-print-directory BOARD=$(BOARD) all
	@$(if $(GDB_HW),tools/install-deps flash)
	@echo "$(GDB_CMD)"
	@$(GDB_CMD)
endif

# --- generated tables --------------------------------------------------------

# Every page size some board uses gets a checked-in size-class table.
PAGE_SIZES := 256 512 1024 4096

$(HOST_B)/mkclasses: tools/mkclasses.c
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -std=c11 $(WARN) -O2 -o $@ $<

sizeclasses: $(HOST_B)/mkclasses
	@for p in $(PAGE_SIZES); do \
		$(HOST_B)/mkclasses $$p > mm/sizeclasses-$$p.h || exit 1; \
		echo "  GEN     mm/sizeclasses-$$p.h"; \
	done

# --- housekeeping ----------------------------------------------------------

# Generated tables are left as the generator writes them.
FORMAT_FILES = $(filter-out mm/sizeclasses-%.h,$(shell git ls-files '*.c' '*.h' 2>/dev/null))

format-check:
	@clang-format --dry-run --Werror $(FORMAT_FILES) && echo "format: ok"

format:
	@clang-format -i $(FORMAT_FILES)

clean:
	rm -rf build

-include $(RUNTIME_OBJS:.o=.d) $(APP_OBJS:.o=.d) $(TEST_OBJS:.o=.d) \
	$(BENCH_OBJS:.o=.d) $(HOST_OBJS:.o=.d)
