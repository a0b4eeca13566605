/* SPDX-License-Identifier: GPL-2.0 */
/*
 * chunk_heap trace events, in /sys/kernel/tracing/events/chunk_heap/.
 *
 * Every event names its heap. Lengths and byte counts are in bytes, times
 * in nanoseconds.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM chunk_heap

#if !defined(_CHUNK_HEAP_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _CHUNK_HEAP_TRACE_H

#include <linux/string.h>
#include <linux/tracepoint.h>

#include "core.h"

/* An allocation starts, or a buffer is freed: the heap and the length. */
DECLARE_EVENT_CLASS(chunk_heap_len,
		    TP_PROTO(const struct chunk_heap *heap, unsigned long len),
		    TP_ARGS(heap, len),
		    TP_STRUCT__entry(__array(char, heap, CHUNK_HEAP_NAME_MAX + 1)
				     __field(unsigned long, len)),
		    TP_fast_assign(memcpy(__entry->heap, heap->name, sizeof(__entry->heap));
				   __entry->len = len;),
		    TP_printk("heap=%s len=%lu", __entry->heap, __entry->len)
);

DEFINE_EVENT(chunk_heap_len, chunk_heap_alloc_start,
	     TP_PROTO(const struct chunk_heap *heap, unsigned long len),
	     TP_ARGS(heap, len)
);

DEFINE_EVENT(chunk_heap_len, chunk_heap_free,
	     TP_PROTO(const struct chunk_heap *heap, unsigned long len),
	     TP_ARGS(heap, len)
);

TRACE_EVENT(chunk_heap_alloc_end,
	    TP_PROTO(const struct chunk_heap *heap, unsigned long len,
		     const struct chunk_runs *runs, u64 ns, int ret),
	    TP_ARGS(heap, len, runs, ns, ret),
	    TP_STRUCT__entry(__array(char, heap, CHUNK_HEAP_NAME_MAX + 1)
			     __field(unsigned long, len)
			     __field(unsigned int, runs)
			     __field(unsigned long, cma_calls)
			     __field(unsigned long, pool_bytes)
			     __field(u64, ns)
			     __field(int, ret)),
	    TP_fast_assign(memcpy(__entry->heap, heap->name, sizeof(__entry->heap));
			   __entry->len = len;
			   __entry->runs = runs->nr_runs;
			   __entry->cma_calls = runs->cma_calls;
			   __entry->pool_bytes = runs->pool_chunks <<
						(PAGE_SHIFT + runs->order);
			   __entry->ns = ns;
			   __entry->ret = ret;),
	    TP_printk("heap=%s len=%lu runs=%u cma_calls=%lu pool_bytes=%lu ns=%llu ret=%d",
		      __entry->heap, __entry->len, __entry->runs,
		      __entry->cma_calls, __entry->pool_bytes, __entry->ns,
		      __entry->ret)
);

TRACE_EVENT(chunk_heap_pool_refill,
	    TP_PROTO(const struct chunk_heap *heap, u64 bytes, u64 ready, u64 ns),
	    TP_ARGS(heap, bytes, ready, ns),
	    TP_STRUCT__entry(__array(char, heap, CHUNK_HEAP_NAME_MAX + 1)
			     __field(u64, bytes)
			     __field(u64, ready)
			     __field(u64, ns)),
	    TP_fast_assign(memcpy(__entry->heap, heap->name, sizeof(__entry->heap));
			   __entry->bytes = bytes;
			   __entry->ready = ready;
			   __entry->ns = ns;),
	    TP_printk("heap=%s bytes=%llu ready=%llu ns=%llu",
		      __entry->heap, __entry->bytes, __entry->ready,
		      __entry->ns)
);

/* @nid: the node reclaim ran on, -1 for every node (the OOM notifier). */
TRACE_EVENT(chunk_heap_pool_shrink,
	    TP_PROTO(const struct chunk_heap *heap, int nid, u64 asked, u64 bytes,
		     u64 ready),
	    TP_ARGS(heap, nid, asked, bytes, ready),
	    TP_STRUCT__entry(__array(char, heap, CHUNK_HEAP_NAME_MAX + 1)
			     __field(int, nid)
			     __field(u64, asked)
			     __field(u64, bytes)
			     __field(u64, ready)),
	    TP_fast_assign(memcpy(__entry->heap, heap->name, sizeof(__entry->heap));
			   __entry->nid = nid;
			   __entry->asked = asked;
			   __entry->bytes = bytes;
			   __entry->ready = ready;),
	    TP_printk("heap=%s nid=%d asked=%llu bytes=%llu ready=%llu",
		      __entry->heap, __entry->nid, __entry->asked, __entry->bytes,
		      __entry->ready)
);

#endif /* _CHUNK_HEAP_TRACE_H */

/* Outside the guard: define_trace.h reads this header again. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#define TRACE_INCLUDE_FILE chunk_trace
#include <trace/define_trace.h>
