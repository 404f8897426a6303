# tests/integ/nsw_guest.sh - a real guest for the integration tests: Debian's kernel and a
# busybox initramfs with the virtio-net modules, booted by QEMU under TCG. Sourced by
# test_qemu.sh and test_libvirt.sh. guest_image builds (once, cached in $NSW_TEST_CACHE, default
# /var/cache/nswitch-test, outside the repository) the kernel and the base initramfs;
# guest_initrd appends to it a per-run /test.sh that the guest's /init runs, then powers off.
# Needs qemu-system-x86, busybox-static, and apt (the kernel package is downloaded and
# unpacked with dpkg -x, never installed).
CACHE=${NSW_TEST_CACHE:-/var/cache/nswitch-test}
# The modules virtio-net needs, in load order, when the kernel has them as modules.
GUEST_MODS=(virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci failover
	net_failover virtio_net)

# Prints the path of the kernel; makes $CACHE/base-VER.cpio.gz. Fails with a reason.
guest_image() {
	mkdir -p "$CACHE"
	local pkg ver kdir
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
	[[ -n $pkg ]] || pkg=$(cd "$CACHE" && ls -d k-linux-image-* 2>/dev/null | sed 's/^k-//' | tail -1)
	[[ -n $pkg ]] || { echo "no linux-image-amd64 known to apt" >&2; return 1; }
	kdir=$CACHE/k-$pkg
	if [[ ! -d $kdir/boot ]]; then
		(cd "$CACHE" && rm -f "$pkg"_*.deb && apt-get download "$pkg" >/dev/null 2>&1) ||
			{ echo "apt-get download $pkg failed" >&2; return 1; }
		rm -rf "$kdir.tmp" && dpkg -x "$CACHE/$pkg"_*.deb "$kdir.tmp" && mv "$kdir.tmp" "$kdir"
		rm -f "$CACHE/$pkg"_*.deb
	fi
	ver=${pkg#linux-image-}
	local base=$CACHE/base-$ver.cpio.gz
	if [[ ! -s $base ]]; then
		local root=$CACHE/root.$$ m f
		rm -rf "$root"
		mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,lib/modules}
		cp /bin/busybox "$root/bin/busybox"
		for m in "${GUEST_MODS[@]}"; do
			grep -q "^CONFIG_$(echo "$m" | tr a-z A-Z)=y" "$kdir/boot/config-$ver" && continue
			f=$(find "$kdir/lib/modules/$ver" -name "$m.ko*" | head -1)
			[[ -n $f ]] || continue # not built at all in this kernel: not needed
			case $f in
			*.xz) xz -dc "$f" >"$root/lib/modules/$m.ko" ;;
			*.zst) zstd -dcq "$f" >"$root/lib/modules/$m.ko" ;;
			*) cp "$f" "$root/lib/modules/$m.ko" ;;
			esac
		done
		cat >"$root/init" <<-'EOF'
			#!/bin/busybox sh
			/bin/busybox --install -s
			mount -t proc proc /proc
			mount -t sysfs sys /sys
			mount -t devtmpfs dev /dev
			for m in MODS; do [ -e /lib/modules/$m.ko ] && insmod /lib/modules/$m.ko; done
			ip link set lo up
			[ -x /test.sh ] && /test.sh
			poweroff -f
		EOF
		sed -i "s/MODS/${GUEST_MODS[*]}/" "$root/init"
		chmod 755 "$root/init"
		(cd "$root" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) >"$base.tmp" &&
			mv "$base.tmp" "$base"
		rm -rf "$root"
	fi
	# The kernel uncompressed (an ELF with a PVH entry, which QEMU boots directly): under TCG,
	# the decompressor of the xz bzImage alone takes longer than the whole boot.
	local elf=$CACHE/vmlinux-$ver
	if [[ ! -s $elf ]]; then
		python3 - "$kdir/boot/vmlinuz-$ver" "$elf.tmp" <<-'EOF'
			import lzma, sys
			d = open(sys.argv[1], "rb").read()
			i = d.find(b"\xfd7zXZ\x00")
			out = lzma.LZMADecompressor().decompress(d[i:]) if i >= 0 else b""
			open(sys.argv[2], "wb").write(out if out[:4] == b"\x7fELF" else b"")
		EOF
		[[ -s $elf.tmp ]] && mv "$elf.tmp" "$elf"
	fi
	if [[ -s $elf ]]; then echo "$elf"; else echo "$kdir/boot/vmlinuz-$ver"; fi
}

# guest_initrd OUT TESTSCRIPT: the base initramfs with TESTSCRIPT as /test.sh appended.
guest_initrd() {
	local ver out=$1 script=$2 d
	ver=$(basename "$(ls "$CACHE"/base-*.cpio.gz | tail -1)" .cpio.gz)
	d=$(mktemp -d)
	cp "$script" "$d/test.sh"
	chmod 755 "$d/test.sh"
	(cd "$d" && echo test.sh | busybox cpio -o -H newc 2>/dev/null | gzip -1) >"$d/t.gz"
	cat "$CACHE/$ver.cpio.gz" "$d/t.gz" >"$out"
	rm -rf "$d"
}
