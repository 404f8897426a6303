# dist/module.mk - `make install` and `make uninstall`: the binaries (the BPF objects are
# embedded in nswitch by its skeletons, nothing else is read at run time), nswitch-lab beside
# nswitch (the lab command runs it from there), the systemd unit with the binary's path, and
# nswitch(8), and QEMU's ifup/ifdown scripts for taps that are VFs. PREFIX (default /usr/local) and DESTDIR are honoured; UNITDIR and MANDIR may be
# set apart. `make man` writes docs/nswitch.8 from the binary's own tables.
PREFIX  ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
BINDIR  ?= $(PREFIX)/bin
UNITDIR ?= $(PREFIX)/lib/systemd/system
MANDIR  ?= $(PREFIX)/share/man
LIBEXECDIR ?= $(PREFIX)/libexec/nswitch
.PHONY: install uninstall man

install: $(B)/nswitch $(B)/nswitch-lab $(B)/nswitch-sim
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(MANDIR)/man8
	install -m 755 $(B)/nswitch $(B)/nswitch-lab $(DESTDIR)$(SBINDIR)/
	install -m 755 $(B)/nswitch-sim $(DESTDIR)$(BINDIR)/
	sed 's|@SBINDIR@|$(SBINDIR)|g' dist/nswitch.service.in > $(DESTDIR)$(UNITDIR)/nswitch.service
	chmod 644 $(DESTDIR)$(UNITDIR)/nswitch.service
	install -m 644 docs/nswitch.8 $(DESTDIR)$(MANDIR)/man8/nswitch.8
	install -d $(DESTDIR)$(LIBEXECDIR)
	install -m 755 scripts/nswitch-qemu-ifup scripts/nswitch-qemu-ifdown $(DESTDIR)$(LIBEXECDIR)/

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/nswitch $(DESTDIR)$(SBINDIR)/nswitch-lab \
		$(DESTDIR)$(BINDIR)/nswitch-sim $(DESTDIR)$(UNITDIR)/nswitch.service \
		$(DESTDIR)$(MANDIR)/man8/nswitch.8 $(DESTDIR)$(LIBEXECDIR)/nswitch-qemu-ifup \
		$(DESTDIR)$(LIBEXECDIR)/nswitch-qemu-ifdown

man: $(B)/nswitch
	python3 scripts/nsw_man.py $(B)/nswitch > docs/nswitch.8
