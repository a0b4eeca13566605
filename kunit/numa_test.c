// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for per-NUMA placement: the planner on made-up area tables,
 * and real allocations on the two-node guest that scripts/kunit.sh boots
 * (cma=64M cma_pernuma=16M, node 0 = CPU 0, node 1 = CPU 1).
 */
#include <kunit/test.h>
#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/topology.h>

#include "chunk_test.h"

static const struct chunk_area fake_areas[] = {
	{ .name = "reserved", .nid = 0, .nr_pages = 16384, .index = 0 },
	{ .name = "numa1", .nid = 1, .nr_pages = 4096, .index = 1 },
	{ .name = "pernuma1", .nid = 1, .nr_pages = 4096, .index = 2 },
	{ .name = "pernuma0", .nid = 0, .nr_pages = 4096, .index = 3 },
	{ .name = "numa2", .nid = 2, .nr_pages = 4096, .index = 4 },
	{ .name = "numanope", .nid = 0, .nr_pages = 4096, .index = 5 },
};

static struct chunk_numa_view *fake_view(struct kunit *test)
{
	struct chunk_numa_view *view;

	view = kunit_kzalloc(test, sizeof(*view), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, view);
	chunk_numa_view_build(view, fake_areas, ARRAY_SIZE(fake_areas));
	return view;
}

static void numa_view_test(struct kunit *test)
{
	struct chunk_numa_view *view = fake_view(test);

	/* pernuma<N> wins over numa<N>; other names are no node's. */
	KUNIT_EXPECT_EQ(test, view->nr_nodes, 3);
	KUNIT_EXPECT_PTR_EQ(test, view->node_area[0], &fake_areas[3]);
	KUNIT_EXPECT_PTR_EQ(test, view->node_area[1], &fake_areas[2]);
	KUNIT_EXPECT_PTR_EQ(test, view->node_area[2], &fake_areas[4]);
	KUNIT_EXPECT_NULL(test, view->node_area[3]);
}

/*
 * The node of a per-node area is where its memory is, as the statistics
 * count it, whatever number its name has.
 */
static void numa_view_node_from_area_test(struct kunit *test)
{
	static const struct chunk_area areas[] = {
		{ .name = "pernuma0", .nid = 1, .nr_pages = 4096, .index = 0 },
		{ .name = "numa1", .nid = 0, .nr_pages = 4096, .index = 1 },
		{ .name = "pernuma2", .nid = NUMA_NO_NODE, .nr_pages = 4096, .index = 2 },
	};
	struct chunk_numa_view *view;

	view = kunit_kzalloc(test, sizeof(*view), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, view);
	chunk_numa_view_build(view, areas, ARRAY_SIZE(areas));
	KUNIT_EXPECT_EQ(test, view->nr_nodes, 2);
	KUNIT_EXPECT_PTR_EQ(test, view->node_area[0], &areas[1]);
	KUNIT_EXPECT_PTR_EQ(test, view->node_area[1], &areas[0]);
	KUNIT_EXPECT_NULL(test, view->node_area[2]);
}

/* A cleanup action of the type KUnit calls: no function-pointer cast. */
static void free_plan(void *plan)
{
	kfree(plan);
}

static struct chunk_plan *plan(struct kunit *test, enum chunk_numa_policy p,
			       int nid, unsigned long nr)
{
	struct chunk_plan *plan;

	plan = chunk_numa_plan(fake_view(test), p, &fake_areas[0], nid, nr);
	KUNIT_ASSERT_FALSE(test, IS_ERR(plan));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, free_plan, plan), 0);
	return plan;
}

static void expect_step(struct kunit *test, const struct chunk_plan *plan,
			unsigned int i, const struct chunk_area *area,
			unsigned long max)
{
	KUNIT_ASSERT_LT(test, i, plan->nr_steps);
	KUNIT_EXPECT_STREQ(test, plan->step[i].area->name, area->name);
	KUNIT_EXPECT_EQ(test, plan->step[i].max, max);
}

