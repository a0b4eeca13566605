// SPDX-License-Identifier: GPL-2.0
/*
 * heapctl status, buffers and top: what the module and its heaps are
 * doing, for people and for scripts.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "heapctl.h"

/* ---- status ---- */

/* The features of /sys/kernel/chunk_heap/features, and why one is missing. */
static const struct {
	const char *name, *why;
} features[] = {
	{ "area_sizes", HEAPCTL_HINT_NO_SIZES },
	{ "per_node_areas", HEAPCTL_HINT_NO_NUMA },
	{ "numa_policy", HEAPCTL_HINT_NO_NUMA },
};

static bool has_word(const char *words, const char *word)
{
	size_t len = strlen(word);
	const char *p;

	for (p = words; (p = strstr(p, word)); p += len)
		if ((p == words || isspace((unsigned char)p[-1])) &&
		    (!p[len] || isspace((unsigned char)p[len])))
			return true;
	return false;
}

/* "features" and "missing_features"; a module without the file has all. */
static void add_features(struct json_object *obj)
{
	struct json_object *have, *missing;
	char path[PATH_MAX], buf[256] = "", *word, *save;
	size_t i;
	int err;

	heapctl_path(path, sizeof(path), SYSFS_DIR "/features");
	err = heapctl_read(path, buf, sizeof(buf));
	if (err && err != -ENOENT) {
		heapctl_warn(path, -err, NULL);
		json_object_object_add(obj, "features", NULL);
		json_object_object_add(obj, "missing_features", NULL);
		return;
	}
	have = json_object_new_array();
	missing = json_object_new_array();
	if (err) {
		for (i = 0; i < ARRAY_SIZE(features); i++)
			json_object_array_add(have, json_object_new_string(features[i].name));
	} else {
		/* Words heapctl does not know yet are listed too. */
		for (word = strtok_r(buf, " \t", &save); word; word = strtok_r(NULL, " \t", &save))
			json_object_array_add(have, json_object_new_string(word));
		heapctl_read(path, buf, sizeof(buf));
		for (i = 0; i < ARRAY_SIZE(features); i++) {
			struct json_object *m;

			if (has_word(buf, features[i].name))
				continue;
			m = json_object_new_object();
			json_object_object_add(m, "feature", json_object_new_string(features[i].name));
			json_object_object_add(m, "why", json_object_new_string(features[i].why));
			json_object_array_add(missing, m);
		}
	}
	json_object_object_add(obj, "features", have);
	json_object_object_add(obj, "missing_features", missing);
}

/*
 * systemctl is-active chunk-heap.service, or NULL: under --root (the unit
 * is the host's, not the tree's) or without systemctl.
 */
static struct json_object *unit_state(void)
{
	char buf[64];
	ssize_t n = 0, r;
	int fds[2], status;
	pid_t pid;

	if (heapctl_has_root() || pipe2(fds, O_CLOEXEC))
		return NULL;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return NULL;
	}
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		dup2(fds[1], STDOUT_FILENO);
		if (null >= 0)
			dup2(null, STDERR_FILENO);
		execlp("systemctl", "systemctl", "is-active", "chunk-heap.service", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	while (n < (ssize_t)sizeof(buf) - 1 &&
	       (r = read(fds[0], buf + n, sizeof(buf) - 1 - n)) > 0)
		n += r;
	close(fds[0]);
	/* is-active exits 3 for inactive units, but says which state. */
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) == 127)
		return NULL;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf[0] ? json_object_new_string(buf) : NULL;
}

/* Totals over the heaps' list attributes; all null without configfs. */
static void add_totals(struct json_object *obj)
{
	static const char *const keys[] = { "bytes", "buffers", "pool_ready", "failures" };
	uint64_t sum[ARRAY_SIZE(keys)] = {}, v, heaps = 0, enabled = 0;
	char path[PATH_MAX], **names;
	struct json_object *en;
	bool ok = false;
	size_t k;
	int i;

	heapctl_path(path, sizeof(path), CONFIGFS_DIR);
	if (heapctl_is_dir(path) && !heap_names(&names)) {
		ok = true;
		for (i = 0; names[i]; i++) {
			struct json_object *h = heap_to_json(names[i], HEAP_LIST);

			heaps++;
			if (json_object_object_get_ex(h, "enabled", &en) && en &&
			    json_object_get_boolean(en))
				enabled++;
			for (k = 0; k < ARRAY_SIZE(keys); k++)
				if (heapctl_ju64(h, keys[k], &v))
					sum[k] += v;
			json_object_put(h);
		}
		heapctl_free_list(names);
	}
	json_object_object_add(obj, "heaps", ok ? json_object_new_uint64(heaps) : NULL);
	json_object_object_add(obj, "enabled_heaps", ok ? json_object_new_uint64(enabled) : NULL);
	for (k = 0; k < ARRAY_SIZE(keys); k++)
		json_object_object_add(obj, keys[k], ok ? json_object_new_uint64(sum[k]) : NULL);
}

