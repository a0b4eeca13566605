// SPDX-License-Identifier: GPL-2.0
/*
 * heapctl: drive chunk heaps through their configfs, sysfs and
 * /dev/dma_heap interfaces.
 *
 * This file holds the command table, the options every command shares,
 * error reporting and output: each read command builds one json-c object
 * and prints it either as JSON or as text from that object.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapctl.h"

#define JSON_OPTION_HELP "  -j, --json    print JSON instead of text\n"

static const struct heapctl_cmd commands[] = {
	{ "list", cmd_list, "[-j]", "list the heaps",
	  "List every heap: its CMA area, chunk size, state, bytes in use and\n"
	  "live buffers.\n\n" JSON_OPTION_HELP },
	{ "show", cmd_show, "[-j] NAME", "show everything about one heap",
	  "Show every attribute of heap NAME, with its bytes per CMA area and per\n"
	  "NUMA node. Attributes the module does not have are shown as \"-\"\n"
	  "(null in JSON).\n\n" JSON_OPTION_HELP },
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
	{ "set", cmd_set, "NAME [--max SIZE] [--numa-policy POLICY] [--pool SIZE]",
	  "change a live heap",
	  "Change the quota, NUMA policy or pool of heap NAME, enabled or not.\n"
	  "All or nothing: if one value is refused, those already written are put\n"
	  "back.\n\n"
	  "  -m, --max SIZE             quota on live bytes (24M, 1G); 0 = unlimited\n"
	  "  -p, --numa-policy POLICY   default, off, local, bind or interleave\n"
	  "  -P, --pool SIZE            bytes of pre-zeroed chunks to keep (a module\n"
	  "                             with pool_bytes); 0 = no pool\n" },
	{ "clear", cmd_clear, "", "remove every heap",
	  "Remove every heap, as destroy does. The global NUMA policy is left\n"
	  "alone. Goes on past a heap it cannot remove, and then exits 1.\n" },
	{ "areas", cmd_areas, "[-j]", "list the CMA areas",
	  "List the CMA areas with their NUMA node, size and free space. Free\n"
	  "space comes from debugfs (/sys/kernel/debug/cma) and is \"-\" (null)\n"
	  "when debugfs is not mounted.\n\n" JSON_OPTION_HELP },
	{ "numa", cmd_numa, "[-j] [POLICY]", "show or set the global NUMA policy",
	  "Without POLICY, show the module's NUMA policy and whether per-node\n"
	  "placement is possible (numa_active). With POLICY (off, local, bind or\n"
	  "interleave), set it.\n\n" JSON_OPTION_HELP },
	{ "alloc", cmd_alloc, "NAME SIZE [--count N] [--hold SECONDS] [--verify]",
	  "allocate dma-bufs from a heap and time them",
	  "Allocate SIZE bytes (64K, 24M, 1G) from /dev/dma_heap/NAME, COUNT times\n"
	  "(default 1), and report the latency. Each buffer is released before the\n"
	  "next is allocated, unless --hold is given: then all COUNT buffers are\n"
	  "held together for SECONDS. --verify maps each buffer, checks that it is\n"
	  "zeroed, writes a pattern and reads it back.\n\n"
	  "  -c, --count N          allocate N buffers, 1 to 65536 (default 1)\n"
	  "  -H, --hold SECONDS     hold all the buffers together for SECONDS\n"
	  "  -v, --verify           check that each buffer is zeroed and works\n" },
	{ "save", cmd_save, "[FILE]", "save the heap configuration as JSON",
	  "Write the configuration of every heap, and the global NUMA policy, as\n"
	  "JSON to FILE (default " HEAPCTL_CONFIG_FILE "), or to standard\n"
	  "output if FILE is \"-\". FILE is replaced atomically, with mode 0600.\n"
	  "If anything cannot be read, nothing is written.\n" },
	{ "restore", cmd_restore, "[--force] [--dry-run] [FILE]", "restore a saved configuration",
	  "Make the heaps FILE describes (default " HEAPCTL_CONFIG_FILE ",\n"
	  "\"-\": standard input) and set the global NUMA policy. A heap that\n"
	  "exists with the same settings is left alone.\n"
	  "One that exists with other settings is refused, and nothing is\n"
	  "changed, unless --force is given: then it is disabled if its area or\n"
	  "order change, rewritten, and enabled again as saved. Heaps that FILE\n"
	  "does not name are left alone.\n\n"
	  "  -f, --force     rewrite existing heaps whose settings differ\n"
	  "  -n, --dry-run   check FILE and say what would change, change nothing\n" },
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

int heapctl_output(struct json_object *obj, bool json,
		   void (*text)(struct json_object *obj))
{
	if (json)
		puts(heapctl_json_text(obj));
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
	default:
		return "-";
	}
}

struct table {
	int ncols, nrows;
	char **cells;
};

static void table_vadd(struct table *t, va_list ap)
{
	char **cells = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(*cells));
	int i;

	if (!cells) {
		perror("heapctl");
		exit(EXIT_FAIL);
	}
	t->cells = cells;
	cells += t->nrows++ * t->ncols;
	for (i = 0; i < t->ncols; i++) {
		cells[i] = strdup(va_arg(ap, const char *));
		if (!cells[i]) {
			perror("heapctl");
			exit(EXIT_FAIL);
		}
	}
}

struct table *table_new(int ncols, ...)
{
	struct table *t = calloc(1, sizeof(*t));
	va_list ap;

	if (!t) {
		perror("heapctl");
		exit(EXIT_FAIL);
	}
	t->ncols = ncols;
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
	int *width = calloc(t->ncols, sizeof(*width)), r, c, n;

	if (!width) {
		perror("heapctl");
		exit(EXIT_FAIL);
	}
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

/* ---- commands ---- */

