// SPDX-License-Identifier: GPL-2.0
/*
 * heapctl save and restore: the heap configuration as JSON, in the style
 * of nvmetcli:
 *
 *	{"version": 1,
 *	 "heaps": [{"name": ..., "cma_area": ..., "chunk_order": ...,
 *		    "max_bytes": ..., "pool_bytes": ..., "pool_min_bytes": ...,
 *		    "numa_policy": ..., "enabled": ...}],
 *	 "numa_policy": ...}
 *
 * save writes every key, or nothing if an attribute could not be read. A
 * key that is absent or null is left as it is by restore. An attribute
 * the running module lacks (its file is missing) is left out by save and
 * skipped by restore, each with a note: keys are optional, so a file with
 * a key added later (pool_bytes, pool_min_bytes) is still version 1.
 *
 * restore --record FILE and clear --recorded FILE keep, in FILE, the names
 * of the heaps that restore made (chunk-heap.service's state), so that
 * the unit removes only those.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "heapctl.h"

/* The "version" key of what save writes; restore takes files without it. */
#define SAVE_VERSION	1

/*
 * Write @text to @file atomically: a temporary file of mode 0600 in the
 * same directory, flushed to disk, then renamed over @file. Either the
 * old file or the whole new one is there, whatever happens.
 */
static int write_atomic(const char *file, const char *text)
{
	char tmp[PATH_MAX];
	const char *slash = strrchr(file, '/');
	int fd, err = 0;
	size_t len = strlen(text);
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%.*s.heapctl-XXXXXX",
		     slash ? (int)(slash - file + 1) : 0, file) >= (int)sizeof(tmp))
		return heapctl_fail(file, ENAMETOOLONG, NULL);
	fd = mkstemp(tmp);	/* mode 0600 */
	if (fd < 0)
		return heapctl_fail(file, errno, heapctl_hint(NULL, "", errno, false));
	f = fdopen(fd, "w");
	if (!f) {
		err = errno;
		close(fd);
	} else if (fwrite(text, 1, len, f) != len || fputc('\n', f) == EOF ||
		   fflush(f) || fsync(fd)) {
		err = errno ? errno : EIO;
		fclose(f);
	} else if (fclose(f)) {
		err = errno;
	} else if (rename(tmp, file)) {
		err = errno;
	}
	if (err) {
		unlink(tmp);
		return heapctl_failf("%s: %s: nothing written", file, strerror(err));
	}
	return 0;
}

/*
 * The default file's directory, /etc/chunk_heap, is made (mode 0755) if
 * it is missing; only that one level. 0 or the exit code.
 */
static int make_parent(const char *file)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(file, '/');

	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - file), file);
	if (mkdir(dir, 0755) && errno != EEXIST)
		return heapctl_fail(dir, errno, heapctl_hint(NULL, "", errno, false));
	return 0;
}

/*
 * The attributes of a heap that save and restore carry: the JSON key and
 * the configfs file. Every writable attribute of the ABI is here.
 */
static const struct saved_attr {
	const char *key;
	const char *file;
} saved_attrs[] = {
	{ "cma_area", "cma_area" },
	{ "chunk_order", "chunk_order" },
	{ "max_bytes", "max_bytes" },
	{ "pool_bytes", "pool_bytes" },
	{ "pool_min_bytes", "pool_min_bytes" },
	{ "numa_policy", "numa_policy" },
	{ "enabled", "enable" },
};

/* "heapctl: note: WHAT: WHY: skipped" on standard error. */
static void note_skipped(const char *what, const char *why)
{
	fprintf(stderr, "heapctl: note: %s: %s: skipped\n", what, why);
}

#define NOTE_NO_ATTR	"this module does not have it"

/*
 * Does heap @name lack the file of @a (a module older than heapctl)? If
 * so, say that it is skipped.
 */
static bool attr_missing(const char *name, const struct saved_attr *a)
{
	char path[PATH_MAX];
	struct stat st;

	/* Not a module's heap directory at all: nothing to skip. */
	heap_path(path, sizeof(path), name, "chunk_order");
	if (stat(path, &st))
		return false;
	heap_path(path, sizeof(path), name, a->file);
	if (stat(path, &st) == 0 || errno != ENOENT)
		return false;
	note_skipped(path, NOTE_NO_ATTR);
	return true;
}

