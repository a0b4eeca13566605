// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the chunk heap control plane's input parsing.
 */
#include <kunit/test.h>
#include <linux/string.h>

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

KUNIT_ARRAY_PARAM_DESC(word, word_cases, desc);

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

static struct kunit_case chunk_configfs_cases[] = {
	KUNIT_CASE_PARAM(chunk_parse_word_test, word_gen_params),
	{}
};

static struct kunit_suite chunk_configfs_suite = {
	.name = "chunk_heap_configfs",
	.test_cases = chunk_configfs_cases,
};

kunit_test_suites(&chunk_configfs_suite);
