# The top: entry (Image header, EL3 -> EL2, stacks) and the boot flow.
boot-objs := head.o main.o