/* A line "key: value" of status, the value from the JSON as text. */
static void status_line(struct json_object *obj, const char *key, bool size)
{
	char label[32], buf[64];

	snprintf(label, sizeof(label), "%s:", key);
	printf("%-17s %s\n", label, heapctl_jtext(obj, key, size, buf, sizeof(buf)));
}

static void status_print(struct json_object *obj)
{
	struct json_object *arr;
	size_t i, n;

	status_line(obj, "loaded", false);
	status_line(obj, "module_version", false);
	printf("%-17s", "features:");
	if (!json_object_object_get_ex(obj, "features", &arr) || !arr)
		printf(" -");
	else if (!json_object_array_length(arr))
		printf(" none");
	for (i = 0; arr && i < json_object_array_length(arr); i++)
		printf(" %s", json_object_get_string(json_object_array_get_idx(arr, i)));
	putchar('\n');
	json_object_object_get_ex(obj, "missing_features", &arr);
	n = arr ? json_object_array_length(arr) : 0;
	if (!n)
		printf("%-17s %s\n", "missing_features:", arr ? "none" : "-");
	for (i = 0; i < n; i++) {
		struct json_object *m = json_object_array_get_idx(arr, i);

		printf("%-17s %s: %s\n", i ? "" : "missing_features:",
		       heapctl_jstr(m, "feature"), heapctl_jstr(m, "why"));
	}
	status_line(obj, "numa_policy", false);
	status_line(obj, "unit", false);
	status_line(obj, "heaps", false);
	status_line(obj, "enabled_heaps", false);
	status_line(obj, "bytes", true);
	status_line(obj, "buffers", false);
	status_line(obj, "pool_ready", true);
	status_line(obj, "failures", false);
}

int cmd_status(const struct heapctl_cmd *cmd, int argc, char **argv)
{
	struct json_object *obj;
	char path[PATH_MAX], buf[64], word[32];
	bool loaded;
	int ret, err;

	ret = heapctl_args(cmd, argc, argv, ARGS_JSON, 0, 0);
	if (ret >= 0)
		return ret;
	obj = heapctl_json_new();
	heapctl_path(path, sizeof(path), SYSFS_DIR);
	loaded = heapctl_is_dir(path);
	json_object_object_add(obj, "loaded", json_object_new_boolean(loaded));

	/* MODULE_VERSION, from 0.5; null for a module without one. */
	heapctl_path(path, sizeof(path), "/sys/module/chunk_heap/version");
	err = heapctl_read(path, buf, sizeof(buf));
	if (err && err != -ENOENT)
		heapctl_warn(path, -err, NULL);
	json_object_object_add(obj, "module_version",
			       err || !buf[0] ? NULL : json_object_new_string(buf));

	if (loaded) {
		add_features(obj);
		err = heapctl_global_policy(word, sizeof(word), NULL);
		if (err && err != -ENOENT) {
			heapctl_path(path, sizeof(path), SYSFS_DIR "/numa_policy");
			heapctl_warn(path, -err, err == -EINVAL ? "unexpected content" : NULL);
		}
		json_object_object_add(obj, "numa_policy",
				       err ? NULL : json_object_new_string(word));
	} else {
		json_object_object_add(obj, "features", NULL);
		json_object_object_add(obj, "missing_features", NULL);
		json_object_object_add(obj, "numa_policy", NULL);
	}
	json_object_object_add(obj, "unit", unit_state());
	add_totals(obj);
	return heapctl_output(obj, status_print);
}

/* ---- buffers ---- */

static const struct heapctl_column buffer_columns[] = {
	{ .key = "pid" },
	{ .key = "comm" },
	{ .key = "fd" },
	{ .key = "heap" },
	{ .key = "size", .size = true },
	{ .key = "inode" },
};
static int buffer_sel[HEAPCTL_MAX_COLUMNS], buffer_nsel;

/* The value of "KEY:\tVALUE" in an fdinfo file, or NULL. */
static const char *fdinfo_field(const char *info, const char *key, char *buf, size_t size)
{
	size_t len = strlen(key);
	const char *p;

	for (p = info; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, len) && p[len] == ':') {
			p += len + 1;
			p += strspn(p, " \t");
			snprintf(buf, size, "%.*s", (int)strcspn(p, "\n"), p);
			return buf;
		}
	return NULL;
}

