/* SPDX-License-Identifier: GPL-2.0 */
/*
 * heapctl: helpers shared by the commands.
 */
#ifndef HEAPCTL_H
#define HEAPCTL_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#define CONFIGFS_DIR	"/sys/kernel/config/chunk_heap"
#define SYSFS_DIR	"/sys/kernel/chunk_heap"
#define CMA_SYSFS_DIR	"/sys/kernel/mm/cma"
#define CMA_DEBUGFS_DIR	"/sys/kernel/debug/cma"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* heapctl --version; the Makefile may set it. */
#ifndef HEAPCTL_VERSION
#define HEAPCTL_VERSION		"0.5"
#endif

/* What save writes and restore reads when given no FILE (under --root). */
#ifndef HEAPCTL_CONFIG_FILE
#define HEAPCTL_CONFIG_FILE	"/etc/chunk_heap/heaps.json"
#endif

#define HEAPCTL_NAME_MAX	63
#define HEAPCTL_DEVICE_NAME_MAX	255

/* Exit codes. */
#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2

/* ---- commands (heapctl.c) ---- */

struct heapctl_cmd {
	const char *name;
	int (*fn)(const struct heapctl_cmd *cmd, int argc, char **argv);
	const char *synopsis;	/* arguments, after "heapctl NAME " */
	const char *summary;	/* one line, for "heapctl --help" */
	const char *help;	/* the rest of "heapctl NAME --help" */
};

int cmd_list(const struct heapctl_cmd *cmd, int argc, char **argv);
int cmd_show(const struct heapctl_cmd *cmd, int argc, char **argv);
int cmd_create(const struct heapctl_cmd *cmd, int argc, char **argv);
int cmd_enable(const struct heapctl_cmd *cmd, int argc, char **argv);
int cmd_destroy(const struct heapctl_cmd *cmd, int argc, char **argv);
int cmd_areas(const struct heapctl_cmd *cmd, int argc, char **argv);
int cmd_numa(const struct heapctl_cmd *cmd, int argc, char **argv);
int cmd_alloc(const struct heapctl_cmd *cmd, int argc, char **argv);
int cmd_save(const struct heapctl_cmd *cmd, int argc, char **argv);
int cmd_restore(const struct heapctl_cmd *cmd, int argc, char **argv);
int cmd_set(const struct heapctl_cmd *cmd, int argc, char **argv);
int cmd_clear(const struct heapctl_cmd *cmd, int argc, char **argv);
/* clear, or with --recorded FILE only the heaps restore --record made. */
int cmd_clear_recorded(const struct heapctl_cmd *cmd, int argc, char **argv);
int cmd_status(const struct heapctl_cmd *cmd, int argc, char **argv);
int cmd_buffers(const struct heapctl_cmd *cmd, int argc, char **argv);
int cmd_top(const struct heapctl_cmd *cmd, int argc, char **argv);

/* Print "usage: heapctl NAME SYNOPSIS" and, if @full, the help text. */
void heapctl_cmd_usage(const struct heapctl_cmd *cmd, FILE *f, bool full);

/*
 * Every command parses its options with heapctl_getopt(), which turns off
 * getopt's own messages and remembers the option string, so that
 * heapctl_bad_usage() can say in one line what was wrong.
 */
int heapctl_getopt(int argc, char *const *argv, const char *optstring,
		   const struct option *longopts, int *longind);

/*
 * Output options: -j/--json and -p/--pretty (global, and per read
 * command), -o/--output COLUMNS, -n/--noheadings and -b/--bytes (tables).
 */
struct heapctl_out {
	bool json, pretty, noheadings, bytes;
	const char *columns;
};
extern struct heapctl_out heapctl_out;

