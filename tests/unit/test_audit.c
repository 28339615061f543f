/*
 * test_audit.c - audit entry hashing and validation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "bursar/audit.h"

static void base_entry(struct audit_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->id = 7;
	e->ts = "2026-11-25T01:02:03.456Z";
	e->actor = "alice";
	e->action = "login.success";
	e->object = "alice";
	e->detail = "method=password remote=127.0.0.1:5555";
	snprintf(e->prev_hash, sizeof(e->prev_hash), "%s", AUDIT_GENESIS);
}

static void hash_of(const struct audit_entry *e, char out[AUDIT_HASH_HEX])
{
	memset(out, 'X', AUDIT_HASH_HEX);
	audit_hash(e, out);
}

static void assert_hex64(const char *h)
{
	assert_int_equal(strlen(h), 64);
	for (int i = 0; i < 64; i++)
		assert_true(isdigit((unsigned char)h[i]) || (h[i] >= 'a' && h[i] <= 'f'));
}

static void test_hash_format_and_determinism(void **state)
{
	struct audit_entry a, b;
	char h1[AUDIT_HASH_HEX], h2[AUDIT_HASH_HEX];

	(void)state;
	base_entry(&a);
	base_entry(&b);
	hash_of(&a, h1);
	hash_of(&a, h2);
	assert_hex64(h1);
	assert_string_equal(h1, h2);
	/* Same content in different buffers hashes alike. */
	char actor[] = "alice";
	b.actor = actor;
	hash_of(&b, h2);
	assert_string_equal(h1, h2);
	/* The stored hash field does not take part. */
	snprintf(b.hash, sizeof(b.hash), "%s", "ffff");
	hash_of(&b, h2);
	assert_string_equal(h1, h2);
	/* Not the hash of nothing. */
	assert_string_not_equal(h1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_hash_every_field_counts(void **state)
{
	struct audit_entry e;
	char base[AUDIT_HASH_HEX], h[AUDIT_HASH_HEX];

	(void)state;
	base_entry(&e);
	hash_of(&e, base);

	base_entry(&e);
	e.id = 8;
	hash_of(&e, h);
	assert_string_not_equal(base, h);

	base_entry(&e);
	e.ts = "2026-11-25T01:02:03.457Z";
	hash_of(&e, h);
	assert_string_not_equal(base, h);

	base_entry(&e);
	e.actor = "alicf";
	hash_of(&e, h);
	assert_string_not_equal(base, h);

	base_entry(&e);
	e.action = "login.failure";
	hash_of(&e, h);
	assert_string_not_equal(base, h);

	base_entry(&e);
	e.object = "bob";
	hash_of(&e, h);
	assert_string_not_equal(base, h);

	base_entry(&e);
	e.detail = "method=password remote=127.0.0.1:5556";
	hash_of(&e, h);
	assert_string_not_equal(base, h);

	base_entry(&e);
	e.prev_hash[63] = '1';
	hash_of(&e, h);
	assert_string_not_equal(base, h);

	base_entry(&e);
	e.prev_hash[0] = 'a';
	hash_of(&e, h);
	assert_string_not_equal(base, h);
}

static void test_hash_field_boundaries(void **state)
{
	struct audit_entry a, b;
	char ha[AUDIT_HASH_HEX], hb[AUDIT_HASH_HEX];

	(void)state;
	base_entry(&a);
	base_entry(&b);
	a.actor = "ab";
	a.action = "c";
	b.actor = "a";
	b.action = "bc";
	hash_of(&a, ha);
	hash_of(&b, hb);
	assert_string_not_equal(ha, hb);

	/* A separator inside a field cannot stand in for a field boundary. */
	base_entry(&a);
	base_entry(&b);
	a.actor = "a;b";
	a.action = "c";
	b.actor = "a";
	b.action = "b;c";
	hash_of(&a, ha);
	hash_of(&b, hb);
	assert_string_not_equal(ha, hb);

	/* Nor can a length-prefix look-alike. */
	base_entry(&a);
	base_entry(&b);
	a.actor = "a;1:b";
	a.action = "";
	b.actor = "a";
	b.action = "b";
	hash_of(&a, ha);
	hash_of(&b, hb);
	assert_string_not_equal(ha, hb);

	/* Shifting a separator-looking text between fields. */
	base_entry(&a);
	base_entry(&b);
	a.object = "x;1:y";
	a.detail = "";
	b.object = "x";
	b.detail = "y";
	hash_of(&a, ha);
	hash_of(&b, hb);
	assert_string_not_equal(ha, hb);

	base_entry(&a);
	base_entry(&b);
	a.object = "";
	a.detail = "z";
	b.object = "z";
	b.detail = "";
	hash_of(&a, ha);
	hash_of(&b, hb);
	assert_string_not_equal(ha, hb);

	/* id and ts are separate fields too. */
	base_entry(&a);
	base_entry(&b);
	a.id = 12;
	a.ts = "3";
	b.id = 1;
	b.ts = "23";
	hash_of(&a, ha);
	hash_of(&b, hb);
	assert_string_not_equal(ha, hb);
}

static void test_hash_null_fields_as_empty(void **state)
{
	struct audit_entry a, b;
	char ha[AUDIT_HASH_HEX], hb[AUDIT_HASH_HEX];

	(void)state;
	base_entry(&a);
	base_entry(&b);
	a.detail = NULL;
	b.detail = "";
	hash_of(&a, ha);
	hash_of(&b, hb);
	assert_string_equal(ha, hb);
}

static void test_chain(void **state)
{
	struct audit_entry e1, e2;

	(void)state;
	base_entry(&e1);
	e1.id = 1;
	audit_hash(&e1, e1.hash);
	base_entry(&e2);
	e2.id = 2;
	e2.action = "prefs.update";
	snprintf(e2.prev_hash, sizeof(e2.prev_hash), "%s", e1.hash);
	audit_hash(&e2, e2.hash);
	assert_true(audit_entry_valid(&e1, AUDIT_GENESIS));
	assert_true(audit_entry_valid(&e2, e1.hash));
	/* Each hash depends on the one before. */
	assert_string_not_equal(e1.hash, e2.hash);
	assert_false(audit_entry_valid(&e2, AUDIT_GENESIS));
	assert_false(audit_entry_valid(&e1, e2.hash));
}

static void test_valid_and_tampered(void **state)
{
	struct audit_entry e;

	(void)state;
	base_entry(&e);
	audit_hash(&e, e.hash);
	assert_true(audit_entry_valid(&e, AUDIT_GENESIS));

	/* Wrong previous hash. */
	assert_false(audit_entry_valid(&e, "1111111111111111111111111111111111111111111111111111111111111111"));
	assert_false(audit_entry_valid(&e, ""));

	/* Tampered content. */
	base_entry(&e);
	audit_hash(&e, e.hash);
	e.detail = "method=password remote=10.0.0.1:1";
	assert_false(audit_entry_valid(&e, AUDIT_GENESIS));

	base_entry(&e);
	audit_hash(&e, e.hash);
	e.actor = "mallory";
	assert_false(audit_entry_valid(&e, AUDIT_GENESIS));

	base_entry(&e);
	audit_hash(&e, e.hash);
	e.id = 6;
	assert_false(audit_entry_valid(&e, AUDIT_GENESIS));

	/* Tampered stored hash. */
	base_entry(&e);
	audit_hash(&e, e.hash);
	e.hash[10] = e.hash[10] == '0' ? '1' : '0';
	assert_false(audit_entry_valid(&e, AUDIT_GENESIS));

	/* prev_hash rewritten together with the "prev" it is checked against. */
	base_entry(&e);
	audit_hash(&e, e.hash);
	e.prev_hash[5] = 'f';
	assert_false(audit_entry_valid(&e, e.prev_hash));
}

static void test_now_format(void **state)
{
	char ts[32];

	(void)state;
	memset(ts, 'X', sizeof(ts));
	audit_now(ts);
	/* 2026-11-25T01:02:03.456Z */
	assert_int_equal(strlen(ts), 24);
	for (int i = 0; i < 24; i++) {
		switch (i) {
		case 4: case 7: assert_int_equal(ts[i], '-'); break;
		case 10: assert_int_equal(ts[i], 'T'); break;
		case 13: case 16: assert_int_equal(ts[i], ':'); break;
		case 19: assert_int_equal(ts[i], '.'); break;
		case 23: assert_int_equal(ts[i], 'Z'); break;
		default: assert_true(isdigit((unsigned char)ts[i]));
		}
	}
	assert_true(strncmp(ts, "2024", 4) >= 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_format_and_determinism),
		cmocka_unit_test(test_hash_every_field_counts),
		cmocka_unit_test(test_hash_field_boundaries),
		cmocka_unit_test(test_hash_null_fields_as_empty),
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_valid_and_tampered),
		cmocka_unit_test(test_now_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
