// SPDX-License-Identifier: GPL-2.0
/*
 * chunk_heap control plane: one configfs directory per heap.
 *
 * configfs itself keeps attribute calls and rmdir apart (an rmdir waits for
 * calls in progress and later ones fail), and core serialises changes to a
 * heap without ever waiting for an allocation, so this file only parses
 * and maps.
 *
 * Each heap directory also has areas/<area>/bytes, nodes/node<N>/bytes and
 * latency_us/<floor>/count, one value per file, as default groups that
 * live and go with it.
 */
#define pr_fmt(fmt) "chunk_heap: " fmt

#include <linux/configfs.h>
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/nodemask.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "../compat.h"
#include "configfs.h"
#include "../core/core.h"
#include "../numa/numa.h"

/**
 * struct chunk_cfs_count - one areas/<area>, nodes/node<N> or
 *			    latency_us/<floor> directory
 * @group:	the directory, holding one attribute
 * @heap:	the heap it counts for
 * @index:	the area's index, the node's id, or the latency bucket
 */
struct chunk_cfs_count {
	struct config_group group;
	struct chunk_heap *heap;
	int index;
};

/**
 * struct chunk_cfs_heap - one heap directory
 * @group:	the directory
 * @areas:	its areas/ directory, one chunk_cfs_count per CMA area
 * @nodes:	its nodes/ directory, one chunk_cfs_count per memory node
 * @latency:	its latency_us/ directory, one chunk_cfs_count per bucket
 * @heap:	the heap
 * @nr_counts:	entries in @counts
 * @counts:	the areas' directories, then the nodes', then the buckets'
 */
struct chunk_cfs_heap {
	struct config_group group;
	struct config_group areas;
	struct config_group nodes;
	struct config_group latency;
	struct chunk_heap *heap;
	unsigned int nr_counts;
	struct chunk_cfs_count counts[] __counted_by(nr_counts);
};

static struct chunk_heap *to_heap(struct config_item *item)
{
	return container_of(to_config_group(item), struct chunk_cfs_heap,
			    group)->heap;
}

static struct chunk_cfs_count *to_count(struct config_item *item)
{
	return container_of(to_config_group(item), struct chunk_cfs_count, group);
}

/**
 * chunk_parse_word() - copy one written word, without its newline
 * @page: what was written
 * @count: its length
 * @word: buffer for the word
 * @size: size of @word
 *
 * A single trailing newline is allowed, as echo writes one.
 *
 * Return: 0; -EINVAL if the word is empty or has white space, a control
 * or non-ASCII character or a second newline; -ENAMETOOLONG if it does not fit @word.
 */
int chunk_parse_word(const char *page, size_t count, char *word, size_t size)
{
	size_t i;

	if (count && page[count - 1] == '\n')
		count--;
	if (!count)
		return -EINVAL;
	for (i = 0; i < count; i++)
		if (!isascii(page[i]) || !isgraph(page[i]))
			return -EINVAL;
	if (count >= size)
		return -ENAMETOOLONG;
	memcpy(word, page, count);
	word[count] = '\0';
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(chunk_parse_word);

/**
 * chunk_parse_number() - a written decimal number
 * @page: what was written, with a NUL after its @count bytes
 * @count: its length
 * @val: the number
 *
 * Digits only, and a single trailing newline, as echo writes one: no sign,
 * no white space, and no NUL, after which kstrtou64() alone would stop
 * looking and take what came before it.
 *
 * Return: 0; -EINVAL if it is not a decimal number; -ERANGE if it is above
 * 2^64 - 1.
 */
int chunk_parse_number(const char *page, size_t count, u64 *val)
{
	size_t n = count && page[count - 1] == '\n' ? count - 1 : count;
	size_t i;

	if (!n)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (!isdigit(page[i]))
			return -EINVAL;
	return kstrtou64(page, 10, val);
}
EXPORT_SYMBOL_IF_KUNIT(chunk_parse_number);

static ssize_t heap_cma_area_show(struct config_item *item, char *page)
{
	const struct chunk_area *area = READ_ONCE(to_heap(item)->area);

	return sysfs_emit(page, "%s\n", area ? area->name : "");
}

static ssize_t heap_cma_area_store(struct config_item *item, const char *page,
				   size_t count)
{
	struct chunk_heap *heap = to_heap(item);
	const struct chunk_area *area;
	char name[CMA_MAX_NAME];
	int ret;

	ret = chunk_parse_word(page, count, name, sizeof(name));
	if (ret)
		return ret;
	area = chunk_area_find(name);
	if (!area) {
		pr_info("%s: no CMA area named %s\n", heap->name, name);
		return -ENOENT;
	}
	ret = chunk_heap_set_area(heap, area);
	if (ret == -ERANGE)
		pr_info("%s: CMA area %s cannot hold order-%u chunks\n",
			heap->name, name, heap->order);
	return ret ?: count;
}

static ssize_t heap_chunk_order_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%u\n", READ_ONCE(to_heap(item)->order));
}

