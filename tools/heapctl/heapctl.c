// SPDX-License-Identifier: GPL-2.0
/*
 * heapctl: drive chunk heaps through their configfs, sysfs and
 * /dev/dma_heap interfaces.
 *
 * This file holds the command table, the options every command shares,
 * error reporting and output: each read command builds one json-c object
 * and prints it either as JSON or as text from that object.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "heapctl.h"

#define JSON_OPTION_HELP \
	"  -j, --json            print JSON instead of text (one line)\n" \
	"  -p, --pretty          print the JSON indented\n"
#define TABLE_OPTION_HELP \
	"  -o, --output COLUMNS  the columns to print, comma-separated (any case)\n" \
	"  -n, --noheadings      print no heading line\n" \
	"  -b, --bytes           print sizes as numbers of bytes\n"

static const struct heapctl_cmd commands[] = {
	{ "list", cmd_list, "[-j] [-p] [-o COLUMNS] [-n] [-b]", "list the heaps",
	  "List every heap: its CMA area, chunk size, state, bytes in use against\n"
	  "its quota (max_bytes, unlimited if 0), live buffers, the pool's ready\n"
	  "bytes and failed allocations.\n\n" JSON_OPTION_HELP TABLE_OPTION_HELP
	  "\ncolumns: NAME CMA_AREA CHUNK_ORDER CHUNK_SIZE ENABLED BYTES MAX_BYTES\n"
	  "         BUFFERS POOL_READY FAILURES (all but CHUNK_ORDER by default)\n" },
	{ "show", cmd_show, "[-j] [-p] NAME", "show everything about one heap",
	  "Show every attribute of heap NAME, with its bytes per CMA area and per\n"
	  "NUMA node. Attributes the module does not have are shown as \"-\"\n"
	  "(null in JSON).\n\n" JSON_OPTION_HELP },
	{ "status", cmd_status, "[-j] [-p]", "show the module, its features and totals",
	  "Show the chunk_heap module's version, the features the running kernel\n"
	  "allows (and why one is missing), the global NUMA policy, the state of\n"
	  "chunk-heap.service, and totals over the heaps.\n\n" JSON_OPTION_HELP },
	{ "buffers", cmd_buffers, "[-j] [-p] [-o COLUMNS] [-n] [-b] [NAME]",
	  "list the processes that hold chunk-heap buffers",
	  "List the dma-buf file descriptors of chunk heaps (or of heap NAME, any\n"
	  "dma-buf heap) that processes hold, from /proc/PID/fdinfo. Processes\n"
	  "heapctl cannot read are left out: run it as root to see all. Buffers\n"
	  "held only by a mapping or by a device are not listed.\n\n"
	  JSON_OPTION_HELP TABLE_OPTION_HELP
	  "\ncolumns: PID COMM FD HEAP SIZE INODE\n" },
	{ "top", cmd_top, "[-i SECONDS] [-c COUNT] [-j] [-p] [-o COLUMNS] [-n] [-b] [NAME...]",
	  "show the heaps' activity every interval",
	  "Every SECONDS, print for each heap (or each NAME) the allocations and\n"
	  "failures per second, the bytes in use, and the median and 99th\n"
	  "percentile latency of the interval's allocations, from the latency\n"
	  "histogram: the floor of the bucket they fall in (the real value is\n"
	  "below twice that). One table, or one JSON line, per interval.\n\n"
	  "  -i, --interval SECONDS  seconds between samples (default 1; 0.1 works)\n"
	  "  -c, --count COUNT       stop after COUNT intervals (default: never)\n"
	  JSON_OPTION_HELP TABLE_OPTION_HELP
	  "\ncolumns: NAME ALLOCS_PER_S FAILURES_PER_S BYTES P50_US P99_US\n" },
	{ "create", cmd_create,
	  "NAME --area AREA (--order N | --chunk-size SIZE) [--max SIZE]\n"
	  "                      [--numa-policy POLICY] [--enable]",
	  "create a heap",
	  "Make heap NAME (mkdir), set its chunk order and then its CMA area, its\n"
	  "quota and NUMA policy, and enable it if asked. If any step fails, the\n"
	  "heap is removed again, so nothing is left half-made.\n\n"
	  "  -a, --area AREA            CMA area, as in /sys/kernel/mm/cma/\n"
	  "  -o, --order N              chunk order (chunks of PAGE_SIZE << N, up to 1 GiB)\n"
	  "  -c, --chunk-size SIZE      chunk size instead of order: a power of two\n"
	  "                             of at least a page (64K, 2M)\n"
	  "  -m, --max SIZE             quota on live bytes (24M, 1G); 0 = unlimited\n"
	  "  -p, --numa-policy POLICY   default, off, local, bind or interleave\n"
	  "  -e, --enable               enable the heap: /dev/dma_heap/NAME\n" },
	{ "enable", cmd_enable, "NAME", "enable a heap",
	  "Enable heap NAME: /dev/dma_heap/NAME serves allocations.\n" },
	{ "disable", cmd_enable, "NAME", "disable a heap",
	  "Disable heap NAME: allocations in progress finish, later ones fail\n"
	  "with ENODEV. Live buffers stay valid.\n" },
	{ "destroy", cmd_destroy, "NAME", "remove a heap",
	  "Remove heap NAME (rmdir); it is disabled first. Live buffers stay\n"
	  "valid and give their chunks back when released. The device node stays\n"
	  "until reboot (the dma-heap framework cannot remove one).\n" },
	{ "set", cmd_set,
	  "NAME [--max SIZE] [--numa-policy POLICY] [--pool SIZE] [--pool-min SIZE]",
	  "change a live heap",
	  "Change the quota, NUMA policy, pool or pool floor of heap NAME, enabled\n"
	  "or not. All or nothing: if one value is refused, those already written\n"
	  "are put back.\n\n"
	  "  -m, --max SIZE             quota on live bytes (24M, 1G); 0 = unlimited\n"
	  "  -p, --numa-policy POLICY   default, off, local, bind or interleave\n"
	  "  -P, --pool SIZE            bytes of pre-zeroed chunks to keep (a module\n"
	  "                             with pool_bytes); 0 = no pool\n"
	  "  -M, --pool-min SIZE        bytes of the pool that memory reclaim never\n"
	  "                             takes, in whole chunks, at most the pool (a\n"
	  "                             module with pool_min_bytes); 0 = no floor\n" },
	{ "clear", cmd_clear_recorded, "[--recorded FILE]", "remove every heap",
	  "Remove every heap, as destroy does. The global NUMA policy is left\n"
	  "alone. Goes on past a heap it cannot remove, and then exits 1.\n\n"
	  "  -R, --recorded FILE   remove only the heaps FILE names, those that\n"
	  "                        restore --record FILE made; FILE then names\n"
	  "                        those left, or is removed\n" },
	{ "areas", cmd_areas, "[-j] [-p] [-o COLUMNS] [-n] [-b]", "list the CMA areas",
	  "List the CMA areas with their NUMA node, size and free space. Free\n"
	  "space comes from debugfs (/sys/kernel/debug/cma) and is \"-\" (null)\n"
	  "when debugfs is not mounted.\n\n" JSON_OPTION_HELP TABLE_OPTION_HELP
	  "\ncolumns: NAME NODE SIZE FREE\n" },
	{ "numa", cmd_numa, "[-j] [-p] [POLICY]", "show or set the global NUMA policy",
	  "Without POLICY, show the module's NUMA policy and whether per-node\n"
	  "placement is possible (numa_active). With POLICY (off, local, bind or\n"
	  "interleave), set it.\n\n" JSON_OPTION_HELP },
	{ "alloc", cmd_alloc, "NAME SIZE [--count N] [--hold SECONDS] [--verify] [-j] [-p]",
	  "allocate dma-bufs from a heap and time them",
	  "Allocate SIZE bytes (64K, 24M, 1G) from /dev/dma_heap/NAME, COUNT times\n"
	  "(default 1), and report the latency. Each buffer is released before the\n"
	  "next is allocated, unless --hold is given: then all COUNT buffers are\n"
	  "held together for SECONDS. --verify maps each buffer, checks that it is\n"
	  "zeroed, writes a pattern and reads it back.\n\n"
	  "  -c, --count N          allocate N buffers, 1 to 65536 (default 1)\n"
	  "  -H, --hold SECONDS     hold all the buffers together for SECONDS\n"
	  "  -v, --verify           check that each buffer is zeroed and works\n"
	  "  -j, --json             print one JSON object, with the latency in us\n"
	  "  -p, --pretty           print the JSON indented\n" },
	{ "save", cmd_save, "[FILE]", "save the heap configuration as JSON",
	  "Write the configuration of every heap, and the global NUMA policy, as\n"
	  "JSON to FILE (default " HEAPCTL_CONFIG_FILE "), or to standard\n"
	  "output if FILE is \"-\". FILE is replaced atomically, with mode 0600.\n"
	  "Every writable attribute is saved (area, order, quota, pool and its\n"
	  "floor, policy, state); one the module lacks is left out, with a note.\n"
	  "If anything cannot be read, nothing is written.\n" },
	{ "restore", cmd_restore, "[--force] [--dry-run] [--record STATE] [FILE]",
	  "restore a saved configuration",
	  "Make the heaps FILE describes (default " HEAPCTL_CONFIG_FILE ",\n"
	  "\"-\": standard input) and set the global NUMA policy. A heap that\n"
	  "exists with the same settings is left alone.\n"
	  "One that exists with other settings is refused, and nothing is\n"
	  "changed, unless --force is given: then it is disabled if its area or\n"
	  "order change, rewritten, and enabled again as saved. Heaps that FILE\n"
	  "does not name are left alone, except with --record. An attribute the\n"
	  "module lacks, or a NUMA policy the kernel does not support, is skipped\n"
	  "with a note.\n\n"
	  "  -f, --force          rewrite existing heaps whose settings differ\n"
	  "  -n, --dry-run        check FILE and say what would change, change nothing\n"
	  "  -R, --record STATE   STATE names the heaps restore made: remove those\n"
	  "                       FILE no longer names, then add the ones made now\n"
	  "                       (chunk-heap.service: /run/chunk_heap/unit-heaps)\n" },
};

/* ---- errors ---- */

