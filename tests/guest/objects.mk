guest-objs := start.o lib.o main.o checkpoint.o bench.o