int cmd_save(const struct heapctl_cmd *cmd, int argc, char **argv)
{
	struct json_object *obj, *heaps;
	const char *file = NULL;
	char **names, word[32], path[PATH_MAX], sys[PATH_MAX];
	int ret, i, err;

	ret = heapctl_simple_args(cmd, argc, argv, NULL, 0, 1);
	if (ret >= 0)
		return ret;
	if (optind == argc) {
		heapctl_path(path, sizeof(path), HEAPCTL_CONFIG_FILE);
		ret = make_parent(path);
		if (ret)
			return ret;
		file = path;
	} else if (strcmp(argv[optind], "-")) {
		file = argv[optind];
	}
	if (heap_names(&names))
		return EXIT_FAIL;

	obj = json_object_new_object();
	json_object_object_add(obj, "version", json_object_new_int(SAVE_VERSION));
	heaps = json_object_new_array();
	for (i = 0; names[i]; i++) {
		struct json_object *heap = heap_to_json(names[i], HEAP_SAVE), *val;
		size_t j;

		/* Left out, not null: restore skips what it lacks too. */
		for (j = 0; j < ARRAY_SIZE(saved_attrs); j++)
			if (json_object_object_get_ex(heap, saved_attrs[j].key, &val) && !val &&
			    attr_missing(names[i], &saved_attrs[j]))
				json_object_object_del(heap, saved_attrs[j].key);
		json_object_array_add(heaps, heap);
	}
	heapctl_free_list(names);
	json_object_object_add(obj, "heaps", heaps);
	err = heapctl_global_policy(word, sizeof(word), NULL);
	heapctl_path(sys, sizeof(sys), SYSFS_DIR "/numa_policy");
	if (err == -ENOENT)
		note_skipped(sys, NOTE_NO_ATTR);
	else if (err)
		heapctl_warn(sys, -err, heapctl_hint(NULL, "numa_policy", -err, false));
	else
		json_object_object_add(obj, "numa_policy", json_object_new_string(word));

	/*
	 * An attribute that could not be read (not one that is unset, or
	 * that the module does not have: those are null) would restore as
	 * "keep": a configuration saved in part is not saved at all.
	 */
	if (heapctl_status()) {
		json_object_put(obj);
		return heapctl_failf("%s: not everything could be read: nothing written",
				     file ? file : "standard output");
	}
	if (file)
		ret = write_atomic(file, heapctl_json_text(obj));
	else
		ret = puts(heapctl_json_text(obj)) == EOF ? EXIT_FAIL : EXIT_OK;
	json_object_put(obj);
	return ret;
}

/* ---- restore ---- */

struct saved_heap {
	const char *name;
	struct json_object *obj;
	struct heap_config cfg;
	bool has_pool;			/* pool_bytes, which heap_config lacks */
	uint64_t pool_bytes;
	bool has_pool_min;		/* pool_min_bytes, which it lacks too */
	uint64_t pool_min_bytes;
	struct json_object *cur;	/* the heap as it is, or NULL */
	bool created;			/* made by this restore */
};