static bool warned;

int heapctl_usage_error(const char *msg)
{
	fprintf(stderr, "heapctl: %s\n", msg);
	return EXIT_USAGE;
}

static void print_error(const char *what, int err, const char *hint)
{
	fprintf(stderr, "heapctl: %s: %s%s%s\n", what, strerror(err),
		hint ? ": " : "", hint ? hint : "");
}

int heapctl_fail(const char *what, int err, const char *hint)
{
	print_error(what, err, hint);
	return EXIT_FAIL;
}

int heapctl_failf(const char *fmt, ...)
{
	va_list ap;

	fputs("heapctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

void heapctl_warn(const char *what, int err, const char *hint)
{
	print_error(what, err, hint);
	warned = true;
}

static const struct heapctl_hint generic_hints[] = {
	{ NULL, EACCES, "run heapctl as root" },
	{ NULL, EPERM, "run heapctl as root" },
	{ "numa_policy", EOPNOTSUPP, HEAPCTL_HINT_NO_NUMA },
	{}
};

static const struct heapctl_hint open_hints[] = {
	{ NULL, ENOENT, HEAPCTL_HINT_NO_ATTR },
	{ NULL, EISDIR, "not an attribute file" },
	{}
};

static const char *find_hint(const struct heapctl_hint *t, const char *attr, int err)
{
	for (; t->hint; t++)
		if (t->err == err && (!t->attr || !strcmp(t->attr, attr)))
			return t->hint;
	return NULL;
}

const char *heapctl_hint(const struct heapctl_hint *table, const char *attr,
			 int err, bool at_open)
{
	const char *hint = at_open ? find_hint(open_hints, attr, err) :
			   table ? find_hint(table, attr, err) : NULL;

	return hint ? hint : find_hint(generic_hints, attr, err);
}

int heapctl_name_arg(const char *name, bool any_heap)
{
	char msg[160];

	if (any_heap ? heapctl_valid_device_name(name) : heapctl_valid_name(name))
		return 0;
	snprintf(msg, sizeof(msg), "'%.70s' is not a heap name: %s", name,
		 any_heap ? "1 to 255 printable characters, no white space or '/'"
			  : "1 to 63 characters from [A-Za-z0-9._-]");
	return heapctl_usage_error(msg);
}

/* ---- output ---- */

int heapctl_status(void)
{
	return warned ? EXIT_FAIL : EXIT_OK;
}

const char *heapctl_json_text(struct json_object *obj)
{
	return json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
						   JSON_C_TO_STRING_SPACED |
						   JSON_C_TO_STRING_NOSLASHESCAPE);
}

struct json_object *heapctl_json_new(void)
{
	struct json_object *obj = json_object_new_object();

	json_object_object_add(obj, "version", json_object_new_int(HEAPCTL_JSON_VERSION));
	return obj;
}

void heapctl_json_print(struct json_object *obj)
{
	puts(heapctl_out.pretty ? heapctl_json_text(obj) :
	     json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
						 JSON_C_TO_STRING_NOSLASHESCAPE));
}