static void numa_plan_off_test(struct kunit *test)
{
	struct chunk_plan *p = plan(test, CHUNK_NUMA_OFF, 1, 10);

	KUNIT_EXPECT_EQ(test, p->nr_steps, 1);
	KUNIT_EXPECT_EQ(test, p->interleave, 0);
	expect_step(test, p, 0, &fake_areas[0], 10);
}

static void numa_plan_local_test(struct kunit *test)
{
	struct chunk_plan *p = plan(test, CHUNK_NUMA_LOCAL, 1, 10);

	KUNIT_EXPECT_EQ(test, p->nr_steps, 2);
	expect_step(test, p, 0, &fake_areas[2], 10);
	expect_step(test, p, 1, &fake_areas[0], 10);

	/* A node without an area falls back to the heap's area alone. */
	p = plan(test, CHUNK_NUMA_LOCAL, 5, 10);
	KUNIT_EXPECT_EQ(test, p->nr_steps, 1);
	expect_step(test, p, 0, &fake_areas[0], 10);
}

static void numa_plan_bind_test(struct kunit *test)
{
	struct chunk_plan *p = plan(test, CHUNK_NUMA_BIND, 0, 10);

	KUNIT_EXPECT_EQ(test, p->nr_steps, 1);
	expect_step(test, p, 0, &fake_areas[3], 10);

	/* No area on the node: nothing may be taken at all. */
	p = plan(test, CHUNK_NUMA_BIND, 5, 10);
	KUNIT_EXPECT_EQ(test, p->nr_steps, 0);
}

static void numa_plan_interleave_test(struct kunit *test)
{
	struct chunk_plan *p = plan(test, CHUNK_NUMA_INTERLEAVE, 1, 10);

	/* 10 chunks over 3 nodes: 4, 3, 3, then the heap's area. */
	KUNIT_EXPECT_EQ(test, p->nr_steps, 4);
	KUNIT_EXPECT_EQ(test, p->interleave, 3);
	expect_step(test, p, 0, &fake_areas[3], 4);
	expect_step(test, p, 1, &fake_areas[2], 3);
	expect_step(test, p, 2, &fake_areas[4], 3);
	expect_step(test, p, 3, &fake_areas[0], 10);
}

struct policy_case {
	const char *in;
	bool allow_default;
	int want;
};

static const struct policy_case policy_cases[] = {
	{ "off", false, CHUNK_NUMA_OFF },
	{ "local\n", false, CHUNK_NUMA_LOCAL },
	{ "bind", false, CHUNK_NUMA_BIND },
	{ "interleave\n", false, CHUNK_NUMA_INTERLEAVE },
	{ "default", true, CHUNK_NUMA_DEFAULT },
	{ "default", false, -EINVAL },
	{ "", false, -EINVAL },
	{ "\n", false, -EINVAL },
	{ "loc", false, -EINVAL },
	{ "locally", false, -EINVAL },
	{ "local x", false, -EINVAL },
	{ "local\n\n", false, -EINVAL },
	{ "LOCAL", false, -EINVAL },
	{ " local", false, -EINVAL },
};

static void policy_case_desc(const struct policy_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "'%s'%s", c->in,
		 c->allow_default ? " (per heap)" : "");
	strreplace(desc, '\n', '$');
}

KUNIT_ARRAY_PARAM(policy, policy_cases, policy_case_desc);

static void numa_parse_policy_test(struct kunit *test)
{
	const struct policy_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, chunk_numa_parse_policy(c->in, strlen(c->in),
						      c->allow_default), c->want);
}

static void numa_show_policy_test(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	chunk_numa_show_policy(buf, CHUNK_NUMA_OFF, false);
	KUNIT_EXPECT_STREQ(test, buf, "[off] local bind interleave\n");
	chunk_numa_show_policy(buf, CHUNK_NUMA_INTERLEAVE, false);
	KUNIT_EXPECT_STREQ(test, buf, "off local bind [interleave]\n");
	chunk_numa_show_policy(buf, CHUNK_NUMA_DEFAULT, true);
	KUNIT_EXPECT_STREQ(test, buf, "[default] off local bind interleave\n");
}