static char *read_all(FILE *f, size_t *len)
{
	size_t n = 0, size = 0;
	char *buf = NULL, *nbuf;

	do {
		if (size - n < 4096) {
			size = size ? size * 2 : 8192;
			nbuf = realloc(buf, size);
			if (!nbuf) {
				free(buf);
				errno = ENOMEM;
				return NULL;
			}
			buf = nbuf;
		}
		n += fread(buf + n, 1, size - n - 1, f);
	} while (!feof(f) && !ferror(f));
	if (ferror(f)) {
		free(buf);
		errno = errno ? errno : EIO;
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/*
 * What json-c accepts even in strict mode and JSON is not: single-quoted
 * strings, NaN and Infinity, and integers that it saturates (above
 * 2^64 - 1, below -2^63) instead of refusing. NULL if none of these, or
 * what was found. The rest (trailing commas, comments, leading zeros,
 * anything after the value) the strict tokener refuses.
 */
static const char *json_lint(const char *buf, size_t len)
{
	static char why[80];
	bool in_str = false;
	const char *limit;
	size_t i, n;

	for (i = 0; i < len; i++) {
		char c = buf[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"') {
			in_str = true;
		} else if (c == '\'') {
			snprintf(why, sizeof(why), "a single quote at byte %zu", i);
			return why;
		} else if (isalpha((unsigned char)c)) {
			n = strspn(buf + i, "abcdefghijklmnopqrstuvwxyz"
					    "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
			if (strncmp(buf + i, "true", n) && strncmp(buf + i, "false", n) &&
			    strncmp(buf + i, "null", n)) {
				snprintf(why, sizeof(why), "\"%.*s\" at byte %zu",
					 (int)(n < 16 ? n : 16), buf + i, i);
				return why;
			}
			i += n - 1;
		} else if (c == '-' || isdigit((unsigned char)c)) {
			i += c == '-';
			n = strspn(buf + i, "0123456789");
			limit = c == '-' ? "9223372036854775808" : "18446744073709551615";
			if (!(buf[i + n] && strchr(".eE", buf[i + n])) &&
			    (n > strlen(limit) ||
			     (n == strlen(limit) && strncmp(buf + i, limit, n) > 0))) {
				snprintf(why, sizeof(why),
					 "a number out of range at byte %zu", i - (c == '-'));
				return why;
			}
			i += n ? n - 1 : 0;
		}
	}
	return NULL;
}

static struct json_object *parse_file(const char *file)
{
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error jerr;
	const char *lint;
	FILE *f = stdin;
	struct stat st;
	size_t len;
	char *buf;

	if (strcmp(file, "-")) {
		f = fopen(file, "re");
		if (!f) {
			heapctl_fail(file, errno, heapctl_hint(NULL, "", errno, false));
			return NULL;
		}
		if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
			fclose(f);
			heapctl_fail(file, EISDIR, "restore takes a file");
			return NULL;
		}
	}
	errno = 0;
	buf = read_all(f, &len);
	if (f != stdin)
		fclose(f);
	if (!buf) {
		heapctl_fail(file, errno, NULL);
		return NULL;
	}
	lint = json_lint(buf, len);
	if (lint) {
		heapctl_failf("%s: not valid JSON: %s", file, lint);
		free(buf);
		return NULL;
	}
	tok = json_tokener_new();
	if (!tok) {
		free(buf);
		heapctl_fail("heapctl", ENOMEM, NULL);
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, buf, len);
	jerr = json_tokener_get_error(tok);
	if (jerr == json_tokener_continue)
		jerr = json_tokener_error_parse_eof;
	else if (jerr == json_tokener_success &&
		 buf[json_tokener_get_parse_end(tok) + strspn(buf + json_tokener_get_parse_end(tok),
							      " \t\r\n")])
		jerr = json_tokener_error_parse_unexpected;
	if (jerr != json_tokener_success) {
		heapctl_failf("%s: not valid JSON: %s", file, json_tokener_error_desc(jerr));
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	free(buf);
	return obj;
}

/*
 * The string @val, or NULL if it is not one, or has a NUL inside: a name
 * "a\u0000b" must not be taken as "a".
 */
static const char *json_str(struct json_object *val)
{
	const char *s;

	if (!json_object_is_type(val, json_type_string))
		return NULL;
	s = json_object_get_string(val);
	return strlen(s) == (size_t)json_object_get_string_len(val) ? s : NULL;
}

/* Check one key of a saved heap and put it in @h->cfg; 0 or an error text. */
static const char *check_key(struct saved_heap *h, const char *key, struct json_object *val)
{
	static char msg[64];
	const char *s;
	int64_t v;

	if (!strcmp(key, "name"))
		return NULL;	/* checked by the caller */
	if (!val)
		return NULL;	/* null: keep */
	if (!strcmp(key, "cma_area")) {
		s = json_str(val);
		if (!s || !heapctl_valid_area(s))
			return "cma_area must be a CMA area name";
		h->cfg.cma_area = s;
	} else if (!strcmp(key, "chunk_order")) {
		v = json_object_get_int64(val);
		if (!json_object_is_type(val, json_type_int) || v < 0 ||
		    v > heapctl_max_order()) {
			snprintf(msg, sizeof(msg), "chunk_order must be a number from 0 to %u",
				 heapctl_max_order());
			return msg;
		}
		h->cfg.chunk_order = v;
	} else if (!strcmp(key, "max_bytes")) {
		/* json-c reads numbers above INT64_MAX as unsigned. */
		if (!json_object_is_type(val, json_type_int) || json_object_get_int64(val) < 0)
			return "max_bytes must be a number of bytes";
		h->cfg.has_max = true;
		h->cfg.max_bytes = json_object_get_uint64(val);
	} else if (!strcmp(key, "pool_bytes")) {
		if (!json_object_is_type(val, json_type_int) || json_object_get_int64(val) < 0)
			return "pool_bytes must be a number of bytes";
		h->has_pool = true;
		h->pool_bytes = json_object_get_uint64(val);
	} else if (!strcmp(key, "pool_min_bytes")) {
		if (!json_object_is_type(val, json_type_int) || json_object_get_int64(val) < 0)
			return "pool_min_bytes must be a number of bytes";
		h->has_pool_min = true;
		h->pool_min_bytes = json_object_get_uint64(val);
	} else if (!strcmp(key, "numa_policy")) {
		s = json_str(val);
		if (!s || !heapctl_valid_policy(heapctl_heap_policies, s))
			return "numa_policy must be default, off, local, bind or interleave";
		h->cfg.numa_policy = s;
	} else if (!strcmp(key, "enabled")) {
		if (!json_object_is_type(val, json_type_boolean))
			return "enabled must be true or false";
		h->cfg.enable = json_object_get_boolean(val);
	} else {
		return "unknown key";
	}
	return NULL;
}

/* Check the whole file before anything changes; 0 or an exit code. */
static int check_file(const char *file, struct json_object *obj, struct saved_heap **heapsp,
		      size_t *nheaps, const char **policy)
{
	struct json_object *heaps = NULL, *val;
	struct saved_heap *v;
	const char *err;
	size_t i, j, n;

	if (!json_object_is_type(obj, json_type_object))
		return heapctl_failf("%s: not a JSON object", file);
	*policy = NULL;
	json_object_object_foreach(obj, key, tval) {
		if (!strcmp(key, "version")) {
			if (!json_object_is_type(tval, json_type_int) ||
			    json_object_get_int64(tval) != SAVE_VERSION)
				return heapctl_failf("%s: version must be %d: this file is from another heapctl",
						     file, SAVE_VERSION);
		} else if (!strcmp(key, "heaps") && json_object_is_type(tval, json_type_array)) {
			heaps = tval;
		} else if (!strcmp(key, "numa_policy") &&
			   (!tval || (json_str(tval) &&
				      heapctl_valid_policy(heapctl_global_policies,
							   json_str(tval))))) {
			*policy = tval ? json_str(tval) : NULL;
		} else if (!strcmp(key, "heaps") || !strcmp(key, "numa_policy")) {
			return heapctl_failf("%s: %s must be %s", file, key,
					     !strcmp(key, "heaps") ? "an array" :
					     "off, local, bind or interleave");
		} else {
			return heapctl_failf("%s: unknown key \"%s\"", file, key);
		}
	}
	n = heaps ? json_object_array_length(heaps) : 0;
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return heapctl_fail("heapctl", ENOMEM, NULL);
	for (i = 0; i < n; i++) {
		struct saved_heap *h = &v[i];

		h->obj = json_object_array_get_idx(heaps, i);
		h->cfg = (struct heap_config){ .chunk_order = -1, .enable = -1 };
		if (!json_object_is_type(h->obj, json_type_object)) {
			err = "not an object";
			goto bad;
		}
		if (!json_object_object_get_ex(h->obj, "name", &val) || !json_str(val) ||
		    !heapctl_valid_name(json_str(val))) {
			err = "name must be a heap name: 1 to 63 characters from [A-Za-z0-9._-]";
			goto bad;
		}
		h->name = json_object_get_string(val);
		for (j = 0; j < i; j++)
			if (!strcmp(v[j].name, h->name)) {
				err = "the name is given twice";
				goto bad;
			}
		json_object_object_foreach(h->obj, hkey, hval) {
			err = check_key(h, hkey, hval);
			if (err) {
				heapctl_failf("%s: heaps[%zu] (%s): %s: %s", file, i, h->name,
					      hkey, err);
				free(v);
				return EXIT_FAIL;
			}
		}
	}
	*heapsp = v;
	*nheaps = n;
	return 0;
bad:
	heapctl_failf("%s: heaps[%zu]: %s", file, i, err);
	free(v);
	return EXIT_FAIL;
}

static bool same_value(struct json_object *a, struct json_object *b)
{
	if (!a || !b)
		return a == b;
	if (json_object_get_type(a) != json_object_get_type(b))
		return false;
	switch (json_object_get_type(a)) {
	case json_type_int:
		return json_object_get_uint64(a) == json_object_get_uint64(b);
	case json_type_boolean:
		return json_object_get_boolean(a) == json_object_get_boolean(b);
	case json_type_string:
		return !strcmp(json_object_get_string(a), json_object_get_string(b));
	default:
		return false;
	}
}

/*
 * Where the heap as it is differs from the saved one, as "chunk_order is
 * 5, saved 4; ..." in @buf; false if it does not.
 */
static bool heap_differs(const struct saved_heap *h, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	json_object_object_foreach(h->obj, key, val) {
		struct json_object *cur = NULL;

		if (!val || !strcmp(key, "name"))
			continue;
		json_object_object_get_ex(h->cur, key, &cur);
		if (same_value(val, cur))
			continue;
		if (n < size)
			n += snprintf(buf + n, size - n, "%s%s is %s, saved %s", n ? "; " : "",
				      key, json_object_to_json_string(cur),
				      json_object_to_json_string(val));
	}
	return buf[0];
}

/*
 * The global policy: left alone if the module lacks the file, and set
 * if it differs. A kernel that refuses the policy (EOPNOTSUPP: a stock
 * kernel takes only off) is noted and skipped, not a failure: the heaps
 * still come up, with chunks from their own areas.
 */
static int restore_policy(const char *policy, bool dry_run)
{
	char word[32], path[PATH_MAX];
	bool at_open;
	int err;

	if (!policy)
		return 0;
	heapctl_path(path, sizeof(path), SYSFS_DIR "/numa_policy");
	err = heapctl_global_policy(word, sizeof(word), NULL);
	if (err == -ENOENT) {
		note_skipped(path, NOTE_NO_ATTR);
		return 0;
	}
	if (!err && !strcmp(word, policy)) {
		printf("numa_policy: unchanged (%s)\n", policy);
		return 0;
	}
	if (!dry_run) {
		err = heapctl_write(path, policy, &at_open);
		if (err == -EOPNOTSUPP) {
			fprintf(stderr, "heapctl: note: %s: %s refused (%s): skipped\n",
				path, policy, HEAPCTL_HINT_NO_NUMA);
			return 0;
		}
		if (err)
			return heapctl_fail(path, -err,
					    heapctl_hint(NULL, "numa_policy", -err, at_open));
	}
	printf("numa_policy: %s %s\n", dry_run ? "would be set to" : "set to", policy);
	return 0;
}

/*
 * Skip, with a note, the keys of @h whose file the existing heap lacks:
 * they leave the comparison and the configuration.
 */
static void skip_missing(struct saved_heap *h)
{
	struct json_object *val;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(saved_attrs); i++) {
		const char *key = saved_attrs[i].key;

		if (!json_object_object_get_ex(h->obj, key, &val) || !val ||
		    !attr_missing(h->name, &saved_attrs[i]))
			continue;
		json_object_object_del(h->obj, key);
		if (!strcmp(key, "cma_area"))
			h->cfg.cma_area = NULL;
		else if (!strcmp(key, "chunk_order"))
			h->cfg.chunk_order = -1;
		else if (!strcmp(key, "max_bytes"))
			h->cfg.has_max = false;
		else if (!strcmp(key, "pool_bytes"))
			h->has_pool = false;
		else if (!strcmp(key, "pool_min_bytes"))
			h->has_pool_min = false;
		else if (!strcmp(key, "numa_policy"))
			h->cfg.numa_policy = NULL;
		else if (!strcmp(key, "enabled"))
			h->cfg.enable = -1;
	}
}

static int write_pool(const struct saved_heap *h)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)h->pool_bytes);
	return heap_write(h->name, "pool_bytes", buf);
}