int heapctl_output(struct json_object *obj, void (*text)(struct json_object *obj))
{
	if (heapctl_out.json)
		heapctl_json_print(obj);
	else
		text(obj);
	json_object_put(obj);
	return heapctl_status();
}

const char *heapctl_jstr(struct json_object *obj, const char *key)
{
	struct json_object *val;

	if (!json_object_object_get_ex(obj, key, &val) ||
	    !json_object_is_type(val, json_type_string))
		return NULL;
	return json_object_get_string(val);
}

bool heapctl_ju64(struct json_object *obj, const char *key, uint64_t *v)
{
	struct json_object *val;

	if (!json_object_object_get_ex(obj, key, &val) ||
	    !json_object_is_type(val, json_type_int))
		return false;
	*v = json_object_get_uint64(val);
	return true;
}

const char *heapctl_jtext(struct json_object *obj, const char *key, bool size,
			  char *buf, size_t len)
{
	struct json_object *val;
	uint64_t v;

	if (!json_object_object_get_ex(obj, key, &val) || !val)
		return "-";
	switch (json_object_get_type(val)) {
	case json_type_string:
		return json_object_get_string(val);
	case json_type_boolean:
		return json_object_get_boolean(val) ? "yes" : "no";
	case json_type_int:
		v = json_object_get_uint64(val);
		if (size)
			heapctl_format_size(buf, len, v);
		else
			snprintf(buf, len, "%" PRIu64, v);
		return buf;
	case json_type_double:
		snprintf(buf, len, "%.1f", json_object_get_double(val));
		return buf;
	default:
		return "-";
	}
}

