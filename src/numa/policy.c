// SPDX-License-Identifier: GPL-2.0
/*
 * chunk_heap: per-NUMA placement policy and /sys/kernel/chunk_heap.
 *
 * The per-node areas are those that cma_pernuma= ("pernuma<N>") and
 * numa_cma= ("numa<N>") create. As dma_alloc_contiguous() does for
 * devices, a node's pernuma area is preferred to its numa area.
 */
#define pr_fmt(fmt) "chunk_heap: " fmt

#include <linux/kobject.h>
#include <linux/nodemask.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/topology.h>

#include "numa.h"

static const char * const chunk_numa_names[CHUNK_NUMA_NR_POLICIES] = {
	[CHUNK_NUMA_DEFAULT] = "default",
	[CHUNK_NUMA_OFF] = "off",
	[CHUNK_NUMA_LOCAL] = "local",
	[CHUNK_NUMA_BIND] = "bind",
	[CHUNK_NUMA_INTERLEAVE] = "interleave",
};

static enum chunk_numa_policy chunk_numa_global = CHUNK_NUMA_OFF;
static struct chunk_numa_view chunk_numa_view;
static bool chunk_numa_active;
static struct kobject *chunk_kobj;

/*
 * The node of @area if its name says it is a per-node area, @prefix<N>,
 * else -1. The node is the one its memory is on, as the statistics count
 * it, not the number in the name.
 */
static int chunk_area_node(const struct chunk_area *area, const char *prefix)
{
	size_t len = strlen(prefix);
	int nid;

	if (strncmp(area->name, prefix, len) ||
	    kstrtoint(area->name + len, 10, &nid))
		return -1;
	if (area->nid < 0 || area->nid >= MAX_NUMNODES)
		return -1;
	return area->nid;
}

/**
 * chunk_numa_view_build() - find the per-node areas among @areas
 * @view: filled in
 * @areas: the CMA areas
 * @nr: how many
 */
void chunk_numa_view_build(struct chunk_numa_view *view,
			   const struct chunk_area *areas, unsigned int nr)
{
	unsigned int i;
	int nid;

	memset(view, 0, sizeof(*view));
	for (i = 0; i < nr; i++) {
		nid = chunk_area_node(&areas[i], "pernuma");
		if (nid >= 0)
			view->node_area[nid] = &areas[i];
	}
	for (i = 0; i < nr; i++) {
		nid = chunk_area_node(&areas[i], "numa");
		if (nid >= 0 && !view->node_area[nid])
			view->node_area[nid] = &areas[i];
	}
	for (nid = 0; nid < MAX_NUMNODES; nid++)
		view->nr_nodes += !!view->node_area[nid];
}
EXPORT_SYMBOL_IF_KUNIT(chunk_numa_view_build);

static struct chunk_plan *chunk_plan_alloc(unsigned int max_steps)
{
	struct chunk_plan *plan;

	plan = kzalloc(struct_size(plan, step, max_steps), GFP_KERNEL);
	if (!plan)
		return ERR_PTR(-ENOMEM);
	return plan;
}

static void chunk_plan_add(struct chunk_plan *plan,
			   const struct chunk_area *area, unsigned long max)
{
	plan->nr_steps++;
	plan->step[plan->nr_steps - 1].area = area;
	plan->step[plan->nr_steps - 1].max = max;
}

/**
 * chunk_numa_plan() - plan where a buffer's chunks come from
 * @view: the per-node areas
 * @policy: the effective policy (not CHUNK_NUMA_DEFAULT)
 * @heap_area: the heap's own area
 * @nid: the allocating CPU's node
 * @nr_chunks: chunks in the buffer
 *
 * off takes everything from @heap_area. local takes from @nid's area and
 * the rest from @heap_area; bind from @nid's area only. interleave gives
 * every node's area an equal share, chunk by chunk in buffer order, and
 * takes what they cannot give from @heap_area.
 *
 * Return: the plan, to be freed with kfree(), or ERR_PTR(-ENOMEM). A plan
 * with no steps (bind on a node without an area) cannot be met.
 */
