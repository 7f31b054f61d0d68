# Basics every layer may use, firmware and host alike.
lib-core-objs := parse.o
# The host's rv_panic (the firmware's is in plat/libc.c).
lib-host-objs := host.o