struct table {
	int ncols, nrows;
	char **cells;
};

static void *xalloc(void *p)
{
	if (!p) {
		perror("heapctl");
		exit(EXIT_FAIL);
	}
	return p;
}

static void table_add_cells(struct table *t, const char *const *row)
{
	char **cells = xalloc(realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(*cells)));
	int i;

	t->cells = cells;
	cells += t->nrows++ * t->ncols;
	for (i = 0; i < t->ncols; i++)
		cells[i] = xalloc(strdup(row[i]));
}

static void table_vadd(struct table *t, va_list ap)
{
	const char *row[HEAPCTL_MAX_COLUMNS];
	int i;

	for (i = 0; i < t->ncols; i++)
		row[i] = va_arg(ap, const char *);
	table_add_cells(t, row);
}

static struct table *table_empty(int ncols)
{
	struct table *t = xalloc(calloc(1, sizeof(*t)));

	t->ncols = ncols;
	return t;
}

struct table *table_new(int ncols, ...)
{
	struct table *t = table_empty(ncols);
	va_list ap;

	va_start(ap, ncols);
	table_vadd(t, ap);
	va_end(ap);
	return t;
}

void table_add(struct table *t, ...)
{
	va_list ap;

	va_start(ap, t);
	table_vadd(t, ap);
	va_end(ap);
}

