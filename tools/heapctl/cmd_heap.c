// SPDX-License-Identifier: GPL-2.0
/*
 * heapctl list, show, create, enable, disable and destroy.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapctl.h"

#define MAX_USAGE	"--max takes a size such as 24M or 1G (0: no limit)"
#define POLICY_USAGE	"--numa-policy takes default, off, local, bind or interleave"

/* After the options: one argument, a valid heap name; 0 or the exit code. */
static int name_arg(const struct heapctl_cmd *cmd, int argc, char **argv,
		    const char **name)
{
	*name = argc - optind == 1 ? argv[optind] : NULL;
	if (!*name)
		return heapctl_bad_args(cmd, argc, argv, 1, 1);
	return heapctl_name_arg(*name, false);
}

/* list's columns: the keys of heap_to_json(..., HEAP_LIST). */
static const struct heapctl_column list_columns[] = {
	{ .key = "name" },
	{ .key = "cma_area" },
	{ .key = "chunk_order", .hidden = true },
	{ .key = "chunk_size", .size = true },
	{ .key = "enabled" },
	{ .key = "bytes", .size = true },
	{ .key = "max_bytes", .size = true, .zero = "unlimited" },
	{ .key = "buffers" },
	{ .key = "pool_ready", .size = true },
	{ .key = "failures" },
};
static int list_sel[HEAPCTL_MAX_COLUMNS], list_nsel;

static void list_print(struct json_object *obj)
{
	struct json_object *heaps = json_object_object_get(obj, "heaps");

	if (!json_object_array_length(heaps)) {
		if (!heapctl_out.noheadings)
			puts("no heaps");
		return;
	}
	heapctl_print_rows(list_columns, list_sel, list_nsel, heaps);
}

int cmd_list(const struct heapctl_cmd *cmd, int argc, char **argv)
{
	struct json_object *obj, *heaps;
	char **names;
	int ret, i;

	ret = heapctl_args(cmd, argc, argv, ARGS_JSON | ARGS_TABLE, 0, 0);
	if (ret >= 0)
		return ret;
	list_nsel = heapctl_columns(cmd, list_columns, ARRAY_SIZE(list_columns), list_sel);
	if (list_nsel < 0)
		return EXIT_USAGE;
	if (heap_names(&names))
		return EXIT_FAIL;
	obj = heapctl_json_new();
	heaps = json_object_new_array();
	for (i = 0; names[i]; i++)
		json_object_array_add(heaps, heap_to_json(names[i], HEAP_LIST));
	json_object_object_add(obj, "heaps", heaps);
	heapctl_free_list(names);
	return heapctl_output(obj, list_print);
}

/*
 * The options and the one NAME argument of show, enable, disable and
 * destroy: NAME must be a valid name of an existing heap. Returns -1 with
 * *name set, or the exit code to end with.
 */
static int existing_heap_arg(const struct heapctl_cmd *cmd, int argc,
			     char **argv, unsigned int flags, const char **name)
{
	int ret = heapctl_args(cmd, argc, argv, flags, 1, 1);

	if (ret >= 0)
		return ret;
	*name = argv[optind];
	ret = heapctl_name_arg(*name, false);
	if (!ret)
		ret = heap_check(*name);
	return ret ? ret : -1;
}

int cmd_show(const struct heapctl_cmd *cmd, int argc, char **argv)
{
	struct json_object *obj, *heap;
	const char *name;
	int ret;

	ret = existing_heap_arg(cmd, argc, argv, ARGS_JSON, &name);
	if (ret >= 0)
		return ret;
	/* The heap's keys after "version", which heap_to_json() (save) lacks. */
	obj = heapctl_json_new();
	heap = heap_to_json(name, HEAP_SHOW);
	json_object_object_foreach(heap, key, val)
		json_object_object_add(obj, key, json_object_get(val));
	json_object_put(heap);
	return heapctl_output(obj, heap_print);
}