/* pool_min_bytes, if the file has it and it differs from the heap's. */
static int write_pool_min(const struct saved_heap *h)
{
	uint64_t have;
	char buf[32];

	if (!h->has_pool_min ||
	    (heapctl_ju64(h->cur, "pool_min_bytes", &have) && have == h->pool_min_bytes))
		return 0;
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)h->pool_min_bytes);
	return heap_write(h->name, "pool_min_bytes", buf);
}

/* The heap's policy, as write_config() would, but EOPNOTSUPP is a note. */
static int write_heap_policy(const struct saved_heap *h)
{
	const char *have = heapctl_jstr(h->cur, "numa_policy");
	char path[PATH_MAX];
	bool at_open;
	int err;

	if (!h->cfg.numa_policy || (have && !strcmp(have, h->cfg.numa_policy)))
		return 0;
	heap_path(path, sizeof(path), h->name, "numa_policy");
	err = heapctl_write(path, h->cfg.numa_policy, &at_open);
	if (err == -EOPNOTSUPP && !at_open) {
		fprintf(stderr, "heapctl: note: %s: %s refused (%s): skipped\n",
			path, h->cfg.numa_policy, HEAPCTL_HINT_NO_NUMA);
		return 0;
	}
	if (err)
		return heapctl_fail(path, -err, err == -EINVAL ?
				    "use one of default, off, local, bind, interleave" :
				    heapctl_hint(NULL, "numa_policy", -err, at_open));
	return 0;
}

