// SPDX-License-Identifier: GPL-2.0
/*
 * heapctl areas and numa: the CMA areas and the module's global NUMA
 * policy.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapctl.h"

static const struct heapctl_hint numa_hints[] = {
	{ "numa_policy", EINVAL, "use one of off, local, bind, interleave" },
	{ "numa_policy", ENOENT, "chunk_heap is not loaded" },
	{}
};

/* An area object by name in @areas, or NULL. */
static struct json_object *find_area(struct json_object *areas, const char *name)
{
	size_t i, n = json_object_array_length(areas);

	for (i = 0; i < n; i++) {
		struct json_object *a = json_object_array_get_idx(areas, i);

		if (!strcmp(heapctl_jstr(a, "name"), name))
			return a;
	}
	return NULL;
}

static struct json_object *new_area(struct json_object *areas, const char *name)
{
	struct json_object *a = json_object_new_object();

	json_object_object_add(a, "name", json_object_new_string(name));
	json_object_object_add(a, "node", NULL);
	json_object_object_add(a, "size", NULL);
	json_object_object_add(a, "free", NULL);
	json_object_array_add(areas, a);
	return a;
}

/* A NUMA node: decimal, -1 (NUMA_NO_NODE) or below meaning none; 0 or -errno. */
static int read_node(const char *path, long *node)
{
	char buf[32], *end;
	int err;

	err = heapctl_read(path, buf, sizeof(buf));
	if (err)
		return err;
	if ((buf[0] < '0' || buf[0] > '9') && buf[0] != '-')
		return -EINVAL;
	errno = 0;
	*node = strtol(buf, &end, 10);
	if (errno || *end || *node > INT_MAX || *node < INT_MIN)
		return -EINVAL;
	return 0;
}

/* Report a file of an area directory that cannot be read. */
static void area_warn(const char *path, int err)
{
	heapctl_warn(path, -err, err == -ENOENT ? HEAPCTL_HINT_NO_ATTR :
			    err == -EINVAL ? "unexpected content" : NULL);
}

/*
 * The module's areas: a directory per area, with the files node and size.
 * What cannot be read stays null and is reported.
 */
static void read_module_areas(struct json_object *areas)
{
	char path[PATH_MAX], **names;
	struct json_object *a;
	uint64_t size;
	long node;
	int err, i;

	heapctl_path(path, sizeof(path), SYSFS_DIR "/areas");
	err = heapctl_list_dir(path, &names);
	if (err) {
		/* No module; ENOTDIR: an older one, with a file of lines. */
		if (err != -ENOENT)
			heapctl_warn(path, -err, err == -ENOTDIR ? HEAPCTL_HINT_NOT_DIR : NULL);
		return;
	}
	for (i = 0; names[i]; i++) {
		a = find_area(areas, names[i]);
		if (!a)
			a = new_area(areas, names[i]);

		heapctl_path(path, sizeof(path), SYSFS_DIR "/areas/%s/node", names[i]);
		err = read_node(path, &node);
		if (err)
			area_warn(path, err);
		else
			json_object_object_add(a, "node",
					       node < 0 ? NULL : json_object_new_int(node));

		heapctl_path(path, sizeof(path), SYSFS_DIR "/areas/%s/size", names[i]);
		err = heapctl_read_u64(path, &size);
		/* A stock kernel: debugfs may still tell the size (read_free). */
		if (err == -EOPNOTSUPP)
			continue;
		if (err)
			area_warn(path, err);
		else
			json_object_object_add(a, "size", json_object_new_uint64(size));
	}
	heapctl_free_list(names);
}

/* Free space from debugfs: count - used pages; null without debugfs. */
static void read_free(struct json_object *a)
{
	const char *name = heapctl_jstr(a, "name");
	uint64_t count, used, page = heapctl_page_size();
	char path[PATH_MAX];
	int err;

	heapctl_path(path, sizeof(path), CMA_DEBUGFS_DIR "/%s/count", name);
	err = heapctl_read_u64(path, &count);
	if (!err) {
		heapctl_path(path, sizeof(path), CMA_DEBUGFS_DIR "/%s/used", name);
		err = heapctl_read_u64(path, &used);
	}
	if (err == -ENOENT || err == -EACCES)
		return;
	if (!err && used > count)
		err = -EINVAL;
	if (err) {
		heapctl_warn(path, -err, err == -EINVAL ? "unexpected content" : NULL);
		return;
	}
	json_object_object_add(a, "free", json_object_new_uint64((count - used) * page));
	/* Without the module, debugfs still knows the size. */
	if (!json_object_object_get(a, "size"))
		json_object_object_add(a, "size", json_object_new_uint64(count * page));
}

static int cmp_areas(const void *x, const void *y)
{
	struct json_object *const *a = x, *const *b = y;

	return strcmp(heapctl_jstr(*a, "name"), heapctl_jstr(*b, "name"));
}

/* areas' columns: the keys of each area object. */
static const struct heapctl_column area_columns[] = {
	{ .key = "name" },
	{ .key = "node" },
	{ .key = "size", .size = true },
	{ .key = "free", .size = true },
};
static int area_sel[HEAPCTL_MAX_COLUMNS], area_nsel;

static void areas_print(struct json_object *obj)
{
	struct json_object *areas = json_object_object_get(obj, "areas");

	if (!json_object_array_length(areas)) {
		if (!heapctl_out.noheadings)
			puts("no CMA areas");
		return;
	}
	heapctl_print_rows(area_columns, area_sel, area_nsel, areas);
}