/* The real two-node guest. */
static void need_two_nodes(struct kunit *test)
{
	if (num_online_nodes() < 2)
		kunit_skip(test, "boot with two NUMA nodes and cma_pernuma=");
	chunk_test_node_area(test, 0);
	chunk_test_node_area(test, 1);
	KUNIT_ASSERT_EQ(test, chunk_numa_effective(CHUNK_NUMA_LOCAL),
			CHUNK_NUMA_LOCAL);
}

/* Run on node @nid's CPUs; the test's own thread ends with the test. */
static void pin_to_node(struct kunit *test, int nid)
{
	KUNIT_ASSERT_EQ(test, set_cpus_allowed_ptr(current, cpumask_of_node(nid)), 0);
	KUNIT_ASSERT_EQ(test, numa_node_id(), nid);
}

static int place_and_alloc(struct kunit *test, enum chunk_numa_policy policy,
			   unsigned long nr, struct chunk_runs *runs)
{
	struct chunk_plan *plan;
	int ret;

	plan = chunk_numa_place(policy, chunk_test_reserved(test), nr);
	KUNIT_ASSERT_FALSE(test, IS_ERR(plan));
	ret = chunk_runs_alloc(runs, plan, ORDER_64K, nr, NULL);
	kfree(plan);
	return ret;
}

static void numa_local_real_test(struct kunit *test)
{
	const struct chunk_area *pn1;
	struct chunk_runs *runs;
	unsigned int i;

	need_two_nodes(test);
	pn1 = chunk_test_node_area(test, 1);
	runs = chunk_test_runs(test);
	pin_to_node(test, 1);

	KUNIT_ASSERT_EQ(test, place_and_alloc(test, CHUNK_NUMA_LOCAL, 32, runs), 0);
	for (i = 0; i < runs->nr_runs; i++) {
		KUNIT_EXPECT_EQ(test, runs->run[i].area, pn1->index);
		KUNIT_EXPECT_EQ(test, page_to_nid(runs->run[i].page), 1);
	}
}

static void numa_local_fallback_real_test(struct kunit *test)
{
	const struct chunk_area *pn1, *res;
	unsigned long all, on_node = 0, fallback = 0;
	struct chunk_runs *runs;
	unsigned int i;

	need_two_nodes(test);
	pn1 = chunk_test_node_area(test, 1);
	res = chunk_test_reserved(test);
	runs = chunk_test_runs(test);
	all = pn1->nr_pages >> ORDER_64K;
	pin_to_node(test, 1);

	/* 8 chunks more than node 1's area holds: they come from reserved. */
	KUNIT_ASSERT_EQ(test, place_and_alloc(test, CHUNK_NUMA_LOCAL, all + 8, runs), 0);
	for (i = 0; i < runs->nr_runs; i++) {
		if (runs->run[i].area == pn1->index)
			on_node += runs->run[i].nr_chunks;
		else if (runs->run[i].area == res->index)
			fallback += runs->run[i].nr_chunks;
	}
	KUNIT_EXPECT_EQ(test, on_node, all);
	KUNIT_EXPECT_EQ(test, fallback, 8);
}

static void numa_bind_real_test(struct kunit *test)
{
	const struct chunk_area *pn1;
	struct chunk_runs *runs, *more;

	need_two_nodes(test);
	pn1 = chunk_test_node_area(test, 1);
	runs = chunk_test_runs(test);
	more = chunk_test_runs(test);
	pin_to_node(test, 1);

	/* Fill node 1's area, then bind has nowhere to go. */
	KUNIT_ASSERT_EQ(test, place_and_alloc(test, CHUNK_NUMA_BIND, pn1->nr_pages >> ORDER_64K,
					      runs), 0);
	KUNIT_EXPECT_EQ(test, place_and_alloc(test, CHUNK_NUMA_BIND, 1, more), -ENOMEM);
	KUNIT_EXPECT_EQ(test, more->nr_runs, 0);
	chunk_runs_free(runs);
	/* ... and everything went back: the whole area is free again. */
	KUNIT_EXPECT_EQ(test, place_and_alloc(test, CHUNK_NUMA_BIND, pn1->nr_pages >> ORDER_64K,
					      runs), 0);
}

