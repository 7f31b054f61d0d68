el2-objs := vectors.o entry.o crash.o trap.o sysreg_trap.o smccc.o guest.o stop.o vmstate_fw.o \
	monitor.o monitor_line.o bench.o pmu_hw.o bench_floor_hw.o \
	stage2_hw.o fpsimd.o fpsimd_hw.o guest_dtb.o percpu_hw.o gic_hw.o vgic.o vgic_mmio.o vgic_state.o vuart.o stats.o \
	upgrade.o upgrade_hw.o
