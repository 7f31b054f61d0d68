# Portable: built into the firmware and the host tool and tests.
sysreg-core-objs := sysreg.o semantics.o bootargs.o
# Backends: real MRS/MSR in the firmware, an array on the host.
sysreg-fw-objs := sysreg_hw.o
sysreg-host-objs := sysreg_fake.o