/*
 * Apply @h to its heap as it is (h->cur): heap_apply() for the area,
 * order and quota; then the policy and the pool, which heap_apply() does
 * not know, before a disabled heap is enabled. The pool needs the area:
 * it holds at most what the heap's area holds, and the kernel checks the
 * area and order against it. So a smaller pool is written first, while
 * the old area and order still hold it, and a larger one last. The
 * pool's floor (pool_min_bytes), which the kernel checks against
 * nothing, is written just before the pool, or after the area and order
 * if the pool does not change: always before a disabled heap is enabled
 * and before a pool grows, so that it holds as soon as the pool fills.
 */
static int apply_heap(struct saved_heap *h)
{
	struct heap_config cfg = h->cfg;
	struct json_object *val;
	bool enabled = json_object_object_get_ex(h->cur, "enabled", &val) && val &&
		       json_object_get_boolean(val);
	bool want = cfg.enable < 0 ? enabled : cfg.enable;
	uint64_t pool = 0;
	bool has_pool = heapctl_ju64(h->cur, "pool_bytes", &pool);
	bool pool_changes = h->has_pool && (!has_pool || pool != h->pool_bytes);
	bool shrink = pool_changes && has_pool && h->pool_bytes < pool;

	cfg.numa_policy = NULL;
	if (!enabled)
		cfg.enable = 0;	/* enabled below, once everything is set */
	if (shrink && (write_pool_min(h) || write_pool(h)))
		return EXIT_FAIL;
	if (heap_apply(h->name, &cfg, h->cur) || write_heap_policy(h))
		return EXIT_FAIL;
	if (!shrink && write_pool_min(h))
		return EXIT_FAIL;
	if (pool_changes && !shrink && write_pool(h))
		return EXIT_FAIL;
	if (!enabled && want && heap_write(h->name, "enable", "1"))
		return EXIT_FAIL;
	return 0;
}