int cmd_create(const struct heapctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "area", required_argument, NULL, 'a' },
		{ "order", required_argument, NULL, 'o' },
		{ "chunk-size", required_argument, NULL, 'c' },
		{ "max", required_argument, NULL, 'm' },
		{ "numa-policy", required_argument, NULL, 'p' },
		{ "enable", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct heap_config cfg = { .chunk_order = -1, .enable = -1 };
	char chunk[32], msg[128];
	unsigned int order;
	const char *name;
	uint64_t size;
	int opt, ret;

	while ((opt = heapctl_getopt(argc, argv, "a:o:c:m:p:eh", opts, NULL)) != -1) {
		switch (opt) {
		case 'a':
			if (!heapctl_valid_area(optarg))
				return heapctl_usage_error(
					"--area takes a CMA area name (see heapctl areas)");
			cfg.cma_area = optarg;
			break;
		case 'o':
			if (cfg.chunk_order >= 0)
				return heapctl_usage_error("give one --order or --chunk-size");
			if (heapctl_parse_order(optarg, &order)) {
				snprintf(msg, sizeof(msg), "--order takes 0 to %u",
					 heapctl_max_order());
				return heapctl_usage_error(msg);
			}
			cfg.chunk_order = order;
			break;
		case 'c':
			if (cfg.chunk_order >= 0)
				return heapctl_usage_error("give one --order or --chunk-size");
			if (heapctl_parse_size(optarg, &size) ||
			    heapctl_size_to_order(size, &order)) {
				heapctl_format_size(chunk, sizeof(chunk),
						    heapctl_page_size() << heapctl_max_order());
				snprintf(msg, sizeof(msg),
					 "--chunk-size takes a power of two from %llu to %s",
					 (unsigned long long)heapctl_page_size(), chunk);
				return heapctl_usage_error(msg);
			}
			cfg.chunk_order = order;
			break;
		case 'm':
			if (heapctl_parse_size(optarg, &cfg.max_bytes))
				return heapctl_usage_error(MAX_USAGE);
			cfg.has_max = true;
			break;
		case 'p':
			if (!heapctl_valid_policy(heapctl_heap_policies, optarg))
				return heapctl_usage_error(POLICY_USAGE);
			cfg.numa_policy = optarg;
			break;
		case 'e':
			cfg.enable = 1;
			break;
		case 'h':
			heapctl_cmd_usage(cmd, stdout, true);
			return EXIT_OK;
		default:
			return heapctl_bad_usage(cmd);
		}
	}
	ret = name_arg(cmd, argc, argv, &name);
	if (ret)
		return ret;
	if (!cfg.cma_area)
		return heapctl_usage_error("create needs --area");
	if (cfg.chunk_order < 0)
		return heapctl_usage_error("create needs --order or --chunk-size");

	ret = heap_create(name, &cfg);
	if (ret)
		return ret;
	heapctl_format_size(chunk, sizeof(chunk), heapctl_page_size() << cfg.chunk_order);
	printf("created %s: %s chunks (order %d) from %s, %s\n", name, chunk,
	       cfg.chunk_order, cfg.cma_area, cfg.enable == 1 ? "enabled" : "disabled");
	return EXIT_OK;
}

/* heapctl enable NAME, heapctl disable NAME. */
int cmd_enable(const struct heapctl_cmd *cmd, int argc, char **argv)
{
	bool on = !strcmp(cmd->name, "enable");
	const char *name;
	int ret;

	ret = existing_heap_arg(cmd, argc, argv, 0, &name);
	if (ret >= 0)
		return ret;
	ret = heap_write(name, "enable", on ? "1" : "0");
	if (ret)
		return ret;
	printf("%s: %s\n", name, on ? "enabled" : "disabled");
	return EXIT_OK;
}

/*
 * rmdir heap @name and say so; add its live buffers to *@live. 0 or the
 * exit code.
 */
static int destroy_one(const char *name, uint64_t *live)
{
	char path[PATH_MAX];
	uint64_t buffers = 0;
	int ret;

	heap_path(path, sizeof(path), name, "buffers");
	heapctl_read_u64(path, &buffers);
	ret = heap_rmdir(name);
	if (ret)
		return ret;
	printf("destroyed %s\n", name);
	*live += buffers;
	return 0;
}

static void print_live(uint64_t live)
{
	if (live)
		printf("%llu live buffers keep their chunks until they are released\n",
		       (unsigned long long)live);
}

int cmd_destroy(const struct heapctl_cmd *cmd, int argc, char **argv)
{
	uint64_t live = 0;
	const char *name;
	int ret;

	ret = existing_heap_arg(cmd, argc, argv, 0, &name);
	if (ret >= 0)
		return ret;
	ret = destroy_one(name, &live);
	if (!ret)
		print_live(live);
	return ret;
}

/* One attribute heapctl set changes: the new value, and the old one. */
struct set_attr {
	const char *attr;
	bool given;
	char val[32];
	char old[128];
};

