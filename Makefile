# SPDX-License-Identifier: GPL-2.0
#
# Apply, build, boot and test the dma-buf exporter series in one command.
#
#   make          the main job: deps tree apply build initramfs run
#   make test     check, then the main job, then one summary line
#   make test-debug  the main job on a debug kernel (KASAN, lockdep, ...)
#   make help     the targets and variables
#
# Everything fetched, built or logged goes under out/ (git-ignored).

# The four main knobs may come from the environment or the command line;
# the rest only from the command line (make VAR=value), so that a stray
# environment variable such as BUILD or CHECK cannot move the build.
# The series' base kernel: its check builds and logs carry no tag; every
# other kernel's (with a backport or not) carry "KERNEL-", so that two
# kernels never share a check build, a log or what clean-tree removes.
BASE_KERNEL := 7.3
KERNEL  ?= $(BASE_KERNEL)
ARCH    ?= x86_64
ACCEL   ?= auto
TARGETS ?= dmabuf-exporter
FORCE   := 0
# DEBUG=1: a debug kernel (configs/debug.config on top of the rest) in
# build directories and logs of its own; "make test-debug" sets it.
DEBUG   := 0
# PROFILE=1: the benchmark's kernel with the ftrace function profiler
# (configs/profile.config), in a build directory of its own; with
# BENCH_PROFILE=CASE[:SIZE],... (bench/dmabuf_bench.c's case names and
# sizes, alloc_free:4K, or all) make bench profiles those rows instead of
# timing every row.
PROFILE := 0
BENCH_PROFILE := all
TIMEOUT := 1200
KSFT_ARGS :=
# make bench: boots whose ratios are combined, and the TCG clock (icount:
# the guest's instructions; wall: the host's clock).
BENCH_RUNS := 3
BENCH_MODE := icount
# make fresh-check: the commit and the command to run on a fresh system.
# A minimal system lacks make itself: the README's first step installs it,
# "make test" must install all the rest.
REV     := HEAD
FRESH_CMD := apt-get update -qq && apt-get install -y -qq make && make test

TOP     := $(CURDIR)
OUT     := $(TOP)/out
PATCHES := $(TOP)/patches
# Quilt's lookup order: a top-level series file, else patches/series.
SERIES  := $(firstword $(wildcard $(TOP)/series) $(PATCHES)/series)
# KCMDLINE: more kernel command line for the guest.  The debug kernel
# panics on the first WARN, as syzbot's do: a WARN userspace can reach is
# a bug (make test-debug KCMDLINE= to see every WARN of a run instead).
ifeq ($(DEBUG),1)
FLAVOR  := -debug
EXTRA_CONFIG := $(TOP)/configs/debug.config
KCMDLINE := panic_on_warn=1
else ifeq ($(PROFILE),1)
FLAVOR  := -profile
EXTRA_CONFIG := $(TOP)/configs/profile.config
KCMDLINE := bench_profile=$(BENCH_PROFILE)
else
FLAVOR  :=
EXTRA_CONFIG :=
KCMDLINE :=
endif
SRC     := $(OUT)/src/linux-$(KERNEL)
# A kernel other than the series' base gets the series plus its own
# backport patches (backports/README.md); empty for the base kernel.
BACKPORTS := $(wildcard $(TOP)/backports/$(KERNEL))
WORK    := $(OUT)/work/linux-$(KERNEL)
BUILD   := $(OUT)/build/linux-$(KERNEL)-$(ARCH)$(FLAVOR)
CHECK   := $(OUT)/check
# check's clone of SRC, shared by every ARCH (check-patches.sh).
CHECKWORK := $(OUT)/check/work/linux-$(KERNEL)
CHECKTAG := $(if $(filter $(BASE_KERNEL),$(KERNEL)),,$(KERNEL)-)
# kunit.py's own build and result (scripts/kunit-tool.sh)
KUNITTOOLDIR := $(OUT)/kunit/linux-$(KERNEL)-$(ARCH)
KUNITTOOLRESULT := $(OUT)/log/kunit-tool-$(KERNEL)-$(ARCH).result
# make test runs kunit.py too for the base kernel on x86_64 (the
# README's test command); elsewhere "make kunit-tool" runs it.
TEST_KUNIT_TOOL := $(if $(and $(filter $(BASE_KERNEL),$(KERNEL)),$(filter x86_64,$(ARCH))),1)
LOGDIR  := $(OUT)/log
INITRD  := $(OUT)/initramfs-$(KERNEL)-$(ARCH)$(FLAVOR).cpio.gz
CONSOLE := $(LOGDIR)/console-$(KERNEL)-$(ARCH)$(FLAVOR).log
RESULT  := $(LOGDIR)/result-$(KERNEL)-$(ARCH)$(FLAVOR)
CHECKRESULT := $(LOGDIR)/check-$(KERNEL).result
# Another architecture than x86_64 checks in a directory, logs and a result
# of its own, so that "make test ARCH=arm64" can run beside x86_64's.
ifneq ($(ARCH),x86_64)
CHECK   := $(OUT)/check-$(ARCH)
CHECKRESULT := $(LOGDIR)/check-$(KERNEL)-$(ARCH).result
check: LOGDIR := $(LOGDIR)/check-$(ARCH)
endif