/* Make heap @h (mkdir) and apply it; on failure remove it again. */
static int create_heap(struct saved_heap *h)
{
	static const struct heap_config none = { .chunk_order = -1, .enable = -1 };
	char path[PATH_MAX];
	int err;

	if (heap_create(h->name, &none))
		return EXIT_FAIL;
	h->created = true;
	h->cur = heap_to_json(h->name, HEAP_SAVE);
	skip_missing(h);
	if (!apply_heap(h))
		return 0;
	/* Leave nothing half-made. */
	heap_path(path, sizeof(path), h->name, NULL);
	err = heapctl_rmdir(path);
	if (err) {
		heapctl_fail(path, -err, "could not remove the half-made heap");
	} else {
		fprintf(stderr, "heapctl: removed the half-made heap %s\n", h->name);
		h->created = false;
	}
	return EXIT_FAIL;
}

/*
 * After a failure part-way: which heaps were applied, which was not, and
 * which were not tried, on standard error.
 */
static void restore_summary(const struct saved_heap *heaps, size_t n, size_t failed)
{
	size_t i;

	fputs("heapctl: restore stopped:", stderr);
	for (i = 0; i < failed; i++)
		fprintf(stderr, "%s %s", i ? "," : " applied:", heaps[i].name);
	if (failed < n)
		fprintf(stderr, "%s failed: %s", failed ? ";" : "", heaps[failed].name);
	for (i = failed + 1; i < n; i++)
		fprintf(stderr, "%s %s", i == failed + 1 ? "; not tried:" : ",", heaps[i].name);
	fputc('\n', stderr);
}

/* ---- the record: the heaps restore --record made ---- */

/*
 * The heap names in @file, one a line, as a NULL-ended list; a missing
 * file is an empty list. 0 or an exit code (a line that is not a heap
 * name: nothing is done with a file that is not a record).
 */