static struct json_object *u64_field(const char *info, const char *key)
{
	char buf[32], *end;
	unsigned long long v;

	if (!fdinfo_field(info, key, buf, sizeof(buf)) || !isdigit((unsigned char)buf[0]))
		return NULL;
	v = strtoull(buf, &end, 10);
	return *end ? NULL : json_object_new_uint64(v);
}

/* Whether a dma-buf of exporter @exp is one buffers lists. */
static bool wanted(const char *exp, const char *name)
{
	char path[PATH_MAX];

	if (name)
		return !strcmp(exp, name);
	if (!heapctl_valid_name(exp))
		return false;
	heapctl_path(path, sizeof(path), CONFIGFS_DIR "/%s", exp);
	return heapctl_is_dir(path);
}

/* The chunk-heap dma-bufs process @pid holds; nothing if it cannot be read. */
static void scan_process(const char *pid, const char *name, struct json_object *rows)
{
	char path[PATH_MAX], info[4096], comm[64], exp[256], **fds;
	int i;

	heapctl_path(path, sizeof(path), "/proc/%s/fdinfo", pid);
	/* Processes come and go, and others' may be closed to us: skip them. */
	if (heapctl_list_dir(path, &fds))
		return;
	heapctl_path(path, sizeof(path), "/proc/%s/comm", pid);
	if (heapctl_read(path, comm, sizeof(comm)))
		comm[0] = '\0';
	for (i = 0; fds[i]; i++) {
		struct json_object *row;

		heapctl_path(path, sizeof(path), "/proc/%s/fdinfo/%s", pid, fds[i]);
		if (heapctl_read(path, info, sizeof(info)) ||
		    !fdinfo_field(info, "exp_name", exp, sizeof(exp)) || !wanted(exp, name))
			continue;
		row = json_object_new_object();
		json_object_object_add(row, "pid", json_object_new_int(atoi(pid)));
		json_object_object_add(row, "comm", comm[0] ? json_object_new_string(comm) : NULL);
		json_object_object_add(row, "fd", json_object_new_int(atoi(fds[i])));
		json_object_object_add(row, "heap", json_object_new_string(exp));
		json_object_object_add(row, "size", u64_field(info, "size"));
		json_object_object_add(row, "inode", u64_field(info, "ino"));
		json_object_array_add(rows, row);
	}
	heapctl_free_list(fds);
}

static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

static int cmp_buffers(const void *x, const void *y)
{
	struct json_object *const *a = x, *const *b = y;
	uint64_t pa = 0, pb = 0, fa = 0, fb = 0;

	heapctl_ju64(*a, "pid", &pa);
	heapctl_ju64(*b, "pid", &pb);
	heapctl_ju64(*a, "fd", &fa);
	heapctl_ju64(*b, "fd", &fb);
	if (pa != pb)
		return pa < pb ? -1 : 1;
	return fa < fb ? -1 : fa > fb;
}

static void buffers_print(struct json_object *obj)
{
	struct json_object *rows = json_object_object_get(obj, "buffers");

	if (!json_object_array_length(rows)) {
		if (!heapctl_out.noheadings)
			puts("no buffers");
		return;
	}
	heapctl_print_rows(buffer_columns, buffer_sel, buffer_nsel, rows);
}

int cmd_buffers(const struct heapctl_cmd *cmd, int argc, char **argv)
{
	struct json_object *obj, *rows;
	const char *name = NULL;
	char path[PATH_MAX], **pids;
	int ret, err, i;

	ret = heapctl_args(cmd, argc, argv, ARGS_JSON | ARGS_TABLE, 0, 1);
	if (ret >= 0)
		return ret;
	if (optind < argc) {
		name = argv[optind];
		ret = heapctl_name_arg(name, true);
		if (ret)
			return ret;
	}
	buffer_nsel = heapctl_columns(cmd, buffer_columns, ARRAY_SIZE(buffer_columns),
				      buffer_sel);
	if (buffer_nsel < 0)
		return EXIT_USAGE;
	heapctl_path(path, sizeof(path), "/proc");
	err = heapctl_list_dir(path, &pids);
	if (err)
		return heapctl_fail(path, -err, NULL);
	rows = json_object_new_array();
	for (i = 0; pids[i]; i++)
		if (all_digits(pids[i]))
			scan_process(pids[i], name, rows);
	heapctl_free_list(pids);
	json_object_array_sort(rows, cmp_buffers);
	obj = heapctl_json_new();
	json_object_object_add(obj, "buffers", rows);
	return heapctl_output(obj, buffers_print);
}