# Nothing is exported: each script gets what it needs on its command line
# or in its environment below, and the scripts drop the make state they
# inherit, so none of these variables reaches the kernel's Makefiles (where
# CHECK, BUILD and others mean something else).
S := $(TOP)/scripts

.DEFAULT_GOAL := all
.PHONY: all deps tree apply build initramfs run check test kunit-tool vng test-debug bench mutants export clean distclean help fresh-check

all: run

# "make test" and "make test-debug" run deps and tree once, then their
# sub-makes with HAVE_TREE=1, where both are no-ops.
HAVE_TREE := 0
ifeq ($(HAVE_TREE),1)
deps tree:
	@:
else
deps:
	@$(S)/deps.sh

tree: deps
	@$(S)/get-tree.sh $(KERNEL) $(OUT)/src
endif

apply: tree
	@FORCE=$(FORCE) SERIES=$(SERIES) BACKPORTS=$(BACKPORTS) $(S)/apply.sh $(SRC) $(WORK) $(PATCHES)

# SEED: a build directory of the same tree and configuration to start a
# new BUILD from ("make test": check's build of the whole series).
SEED :=
build: apply
	@SEED=$(SEED) EXTRA_CONFIG="$(EXTRA_CONFIG)" $(S)/build.sh $(WORK) $(BUILD) $(ARCH) "$(TARGETS)" $(LOGDIR)/build-$(KERNEL)-$(ARCH)$(FLAVOR).log

initramfs: build
	@KSFT_ARGS="$(KSFT_ARGS)" $(S)/mkinitramfs.sh $(BUILD) $(INITRD) $(ARCH)

run: initramfs
	@ACCEL=$(ACCEL) TIMEOUT=$(TIMEOUT) KCMDLINE="$(KCMDLINE)" $(S)/run-vm.sh $(BUILD) $(INITRD) $(ARCH) $(CONSOLE) $(RESULT)

check: tree
	@TARGETS="$(TARGETS)" SERIES=$(SERIES) BACKPORTS=$(BACKPORTS) CHECK_WORK=$(CHECKWORK) CHECK_TAG=$(CHECKTAG) $(S)/check-patches.sh $(SRC) $(CHECK) $(ARCH) $(PATCHES) $(LOGDIR) $(CHECKRESULT)