void heapctl_cmd_usage(const struct heapctl_cmd *cmd, FILE *f, bool full)
{
	fprintf(f, "usage: heapctl %s %s\n", cmd->name, cmd->synopsis);
	if (full)
		fprintf(f, "\n%s", cmd->help);
}

int heapctl_bad_usage(const struct heapctl_cmd *cmd)
{
	heapctl_cmd_usage(cmd, stderr, false);
	fprintf(stderr, "Run 'heapctl %s --help' for more.\n", cmd->name);
	return EXIT_USAGE;
}

int heapctl_simple_args(const struct heapctl_cmd *cmd, int argc, char **argv,
			bool *json, int min, int max)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int opt;

	while ((opt = getopt_long(argc, argv, json ? "jh" : "h", json ? opts : opts + 1,
				  NULL)) != -1) {
		switch (opt) {
		case 'j':
			*json = true;
			break;
		case 'h':
			heapctl_cmd_usage(cmd, stdout, true);
			return EXIT_OK;
		default:
			return heapctl_bad_usage(cmd);
		}
	}
	if (argc - optind < min || argc - optind > max)
		return heapctl_bad_usage(cmd);
	return -1;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: heapctl [--root DIR] COMMAND [ARGS...]\n"
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
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *bad;
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:r:Vh", opts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			if (!*optarg)
				return heapctl_usage_error("--root takes a directory, not an empty string");
			heapctl_set_root(optarg);
			break;
		case 'V':
			printf("heapctl %s\n", HEAPCTL_VERSION);
			return EXIT_OK;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case ':':
			fprintf(stderr, "heapctl: option '%s' needs an argument\n",
				argv[optind - 1]);
			return heapctl_usage_hint();
		default:
			bad = argv[optind - 1];
			if (strncmp(bad, "--", 2))
				fprintf(stderr, "heapctl: unknown option '-%c'\n", optopt);
			else if (optopt)	/* a known one, given "=VALUE" */
				fprintf(stderr, "heapctl: option '%.*s' takes no argument\n",
					(int)strcspn(bad, "="), bad);
			else
				fprintf(stderr, "heapctl: unknown option '%s'\n", bad);
			return heapctl_usage_hint();
		}
	}
	opterr = 1;
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return -1;
}

int heapctl_usage_hint(void)
{
	fputs("Run 'heapctl --help' for the commands and options.\n", stderr);
	return EXIT_USAGE;
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
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[0], commands[i].name))
			return close_stdout(commands[i].fn(&commands[i], argc, argv));
	fprintf(stderr, "heapctl: unknown command '%s'\n", argv[0]);
	return heapctl_usage_hint();
}
