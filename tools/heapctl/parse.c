// SPDX-License-Identifier: GPL-2.0
/*
 * heapctl: parsing and formatting of sizes, orders, names and policies.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "heapctl.h"

/*
 * The unit letter and the "i" of a suffix may be in either case; its
 * "B", if given, only in upper case: "b" stands for bits.
 */
int heapctl_parse_size(const char *s, uint64_t *bytes)
{
	static const char units[] = "KMGT";
	unsigned long long v;
	unsigned int shift = 0;
	const char *unit;
	char *end;

	/* A digit first: strtoull() would also take a sign or white space. */
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -ERANGE;
	unit = *end ? strchr(units, toupper((unsigned char)*end)) : NULL;
	if (unit) {
		shift = 10 * (unit - units + 1);
		end++;
		if (tolower((unsigned char)*end) == 'i' && end[1] == 'B')
			end++;
	}
	if (*end == 'B')
		end++;
	if (*end)
		return -EINVAL;
	if (v > (UINT64_MAX >> shift))
		return -ERANGE;
	*bytes = (uint64_t)v << shift;
	return 0;
}

void heapctl_format_size(char *buf, size_t size, uint64_t bytes)
{
	static const char units[] = "BKMGTPE";
	uint64_t whole = bytes, rem = 0, dec;
	int i = 0;

	while (i < 6 && whole >= 1024) {
		rem = bytes & ((1ULL << (10 * (i + 1))) - 1);
		whole >>= 10;
		i++;
	}
	/* One decimal, rounded to nearest: 1.96K is 2K, 1023.96K is 1M. */
	dec = i ? (rem * 10 + (1ULL << (10 * i - 1))) >> (10 * i) : 0;
	if (dec == 10) {
		whole++;
		dec = 0;
		if (whole == 1024 && i < 6) {
			whole = 1;
			i++;
		}
	}
	if (dec)
		snprintf(buf, size, "%" PRIu64 ".%" PRIu64 "%c", whole, dec, units[i]);
	else
		snprintf(buf, size, "%" PRIu64 "%c", whole, units[i]);
}

int heapctl_parse_uint(const char *s, uint64_t max, uint64_t *val)
{
	unsigned long long v;
	const char *p;
	char *end;

	if (!*s)
		return -EINVAL;
	for (p = s; *p; p++)
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || v > max)
		return -ERANGE;
	*val = v;
	return 0;
}

int heapctl_parse_order(const char *s, unsigned int *order)
{
	uint64_t v;
	int err = heapctl_parse_uint(s, heapctl_max_order(), &v);

	if (!err)
		*order = v;
	return err;
}

uint64_t heapctl_page_size(void)
{
	long ps = sysconf(_SC_PAGESIZE);

	return ps > 0 ? ps : 4096;
}

unsigned int heapctl_max_order(void)
{
	unsigned int shift = 0;

	while ((1ULL << shift) < heapctl_page_size())
		shift++;
	return 30 - shift;
}

int heapctl_size_to_order(uint64_t size, unsigned int *order)
{
	uint64_t page = heapctl_page_size();
	unsigned int o = 0;

	if (size < page || (size & (size - 1)))
		return -EINVAL;
	while ((page << o) < size)
		o++;
	if (o > heapctl_max_order())
		return -ERANGE;
	*order = o;
	return 0;
}

bool heapctl_valid_name(const char *name)
{
	size_t len = strlen(name);
	const char *p;

	if (!len || len > HEAPCTL_NAME_MAX || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
			return false;
	return true;
}

/* 1 to @max printable characters, none of them white space. */
static bool valid_word(const char *s, size_t max)
{
	size_t len = strlen(s);

	if (!len || len > max)
		return false;
	for (; *s; s++)
		if (!isgraph((unsigned char)*s))
			return false;
	return true;
}

bool heapctl_valid_device_name(const char *name)
{
	return valid_word(name, HEAPCTL_DEVICE_NAME_MAX) && !strchr(name, '/') &&
	       strcmp(name, ".") && strcmp(name, "..");
}

bool heapctl_valid_area(const char *s)
{
	return valid_word(s, HEAPCTL_NAME_MAX);
}

const char *const heapctl_heap_policies[] = {
	"default", "off", "local", "bind", "interleave", NULL
};

const char *const heapctl_global_policies[] = {
	"off", "local", "bind", "interleave", NULL
};

bool heapctl_valid_policy(const char *const *policies, const char *word)
{
	for (; *policies; policies++)
		if (!strcmp(*policies, word))
			return true;
	return false;
}

int heapctl_parse_bracket(const char *s, char *buf, size_t size)
{
	const char *open = strchr(s, '['), *close;
	size_t n;

	if (open) {
		close = strchr(open, ']');
		if (!close)
			return -EINVAL;
		s = open + 1;
		n = close - s;
	} else {
		while (isspace((unsigned char)*s))
			s++;
		n = strcspn(s, " \t\n");
		if (s[n])
			return -EINVAL;	/* several words, none selected */
	}
	if (!n || n >= size)
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return 0;
}

struct json_object *heapctl_bracket_words(const char *s)
{
	struct json_object *arr = json_object_new_array();
	size_t n;

	for (;;) {
		s += strspn(s, " \t\n[]");
		n = strcspn(s, " \t\n[]");
		if (!n)
			break;
		json_object_array_add(arr, json_object_new_string_len(s, n));
		s += n;
	}
	return arr;
}
