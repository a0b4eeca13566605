// SPDX-License-Identifier: GPL-2.0
/*
 * heapctl: one heap's configfs directory, read into a json-c object and
 * written attribute by attribute.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapctl.h"

enum attr_kind {
	ATTR_STR,	/* a line; empty is null */
	ATTR_U64,	/* a decimal number */
	ATTR_BOOL,	/* 1 or 0 */
	ATTR_POLICY,	/* "[default] off local ...": the selected word */
	ATTR_SPLIT,	/* a directory, one subdirectory with one number per key */
};

/*
 * The attributes of a heap, in the order show, list and save print them.
 * @key is the JSON key, and show's label, if not @file; @size: the
 * value is a number of bytes. An ATTR_SPLIT @file is a directory with one
 * subdirectory per area (areas/<area>/bytes), per node
 * (nodes/node<N>/bytes) or per latency bucket (latency_us/<floor>/count):
 * @split_key is the JSON key of the area, node or bucket, @split_prefix,
 * if set, the prefix of numbered names ("node", or "" for bare numbers),
 * @split_file the file in each subdirectory, and @split_label how show
 * names an entry; @sparse: show leaves out entries of 0.
 */
static const struct heap_attr {
	const char *file;
	enum attr_kind kind;
	unsigned int mask;
	bool size;
	const char *key;
	const char *split_key;
	const char *split_prefix;
	const char *split_file;
	const char *split_label;
	bool sparse;
} heap_attrs[] = {
#define ATTR(_file, _kind, _mask, ...) \
	{ .file = _file, .kind = _kind, .mask = _mask, __VA_ARGS__ }
	ATTR("cma_area", ATTR_STR, HEAP_LIST | HEAP_SHOW | HEAP_SAVE),
	ATTR("chunk_order", ATTR_U64, HEAP_LIST | HEAP_SHOW | HEAP_SAVE),
	ATTR("chunk_size", ATTR_U64, HEAP_LIST | HEAP_SHOW, .size = true),
	ATTR("max_bytes", ATTR_U64, HEAP_LIST | HEAP_SHOW | HEAP_SAVE, .size = true),
	ATTR("pool_bytes", ATTR_U64, HEAP_SHOW | HEAP_SAVE, .size = true),
	ATTR("pool_min_bytes", ATTR_U64, HEAP_SHOW | HEAP_SAVE, .size = true),
	ATTR("numa_policy", ATTR_POLICY, HEAP_SHOW | HEAP_SAVE),
	ATTR("enable", ATTR_BOOL, HEAP_LIST | HEAP_SHOW | HEAP_SAVE, .key = "enabled"),
	ATTR("device", ATTR_STR, HEAP_SHOW),
	ATTR("bytes", ATTR_U64, HEAP_LIST | HEAP_SHOW | HEAP_TOP, .size = true),
	ATTR("buffers", ATTR_U64, HEAP_LIST | HEAP_SHOW),
	ATTR("peak", ATTR_U64, HEAP_SHOW, .size = true),
	ATTR("failures", ATTR_U64, HEAP_LIST | HEAP_SHOW | HEAP_TOP),
	ATTR("cma_calls", ATTR_U64, HEAP_SHOW),
	ATTR("cma_failures", ATTR_U64, HEAP_SHOW),
	ATTR("pool_ready", ATTR_U64, HEAP_LIST | HEAP_SHOW, .size = true),
	ATTR("pool_hits", ATTR_U64, HEAP_SHOW),
	ATTR("pool_misses", ATTR_U64, HEAP_SHOW),
	ATTR("pool_refills", ATTR_U64, HEAP_SHOW),
	ATTR("pool_shrunk", ATTR_U64, HEAP_SHOW, .size = true),
	ATTR("held_bytes", ATTR_U64, HEAP_SHOW, .size = true),
	ATTR("areas", ATTR_SPLIT, HEAP_SHOW, .size = true, .key = "area_bytes",
	     .split_key = "area", .split_file = "bytes", .split_label = "%s"),
	ATTR("nodes", ATTR_SPLIT, HEAP_SHOW, .size = true, .key = "node_bytes",
	     .split_key = "node", .split_prefix = "node", .split_file = "bytes",
	     .split_label = "node %s"),
	ATTR("latency_us", ATTR_SPLIT, HEAP_SHOW | HEAP_TOP, .key = "latency",
	     .split_key = "floor_us", .split_prefix = "", .split_file = "count",
	     .split_label = "%s us", .sparse = true),
#undef ATTR
};

