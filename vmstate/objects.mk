# Portable: built into the firmware and the host tool and tests.
vmstate-core-objs := blob.o blob_encode.o blob_decode.o crc32c.o policy.o policy_vcpu.o gic.o report.o frame.o guestout.o fwimage.o
# The firmware's CRC-32C by instruction (overrides the portable one).
vmstate-fw-objs := crc32c_hw.o
# An x86-64 host's CRC-32C by SSE4.2 (overrides the portable one; empty elsewhere).
vmstate-host-objs := crc32c_host_hw.o