struct chunk_plan *chunk_numa_plan(const struct chunk_numa_view *view,
				   enum chunk_numa_policy policy,
				   const struct chunk_area *heap_area, int nid,
				   unsigned long nr_chunks)
{
	const struct chunk_area *local = NULL;
	struct chunk_plan *plan;
	unsigned int i, k = 0;

	plan = chunk_plan_alloc(view->nr_nodes + 1);
	if (IS_ERR(plan))
		return plan;
	if (nid >= 0 && nid < MAX_NUMNODES)
		local = view->node_area[nid];

	switch (policy) {
	case CHUNK_NUMA_LOCAL:
		if (local && local != heap_area)
			chunk_plan_add(plan, local, nr_chunks);
		break;
	case CHUNK_NUMA_BIND:
		if (local)
			chunk_plan_add(plan, local, nr_chunks);
		return plan;
	case CHUNK_NUMA_INTERLEAVE:
		for (i = 0; i < MAX_NUMNODES && k < view->nr_nodes; i++) {
			if (!view->node_area[i])
				continue;
			chunk_plan_add(plan, view->node_area[i],
				       nr_chunks / view->nr_nodes +
				       (k < nr_chunks % view->nr_nodes));
			k++;
		}
		plan->interleave = k;
		break;
	default:
		break;
	}
	chunk_plan_add(plan, heap_area, nr_chunks);
	return plan;
}
EXPORT_SYMBOL_IF_KUNIT(chunk_numa_plan);

/**
 * chunk_numa_effective() - the policy an allocation follows
 * @heap_policy: the heap's own setting
 *
 * Return: the global policy if @heap_policy is CHUNK_NUMA_DEFAULT, else
 * @heap_policy; CHUNK_NUMA_OFF whenever there is nothing to place on (one
 * node, or no per-node areas).
 */
enum chunk_numa_policy chunk_numa_effective(enum chunk_numa_policy heap_policy)
{
	if (!chunk_numa_active)
		return CHUNK_NUMA_OFF;
	if (heap_policy == CHUNK_NUMA_DEFAULT)
		return READ_ONCE(chunk_numa_global);
	return heap_policy;
}
EXPORT_SYMBOL_IF_KUNIT(chunk_numa_effective);

/**
 * chunk_numa_place() - plan a buffer's chunks for the calling task
 * @heap_policy: the heap's policy setting
 * @heap_area: the heap's own area
 * @nr_chunks: chunks in the buffer
 *
 * Return: as chunk_numa_plan(), for the node of the CPU the caller runs on.
 */
struct chunk_plan *chunk_numa_place(enum chunk_numa_policy heap_policy,
				    const struct chunk_area *heap_area,
				    unsigned long nr_chunks)
{
	return chunk_numa_plan(&chunk_numa_view,
			       chunk_numa_effective(heap_policy), heap_area,
			       numa_node_id(), nr_chunks);
}
EXPORT_SYMBOL_IF_KUNIT(chunk_numa_place);

/**
 * chunk_numa_parse_policy() - a policy from what was written
 * @buf: the written text; one trailing newline is allowed
 * @count: its length
 * @allow_default: whether "default" is accepted (per-heap settings)
 *
 * Return: the policy, -EINVAL for anything else, or -EOPNOTSUPP for local,
 * bind and interleave when !chunk_areas_per_node().
 */
int chunk_numa_parse_policy(const char *buf, size_t count, bool allow_default)
{
	int i;

	if (count && buf[count - 1] == '\n')
		count--;
	for (i = allow_default ? 0 : 1; i < CHUNK_NUMA_NR_POLICIES; i++)
		if (strlen(chunk_numa_names[i]) == count &&
		    !strncmp(buf, chunk_numa_names[i], count))
			break;
	if (i == CHUNK_NUMA_NR_POLICIES)
		return -EINVAL;
	/* Where the kernel hides the per-node areas, placing on them cannot work. */
	if (i > CHUNK_NUMA_OFF && !chunk_areas_per_node()) {
		pr_info_ratelimited("numa_policy %s: unavailable, the kernel does not export the per-node areas\n",
				    chunk_numa_names[i]);
		return -EOPNOTSUPP;
	}
	return i;
}
EXPORT_SYMBOL_IF_KUNIT(chunk_numa_parse_policy);

/**
 * chunk_numa_show_policy() - print the policies, the chosen one in brackets
 * @buf: a sysfs or configfs page
 * @policy: the chosen policy
 * @with_default: list "default" too (per-heap settings)
 *
 * Return: the length printed.
 */
ssize_t chunk_numa_show_policy(char *buf, enum chunk_numa_policy policy,
			       bool with_default)
{
	ssize_t len = 0;
	int i;

	for (i = with_default ? 0 : 1; i < CHUNK_NUMA_NR_POLICIES; i++)
		len += sysfs_emit_at(buf, len, i == policy ? "%s[%s]" : "%s%s",
				     len ? " " : "", chunk_numa_names[i]);
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(chunk_numa_show_policy);

static ssize_t numa_policy_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return chunk_numa_show_policy(buf, READ_ONCE(chunk_numa_global), false);
}

static ssize_t numa_policy_store(struct kobject *kobj,
				 struct kobj_attribute *attr,
				 const char *buf, size_t count)
{
	int policy = chunk_numa_parse_policy(buf, count, false);

	if (policy < 0)
		return policy;
	WRITE_ONCE(chunk_numa_global, policy);
	return count;
}