static int read_record(const char *file, char ***namesp)
{
	char *line = NULL, **names, **nv;
	size_t n = 0, lineno = 0, size = 0;
	ssize_t len;
	FILE *f;

	names = calloc(1, sizeof(*names));
	if (!names)
		return heapctl_fail("heapctl", ENOMEM, NULL);
	f = fopen(file, "re");
	if (!f) {
		if (errno == ENOENT) {
			*namesp = names;
			return 0;
		}
		free(names);
		return heapctl_fail(file, errno, heapctl_hint(NULL, "", errno, false));
	}
	while ((len = getline(&line, &size, f)) > 0) {
		lineno++;
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (!heapctl_valid_name(line)) {
			heapctl_failf("%s: line %zu: not a heap name: not a heapctl record",
				      file, lineno);
			goto fail;
		}
		nv = realloc(names, (n + 2) * sizeof(*names));
		if (!nv)
			goto nomem;
		names = nv;
		names[n] = strdup(line);
		if (!names[n])
			goto nomem;
		names[++n] = NULL;
	}
	free(line);
	fclose(f);
	*namesp = names;
	return 0;
nomem:
	heapctl_fail("heapctl", ENOMEM, NULL);
fail:
	free(line);
	fclose(f);
	heapctl_free_list(names);
	return EXIT_FAIL;
}