static ssize_t heap_chunk_order_store(struct config_item *item,
				      const char *page, size_t count)
{
	struct chunk_heap *heap = to_heap(item);
	u64 order;
	int ret;

	ret = chunk_parse_number(page, count, &order);
	if (ret)
		return ret;
	if (order > UINT_MAX)
		return -ERANGE;
	ret = chunk_heap_set_order(heap, order);
	return ret ?: count;
}

static ssize_t heap_chunk_size_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%lu\n",
			  PAGE_SIZE << READ_ONCE(to_heap(item)->order));
}

static ssize_t heap_max_bytes_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%llu\n", READ_ONCE(to_heap(item)->max_bytes));
}

static ssize_t heap_max_bytes_store(struct config_item *item,
				    const char *page, size_t count)
{
	u64 max_bytes;
	int ret;

	ret = chunk_parse_number(page, count, &max_bytes);
	if (ret)
		return ret;
	chunk_heap_set_max_bytes(to_heap(item), max_bytes);
	return count;
}

static ssize_t heap_numa_policy_show(struct config_item *item, char *page)
{
	return chunk_numa_show_policy(page, READ_ONCE(to_heap(item)->numa_policy),
				      true);
}

static ssize_t heap_numa_policy_store(struct config_item *item,
				      const char *page, size_t count)
{
	int policy = chunk_numa_parse_policy(page, count, true);

	if (policy < 0)
		return policy;
	chunk_heap_set_numa_policy(to_heap(item), policy);
	return count;
}

static ssize_t heap_pool_bytes_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%llu\n", READ_ONCE(to_heap(item)->pool.target_bytes));
}

static ssize_t heap_pool_bytes_store(struct config_item *item,
				     const char *page, size_t count)
{
	struct chunk_heap *heap = to_heap(item);
	u64 bytes;
	int ret;

	ret = chunk_parse_number(page, count, &bytes);
	if (ret)
		return ret;
	ret = chunk_heap_set_pool_bytes(heap, bytes);
	if (ret == -ERANGE)
		pr_info("%s: pool_bytes %llu is more than the heap's CMA area holds\n",
			heap->name, bytes);
	return ret ?: count;
}

static ssize_t heap_pool_min_bytes_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%llu\n", READ_ONCE(to_heap(item)->pool.min_bytes));
}

static ssize_t heap_pool_min_bytes_store(struct config_item *item,
					 const char *page, size_t count)
{
	u64 bytes;
	int ret;

	ret = chunk_parse_number(page, count, &bytes);
	if (ret)
		return ret;
	chunk_pool_set_min(&to_heap(item)->pool, bytes);
	return count;
}

static ssize_t heap_pool_ready_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%llu\n", chunk_pool_ready_bytes(&to_heap(item)->pool));
}

static ssize_t heap_enable_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%d\n", chunk_heap_enabled(to_heap(item)));
}

static ssize_t heap_enable_store(struct config_item *item, const char *page,
				 size_t count)
{
	struct chunk_heap *heap = to_heap(item);
	size_t len = count;
	bool enable;
	int ret;

	/*
	 * Exactly "0" or "1": kstrtobool() would take "yes please" as yes,
	 * and a number parser "00" or "0001".
	 */
	if (len && page[len - 1] == '\n')
		len--;
	if (len != 1 || (page[0] != '0' && page[0] != '1'))
		return -EINVAL;
	enable = page[0] == '1';
	ret = enable ? chunk_heap_enable(heap) : chunk_heap_disable(heap);
	return ret ?: count;
}

static ssize_t heap_device_show(struct config_item *item, char *page)
{
	struct chunk_heap *heap = to_heap(item);

	if (!chunk_heap_enabled(heap))
		return sysfs_emit(page, "\n");
	return sysfs_emit(page, "/dev/dma_heap/%s\n", heap->name);
}

static ssize_t area_bytes_show(struct config_item *item, char *page)
{
	struct chunk_cfs_count *c = to_count(item);

	return sysfs_emit(page, "%lld\n",
			  atomic64_read(&c->heap->stats.area_bytes[c->index]));
}

