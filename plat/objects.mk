# The platform: board (DTB), console, power, PSCI below, EL2 MMU, CPU, libc.
plat-objs := board.o console.o pl011_hw.o psci_hw.o cpu_hw.o mmu_hw.o libc.o power.o stacks.o