# check and the main job both run, whatever the first one's outcome, so that
# one "make test" reports everything; each stage's time, then the summary
# line, come last.  A new main build starts from check's build of the
# whole series (check-patches.sh: CHECK/build/y, CHECK/build/VERSION-y
# for another kernel than the base), which has the same configuration:
# the kernel is compiled once (build.sh uses it only if its tree holds the
# same files).
# TEST_CHECK=0: no check stage (CI's riscv64 job: its per-patch builds and
# static analysis would repeat x86_64's and arm64's); the summary then
# counts the guest's cases alone.
TEST_CHECK := 1
comma := ,
test: tree
	@rm -f $(RESULT) $(CHECKRESULT) $(KUNITTOOLRESULT); t0=$$(date +%s); c=0; \
	$(if $(filter 1,$(TEST_CHECK)),$(MAKE) --no-print-directory check HAVE_TREE=1; c=$$?;) t1=$$(date +%s); \
	$(MAKE) --no-print-directory all HAVE_TREE=1 $(if $(filter 1,$(TEST_CHECK)),SEED=$(CHECK)/build/$(CHECKTAG)y); r=$$?; t2=$$(date +%s); \
	k=0; $(if $(TEST_KUNIT_TOOL),$(MAKE) --no-print-directory kunit-tool HAVE_TREE=1 || k=$$?;) t3=$$(date +%s); \
	echo "test: check $$((t1 - t0)) s, build and run $$((t2 - t1)) s,$(if $(TEST_KUNIT_TOOL), kunit.py $$((t3 - t2)) s$(comma)) in all $$((t3 - t0)) s"; \
	$(S)/summary.sh $(if $(filter 1,$(TEST_CHECK)),$(CHECKRESULT),-) $(RESULT) $$c $$r $(if $(TEST_KUNIT_TOOL),$(KUNITTOOLRESULT) $$k)

# The KUnit suites of drivers/dma-buf through the kernel's own runner,
# kunit.py, with its own kernel and QEMU (scripts/kunit-tool.sh).
kunit-tool: apply
	@ACCEL=$(ACCEL) $(S)/kunit-tool.sh $(WORK) $(ARCH) $(KUNITTOOLDIR) $(LOGDIR)/kunit-tool-$(KERNEL)-$(ARCH).log $(KUNITTOOLRESULT)

# The kselftests the way a kernel developer runs them (scripts/vng.sh): a
# kernel configured with "vng --kconfig" (defconfig, virtme-ng's options,
# the kselftests' fragment), booted by virtme-ng on the host's own root
# filesystem, "make kselftest TARGETS=..." run in it; x86_64 only.
VNGBUILD := $(OUT)/vng/linux-$(KERNEL)-x86_64
vng: apply
	@ACCEL=$(ACCEL) TIMEOUT=$(TIMEOUT) $(S)/vng.sh $(WORK) $(VNGBUILD) "$(TARGETS)" $(LOGDIR)/vng-$(KERNEL).log $(LOGDIR)/result-vng-$(KERNEL)

# The benchmark of issues 5 and 17 (bench/): its own initramfs and logs, so
# it never clobbers the tests'; missed speed targets are reported, not a
# failure.  BENCH_RUNS boots (default 3), BENCH_MODE=icount|wall (TCG).
bench: build
	@ACCEL=$(ACCEL) TIMEOUT=$(TIMEOUT) KCMDLINE="$(KCMDLINE)" BENCH_RUNS=$(BENCH_RUNS) BENCH_MODE=$(BENCH_MODE) $(S)/bench.sh $(BUILD) $(ARCH) $(OUT)/initramfs-bench-$(KERNEL)-$(ARCH)$(FLAVOR).cpio.gz $(LOGDIR) $(KERNEL)-$(ARCH)$(FLAVOR)

