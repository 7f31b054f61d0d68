# The Linux guest: Debian's arm64 kernel and a busybox initramfs, in
# build/linux/ (downloaded by apt-get, never committed).
#
#   make linux              build/linux/Image and build/linux/initramfs.cpio.gz
#   make run-linux          boot them under regvisor, the console on this terminal
#   make run-linux-direct   the same kernel and initramfs on QEMU at EL1, no regvisor
#
#   SMP=N (default 2), MEM=SIZE (QEMU -m, default 256M), RV_TEST=MODE (the
#   init's rv.test=: smoke, idle, busy; none: a shell), LINUX_APPEND (the rest
#   of the kernel command line), BOOTARGS (regvisor's own).

LINUX_DIR := build/linux
LINUX_IMAGE := $(LINUX_DIR)/Image
LINUX_BUSYBOX := $(LINUX_DIR)/busybox
LINUX_INITRD := $(LINUX_DIR)/initramfs.cpio.gz
SMP ?= 2
MEM ?= 256M
RV_TEST ?=
LINUX_APPEND ?= console=ttyAMA0 earlycon=pl011,0x9000000 panic=-1
LINUX_CMDLINE = $(LINUX_APPEND)$(if $(RV_TEST), rv.test=$(RV_TEST))

.PHONY: linux run-linux run-linux-direct linux-clean

linux: deps $(LINUX_IMAGE) $(LINUX_INITRD)

# Fetched once: `make linux-clean linux` takes Debian's newest kernel.
$(LINUX_IMAGE) $(LINUX_BUSYBOX) &: tools/linux-fetch
	/usr/bin/python3 tools/linux-fetch $(LINUX_DIR)

$(LINUX_INITRD): $(LINUX_BUSYBOX) tests/linux/init tools/mkinitramfs.py
	/usr/bin/python3 tools/mkinitramfs.py --busybox $(LINUX_BUSYBOX) --init tests/linux/init -o $@

# Interactive: the terminal is the guest's console (Ctrl-A x quits QEMU);
# exits with the firmware's status.
run-linux: deps firmware linux
	tools/regvisor-qemu --bin $(BUILD)/regvisor.bin --guest $(LINUX_IMAGE) \
		--initrd $(LINUX_INITRD) --smp $(SMP) --mem $(MEM) --interactive --timeout 86400 \
		$(if $(BOOTARGS),--append "$(BOOTARGS)") --guest-append "$(LINUX_CMDLINE)"

run-linux-direct: deps linux
	/usr/bin/python3 tests/qemu/linuxguest.py direct --smp $(SMP) --mem $(MEM) \
		--mode $(or $(RV_TEST),shell) --interactive --timeout 86400

linux-clean:
	rm -rf $(LINUX_DIR)

# The Linux tests (tests/qemu/test_linux.py) boot these.
test: linux