static ssize_t node_bytes_show(struct config_item *item, char *page)
{
	struct chunk_cfs_count *c = to_count(item);

	return sysfs_emit(page, "%llu\n", chunk_heap_node_bytes(c->heap, c->index));
}

static ssize_t latency_count_show(struct config_item *item, char *page)
{
	struct chunk_cfs_count *c = to_count(item);

	return sysfs_emit(page, "%lld\n",
			  atomic64_read(&c->heap->stats.latency[c->index]));
}

#define CHUNK_STAT_ATTR(_name)						\
static ssize_t heap_##_name##_show(struct config_item *item, char *page) \
{									\
	return sysfs_emit(page, "%lld\n",				\
			  atomic64_read(&to_heap(item)->stats._name));	\
}									\
static struct configfs_attribute heap_attr_##_name = {			\
	.ca_name = #_name,						\
	.ca_mode = 0444,						\
	.ca_owner = THIS_MODULE,					\
	.show = heap_##_name##_show,					\
}

CONFIGFS_ATTR(heap_, cma_area);
CONFIGFS_ATTR(heap_, chunk_order);
CONFIGFS_ATTR_RO(heap_, chunk_size);
CONFIGFS_ATTR(heap_, numa_policy);
CONFIGFS_ATTR(heap_, max_bytes);
CONFIGFS_ATTR(heap_, pool_bytes);
CONFIGFS_ATTR(heap_, pool_min_bytes);
CONFIGFS_ATTR_RO(heap_, pool_ready);
CONFIGFS_ATTR(heap_, enable);
CONFIGFS_ATTR_RO(heap_, device);
CHUNK_STAT_ATTR(bytes);
CHUNK_STAT_ATTR(buffers);
CHUNK_STAT_ATTR(peak);
CHUNK_STAT_ATTR(failures);
CHUNK_STAT_ATTR(cma_calls);
CHUNK_STAT_ATTR(cma_failures);
CHUNK_STAT_ATTR(pool_hits);
CHUNK_STAT_ATTR(pool_misses);
CHUNK_STAT_ATTR(pool_refills);
CHUNK_STAT_ATTR(pool_shrunk);
CHUNK_STAT_ATTR(held_bytes);
CONFIGFS_ATTR_RO(area_, bytes);
CONFIGFS_ATTR_RO(node_, bytes);
CONFIGFS_ATTR_RO(latency_, count);

static struct configfs_attribute *chunk_heap_attrs[] = {
	&heap_attr_cma_area,
	&heap_attr_chunk_order,
	&heap_attr_chunk_size,
	&heap_attr_numa_policy,
	&heap_attr_max_bytes,
	&heap_attr_pool_bytes,
	&heap_attr_pool_min_bytes,
	&heap_attr_pool_ready,
	&heap_attr_enable,
	&heap_attr_device,
	&heap_attr_bytes,
	&heap_attr_buffers,
	&heap_attr_peak,
	&heap_attr_failures,
	&heap_attr_cma_calls,
	&heap_attr_cma_failures,
	&heap_attr_pool_hits,
	&heap_attr_pool_misses,
	&heap_attr_pool_refills,
	&heap_attr_pool_shrunk,
	&heap_attr_held_bytes,
	NULL,
};

static struct configfs_attribute *chunk_area_attrs[] = {
	&area_attr_bytes,
	NULL,
};

static struct configfs_attribute *chunk_node_attrs[] = {
	&node_attr_bytes,
	NULL,
};

static struct configfs_attribute *chunk_latency_attrs[] = {
	&latency_attr_count,
	NULL,
};

/* Embedded in their heap's directory, which frees them. */
static const struct config_item_type chunk_area_type = {
	.ct_attrs = chunk_area_attrs,
	.ct_owner = THIS_MODULE,
};

static const struct config_item_type chunk_node_type = {
	.ct_attrs = chunk_node_attrs,
	.ct_owner = THIS_MODULE,
};

static const struct config_item_type chunk_latency_type = {
	.ct_attrs = chunk_latency_attrs,
	.ct_owner = THIS_MODULE,
};

static const struct config_item_type chunk_dir_type = {
	.ct_owner = THIS_MODULE,
};

static void chunk_cfs_heap_release(struct config_item *item)
{
	struct chunk_cfs_heap *cfs = container_of(to_config_group(item),
						  struct chunk_cfs_heap, group);

	chunk_heap_put(cfs->heap);
	kfree(cfs);
}

static struct configfs_item_operations chunk_heap_item_ops = {
	.release = chunk_cfs_heap_release,
};

