# vpnlab — plain Makefile.  V=1 verbose; DEBUG=1 builds with ASan+UBSan into build-asan/.
#   make            bin/vpnlabd
#   make run        install missing packages, build, start server (+ agent where root allows)
#   make test       install missing packages, unit tests (ASan/UBSan), API, SDK, security, durability tests
#   make fuzz       libFuzzer targets, bounded time (FUZZ_SECONDS per target)
#   make bench      bench/ programs, print figures
#   make docs       regenerate api-docs/actions.md from the action table
#   make lab        the Docker Compose lab (docker/): builds what is missing, starts it
#   make lab-byod   adds the "byod" container (your own IKE device) to the running lab
#   make lab-down   stops it, removes its containers and network (the database volume stays)
#   make lab-clean  lab-down, then removes its volumes (database, agents' state)

CC ?= cc
PKGS := libmicrohttpd jansson sqlite3 libcrypto libcurl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)
AGENT_PKGS := libmicrohttpd jansson libcurl libmnl libnftables libcrypto
AGENT_LIBS := $(shell pkg-config --libs $(AGENT_PKGS) 2>/dev/null) -lpthread -lm

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral \
	-Wno-missing-field-initializers # table rows leave trailing optional fields out
CFLAGS ?= -O2 -g
# model/ holds the shared store and rules, one subfolder per product (vpc/, vpn/, cbn/, lab/) and
# the desired-state compiler (compile/); sources include each other's headers by name
MODEL_DIRS := model $(patsubst %/,%,$(wildcard model/*/))
CFLAGS += -std=gnu11 $(WARN) -MMD -MP -D_GNU_SOURCE $(addprefix -I,$(MODEL_DIRS)) -Iserver -Idataplane-agent $(PKG_CFLAGS)
LDLIBS += $(PKG_LIBS) -lpthread -lm

ifeq ($(DEBUG),1)
BUILD := build-asan
BIN := build-asan/bin
CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined $(filter-out -O2,$(CFLAGS))
LDFLAGS += -fsanitize=address,undefined
else
BUILD := build
BIN := bin
endif

ifneq ($(V),1)
Q := @
endif

MODEL_SRC := $(wildcard $(addsuffix /*.c,$(MODEL_DIRS)))
SERVER_LIB_SRC := $(filter-out server/main.c,$(wildcard server/*.c))
UNIT_SRC := $(wildcard tests/unit/*.c tests/unit/*/*.c)
SCHEMA_SQL := $(sort $(wildcard schema/[0-9]*.sql))
GEN_SCHEMA := $(BUILD)/gen/schema_migrations.c
# the desired-state document parser is shared: the server checks what it pushes with it
SHARED_SRC := dataplane-agent/doc.c
LIB_OBJ := $(MODEL_SRC:%.c=$(BUILD)/%.o) $(SERVER_LIB_SRC:%.c=$(BUILD)/%.o) $(SHARED_SRC:%.c=$(BUILD)/%.o) \
	$(BUILD)/gen/schema_migrations.o
AGENT_LIB_SRC := $(filter-out dataplane-agent/main.c,$(wildcard dataplane-agent/*.c))
AGENT_UNIT_SRC := $(wildcard tests/agent/*.c)

.PHONY: all run test unit fuzz bench docs clean deps-build deps-test lint lab lab-byod lab-down lab-clean
all: $(BIN)/vpnlabd $(BIN)/vpnlab-agent

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $<")
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(GEN_SCHEMA): $(SCHEMA_SQL) scripts/embed_schema.sh
	@mkdir -p $(dir $@)
	$(Q)sh scripts/embed_schema.sh $@ $(SCHEMA_SQL)

$(BUILD)/gen/schema_migrations.o: $(GEN_SCHEMA)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libvpnlab.a: $(LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN)/vpnlabd: $(BUILD)/server/main.o $(BUILD)/libvpnlab.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD  $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libagent.a: $(AGENT_LIB_SRC:%.c=$(BUILD)/%.o)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN)/vpnlab-agent: $(BUILD)/dataplane-agent/main.o $(BUILD)/libagent.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD  $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(AGENT_LIBS)

$(BIN)/agent_tests: $(AGENT_UNIT_SRC:%.c=$(BUILD)/%.o) $(BUILD)/libagent.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(AGENT_LIBS) $(CHECK_LIBS)

# unit tests are grouped like the model; they share tests/unit/test.h and store_test.h
$(UNIT_SRC:%.c=$(BUILD)/%.o): CFLAGS += -Itests/unit

$(BIN)/unit_tests: $(UNIT_SRC:%.c=$(BUILD)/%.o) $(BUILD)/libvpnlab.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

unit: $(BIN)/unit_tests
	$(BIN)/unit_tests

deps-build:
	@sh scripts/deps.sh build
deps-test:
	@sh scripts/deps.sh test

run: deps-build
	@sh scripts/deps.sh run
	$(MAKE) all
	sh scripts/run.sh

# The whole suite: unit tests (server and agent), API tests and end-to-end lab tests
# (root: namespaces and charons) against the ASan/UBSan builds, durability test against
# the optimised build.
test: deps-test
	$(MAKE) all
	$(MAKE) DEBUG=1 build-asan/bin/vpnlabd build-asan/bin/unit_tests build-asan/bin/vpnlab-agent \
		build-asan/bin/agent_tests
	build-asan/bin/unit_tests
	build-asan/bin/agent_tests
	sh tests/api/run.sh build-asan/bin/vpnlabd
	sh tests/security/run.sh build-asan/bin/vpnlabd
	sh tests/lab/run.sh build-asan/bin/vpnlabd build-asan/bin/vpnlab-agent
	sh tests/durability.sh bin/vpnlabd
	sh tests/docs_check.sh bin/vpnlabd
	docker-compose -f docker/compose.yaml config -q

FUZZ_SECONDS ?= 20
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,build-fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_CFLAGS := -std=gnu11 -g -O1 -D_GNU_SOURCE $(addprefix -I,$(MODEL_DIRS)) -Iserver -Idataplane-agent $(PKG_CFLAGS) \
	-fsanitize=fuzzer,address,undefined
# the agent's parsers that take bytes from outside: documents (shared) and charon's VICI messages
FUZZ_SRC := $(MODEL_SRC) $(SERVER_LIB_SRC) $(SHARED_SRC) dataplane-agent/vici.c
build-fuzz/%: tests/fuzz/%.c $(FUZZ_SRC) build-fuzz/gen/schema_migrations.c
	clang $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SRC) build-fuzz/gen/schema_migrations.c $(LDLIBS)
build-fuzz/gen/schema_migrations.c: $(SCHEMA_SQL) scripts/embed_schema.sh
	@mkdir -p $(dir $@)
	sh scripts/embed_schema.sh $@ $(SCHEMA_SQL)
fuzz:
	@sh scripts/deps.sh fuzz
	$(MAKE) $(FUZZ_TARGETS)
	@for t in $(FUZZ_TARGETS); do \
		n=$$(basename $$t); mkdir -p build-fuzz/corpus-$$n; \
		echo "fuzz $$n for $(FUZZ_SECONDS)s"; \
		if ! $$t -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build-fuzz/corpus-$$n tests/fuzz/seeds/$$n > build-fuzz/$$n.log 2>&1; then \
			tail -n 60 build-fuzz/$$n.log; echo "fuzz $$n: FAILED (reproducer above, log in build-fuzz/$$n.log)"; exit 1; \
		fi; tail -n 1 build-fuzz/$$n.log; \
	done

bench:
	@sh scripts/deps.sh bench
	$(MAKE) all
	sh bench/api.sh
	sh bench/vpn.sh
	sh bench/cbn.sh
	node bench/lab.js
	node bench/tr.js

lab:
	@sh scripts/deps.sh lab
	sh docker/lab.sh up
lab-byod:
	sh docker/lab.sh byod
lab-down:
	sh docker/lab.sh down
lab-clean:
	sh docker/lab.sh clean

docs: all
	$(BIN)/vpnlabd --dump-actions > api-docs/actions.md

clean:
	rm -rf build build-asan build-fuzz bin

-include $(shell find build build-asan -name '*.d' 2>/dev/null)