/* Print the rows with the columns aligned, then free the table. */
void table_print(struct table *t)
{
	int *width = xalloc(calloc(t->ncols, sizeof(*width))), r, c, n;

	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			n = strlen(t->cells[r * t->ncols + c]);
			if (n > width[c])
				width[c] = n;
		}
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			const char *cell = t->cells[r * t->ncols + c];

			if (c == t->ncols - 1)
				printf("%s\n", cell);
			else
				printf("%-*s  ", width[c], cell);
		}
	for (n = 0; n < t->nrows * t->ncols; n++)
		free(t->cells[n]);
	free(t->cells);
	free(t);
	free(width);
}

int heapctl_columns(const struct heapctl_cmd *cmd, const struct heapctl_column *cols,
		    size_t ncols, int *sel)
{
	const char *p = heapctl_out.columns;
	char valid[512] = "";
	size_t i, len;
	int n = 0;

	if (!p) {
		for (i = 0; i < ncols; i++)
			if (!cols[i].hidden)
				sel[n++] = i;
		return n;
	}
	for (;;) {
		len = strcspn(p, ",");
		for (i = 0; i < ncols; i++)
			if (strlen(cols[i].key) == len && !strncasecmp(p, cols[i].key, len))
				break;
		if (i == ncols || n == HEAPCTL_MAX_COLUMNS) {
			for (i = 0; i < ncols; i++) {
				size_t at = strlen(valid);

				snprintf(valid + at, sizeof(valid) - at, "%s%s", i ? "," : "",
					 cols[i].key);
			}
			for (i = 0; valid[i]; i++)
				valid[i] = toupper((unsigned char)valid[i]);
			if (n == HEAPCTL_MAX_COLUMNS)
				heapctl_cmd_usage_error(cmd, "at most %d columns", HEAPCTL_MAX_COLUMNS);
			else
				heapctl_cmd_usage_error(cmd, "unknown column '%.*s' (columns: %s)",
							(int)len, p, valid);
			return -1;
		}
		sel[n++] = i;
		if (!p[len])
			return n;
		p += len + 1;
	}
}

void heapctl_print_rows(const struct heapctl_column *cols, const int *sel, int nsel,
			struct json_object *rows)
{
	const char *row[HEAPCTL_MAX_COLUMNS];
	char buf[HEAPCTL_MAX_COLUMNS][64];
	size_t r, n = json_object_array_length(rows);
	struct table *t = table_empty(nsel);
	uint64_t v;
	int c;

	if (!heapctl_out.noheadings) {
		for (c = 0; c < nsel; c++) {
			const char *key = cols[sel[c]].key;
			size_t i;

			for (i = 0; key[i] && i < sizeof(buf[c]) - 1; i++)
				buf[c][i] = toupper((unsigned char)key[i]);
			buf[c][i] = '\0';
			row[c] = buf[c];
		}
		table_add_cells(t, row);
	}
	for (r = 0; r < n; r++) {
		struct json_object *o = json_object_array_get_idx(rows, r);

		for (c = 0; c < nsel; c++) {
			const struct heapctl_column *col = &cols[sel[c]];

			if (col->zero && !heapctl_out.bytes && heapctl_ju64(o, col->key, &v) && !v)
				row[c] = col->zero;
			else
				row[c] = heapctl_jtext(o, col->key, col->size && !heapctl_out.bytes,
						       buf[c], sizeof(buf[c]));
		}
		table_add_cells(t, row);
	}
	table_print(t);
}