/* ---- top ---- */

/*
 * top's figures per heap and interval. Allocations are the latency
 * histogram's counts, which count every successful allocation once
 * (cma_calls also counts the pool's refills, pool_hits only with a pool).
 */
static const struct heapctl_column top_columns[] = {
	{ .key = "name" },
	{ .key = "allocs", .hidden = true },
	{ .key = "allocs_per_s" },
	{ .key = "failures_per_s" },
	{ .key = "bytes", .size = true },
	{ .key = "p50_us" },
	{ .key = "p99_us" },
};
static int top_sel[HEAPCTL_MAX_COLUMNS], top_nsel;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The heaps' top attributes: an array of heap_to_json(..., HEAP_TOP). */
static struct json_object *top_sample(char **names)
{
	struct json_object *arr = json_object_new_array();
	char **all = NULL;
	int i;

	if (!names) {
		if (heap_names(&all)) {
			json_object_put(arr);
			return NULL;
		}
		names = all;
	}
	for (i = 0; names[i]; i++) {
		char path[PATH_MAX];

		heap_path(path, sizeof(path), names[i], NULL);
		if (heapctl_is_dir(path))
			json_object_array_add(arr, heap_to_json(names[i], HEAP_TOP));
	}
	heapctl_free_list(all);
	return arr;
}

static struct json_object *find_heap(struct json_object *arr, const char *name)
{
	size_t i, n = arr ? json_object_array_length(arr) : 0;

	for (i = 0; i < n; i++) {
		struct json_object *h = json_object_array_get_idx(arr, i);

		if (!strcmp(heapctl_jstr(h, "name"), name))
			return h;
	}
	return NULL;
}

/*
 * The latency histogram's deltas from @old to @cur into @delta (the
 * floors in @floor); the number of buckets, or -1 if they cannot be
 * compared (no histogram, a bucket unread, counters that went back).
 */
static int hist_delta(struct json_object *old, struct json_object *cur,
		      uint64_t *floor, uint64_t *delta, int max)
{
	struct json_object *a, *b;
	uint64_t va, vb;
	int i, n;

	if (!json_object_object_get_ex(old, "latency", &a) || !a ||
	    !json_object_object_get_ex(cur, "latency", &b) || !b ||
	    (n = json_object_array_length(b)) != (int)json_object_array_length(a) || n > max)
		return -1;
	for (i = 0; i < n; i++) {
		struct json_object *oa = json_object_array_get_idx(a, i);
		struct json_object *ob = json_object_array_get_idx(b, i);

		if (!heapctl_ju64(oa, "count", &va) || !heapctl_ju64(ob, "count", &vb) ||
		    vb < va || !heapctl_ju64(ob, "floor_us", &floor[i]))
			return -1;
		delta[i] = vb - va;
	}
	return n;
}

/* The floor of the bucket that holds the allocation of rank @rank. */
static uint64_t hist_rank(const uint64_t *floor, const uint64_t *delta, int n, uint64_t rank)
{
	uint64_t seen = 0;
	int i;

	for (i = 0; i < n; i++) {
		seen += delta[i];
		if (seen >= rank)
			return floor[i];
	}
	return floor[n - 1];
}

/* @v as a JSON number written as @fmt ("%.1f"), not with 17 digits. */
static struct json_object *fixed(const char *fmt, double v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), fmt, v);
	return json_object_new_double_s(atof(buf), buf);
}

static struct json_object *rate(double v)
{
	return fixed("%.1f", v);
}

/* One heap's row for the interval @dt from @old (NULL: new) to @cur. */
static struct json_object *top_row(struct json_object *old, struct json_object *cur, double dt)
{
	struct json_object *row = json_object_new_object(), *v;
	uint64_t floor[64], delta[64], total = 0, fa, fb;
	int i, n = old ? hist_delta(old, cur, floor, delta, 64) : -1;