static const char *attr_key(const struct heap_attr *a)
{
	return a->key ? a->key : a->file;
}

/* What a failed write of each attribute means, in the ABI's words. */
static const struct heapctl_hint heap_hints[] = {
	{ "cma_area", EINVAL, "not a CMA area name" },
	{ "cma_area", ENAMETOOLONG, "CMA area names have at most 63 characters" },
	{ "cma_area", ENOENT, "no CMA area has that name (see heapctl areas)" },
	{ "cma_area", ERANGE, "the area cannot hold one chunk of this order" },
	{ "cma_area", EBUSY, "disable the heap first" },
	{ "chunk_order", EINVAL, "not a decimal number" },
	{ "chunk_order", ERANGE, "above 1 GiB chunks, or too large for the heap's CMA area" },
	{ "chunk_order", EBUSY, "disable the heap first" },
	{ "numa_policy", EINVAL, "use one of default, off, local, bind, interleave" },
	{ "numa_policy", EBUSY, "disable the heap first" },
	{ "max_bytes", EINVAL, "not a decimal number of bytes" },
	{ "max_bytes", ERANGE, "above 2^64 - 1" },
	{ "pool_bytes", EINVAL, "not a decimal number of bytes" },
	{ "pool_bytes", ERANGE, "more than all CMA areas hold" },
	{ "pool_min_bytes", EINVAL, "not a decimal number of bytes" },
	{ "pool_min_bytes", ERANGE, "above 2^64 - 1" },
	{ "enable", EINVAL, "set cma_area first" },
	{ "enable", EEXIST, "another dma-heap already has this name" },
	{ "heap", EEXIST, "a heap of that name exists" },
	{ "heap", EINVAL, "names are 1 to 63 characters from [A-Za-z0-9._-]" },
	{ "heap", ENAMETOOLONG, "names are at most 63 characters" },
	{ "heap", ENOENT, "chunk_heap is not loaded, or configfs is not mounted" },
	{ "heap", ENOTEMPTY, "not a chunk_heap directory" },
	{}
};

void heap_path(char *buf, size_t size, const char *name, const char *attr)
{
	if (attr)
		heapctl_path(buf, size, CONFIGFS_DIR "/%s/%s", name, attr);
	else
		heapctl_path(buf, size, CONFIGFS_DIR "/%s", name);
}

int heap_check(const char *name)
{
	char path[PATH_MAX];

	heap_path(path, sizeof(path), name, NULL);
	if (heapctl_is_dir(path))
		return 0;
	if (heap_names(NULL))
		return EXIT_FAIL;
	return heapctl_fail(path, ENOENT, "no heap of that name (see heapctl list)");
}

int heap_names(char ***names)
{
	char path[PATH_MAX], sub[PATH_MAX], **v;
	int err, i, j;

	heapctl_path(path, sizeof(path), CONFIGFS_DIR);
	err = heapctl_list_dir(path, &v);
	if (err)
		return heapctl_fail(path, -err,
				    heapctl_hint(heap_hints, "heap", -err, false));
	if (!names) {
		heapctl_free_list(v);
		return 0;
	}
	/* Only directories are heaps. */
	for (i = j = 0; v[i]; i++) {
		heap_path(sub, sizeof(sub), v[i], NULL);
		if (heapctl_is_dir(sub))
			v[j++] = v[i];
		else
			free(v[i]);
	}
	v[j] = NULL;
	*names = v;
	return 0;
}

/* One subdirectory of a split directory: its name, and its number if any. */
struct split_entry {
	const char *name;
	long num;
};