/* ---- commands ---- */

void heapctl_cmd_usage(const struct heapctl_cmd *cmd, FILE *f, bool full)
{
	fprintf(f, "usage: heapctl %s %s\n", cmd->name, cmd->synopsis);
	if (full)
		fprintf(f, "\n%s", cmd->help);
}

struct heapctl_out heapctl_out;

int heapctl_cmd_usage_error(const struct heapctl_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("heapctl: ", stderr);
	if (cmd)
		fprintf(stderr, "%s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "; see 'heapctl %s --help'\n", cmd->name);
	else
		fputs("; see 'heapctl --help'\n", stderr);
	return EXIT_USAGE;
}

/* What the last heapctl_getopt() saw, for heapctl_bad_usage(). */
static struct {
	int argc, ret;
	char *const *argv;
	const char *optstring;
} last_getopt;

int heapctl_getopt(int argc, char *const *argv, const char *optstring,
		   const struct option *longopts, int *longind)
{
	/* getopt's own messages would be a second line. */
	opterr = 0;
	last_getopt.argc = argc;
	last_getopt.argv = argv;
	last_getopt.optstring = optstring;
	last_getopt.ret = getopt_long(argc, argv, optstring, longopts, longind);
	return last_getopt.ret;
}

/*
 * Say in one line what getopt refused: an unknown option, a missing
 * argument, or one given to an option that takes none.
 */
static int bad_option(const struct heapctl_cmd *cmd)
{
	const char *arg = optind > 0 && optind <= last_getopt.argc ?
			  last_getopt.argv[optind - 1] : "";
	const char *opts = last_getopt.optstring + strspn(last_getopt.optstring, "+:");
	const char *known = optopt ? strchr(opts, optopt) : NULL;

	if (!strncmp(arg, "--", 2)) {
		int len = strcspn(arg, "=");

		if (!optopt)
			return heapctl_cmd_usage_error(cmd, "unknown option '%.*s'", len, arg);
		if (arg[len])
			return heapctl_cmd_usage_error(cmd, "option '%.*s' takes no argument",
						       len, arg);
		return heapctl_cmd_usage_error(cmd, "option '%s' needs an argument", arg);
	}
	if (known && known[1] == ':')
		return heapctl_cmd_usage_error(cmd, "option '-%c' needs an argument", optopt);
	return heapctl_cmd_usage_error(cmd, "unknown option '-%c'", optopt);
}

int heapctl_bad_usage(const struct heapctl_cmd *cmd)
{
	int n;

	if (last_getopt.ret == '?' || last_getopt.ret == ':')
		return bad_option(cmd);
	/* The arguments: the commands that come here take at most one. */
	n = last_getopt.argc - optind;
	if (n <= 0)
		return heapctl_cmd_usage_error(cmd, "missing argument");
	return heapctl_cmd_usage_error(cmd, "unexpected argument '%s'",
				       last_getopt.argv[last_getopt.argc - 1]);
}

int heapctl_bad_args(const struct heapctl_cmd *cmd, int argc, char **argv,
		     int min, int max)
{
	if (argc - optind > max)
		return heapctl_cmd_usage_error(cmd, "unexpected argument '%s'",
					       argv[optind + max]);
	return heapctl_cmd_usage_error(cmd, "missing argument");
}

bool heapctl_out_option(int opt)
{
	switch (opt) {
	case 'j':
		heapctl_out.json = true;
		return true;
	case 'p':
		heapctl_out.pretty = true;
		return true;
	case 'o':
		heapctl_out.columns = optarg;
		return true;
	case 'n':
		heapctl_out.noheadings = true;
		return true;
	case 'b':
		heapctl_out.bytes = true;
		return true;
	}
	return false;
}

int heapctl_args(const struct heapctl_cmd *cmd, int argc, char **argv,
		 unsigned int flags, int min, int max)
{
	static const struct option all[] = {
		ARGS_JSON_LONGOPTS,
		ARGS_TABLE_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
	};
	struct option opts[ARRAY_SIZE(all) + 1] = {};
	char optstring[16] = "h";
	size_t i, n = 0;
	int opt;

	if (flags & ARGS_JSON)
		strcat(optstring, ARGS_JSON_OPTS);
	if (flags & ARGS_TABLE)
		strcat(optstring, ARGS_TABLE_OPTS);
	for (i = 0; i < ARRAY_SIZE(all); i++)
		if (strchr(optstring, all[i].val))
			opts[n++] = all[i];
	while ((opt = heapctl_getopt(argc, argv, optstring, opts, NULL)) != -1) {
		if (opt == 'h') {
			heapctl_cmd_usage(cmd, stdout, true);
			return EXIT_OK;
		}
		if (opt == '?' || !heapctl_out_option(opt))
			return heapctl_bad_usage(cmd);
	}
	if (argc - optind < min || argc - optind > max)
		return heapctl_bad_args(cmd, argc, argv, min, max);
	return -1;
}

int heapctl_simple_args(const struct heapctl_cmd *cmd, int argc, char **argv,
			bool *json, int min, int max)
{
	int ret = heapctl_args(cmd, argc, argv, json ? ARGS_JSON : 0, min, max);

	if (json)
		*json = heapctl_out.json;
	return ret;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: heapctl [--root DIR] [-j] [-p] COMMAND [ARGS...]\n"
		"\n"
		"Manage chunk_heap dma-buf heaps (/sys/kernel/config/chunk_heap).\n"
		"\n"
		"commands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f,
		"\n"
		"options:\n"
		"  -r, --root DIR   prefix every path with DIR (also $HEAPCTL_ROOT), for tests\n"
		"  -j, --json       read commands print JSON (one line), as their -j does\n"
		"  -p, --pretty     print the JSON indented\n"
		"  -V, --version    print the version\n"
		"  -h, --help       this help\n"
		"\n"
		"Run 'heapctl COMMAND --help' for a command's options. Exit status: 0 on\n"
		"success, 1 if an operation failed, 2 for a usage error.\n");
}

