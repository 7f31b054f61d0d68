# Portable: built into the firmware and the host tool and tests.
vmstate-core-objs := blob.o crc32c.o policy.o frame.o