# The mutation check of issue 14 (mutants/exporter.txt): each one-line
# break of the driver built, booted and run in a worktree and build of its
# own (out/mutants), so the tests' tree and logs are left alone; a table of
# killed and survived.  On demand, not in CI (about 75 s a mutant).  The
# guest runs the 64-bit kselftests only (KSFT_ARGS), as the debug guest
# does: the 32-bit build runs the same cases on the same kernel code.
MUTANT_TIMEOUT := 240
ONLY :=
mutants: apply
	@ACCEL=$(ACCEL) TIMEOUT=$(MUTANT_TIMEOUT) KCMDLINE="$(KCMDLINE)" EXTRA_CONFIG="$(EXTRA_CONFIG)" ONLY="$(ONLY)" KSFT_ARGS="$(or $(KSFT_ARGS),$(foreach t,$(TARGETS),-c $(t)))" $(S)/mutants.sh $(WORK) $(OUT)/mutants/linux-$(KERNEL)-$(ARCH)$(FLAVOR) $(ARCH) $(TOP)/mutants/exporter.txt $(LOGDIR) $(KERNEL)-$(ARCH)$(FLAVOR)

# The main job on the debug kernel; any splat, or a leak kmemleak finds
# after the tests, fails it.  The same summary line as "make test".  Its
# guest runs the 64-bit kselftests only (KSFT_ARGS): the 32-bit ones
# would double its slowest part, and reach the same code past the compat
# ioctl's pointer conversion.
test-debug: tree
	@rm -f $(LOGDIR)/result-$(KERNEL)-$(ARCH)-debug; t0=$$(date +%s); \
	$(MAKE) --no-print-directory all DEBUG=1 HAVE_TREE=1 KSFT_ARGS="$(or $(KSFT_ARGS),$(foreach t,$(TARGETS),-c $(t)))"; r=$$?; \
	echo "test-debug: build and run $$(($$(date +%s) - t0)) s"; \
	$(S)/summary.sh - $(LOGDIR)/result-$(KERNEL)-$(ARCH)-debug 0 $$r

# FRESH_CMD in a clean clone of REV on a new minimal Debian system (a
# debootstrap chroot in out/fresh): proves that deps.sh installs all the
# README's commands need.  KEEP=1 (environment) runs again on the system
# the last run left.
fresh-check: deps
	@$(S)/fresh-check.sh $(OUT)/fresh/root $(REV) "$(FRESH_CMD)"

export:
	@SERIES=$(SERIES) $(S)/export.sh $(WORK) $(PATCHES)

# The series as mails, ready to read and send: a b4 prep branch with the
# cover letter patches/cover-letter.txt in out/send/linux (a clone of the
# base tree), To/Cc from get_maintainer.pl, the mails in out/send/mails,
# checkpatch on each.  Nothing is sent.
.PHONY: send-prep
send-prep: tree
	@SERIES=$(SERIES) $(S)/send-prep.sh $(SRC) $(OUT)/send $(PATCHES) $(PATCHES)/cover-letter.txt

clean:
	rm -rf $(OUT)/build $(OUT)/check $(OUT)/log $(OUT)/mutants $(OUT)/initramfs-*.cpio.gz

distclean:
	@FORCE=$(FORCE) SERIES=$(SERIES) $(S)/distclean.sh $(OUT) $(PATCHES)

# Everything of one KERNEL, for every ARCH: its source, work and check
# trees, its builds and check builds, its initramfs images (.ci/run: one
# kernel's trees on the disk at a time).
.PHONY: clean-tree
clean-tree:
	@FORCE=$(FORCE) SERIES=$(SERIES) $(S)/distclean.sh $(OUT) $(PATCHES) \
		$(SRC) $(WORK) $(CHECKWORK) $(CHECKWORK).lock \
		$(wildcard $(OUT)/build/linux-$(KERNEL)-* $(OUT)/initramfs-$(KERNEL)-*.cpio.gz \
			$(addprefix $(OUT)/check*/build/$(CHECKTAG),y m) \
			$(addprefix $(OUT)/check*/$(CHECKTAG),clang-y clang-m))

help:
	@sed -n '/^## /,$$s/^## \{0,1\}//p' $(TOP)/Makefile