static int cmp_split(const void *x, const void *y)
{
	const struct split_entry *a = x, *b = y;

	if (a->num != b->num)
		return a->num < b->num ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* The N of "<prefix>N" (decimal, no sign), or -1. */
static long split_num(const char *name, const char *prefix)
{
	size_t len = strlen(prefix);
	char *end;
	long num;

	if (strncmp(name, prefix, len) || name[len] < '0' || name[len] > '9')
		return -1;
	errno = 0;
	num = strtol(name + len, &end, 10);
	return errno || *end || num > INT_MAX ? -1 : num;
}

/*
 * An ATTR_SPLIT directory as [{"<split_key>": area or N, "<split_file>": n},
 * ...], areas sorted by name, nodes and buckets by number. NULL (JSON
 * null) without the directory; the number is null for a subdirectory
 * whose file cannot be read, and a subdirectory with a name other than
 * <prefix>N is left out; both are reported.
 */
static struct json_object *read_split(const char *name, const struct heap_attr *a)
{
	struct json_object *arr, *o, *val;
	char path[PATH_MAX], hint[64], **names;
	struct split_entry *v;
	size_t i, n = 0, count = 0;
	uint64_t bytes;
	int err;

	heap_path(path, sizeof(path), name, a->file);
	err = heapctl_list_dir(path, &names);
	/* A directory the module does not have (yet) is null. */
	if (err == -ENOENT)
		return NULL;
	if (err) {
		heapctl_warn(path, -err, err == -ENOTDIR ? HEAPCTL_HINT_NOT_DIR : NULL);
		return NULL;
	}
	while (names[count])
		count++;
	v = calloc(count + 1, sizeof(*v));
	if (!v) {
		heapctl_free_list(names);
		heapctl_warn(path, ENOMEM, NULL);
		return NULL;
	}
	for (i = 0; names[i]; i++) {
		long num = a->split_prefix ? split_num(names[i], a->split_prefix) : 0;

		if (num < 0) {
			heapctl_path(path, sizeof(path), CONFIGFS_DIR "/%s/%s/%s",
				     name, a->file, names[i]);
			snprintf(hint, sizeof(hint), "not a %s<N> directory", a->split_prefix);
			heapctl_warn(path, EINVAL, hint);
			continue;
		}
		v[n].name = names[i];
		v[n++].num = num;
	}
	qsort(v, n, sizeof(*v), cmp_split);

	arr = json_object_new_array();
	for (i = 0; i < n; i++) {
		heapctl_path(path, sizeof(path), CONFIGFS_DIR "/%s/%s/%s/%s",
			     name, a->file, v[i].name, a->split_file);
		err = heapctl_read_u64(path, &bytes);
		if (err == -ENOENT)
			heapctl_warn(path, ENOENT, HEAPCTL_HINT_NO_ATTR);
		else if (err)
			heapctl_warn(path, -err, err == -EINVAL ? "unexpected content" : NULL);
		val = err ? NULL : json_object_new_uint64(bytes);

		o = json_object_new_object();
		json_object_object_add(o, a->split_key, a->split_prefix ?
				       json_object_new_int(v[i].num) :
				       json_object_new_string(v[i].name));
		json_object_object_add(o, a->split_file, val);
		json_object_array_add(arr, o);
	}
	free(v);
	heapctl_free_list(names);
	return arr;
}

/* Read one attribute; NULL (JSON null) if it cannot be read. */
static struct json_object *read_attr(const char *name, const struct heap_attr *a)
{
	struct json_object *val = NULL;
	char path[PATH_MAX], buf[4096], word[32];
	uint64_t v;
	int err;

	if (a->kind == ATTR_SPLIT)
		return read_split(name, a);
	heap_path(path, sizeof(path), name, a->file);
	if (a->kind == ATTR_U64 || a->kind == ATTR_BOOL)
		err = heapctl_read_u64(path, &v);
	else
		err = heapctl_read(path, buf, sizeof(buf));
	/* An attribute the module does not have (yet) is null. */
	if (err == -ENOENT)
		return NULL;
	if (err && err != -EINVAL) {
		heapctl_warn(path, -err, NULL);
		return NULL;
	}
	if (!err) {
		switch (a->kind) {
		case ATTR_STR:
			if (buf[0])
				val = json_object_new_string(buf);
			else
				return NULL;
			break;
		case ATTR_U64:
			val = json_object_new_uint64(v);
			break;
		case ATTR_BOOL:
			if (v <= 1)
				val = json_object_new_boolean(v);
			break;
		case ATTR_POLICY:
			if (!heapctl_parse_bracket(buf, word, sizeof(word)))
				val = json_object_new_string(word);
			break;
		case ATTR_SPLIT:	/* read_split() */
			break;
		}
	}
	if (!val)
		heapctl_warn(path, EINVAL, "unexpected content");
	return val;
}

struct json_object *heap_to_json(const char *name, unsigned int mask)
{
	struct json_object *heap = json_object_new_object();
	size_t i;

	json_object_object_add(heap, "name", json_object_new_string(name));
	for (i = 0; i < ARRAY_SIZE(heap_attrs); i++)
		if (heap_attrs[i].mask & mask)
			json_object_object_add(heap, attr_key(&heap_attrs[i]),
					       read_attr(name, &heap_attrs[i]));
	return heap;
}

static void print_split(const struct heap_attr *a, struct json_object *arr)
{
	size_t i, n = json_object_array_length(arr), shown = 0;
	char key[32], label[40], num[32];
	uint64_t v;

	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);

		if (a->sparse && heapctl_ju64(o, a->split_file, &v) && !v)
			continue;
		if (!shown++)
			printf("%s:\n", attr_key(a));
		snprintf(label, sizeof(label), a->split_label,
			 heapctl_jtext(o, a->split_key, false, key, sizeof(key)));
		printf("  %-16s %s\n", label,
		       heapctl_jtext(o, a->split_file, a->size, num, sizeof(num)));
	}
	if (!shown) {
		snprintf(label, sizeof(label), "%s:", attr_key(a));
		printf("%-15s none\n", label);
	}
}