/*
 * The global options, before the command: "+" stops at the first
 * argument that is not an option, the command's name. Returns -1 to go
 * on, with optind at the command, or the exit code to return.
 */
static int global_options(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		ARGS_JSON_LONGOPTS,
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int opt;

	while ((opt = heapctl_getopt(argc, argv, "+r:jpVh", opts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			if (!*optarg)
				return heapctl_cmd_usage_error(NULL,
					"--root takes a directory, not an empty string");
			heapctl_set_root(optarg);
			break;
		case 'j':
		case 'p':
			heapctl_out_option(opt);
			break;
		case 'V':
			printf("heapctl %s\n", HEAPCTL_VERSION);
			return EXIT_OK;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			return bad_option(NULL);
		}
	}
	if (optind >= argc)
		return heapctl_cmd_usage_error(NULL, "no command given");
	return -1;
}

/*
 * Standard output is flushed and checked before heapctl exits: output
 * that could not be written (a full disk, a closed pipe) is a failure,
 * whatever the command did.
 */
static int close_stdout(int status)
{
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "heapctl: cannot write the output: %s\n",
			strerror(errno ? errno : EIO));
		return status == EXIT_OK ? EXIT_FAIL : status;
	}
	return status;
}

int main(int argc, char **argv)
{
	int ret;
	size_t i;

	if (getenv("HEAPCTL_ROOT"))
		heapctl_set_root(getenv("HEAPCTL_ROOT"));
	ret = global_options(argc, argv);
	if (ret >= 0)
		return close_stdout(ret);
	argc -= optind;
	argv += optind;
	/* Each command parses its own options from its name on. */
	optind = 0;
	last_getopt.ret = 0;
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[0], commands[i].name))
			return close_stdout(commands[i].fn(&commands[i], argc, argv));
	return heapctl_cmd_usage_error(NULL, "unknown command '%s'", argv[0]);
}