static ssize_t numa_active_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", chunk_numa_active);
}

/* The optional features this kernel's exports allow (src/compat.h). */
static ssize_t features_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%s%s\n", chunk_areas_sized() ? "area_sizes" : "",
			  chunk_areas_per_node() ? " per_node_areas numa_policy" : "");
}

static struct kobj_attribute numa_policy_attr = __ATTR_RW_MODE(numa_policy, 0644);
static struct kobj_attribute numa_active_attr = __ATTR_RO(numa_active);
static struct kobj_attribute features_attr = __ATTR_RO(features);

static struct attribute *chunk_sysfs_attrs[] = {
	&numa_policy_attr.attr,
	&numa_active_attr.attr,
	&features_attr.attr,
	NULL,
};

static const struct attribute_group chunk_sysfs_group = {
	.attrs = chunk_sysfs_attrs,
};

/**
 * struct chunk_area_dir - /sys/kernel/chunk_heap/areas/<area>
 * @node:	its node attribute
 * @size:	its size attribute
 * @attrs:	both, for @group
 * @group:	the directory, named after the area
 * @index:	the area's index
 */
struct chunk_area_dir {
	struct kobj_attribute node;
	struct kobj_attribute size;
	struct attribute *attrs[3];
	struct attribute_group group;
	unsigned int index;
};

static struct kobject *chunk_areas_kobj;
static struct chunk_area_dir *chunk_area_dirs;

static ssize_t area_node_show(struct kobject *kobj, struct kobj_attribute *attr,
			      char *buf)
{
	const struct chunk_area_dir *d = container_of(attr, struct chunk_area_dir, node);

	return sysfs_emit(buf, "%d\n", chunk_area_get(d->index)->nid);
}

static ssize_t area_size_show(struct kobject *kobj, struct kobj_attribute *attr,
			      char *buf)
{
	const struct chunk_area_dir *d = container_of(attr, struct chunk_area_dir, size);

	if (!chunk_areas_sized())
		return -EOPNOTSUPP;
	return sysfs_emit(buf, "%lu\n", chunk_area_get(d->index)->nr_pages << PAGE_SHIFT);
}

static void chunk_attr_init(struct kobj_attribute *attr, const char *name,
			    ssize_t (*show)(struct kobject *, struct kobj_attribute *,
					    char *))
{
	sysfs_attr_init(&attr->attr);
	attr->attr.name = name;
	attr->attr.mode = 0444;
	attr->show = show;
}

/* One directory per area, with its node and size, one value per file. */
static int chunk_areas_sysfs_init(void)
{
	unsigned int i, nr = chunk_area_count();
	int ret;

	chunk_areas_kobj = kobject_create_and_add("areas", chunk_kobj);
	chunk_area_dirs = kcalloc(nr, sizeof(*chunk_area_dirs), GFP_KERNEL);
	if (!chunk_areas_kobj || (nr && !chunk_area_dirs))
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		struct chunk_area_dir *d = &chunk_area_dirs[i];

		d->index = i;
		chunk_attr_init(&d->node, "node", area_node_show);
		chunk_attr_init(&d->size, "size", area_size_show);
		d->attrs[0] = &d->node.attr;
		d->attrs[1] = &d->size.attr;
		d->group.name = chunk_area_get(i)->name;
		d->group.attrs = d->attrs;
		ret = sysfs_create_group(chunk_areas_kobj, &d->group);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * chunk_numa_init() - find the per-node areas, create /sys/kernel/chunk_heap
 *
 * Call after chunk_areas_init().
 *
 * Return: 0 or a negative errno.
 */
int chunk_numa_init(void)
{
	int ret;

	chunk_numa_view_build(&chunk_numa_view, chunk_area_get(0),
			      chunk_area_count());
	chunk_numa_active = num_online_nodes() > 1 && chunk_numa_view.nr_nodes;
	if (!chunk_numa_active && chunk_areas_per_node())
		pr_info("%s: numa_policy local, bind and interleave act as off\n",
			num_online_nodes() > 1 ? "no per-node CMA areas" : "one NUMA node");

	chunk_kobj = kobject_create_and_add("chunk_heap", kernel_kobj);
	if (!chunk_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(chunk_kobj, &chunk_sysfs_group);
	if (!ret)
		ret = chunk_areas_sysfs_init();
	if (ret)
		chunk_numa_exit();
	return ret;
}

/**
 * chunk_numa_exit() - remove /sys/kernel/chunk_heap
 */
void chunk_numa_exit(void)
{
	kobject_put(chunk_areas_kobj);
	kfree(chunk_area_dirs);
	kobject_put(chunk_kobj);
	chunk_areas_kobj = NULL;
	chunk_area_dirs = NULL;
	chunk_kobj = NULL;
}