/* Read @a's current value into a->old; 0 or the exit code. */
static int set_read_old(const char *name, struct set_attr *a)
{
	char path[PATH_MAX], buf[128];
	int err;

	heap_path(path, sizeof(path), name, a->attr);
	err = heapctl_read(path, buf, sizeof(buf));
	if (!err && !strcmp(a->attr, "numa_policy"))
		err = heapctl_parse_bracket(buf, a->old, sizeof(a->old));
	else if (!err)
		snprintf(a->old, sizeof(a->old), "%s", buf);
	if (err)
		return heapctl_fail(path, -err, heapctl_hint(NULL, a->attr, -err, err == -ENOENT));
	return 0;
}

static int set_size(struct set_attr *a, const char *arg, const char *msg)
{
	uint64_t size;

	if (heapctl_parse_size(arg, &size))
		return heapctl_usage_error(msg);
	snprintf(a->val, sizeof(a->val), "%llu", (unsigned long long)size);
	a->given = true;
	return 0;
}

int cmd_set(const struct heapctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "max", required_argument, NULL, 'm' },
		{ "numa-policy", required_argument, NULL, 'p' },
		{ "pool", required_argument, NULL, 'P' },
		{ "pool-min", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	/*
	 * Written in this order: the pool's floor before the pool, so that
	 * it holds as soon as a larger pool fills.
	 */
	struct set_attr set[] = {
		{ .attr = "max_bytes" }, { .attr = "numa_policy" }, { .attr = "pool_min_bytes" },
		{ .attr = "pool_bytes" },
	};
	bool given = false;
	const char *name;
	size_t i, n;
	int opt, ret;

	while ((opt = heapctl_getopt(argc, argv, "m:p:P:M:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			ret = set_size(&set[0], optarg, MAX_USAGE);
			if (ret)
				return ret;
			break;
		case 'p':
			if (!heapctl_valid_policy(heapctl_heap_policies, optarg))
				return heapctl_usage_error(POLICY_USAGE);
			snprintf(set[1].val, sizeof(set[1].val), "%s", optarg);
			set[1].given = true;
			break;
		case 'M':
			ret = set_size(&set[2], optarg,
				       "--pool-min takes a size such as 8M (0: no floor)");
			if (ret)
				return ret;
			break;
		case 'P':
			ret = set_size(&set[3], optarg,
				       "--pool takes a size such as 24M (0: no pool)");
			if (ret)
				return ret;
			break;
		case 'h':
			heapctl_cmd_usage(cmd, stdout, true);
			return EXIT_OK;
		default:
			return heapctl_bad_usage(cmd);
		}
	}
	ret = name_arg(cmd, argc, argv, &name);
	if (ret)
		return ret;
	for (i = 0; i < ARRAY_SIZE(set); i++)
		given |= set[i].given;
	if (!given)
		return heapctl_usage_error("set needs --max, --numa-policy, --pool or --pool-min");
	ret = heap_check(name);
	if (ret)
		return ret;

	/* All or nothing: read every old value first, put them back on failure. */
	for (i = 0; i < ARRAY_SIZE(set); i++)
		if (set[i].given && set_read_old(name, &set[i]))
			return EXIT_FAIL;
	for (n = 0; n < ARRAY_SIZE(set); n++)
		if (set[n].given && heap_write(name, set[n].attr, set[n].val))
			break;
	if (n < ARRAY_SIZE(set)) {
		while (n--)
			if (set[n].given && heap_write(name, set[n].attr, set[n].old))
				return heapctl_failf("%s: %s could not be put back to %s",
						     name, set[n].attr, set[n].old);
		return heapctl_failf("%s: nothing was changed", name);
	}
	printf("%s:", name);
	for (i = 0; i < ARRAY_SIZE(set); i++)
		if (set[i].given)
			printf(" %s=%s", set[i].attr, set[i].val);
	putchar('\n');
	return EXIT_OK;
}

/*
 * heapctl clear: remove every heap, as destroy does (rmdir disables a
 * heap first); go on past a failure.
 */
int cmd_clear(const struct heapctl_cmd *cmd, int argc, char **argv)
{
	int ret, i, status = EXIT_OK;
	uint64_t live = 0;
	char **names;

	ret = heapctl_simple_args(cmd, argc, argv, NULL, 0, 0);
	if (ret >= 0)
		return ret;
	if (heap_names(&names))
		return EXIT_FAIL;
	for (i = 0; names[i]; i++)
		if (destroy_one(names[i], &live))
			status = EXIT_FAIL;
	heapctl_free_list(names);
	print_live(live);
	return status;
}