int cmd_areas(const struct heapctl_cmd *cmd, int argc, char **argv)
{
	struct json_object *obj, *areas;
	char path[PATH_MAX], **names;
	int ret, err, i;
	size_t n;

	ret = heapctl_args(cmd, argc, argv, ARGS_JSON | ARGS_TABLE, 0, 0);
	if (ret >= 0)
		return ret;
	area_nsel = heapctl_columns(cmd, area_columns, ARRAY_SIZE(area_columns), area_sel);
	if (area_nsel < 0)
		return EXIT_USAGE;

	areas = json_object_new_array();
	read_module_areas(areas);
	/* The kernel's own directories list every area. */
	heapctl_path(path, sizeof(path), CMA_SYSFS_DIR);
	err = heapctl_list_dir(path, &names);
	if (err && (err != -ENOENT || !json_object_array_length(areas))) {
		json_object_put(areas);
		return heapctl_fail(path, -err, err == -ENOENT ?
				    "this kernel has no CMA areas (CONFIG_CMA)" : NULL);
	}
	for (i = 0; !err && names[i]; i++)
		if (!find_area(areas, names[i]))
			new_area(areas, names[i]);
	if (!err)
		heapctl_free_list(names);
	json_object_array_sort(areas, cmp_areas);
	n = json_object_array_length(areas);
	for (i = 0; (size_t)i < n; i++)
		read_free(json_object_array_get_idx(areas, i));

	obj = heapctl_json_new();
	json_object_object_add(obj, "areas", areas);
	return heapctl_output(obj, areas_print);
}

int heapctl_global_policy(char *word, size_t size, struct json_object **words)
{
	char path[PATH_MAX], buf[256];
	int err;

	heapctl_path(path, sizeof(path), SYSFS_DIR "/numa_policy");
	err = heapctl_read(path, buf, sizeof(buf));
	if (!err && heapctl_parse_bracket(buf, word, size))
		err = -EINVAL;
	if (!err && words)
		*words = heapctl_bracket_words(buf);
	return err;
}

int heapctl_set_global_policy(const char *policy)
{
	char path[PATH_MAX];
	bool at_open;
	int err;

	heapctl_path(path, sizeof(path), SYSFS_DIR "/numa_policy");
	err = heapctl_write(path, policy, &at_open);
	if (!err)
		return 0;
	/* A missing file means a missing module, not a bad attribute. */
	return heapctl_fail(path, -err, heapctl_hint(numa_hints, "numa_policy", -err,
						     at_open && err != -ENOENT));
}

static struct json_object *numa_to_json(void)
{
	struct json_object *obj, *words = NULL;
	char path[PATH_MAX], word[32], buf[128];
	uint64_t active;
	int err;

	err = heapctl_global_policy(word, sizeof(word), &words);
	if (err) {
		heapctl_path(path, sizeof(path), SYSFS_DIR "/numa_policy");
		heapctl_fail(path, -err, err == -EINVAL ? "unexpected content" :
			     heapctl_hint(numa_hints, "numa_policy", -err, false));
		return NULL;
	}
	obj = heapctl_json_new();
	json_object_object_add(obj, "numa_policy", json_object_new_string(word));
	json_object_object_add(obj, "available", words);
	heapctl_path(path, sizeof(path), SYSFS_DIR "/numa_active");
	err = heapctl_read_u64(path, &active);
	if (!err && active > 1)
		err = -EINVAL;
	if (err && err != -ENOENT)
		heapctl_warn(path, -err, err == -EINVAL ? "unexpected content" : NULL);
	json_object_object_add(obj, "numa_active",
			       err ? NULL : json_object_new_boolean(active));
	/* What the kernel exports; a module without the file has everything. */
	heapctl_path(path, sizeof(path), SYSFS_DIR "/features");
	err = heapctl_read(path, buf, sizeof(buf));
	json_object_object_add(obj, "numa_supported", json_object_new_boolean(
				       err || strstr(buf, "numa_policy")));
	return obj;
}

static void numa_print(struct json_object *obj)
{
	struct json_object *active, *words = json_object_object_get(obj, "available");
	size_t i, n = json_object_array_length(words);

	printf("numa_policy: %s\n", heapctl_jstr(obj, "numa_policy"));
	printf("available:  ");
	for (i = 0; i < n; i++)
		printf(" %s", json_object_get_string(json_object_array_get_idx(words, i)));
	printf("\n");
	if (!json_object_get_boolean(json_object_object_get(obj, "numa_supported")))
		printf("numa_active: no: %s\n", HEAPCTL_HINT_NO_NUMA);
	else if (!json_object_object_get_ex(obj, "numa_active", &active) || !active)
		printf("numa_active: -\n");
	else if (json_object_get_boolean(active))
		printf("numa_active: yes\n");
	else
		printf("numa_active: no: local, bind and interleave act as off\n");
}

int cmd_numa(const struct heapctl_cmd *cmd, int argc, char **argv)
{
	struct json_object *obj, *active;
	const char *policy = NULL;
	int ret;

	ret = heapctl_args(cmd, argc, argv, ARGS_JSON, 0, 1);
	if (ret >= 0)
		return ret;
	if (optind < argc) {
		policy = argv[optind];
		if (!heapctl_valid_policy(heapctl_global_policies, policy))
			return heapctl_usage_error(
				"the NUMA policy is one of off, local, bind, interleave");
		ret = heapctl_set_global_policy(policy);
		if (ret)
			return ret;
	}
	obj = numa_to_json();
	if (!obj)
		return EXIT_FAIL;
	if (policy && strcmp(policy, "off") &&
	    json_object_object_get_ex(obj, "numa_active", &active) && active &&
	    !json_object_get_boolean(active))
		fprintf(stderr, "heapctl: numa_active is 0: %s acts as off\n", policy);
	return heapctl_output(obj, numa_print);
}