/* The output options a command takes, for heapctl_args(). */
#define ARGS_JSON	(1 << 0)	/* -j, -p */
#define ARGS_TABLE	(1 << 1)	/* -o, -n, -b */
/* The same as getopt strings and long options, for commands with more. */
#define ARGS_JSON_OPTS		"jp"
#define ARGS_TABLE_OPTS		"o:nb"
#define ARGS_JSON_LONGOPTS \
	{ "json", no_argument, NULL, 'j' }, { "pretty", no_argument, NULL, 'p' }
#define ARGS_TABLE_LONGOPTS \
	{ "output", required_argument, NULL, 'o' }, \
	{ "noheadings", no_argument, NULL, 'n' }, { "bytes", no_argument, NULL, 'b' }
/* Take output option @opt (from getopt) into heapctl_out; false if not one. */
bool heapctl_out_option(int opt);

/*
 * Parse the options of a command that takes only the output options of
 * @flags and -h/--help, and @min..@max arguments. Returns -1 to go on,
 * with optind at the first argument, or the exit code to return.
 */
int heapctl_args(const struct heapctl_cmd *cmd, int argc, char **argv,
		 unsigned int flags, int min, int max);
/* The same with -j/--json and -p (@json NULL: only --help). */
int heapctl_simple_args(const struct heapctl_cmd *cmd, int argc, char **argv,
			bool *json, int min, int max);

/*
 * The exit code for a bad command line: say in one line what is wrong
 * (the option getopt refused, or the arguments) and return 2.
 */
int heapctl_bad_usage(const struct heapctl_cmd *cmd);
/* The same for @min..@max arguments: which one is missing or extra. */
int heapctl_bad_args(const struct heapctl_cmd *cmd, int argc, char **argv,
		     int min, int max);
