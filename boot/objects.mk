boot-objs := head.o board.o console.o pl011_hw.o psci_hw.o cpu_hw.o mmu_hw.o \
	main.o libc.o