## Targets:
##   all (default)  deps tree apply build initramfs run: the main job
##   deps           install missing build/boot tools with apt-get (as root)
##   tree           fetch Debian's linux-source-$(KERNEL) into out/src
##   apply          out/work/linux-$(KERNEL): clone of out/src + the series
##   build          kernel (W=1), headers, static kselftests in out/build
##   initramfs      busybox initramfs with the kselftests
##   run            boot QEMU, run the kselftests, check the console log
##   check          checkpatch --strict, a W=1 build (=y and =m) per patch,
##                  static analysis of the series (sparse, clang, kernel-doc,
##                  UAPI header test, coccicheck, Sphinx): 0 findings
##   test           check (not with TEST_CHECK=0), then all, then (7.3
##                  x86_64) kunit-tool, then
##                  "N passed, N failed, N skipped" (every check, kselftest
##                  and KUnit case is one test)
##   kunit-tool     kunit.py run --kunitconfig=drivers/dma-buf --arch=ARCH
##                  in out/work (its own kernel and QEMU; /dev/kvm masked
##                  where KVM guests stay silent)
##   vng            defconfig kernel (vng --kconfig), booted by virtme-ng,
##                  "make kselftest" in it (scripts/vng.sh; x86_64)
##   test-debug     all on a debug kernel (configs/debug.config: KASAN,
##                  lockdep, kmemleak, DMA-API debug, UBSAN...), own build
##                  dir, then "N passed, N failed, N skipped"
##   bench          time ours vs every in-tree peer in the guest, BENCH_RUNS
##                  boots (3), BENCH_MODE=icount|wall: table and spread,
##                  out/log/bench-$(KERNEL)-$(ARCH).{csv,txt,png};
##                  KCMDLINE=bench_rows=CASE[:SIZE],... only those rows
##   mutants        the mutation check: each mutant of mutants/exporter.txt
##                  built, booted and run (out/mutants); table of killed and
##                  survived in out/log/mutants-$(KERNEL)-$(ARCH).txt
##   export         write out/work/linux-$(KERNEL)'s commits to patches/
##                  (a backport tree's own commits to backports/$(KERNEL)/)
##   clean          remove builds, logs and the initramfs (keeps src, work)
##   distclean      remove out/ (refuses if out/work has unexported work)
##   clean-tree     remove KERNEL's trees and builds (all ARCHs) from out/
##                  (refuses if its out/work tree has unexported work)
##   fresh-check    FRESH_CMD (default "make test") in a clean clone of REV
##                  (default HEAD) on a new minimal Debian system: a
##                  debootstrap chroot in out/fresh (KEEP=1: the last one)
##   send-prep      b4 prep branch + patches/cover-letter.txt in out/send/linux,
##                  the mails in out/send/mails (read them; nothing is sent)
## Variables:
##   KERNEL=7.3 ARCH=x86_64|arm64|riscv64 ACCEL=auto|kvm|tcg TARGETS=dmabuf-exporter
##   TIMEOUT=1200 (seconds for the whole boot and test run)
##   KSFT_ARGS=     run_kselftest.sh options instead of "-c C" for each
##                  installed collection, e.g. "-t dmabuf-exporter:foo"
##   TEST_CHECK=0   make test without the check stage
##   FORCE=1        let apply/distclean discard unexported work in out/work
##   DEBUG=1        build, boot and log the debug kernel (what test-debug does)
##   PROFILE=1 BENCH_PROFILE=CASE[:SIZE],...  make bench on a kernel with the
##                  ftrace function profiler: those rows profiled, not timed
##                  (out/log/bench-$(KERNEL)-$(ARCH)-profile-N.txt)
##   KCMDLINE=      more guest kernel command line (DEBUG=1: panic_on_warn=1)
##   REV=HEAD FRESH_CMD="...make test"  what fresh-check runs
##   MUTANT_TIMEOUT=240 ONLY=name,name  make mutants: seconds per guest run,
##                  only these mutants
##   WORK= BUILD= CHECK= PATCHES= SERIES=  other work tree, build, check or
##                  patch directory, or series file (names relative to PATCHES)
##   (KVM_PROBE=8 in the environment: seconds the KVM guest gets to show life)