/* "heapctl: CMD: MSG; see 'heapctl CMD --help'" on stderr; returns 2. */
int heapctl_cmd_usage_error(const struct heapctl_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- errors and output (heapctl.c) ---- */

/* Errors: print and return the exit code (2 usage, 1 failure). */
int heapctl_usage_error(const char *msg);
int heapctl_fail(const char *what, int err, const char *hint);
int heapctl_failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* What an errno means for one file: a table ended by an empty entry. */
struct heapctl_hint {
	const char *attr;
	int err;
	const char *hint;
};

/*
 * The hint for a failed write of @attr: from @table (may be NULL) if the
 * kernel refused the value, else (or if @table has none) a generic one;
 * NULL if none.
 * @at_open: the file could not even be opened.
 */
const char *heapctl_hint(const struct heapctl_hint *table, const char *attr,
			 int err, bool at_open);

/* Why a stock kernel has no per-node placement and no area sizes. */
#define HEAPCTL_HINT_NO_NUMA \
	"this kernel does not export the per-node CMA areas to modules " \
	"(cma_for_each_area): only off"
#define HEAPCTL_HINT_NO_SIZES \
	"this kernel does not export area sizes to modules " \
	"(cma_get_base, cma_get_size)"

/*
 * Hints for reads: a missing attribute, and a file where the module now has
 * a directory (the layout of an older module).
 */
#define HEAPCTL_HINT_NO_ATTR	"no such attribute: is the chunk_heap module up to date?"
#define HEAPCTL_HINT_NOT_DIR	"the chunk_heap module is older than heapctl"

/* A file a read command could not read: print it, and exit 1 at the end. */
void heapctl_warn(const char *what, int err, const char *hint);

/* 1 if heapctl_warn() was called, else 0. */
int heapctl_status(void);
/* @obj as indented JSON text, valid until @obj changes or is dropped. */
const char *heapctl_json_text(struct json_object *obj);
/* The version of the read commands' JSON (Documentation/heapctl-schema.json). */
#define HEAPCTL_JSON_VERSION	1
/* A new object holding only "version": HEAPCTL_JSON_VERSION. */
struct json_object *heapctl_json_new(void);
/* Print @obj as JSON, one line, or indented with --pretty. */
void heapctl_json_print(struct json_object *obj);
/*
 * Print @obj as JSON (-j) or as text through @text, then drop it; the
 * status.
 */
int heapctl_output(struct json_object *obj, void (*text)(struct json_object *obj));

/* Reading a json-c object built by heapctl; NULL or false when absent. */
const char *heapctl_jstr(struct json_object *obj, const char *key);
bool heapctl_ju64(struct json_object *obj, const char *key, uint64_t *val);
/*
 * The value of @key as text: a string, a number (fractions with one
 * decimal), a size ("64K"), yes or no, or "-".
 */
const char *heapctl_jtext(struct json_object *obj, const char *key, bool size,
			  char *buf, size_t len);

/*
 * Text tables with aligned columns: table_new() with the @ncols headers,
 * table_add() with @ncols strings per row, table_print() prints and frees.
 */
struct table;
struct table *table_new(int ncols, ...);
void table_add(struct table *t, ...);
void table_print(struct table *t);

/*
 * Tables of JSON rows, as list, areas, buffers and top print them: one
 * column per key, headed by the key in upper case; -o picks columns.
 */
struct heapctl_column {
	const char *key;
	bool size;		/* bytes: a size, or a number with -b */
	bool hidden;		/* only with -o */
	const char *zero;	/* the text of 0 (not with -b), or NULL */
};
#define HEAPCTL_MAX_COLUMNS	32
/*
 * The columns -o names (or the default ones) as indexes into @cols;
 * their number, or -1 after a usage error was printed.
 */
int heapctl_columns(const struct heapctl_cmd *cmd, const struct heapctl_column *cols,
		    size_t ncols, int *sel);
/* Print @rows (a json-c array of objects) in the columns @sel. */
void heapctl_print_rows(const struct heapctl_column *cols, const int *sel, int nsel,
			struct json_object *rows);

/* ---- files (sysfs.c) ---- */

/* Paths: every path is prefixed by --root (or $HEAPCTL_ROOT). */
void heapctl_set_root(const char *root);
/* Whether --root (or $HEAPCTL_ROOT) was given. */
bool heapctl_has_root(void);
void heapctl_path(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Read a file into @buf without its trailing newline; 0 or -errno. */
int heapctl_read(const char *path, char *buf, size_t size);
int heapctl_read_u64(const char *path, uint64_t *val);

/*
 * Write @val and a newline in one write(); 0 or -errno. *@at_open tells
 * whether the file could not be opened (a missing attribute) or the write
 * itself failed (the kernel refused the value).
 */
int heapctl_write(const char *path, const char *val, bool *at_open);

/* The entries of a directory, sorted, without "." and ".."; NULL-ended. */
int heapctl_list_dir(const char *path, char ***names);
void heapctl_free_list(char **names);

bool heapctl_is_dir(const char *path);

/* mkdir and rmdir of a configfs heap directory; 0 or -errno. */
int heapctl_mkdir(const char *path);
int heapctl_rmdir(const char *path);

/* ---- parsing (parse.c) ---- */

/*
 * Sizes: "65536", "64K", "24M", "1G", binary units; also "64KiB", "64KB",
 * "64k", "64KIB" and "4096B", but not "64Kb" (bits); 0 or -EINVAL/-ERANGE.
 */
int heapctl_parse_size(const char *s, uint64_t *bytes);
/*
 * A size as one token, as lsblk prints it: 0B, 512B, 64K, 96M, 1.5G:
 * binary units, one decimal only when it is not 0.
 */
void heapctl_format_size(char *buf, size_t size, uint64_t bytes);

/*
 * A decimal number of at most @max: digits only (no sign, no space);
 * 0, -EINVAL or -ERANGE.
 */
int heapctl_parse_uint(const char *s, uint64_t max, uint64_t *val);
/*
 * The module's largest chunk order, that of 1 GiB chunks: 18 with 4 KiB
 * pages, 16 with 16 KiB pages.
 */
unsigned int heapctl_max_order(void);
/* A decimal chunk order 0..heapctl_max_order(); 0 or -EINVAL/-ERANGE. */
int heapctl_parse_order(const char *s, unsigned int *order);
/* A chunk size, a power of two of at least a page, as an order. */
int heapctl_size_to_order(uint64_t size, unsigned int *order);
uint64_t heapctl_page_size(void);

/* Heap names: 1 to 63 characters from [A-Za-z0-9._-], not "." or "..". */
bool heapctl_valid_name(const char *name);
/*
 * The name of any dma-heap's device (system, reserved, linux,cma), for
 * alloc: 1 to 255 printable characters without white space or '/', not
 * "." or "..".
 */
bool heapctl_valid_device_name(const char *name);
/*
 * Check a NAME argument: a chunk heap's name, or (@any_heap) any heap's
 * device name. 0, or print why not and return the usage exit code.
 */
int heapctl_name_arg(const char *name, bool any_heap);
/* CMA area names: 1 to 63 printable characters without white space. */
bool heapctl_valid_area(const char *name);

/* NUMA policies: the words a heap or the module (global) takes. */
extern const char *const heapctl_heap_policies[];
extern const char *const heapctl_global_policies[];
bool heapctl_valid_policy(const char *const *policies, const char *word);
/* "[off] local bind" -> "off" in @buf (a word without brackets as is). */
int heapctl_parse_bracket(const char *s, char *buf, size_t size);
/* The words of "[off] local bind" as a json-c array of strings. */
struct json_object *heapctl_bracket_words(const char *s);

/*
 * The module's global NUMA policy (cmd_system.c): the selected word, and
 * if @words, all of them as a json-c array; 0 or -errno.
 */
int heapctl_global_policy(char *word, size_t size, struct json_object **words);
/* Set it; 0, or print why not and return 1. */
int heapctl_set_global_policy(const char *policy);

/* ---- heaps (heap.c) ---- */

/* Which attributes heap_to_json() reads. */
#define HEAP_LIST	(1 << 0)	/* heapctl list */
#define HEAP_SHOW	(1 << 1)	/* heapctl show */
#define HEAP_SAVE	(1 << 2)	/* heapctl save, restore */
#define HEAP_TOP	(1 << 4)	/* heapctl top */

void heap_path(char *buf, size_t size, const char *name, const char *attr);
/* The heap's directory exists; else print why not and return 1. */
int heap_check(const char *name);
/* The names of all heaps, sorted; 0 or an exit code after an error. */
int heap_names(char ***names);
/* The heap's attributes in @mask as a json-c object, "name" first. */
struct json_object *heap_to_json(const char *name, unsigned int mask);
/* Print a heap object from heap_to_json(..., HEAP_SHOW) as text. */
void heap_print(struct json_object *heap);

/* Write one attribute; on failure print the file, reason and a hint. */
int heap_write(const char *name, const char *attr, const char *val);
/* rmdir the heap; 0 or an exit code. */
int heap_rmdir(const char *name);

/* The configuration heapctl create and restore apply; absent = keep. */
struct heap_config {
	const char *cma_area;		/* NULL: keep */
	int chunk_order;		/* < 0: keep */
	bool has_max;
	uint64_t max_bytes;
	const char *numa_policy;	/* NULL: keep */
	int enable;			/* < 0: keep, else 0/1 */
};

/*
 * Make heap @name (mkdir) and apply @cfg; on failure remove what was made.
 * Returns 0 or an exit code.
 */
int heap_create(const char *name, const struct heap_config *cfg);
/*
 * Apply @cfg to the existing heap @name whose current configuration is
 * @cur (from heap_to_json(..., HEAP_SAVE)), disabling it first if the
 * area, order or policy change. Returns 0 or an exit code.
 */
int heap_apply(const char *name, const struct heap_config *cfg,
	       struct json_object *cur);

#endif /* HEAPCTL_H */
