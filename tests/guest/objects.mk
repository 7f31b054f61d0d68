guest-objs := start.o lib.o regs.o main.o ckpt.o checkpoint.o bench.o smp.o forge.o storm.o sweep.o sweep_asm.o gicstate.o