void heap_print(struct json_object *heap)
{
	struct json_object *val;
	char buf[64], label[32];
	size_t i;

	/* The labels are the JSON keys, so that text and JSON agree. */
	printf("%-15s %s\n", "name:", heapctl_jstr(heap, "name"));
	for (i = 0; i < ARRAY_SIZE(heap_attrs); i++) {
		const struct heap_attr *a = &heap_attrs[i];
		const char *text;
		uint64_t v;

		if (!json_object_object_get_ex(heap, attr_key(a), &val))
			continue;
		if (a->kind == ATTR_SPLIT && val) {
			print_split(a, val);
			continue;
		}
		if (!strcmp(a->file, "max_bytes") && heapctl_ju64(heap, "max_bytes", &v) &&
			 !v)
			text = "unlimited";
		else if ((!strcmp(a->file, "pool_bytes") || !strcmp(a->file, "pool_min_bytes")) &&
			 heapctl_ju64(heap, a->file, &v) && !v)
			text = "none";
		else
			text = heapctl_jtext(heap, attr_key(a), a->size, buf, sizeof(buf));
		snprintf(label, sizeof(label), "%s:", attr_key(a));
		printf("%-15s %s\n", label, text);
	}
}

static int write_quiet(const char *name, const char *attr, const char *val, bool *at_open)
{
	char path[PATH_MAX];

	heap_path(path, sizeof(path), name, attr);
	return heapctl_write(path, val, at_open);
}

static int write_failed(const char *name, const char *attr, int err, bool at_open)
{
	char path[PATH_MAX];

	heap_path(path, sizeof(path), name, attr);
	return heapctl_fail(path, -err, heapctl_hint(heap_hints, attr, -err, at_open));
}

int heap_write(const char *name, const char *attr, const char *val)
{
	bool at_open;
	int err = write_quiet(name, attr, val, &at_open);

	return err ? write_failed(name, attr, err, at_open) : 0;
}

/* Does @cfg change what @cur (a HEAP_SAVE object, or NULL: a new heap) has? */
static bool order_changes(const struct heap_config *cfg, struct json_object *cur)
{
	uint64_t v;

	return cfg->chunk_order >= 0 &&
	       (!cur || !heapctl_ju64(cur, "chunk_order", &v) || v != (uint64_t)cfg->chunk_order);
}