	json_object_object_add(row, "name", json_object_new_string(heapctl_jstr(cur, "name")));
	for (i = 0; i < n; i++)
		total += delta[i];
	json_object_object_add(row, "allocs", n < 0 ? NULL : json_object_new_uint64(total));
	json_object_object_add(row, "allocs_per_s", n < 0 ? NULL : rate(total / dt));
	json_object_object_add(row, "failures_per_s",
			       old && heapctl_ju64(old, "failures", &fa) &&
			       heapctl_ju64(cur, "failures", &fb) && fb >= fa ?
			       rate((fb - fa) / dt) : NULL);
	v = json_object_object_get(cur, "bytes");
	json_object_object_add(row, "bytes", v ? json_object_get(v) : NULL);
	/* Nearest rank: the p-th percentile is the ceil(p * total)-th allocation. */
	json_object_object_add(row, "p50_us", n <= 0 || !total ? NULL :
			       json_object_new_uint64(hist_rank(floor, delta, n, (total + 1) / 2)));
	json_object_object_add(row, "p99_us", n <= 0 || !total ? NULL :
			       json_object_new_uint64(hist_rank(floor, delta, n,
								(total * 99 + 99) / 100)));
	return row;
}

/* "-i SECONDS": a positive decimal number, at most a day. */
static int parse_interval(const char *s, double *v)
{
	char *end;

	if (!isdigit((unsigned char)*s) || strspn(s, "0123456789.") != strlen(s))
		return -EINVAL;
	*v = strtod(s, &end);
	if (*end || !(*v > 0) || *v > 86400)
		return -ERANGE;
	return 0;
}

static void sleep_s(double s)
{
	struct timespec ts = { .tv_sec = (time_t)s,
			       .tv_nsec = (long)((s - (time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int cmd_top(const struct heapctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		ARGS_JSON_LONGOPTS,
		ARGS_TABLE_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct json_object *prev, *cur = NULL;
	double interval = 1, t0, t1;
	uint64_t count = 0, k;
	char **names = NULL;
	int opt, ret, i;

	while ((opt = heapctl_getopt(argc, argv, "i:c:h" ARGS_JSON_OPTS ARGS_TABLE_OPTS,
				  opts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			if (parse_interval(optarg, &interval))
				return heapctl_usage_error(
					"--interval takes seconds, more than 0 and at most 86400 (0.5)");
			break;
		case 'c':
			if (heapctl_parse_uint(optarg, UINT_MAX, &count) || !count)
				return heapctl_usage_error("--count takes 1 to 4294967295");
			break;
		case 'h':
			heapctl_cmd_usage(cmd, stdout, true);
			return EXIT_OK;
		default:
			if (opt != '?' && heapctl_out_option(opt))
				break;
			return heapctl_bad_usage(cmd);
		}
	}
	top_nsel = heapctl_columns(cmd, top_columns, ARRAY_SIZE(top_columns), top_sel);
	if (top_nsel < 0)
		return EXIT_USAGE;
	for (i = optind; i < argc; i++) {
		ret = heapctl_name_arg(argv[i], false);
		if (!ret)
			ret = heap_check(argv[i]);
		if (ret)
			return ret;
	}
	if (optind < argc) {
		/* A NULL-ended copy, for top_sample(). */
		names = calloc(argc - optind + 1, sizeof(*names));
		if (!names)
			return heapctl_fail("heapctl", ENOMEM, NULL);
		for (i = optind; i < argc; i++)
			names[i - optind] = strdup(argv[i]);
	}
	t0 = now_s();
	prev = top_sample(names);
	if (!prev) {
		heapctl_free_list(names);
		return EXIT_FAIL;
	}
	for (k = 0; !count || k < count; k++) {
		struct json_object *obj, *rows;
		size_t j;

		sleep_s(interval);
		t1 = now_s();
		cur = top_sample(names);
		if (!cur)
			break;
		rows = json_object_new_array();
		for (j = 0; j < json_object_array_length(cur); j++) {
			struct json_object *h = json_object_array_get_idx(cur, j);

			json_object_array_add(rows, top_row(find_heap(prev, heapctl_jstr(h, "name")),
							    h, t1 - t0));
		}
		obj = heapctl_json_new();
		json_object_object_add(obj, "time", json_object_new_int64(time(NULL)));
		json_object_object_add(obj, "interval_s", fixed("%.3f", t1 - t0));
		json_object_object_add(obj, "heaps", rows);
		if (heapctl_out.json) {
			heapctl_json_print(obj);
		} else {
			if (k && !heapctl_out.noheadings)
				putchar('\n');
			heapctl_print_rows(top_columns, top_sel, top_nsel, rows);
		}
		json_object_put(obj);
		/* Each interval as it comes, also into a pipe. */
		if (fflush(stdout))
			break;
		json_object_put(prev);
		prev = cur;
		t0 = t1;
	}
	json_object_put(prev);
	heapctl_free_list(names);
	return heapctl_status() ? heapctl_status() : (cur ? EXIT_OK : EXIT_FAIL);
}