static const struct config_item_type chunk_heap_type = {
	.ct_item_ops = &chunk_heap_item_ops,
	.ct_attrs = chunk_heap_attrs,
	.ct_owner = THIS_MODULE,
};

/*
 * Add areas/<area>/bytes, nodes/node<N>/bytes and latency_us/<floor>/count
 * to a new heap directory.
 */
static void chunk_cfs_add_counts(struct chunk_cfs_heap *cfs)
{
	struct chunk_cfs_count *end = cfs->counts + cfs->nr_counts;
	struct chunk_cfs_count *c = cfs->counts;
	const struct chunk_area *area;
	char name[24];
	int nid, b;

	config_group_init_type_name(&cfs->areas, "areas", &chunk_dir_type);
	configfs_add_default_group(&cfs->areas, &cfs->group);
	for (; (area = chunk_area_get(c - cfs->counts)); c++) {
		c->heap = cfs->heap;
		c->index = area->index;
		config_group_init_type_name(&c->group, area->name, &chunk_area_type);
		configfs_add_default_group(&c->group, &cfs->areas);
	}

	config_group_init_type_name(&cfs->nodes, "nodes", &chunk_dir_type);
	configfs_add_default_group(&cfs->nodes, &cfs->group);
	for_each_node_state(nid, N_MEMORY) {
		if (c == end - CHUNK_LAT_BUCKETS)
			break;
		c->heap = cfs->heap;
		c->index = nid;
		snprintf(name, sizeof(name), "node%d", nid);
		config_group_init_type_name(&c->group, name, &chunk_node_type);
		configfs_add_default_group(&c->group, &cfs->nodes);
		c++;
	}

	config_group_init_type_name(&cfs->latency, "latency_us", &chunk_dir_type);
	configfs_add_default_group(&cfs->latency, &cfs->group);
	for (b = 0; b < CHUNK_LAT_BUCKETS; b++, c++) {
		c->heap = cfs->heap;
		c->index = b;
		snprintf(name, sizeof(name), "%llu", chunk_lat_bucket_floor_us(b));
		config_group_init_type_name(&c->group, name, &chunk_latency_type);
		configfs_add_default_group(&c->group, &cfs->latency);
	}
}

static struct config_group *chunk_heaps_make_group(struct config_group *group,
						   const char *name)
{
	unsigned int nr = chunk_area_count() + num_node_state(N_MEMORY) +
			  CHUNK_LAT_BUCKETS;
	struct chunk_cfs_heap *cfs;
	int ret;

	ret = chunk_heap_check_name(name);
	if (ret) {
		pr_info("invalid heap name '%s'\n", name);
		return ERR_PTR(ret);
	}

	cfs = kzalloc(struct_size(cfs, counts, nr), GFP_KERNEL);
	if (!cfs)
		return ERR_PTR(-ENOMEM);
	cfs->nr_counts = nr;
	cfs->heap = chunk_heap_create(name);
	if (!cfs->heap) {
		kfree(cfs);
		return ERR_PTR(-ENOMEM);
	}
	config_group_init_type_name(&cfs->group, name, &chunk_heap_type);
	chunk_cfs_add_counts(cfs);
	return &cfs->group;
}

/*
 * rmdir: the heap stops serving its device node before it goes. This
 * waits only for other changes to the heap, never for an allocation.
 */
static void chunk_heaps_drop_item(struct config_group *group,
				  struct config_item *item)
{
	chunk_heap_retire(to_heap(item));
	config_item_put(item);
}

static struct configfs_group_operations chunk_heaps_group_ops = {
	.make_group = chunk_heaps_make_group,
	.drop_item = chunk_heaps_drop_item,
};

static const struct config_item_type chunk_heaps_type = {
	.ct_group_ops = &chunk_heaps_group_ops,
	.ct_owner = THIS_MODULE,
};

static struct configfs_subsystem chunk_heaps_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf = "chunk_heap",
			.ci_type = &chunk_heaps_type,
		},
	},
};

/**
 * chunk_configfs_init() - register /sys/kernel/config/chunk_heap
 *
 * Return: 0 or a negative errno from configfs.
 */
int chunk_configfs_init(void)
{
	config_group_init(&chunk_heaps_subsys.su_group);
	mutex_init(&chunk_heaps_subsys.su_mutex);
	return configfs_register_subsystem(&chunk_heaps_subsys);
}

/**
 * chunk_configfs_exit() - unregister /sys/kernel/config/chunk_heap
 *
 * configfs holds a module reference for every heap directory, so this runs
 * only when none is left.
 */
void chunk_configfs_exit(void)
{
	configfs_unregister_subsystem(&chunk_heaps_subsys);
}
