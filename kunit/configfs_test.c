// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the chunk heap control plane's input parsing.
 */
#include <kunit/test.h>
#include <linux/string.h>

#include "chunk_test.h"
#include "../src/configfs/configfs.h"

struct word_case {
	const char *desc;
	const char *in;
	int ret;
	const char *word;
};

static const struct word_case word_cases[] = {
	{ "a word", "reserved", 0, "reserved" },
	{ "a word and echo's newline", "reserved\n", 0, "reserved" },
	{ "empty", "", -EINVAL, NULL },
	{ "only a newline", "\n", -EINVAL, NULL },
	{ "two newlines", "reserved\n\n", -EINVAL, NULL },
	{ "inner space", "res erved", -EINVAL, NULL },
	{ "leading space", " reserved", -EINVAL, NULL },
	{ "a tab", "reserved\t", -EINVAL, NULL },
	{ "exactly fills the buffer", "01234567", 0, "01234567" },
	{ "one too long", "012345678", -ENAMETOOLONG, NULL },
	{ "too long and bad", "01234567 x", -EINVAL, NULL },
};

static void word_desc(const struct word_case *c, char *desc)
{
	chunk_test_desc(desc, c->desc);
}

KUNIT_ARRAY_PARAM(word, word_cases, word_desc);

static void chunk_parse_word_test(struct kunit *test)
{
	const struct word_case *c = test->param_value;
	char word[9];

	memset(word, 'x', sizeof(word));
	KUNIT_EXPECT_EQ(test, chunk_parse_word(c->in, strlen(c->in), word,
					       sizeof(word)), c->ret);
	if (!c->ret)
		KUNIT_EXPECT_STREQ(test, word, c->word);
}

struct number_case {
	const char *desc;
	const char *in;
	size_t len;		/* of in, NULs included */
	int ret;
	u64 val;
};

#define NUMBER(d, s, r, v)	{ d, s, sizeof(s) - 1, r, v }

static const struct number_case number_cases[] = {
	NUMBER("zero", "0", 0, 0),
	NUMBER("a number and echo's newline", "18\n", 0, 18),
	NUMBER("leading zeros", "007", 0, 7),
	NUMBER("the largest", "18446744073709551615", 0, U64_MAX),
	NUMBER("one above the largest", "18446744073709551616", -ERANGE, 0),
	NUMBER("empty", "", -EINVAL, 0),
	NUMBER("only a newline", "\n", -EINVAL, 0),
	NUMBER("two newlines", "4\n\n", -EINVAL, 0),
	NUMBER("a plus sign", "+4", -EINVAL, 0),
	NUMBER("negative", "-1", -EINVAL, 0),
	NUMBER("leading space", " 4", -EINVAL, 0),
	NUMBER("trailing space", "4 ", -EINVAL, 0),
	NUMBER("hexadecimal", "0x10", -EINVAL, 0),
	NUMBER("a NUL and more after it", "334\0002336", -EINVAL, 0),
	NUMBER("a NUL before the newline", "4\0\n", -EINVAL, 0),
};

static void number_desc(const struct number_case *c, char *desc)
{
	chunk_test_desc(desc, c->desc);
}

KUNIT_ARRAY_PARAM(number, number_cases, number_desc);

static void chunk_parse_number_test(struct kunit *test)
{
	const struct number_case *c = test->param_value;
	char page[32];
	u64 val = 0;

	/* As configfs hands it over: the bytes written, then a NUL. */
	memcpy(page, c->in, c->len);
	page[c->len] = '\0';
	KUNIT_EXPECT_EQ(test, chunk_parse_number(page, c->len, &val), c->ret);
	if (!c->ret)
		KUNIT_EXPECT_EQ(test, val, c->val);
}

static struct kunit_case chunk_configfs_cases[] = {
	KUNIT_CASE_PARAM(chunk_parse_word_test, word_gen_params),
	KUNIT_CASE_PARAM(chunk_parse_number_test, number_gen_params),
	{}
};

static struct kunit_suite chunk_configfs_suite = {
	.name = "chunk_heap_configfs",
	.test_cases = chunk_configfs_cases,
};

kunit_test_suites(&chunk_configfs_suite);