static void numa_interleave_real_test(struct kunit *test)
{
	struct chunk_runs *runs;
	unsigned int i;

	need_two_nodes(test);
	runs = chunk_test_runs(test);
	KUNIT_ASSERT_EQ(test, place_and_alloc(test, CHUNK_NUMA_INTERLEAVE, 16, runs), 0);
	KUNIT_ASSERT_EQ(test, runs->nr_runs, 16);
	for (i = 0; i < runs->nr_runs; i++) {
		KUNIT_EXPECT_EQ(test, runs->run[i].nr_chunks, 1);
		KUNIT_EXPECT_EQ(test, page_to_nid(runs->run[i].page), i % 2);
		KUNIT_EXPECT_EQ(test, page_to_pfn(runs->run[i].page) % PAGES_64K, 0);
	}
}

/*
 * Interleave when node 1's area has only 4 of its 8 chunks free: the
 * buffer alternates node 0 and node 1 while node 1 lasts, then takes
 * node 0's remaining share, and what node 1 could not give comes from
 * the heap's own area, last.
 */
static void numa_interleave_partial_real_test(struct kunit *test)
{
	const struct chunk_area *pn0, *pn1, *res;
	struct chunk_runs *hog, *runs;
	unsigned int i, k = 0;
	/* The area of each chunk: 0 and 1 for the nodes', 2 for reserved. */
	static const unsigned int want[16] = {
		0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 2, 2, 2, 2,
	};
	const struct chunk_area *areas[3];

	need_two_nodes(test);
	pn0 = chunk_test_node_area(test, 0);
	pn1 = chunk_test_node_area(test, 1);
	res = chunk_test_reserved(test);
	areas[0] = pn0;
	areas[1] = pn1;
	areas[2] = res;
	hog = chunk_test_runs(test);
	runs = chunk_test_runs(test);
	KUNIT_ASSERT_EQ(test, chunk_test_alloc_from(test, hog, pn1, ORDER_64K,
						    (pn1->nr_pages >> ORDER_64K) - 4), 0);

	KUNIT_ASSERT_EQ(test, place_and_alloc(test, CHUNK_NUMA_INTERLEAVE, 16, runs), 0);
	KUNIT_ASSERT_EQ(test, runs->nr_chunks, 16);
	for (i = 0; i < runs->nr_runs; i++) {
		const struct chunk_area *area = chunk_area_get(runs->run[i].area);
		unsigned int j;

		KUNIT_ASSERT_NOT_NULL(test, area);
		KUNIT_EXPECT_TRUE(test, area == pn0 || area == pn1 || area == res);
		for (j = 0; j < runs->run[i].nr_chunks; j++, k++)
			KUNIT_EXPECT_STREQ_MSG(test, area->name, areas[want[k]]->name,
					       "chunk %u", k);
	}
	KUNIT_EXPECT_EQ(test, k, 16);
}

static struct kunit_case chunk_numa_cases[] = {
	KUNIT_CASE(numa_view_test),
	KUNIT_CASE(numa_view_node_from_area_test),
	KUNIT_CASE(numa_plan_off_test),
	KUNIT_CASE(numa_plan_local_test),
	KUNIT_CASE(numa_plan_bind_test),
	KUNIT_CASE(numa_plan_interleave_test),
	KUNIT_CASE_PARAM(numa_parse_policy_test, policy_gen_params),
	KUNIT_CASE(numa_show_policy_test),
	KUNIT_CASE(numa_local_real_test),
	KUNIT_CASE(numa_local_fallback_real_test),
	KUNIT_CASE(numa_bind_real_test),
	KUNIT_CASE(numa_interleave_real_test),
	KUNIT_CASE(numa_interleave_partial_real_test),
	{}
};

static struct kunit_suite chunk_numa_suite = {
	.name = "chunk_heap_numa",
	.test_cases = chunk_numa_cases,
};

kunit_test_suites(&chunk_numa_suite);
