# bursar - build, demo and tests.  `make run` and `make check` are the two
# commands a new machine needs; both install missing Debian packages first.

CC       ?= gcc
PKGS_LIB := libssh ncursesw sqlite3 ldap jansson inih libcrypto libcmark libmagic xlsxwriter
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wno-missing-field-initializers \
            -Iinclude -MMD -MP
# Evaluated when a recipe runs, i.e. after `deps` has installed pkg-config.
LDLIBS    = $(shell pkg-config --libs $(PKGS_LIB)) -lcsv -lutil

DEB_PKGS := gcc make pkg-config libssh-dev libncurses-dev libsqlite3-dev libldap-dev libjansson-dev \
            libinih-dev libssl-dev libcmocka-dev libcmark-dev libcsv-dev libmagic-dev libxlsxwriter-dev gettext slapd ldap-utils openssh-client tmux sshpass \
            sqlite3 procps python3 python3-paramiko jq
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

B        := build
LIB_SRC  := $(wildcard src/core/*.c src/domain/*.c src/store/*.c src/directory/*.c src/service/*.c \
                       src/ui/*.c src/ssh/*.c src/cmd/*.c src/export/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/obj/%.o)
ASAN_OBJ := $(LIB_SRC:%.c=$(B)/asan/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%)
LANGS    := zh_CN en
MO       := $(LANGS:%=$(B)/locale/%/LC_MESSAGES/bursar.mo)
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer

.PHONY: all deps run check unit fuzz-libfuzzer docs pot clean
.SECONDARY:
all: $(B)/bursar $(MO)

deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(B)/bursar: $(LIB_OBJ) $(B)/obj/src/main.o
	@$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS) -c -o $@ $<

$(B)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS) $(SAN) -c -o $@ $<

$(B)/locale/%/LC_MESSAGES/bursar.mo: po/%.po
	@mkdir -p $(dir $@)
	@msgfmt --check -o $@ $<

# Unit tests run under AddressSanitizer and UBSan.
$(B)/tests/%: tests/unit/%.c $(ASAN_OBJ)
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS) $(SAN) -o $@ $< $(ASAN_OBJ) $(LDLIBS) -lcmocka

# Fuzz targets: a replay/mutation driver for `make check`; libFuzzer with clang.
$(B)/fuzz/%: tests/fuzz/%.c tests/fuzz/driver.c $(ASAN_OBJ)
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS) $(SAN) -o $@ $< tests/fuzz/driver.c $(ASAN_OBJ) $(LDLIBS)

fuzz-libfuzzer: $(FUZZ_SRC)
	@mkdir -p $(B)/libfuzzer
	for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  clang -std=c11 -D_GNU_SOURCE -Iinclude -g -O1 -fsanitize=fuzzer,address,undefined \
	    -o $(B)/libfuzzer/$$n $$f $(LIB_SRC) $(LDLIBS) || exit 1; done

$(B)/tests/preauth: tests/e2e/preauth.c
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS) -o $@ $< -lssh

unit: $(UNIT_BIN) $(FUZZ_BIN) $(B)/tests/preauth

# Packages first, then a fresh make that sees them.
run: deps
	@$(MAKE) -s --no-print-directory all
	@bash tests/fixture/demo.sh

check: deps
	@$(MAKE) -s --no-print-directory all unit
	@bash tests/run.sh

pot:
	xgettext --from-code=UTF-8 --package-name=bursar -k_ -kN_ -c -o po/bursar.pot $(LIB_SRC) src/main.c src/ui/screen.h
	msgmerge -q -U --backup=none po/zh_CN.po po/bursar.pot
	msgattrib --no-obsolete -o po/zh_CN.po po/zh_CN.po
	msginit --no-translator -l en_US.UTF-8 -i po/bursar.pot -o po/en.po
	sed -i 's/^"Language: en_US\\n"/"Language: en\\n"/' po/en.po

docs: $(B)/bursar
	@bash docs/generate.sh

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