static bool in_list(char **names, const char *name)
{
	for (; names && *names; names++)
		if (!strcmp(*names, name))
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Write the record: the names of @keep, and of @heaps made by this
 * restore, that are heaps now, sorted, one a line; no such heap: remove
 * @file. Its directory is made (one level, mode 0755) if missing.
 */
static int write_record(const char *file, char **keep, const struct saved_heap *heaps,
			size_t n)
{
	const char **v;
	char path[PATH_MAX], *text;
	size_t i, count = 0, len = 1;
	int ret;

	for (i = 0; keep && keep[i]; i++)
		;
	v = calloc(i + n + 1, sizeof(*v));
	if (!v)
		return heapctl_fail("heapctl", ENOMEM, NULL);
	for (i = 0; keep && keep[i]; i++) {
		heap_path(path, sizeof(path), keep[i], NULL);
		if (heapctl_is_dir(path))
			v[count++] = keep[i];
	}
	for (i = 0; i < n; i++)
		if (heaps[i].created && !in_list(keep, heaps[i].name))
			v[count++] = heaps[i].name;
	if (!count) {
		free(v);
		if (unlink(file) && errno != ENOENT)
			return heapctl_fail(file, errno, heapctl_hint(NULL, "", errno, false));
		return 0;
	}
	qsort(v, count, sizeof(*v), cmp_str);
	for (i = 0; i < count; i++)
		len += strlen(v[i]) + 1;
	text = calloc(1, len);
	if (!text) {
		free(v);
		return heapctl_fail("heapctl", ENOMEM, NULL);
	}
	for (i = 0; i < count; i++) {
		if (i)
			strcat(text, "\n");
		strcat(text, v[i]);
	}
	ret = strrchr(file, '/') > file ? make_parent(file) : 0;
	if (!ret)
		ret = write_atomic(file, text);
	free(text);
	free(v);
	return ret;
}

/*
 * rmdir heap @name, made by restore --record, and say so as @fmt does
 * ("%s: destroyed" or "destroyed %s"); add its live buffers to *@live.
 */
static int destroy_recorded(const char *name, const char *fmt, uint64_t *live)
{
	char path[PATH_MAX];
	uint64_t buffers = 0;

	heap_path(path, sizeof(path), name, "buffers");
	heapctl_read_u64(path, &buffers);
	if (heap_rmdir(name))
		return EXIT_FAIL;
	printf(fmt, name);
	putchar('\n');
	*live += buffers;
	return 0;
}

static void print_live(uint64_t live)
{
	if (live)
		printf("%llu live buffers keep their chunks until they are released\n",
		       (unsigned long long)live);
}

/*
 * The heaps in the record that @heaps no longer names, and that exist:
 * removed (or, @dry_run, said so). Goes on past a failure; 0 or 1.
 */
static int prune(char **recorded, const struct saved_heap *heaps, size_t n, bool dry_run)
{
	char path[PATH_MAX];
	uint64_t live = 0;
	int ret = 0;
	size_t i, j;

	for (i = 0; recorded[i]; i++) {
		for (j = 0; j < n && strcmp(heaps[j].name, recorded[i]); j++)
			;
		heap_path(path, sizeof(path), recorded[i], NULL);
		if (j < n || !heapctl_is_dir(path))
			continue;
		if (dry_run)
			printf("%s: would be destroyed (recorded, no longer named)\n", recorded[i]);
		else if (destroy_recorded(recorded[i], "%s: destroyed (recorded, no longer named)",
					  &live))
			ret = EXIT_FAIL;
	}
	print_live(live);
	return ret;
}

int cmd_restore(const struct heapctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "record", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct saved_heap *heaps = NULL;
	struct json_object *obj;
	const char *file, *policy = NULL, *record = NULL;
	char diff[512], path[PATH_MAX], **recorded = NULL;
	bool force = false, refused = false, dry_run = false;
	size_t i, n = 0;
	int opt, ret, pruned;

	while ((opt = heapctl_getopt(argc, argv, "fnR:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			force = true;
			break;
		case 'n':
			dry_run = true;
			break;
		case 'R':
			record = optarg;
			break;
		case 'h':
			heapctl_cmd_usage(cmd, stdout, true);
			return EXIT_OK;
		default:
			return heapctl_bad_usage(cmd);
		}
	}
	if (argc - optind > 1 || (record && !*record))
		return heapctl_bad_usage(cmd);
	heapctl_path(path, sizeof(path), HEAPCTL_CONFIG_FILE);
	file = optind < argc ? argv[optind] : path;
	obj = parse_file(file);
	if (!obj)
		return EXIT_FAIL;
	ret = check_file(file, obj, &heaps, &n, &policy);
	if (ret)
		goto out_put;
	ret = heap_names(NULL);
	if (!ret && record)
		ret = read_record(record, &recorded);
	if (ret)
		goto out;

	/* Find out what exists and refuse, before changing anything. */
	for (i = 0; i < n; i++) {
		heap_path(path, sizeof(path), heaps[i].name, NULL);
		if (!heapctl_is_dir(path))
			continue;
		heaps[i].cur = heap_to_json(heaps[i].name, HEAP_SAVE);
		skip_missing(&heaps[i]);
		if (heap_differs(&heaps[i], diff, sizeof(diff)) && !force) {
			heapctl_failf(
				"heap %s exists with other settings (%s); use --force to rewrite it",
				heaps[i].name, diff);
			refused = true;
		}
	}
	if (refused) {
		fputs("heapctl: nothing was changed\n", stderr);
		ret = EXIT_FAIL;
		goto out;
	}
	ret = restore_policy(policy, dry_run);
	pruned = !ret && recorded ? prune(recorded, heaps, n, dry_run) : 0;
	for (i = 0; i < n && !ret; i++) {
		struct saved_heap *h = &heaps[i];
		const char *verb;

		if (!h->cur) {
			verb = dry_run ? "would be created" : "created";
			ret = dry_run ? 0 : create_heap(h);
			if (!ret)
				printf("%s: %s\n", h->name, verb);
		} else if (!heap_differs(h, diff, sizeof(diff))) {
			printf("%s: unchanged\n", h->name);
		} else {
			verb = dry_run ? "would be rewritten" : "rewritten";
			ret = dry_run ? 0 : apply_heap(h);
			if (!ret)
				printf("%s: %s (%s)\n", h->name, verb, diff);
		}
		if (ret)
			restore_summary(heaps, n, i);
	}
	/* Even after a failure: what was made is recorded. */
	if (record && !dry_run && write_record(record, recorded, heaps, n))
		ret = EXIT_FAIL;
	if (!ret)
		ret = pruned ? pruned : heapctl_status();
out:
	for (i = 0; i < n; i++)
		json_object_put(heaps[i].cur);
	free(heaps);
	heapctl_free_list(recorded);
out_put:
	json_object_put(obj);
	return ret;
}

/*
 * heapctl clear --recorded FILE: remove only the heaps FILE names (those
 * restore --record made), going on past a failure; FILE then names those
 * that are left, or is removed. Without --recorded: heapctl clear.
 */
int cmd_clear_recorded(const struct heapctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "recorded", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *record = NULL;
	char path[PATH_MAX], **names;
	uint64_t live = 0;
	int opt, ret = EXIT_OK;
	size_t i;

	while ((opt = heapctl_getopt(argc, argv, "R:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'R':
			record = optarg;
			break;
		case 'h':
			heapctl_cmd_usage(cmd, stdout, true);
			return EXIT_OK;
		default:
			return heapctl_bad_usage(cmd);
		}
	}
	if (!record) {
		optind = 0;
		return cmd_clear(cmd, argc, argv);
	}
	if (optind < argc || !*record)
		return heapctl_bad_usage(cmd);
	if (read_record(record, &names))
		return EXIT_FAIL;
	for (i = 0; names[i]; i++) {
		heap_path(path, sizeof(path), names[i], NULL);
		if (heapctl_is_dir(path) && destroy_recorded(names[i], "destroyed %s", &live))
			ret = EXIT_FAIL;
	}
	print_live(live);
	if (write_record(record, names, NULL, 0))
		ret = EXIT_FAIL;
	heapctl_free_list(names);
	return ret;
}