static bool str_changes(const char *want, struct json_object *cur, const char *key)
{
	const char *have = cur ? heapctl_jstr(cur, key) : NULL;

	return want && (!have || strcmp(have, want));
}

/*
 * Write the chunk order and then the area. The kernel checks each against
 * the other's current value, so when a smaller area is replaced by a
 * larger one and the order grows, the order fits only after the area has
 * changed: then write the area first.
 */
static int write_order_area(const char *name, const struct heap_config *cfg,
			    struct json_object *cur)
{
	bool area = str_changes(cfg->cma_area, cur, "cma_area"), at_open;
	char buf[16];
	int err;

	if (order_changes(cfg, cur)) {
		snprintf(buf, sizeof(buf), "%d", cfg->chunk_order);
		err = write_quiet(name, "chunk_order", buf, &at_open);
		if (err == -ERANGE && !at_open && area) {
			if (heap_write(name, "cma_area", cfg->cma_area))
				return EXIT_FAIL;
			return heap_write(name, "chunk_order", buf);
		}
		if (err)
			return write_failed(name, "chunk_order", err, at_open);
	}
	return area ? heap_write(name, "cma_area", cfg->cma_area) : 0;
}

/* Apply @cfg on top of @cur (NULL: a new heap), leaving enable alone. */
static int write_config(const char *name, const struct heap_config *cfg,
			struct json_object *cur)
{
	uint64_t v;
	char buf[32];

	if (write_order_area(name, cfg, cur))
		return EXIT_FAIL;
	if (cfg->has_max && (!cur || !heapctl_ju64(cur, "max_bytes", &v) || v != cfg->max_bytes)) {
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)cfg->max_bytes);
		if (heap_write(name, "max_bytes", buf))
			return EXIT_FAIL;
	}
	if (str_changes(cfg->numa_policy, cur, "numa_policy") &&
	    heap_write(name, "numa_policy", cfg->numa_policy))
		return EXIT_FAIL;
	return 0;
}

int heap_create(const char *name, const struct heap_config *cfg)
{
	char path[PATH_MAX];
	int err;

	heap_path(path, sizeof(path), name, NULL);
	err = heapctl_mkdir(path);
	if (err)
		return heapctl_fail(path, -err, heapctl_hint(heap_hints, "heap", -err, false));
	if (!write_config(name, cfg, NULL) &&
	    (cfg->enable != 1 || !heap_write(name, "enable", "1")))
		return 0;

	/* Leave nothing half-made. */
	err = heapctl_rmdir(path);
	if (err)
		heapctl_fail(path, -err, "could not remove the half-made heap");
	else
		fprintf(stderr, "heapctl: removed the half-made heap %s\n", name);
	return EXIT_FAIL;
}

int heap_apply(const char *name, const struct heap_config *cfg, struct json_object *cur)
{
	struct json_object *val;
	bool enabled = json_object_object_get_ex(cur, "enabled", &val) && val &&
		       json_object_get_boolean(val);
	bool want = cfg->enable < 0 ? enabled : cfg->enable;
	bool busy = enabled && (order_changes(cfg, cur) ||
				str_changes(cfg->cma_area, cur, "cma_area"));

	if (busy || (enabled && !want)) {
		if (heap_write(name, "enable", "0"))
			return EXIT_FAIL;
		enabled = false;
	}
	if (write_config(name, cfg, cur)) {
		if (busy)
			fprintf(stderr, "heapctl: %s is left disabled\n", name);
		return EXIT_FAIL;
	}
	if (want && !enabled && heap_write(name, "enable", "1"))
		return EXIT_FAIL;
	return 0;
}

int heap_rmdir(const char *name)
{
	char path[PATH_MAX];
	int err;

	heap_path(path, sizeof(path), name, NULL);
	err = heapctl_rmdir(path);
	if (err)
		return heapctl_fail(path, -err, heapctl_hint(heap_hints, "heap", -err, false));
	return 0;
}
