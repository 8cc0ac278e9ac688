#if canImport(CMalloc) && os(Linux)
    import CMalloc
#endif

/// glibc's allocator settings for the estimator's working tables. Estimation allocates
/// model-sized tables (potentials, exponentials, marginals) in every iteration; above glibc's
/// mmap threshold each is a fresh mapping whose pages the kernel zeroes on first touch and
/// unmaps on free. Up to 32 MB (glibc's largest threshold) they come from the heap instead, and
/// up to 256 MB of freed heap is kept for the next iteration rather than trimmed. One arena for
/// every thread: tables freed by the worker threads return to the heap the next allocation
/// reuses, instead of to per-thread arenas that each keep their own freed memory resident.
/// Only speed and resident memory change: the same tables are allocated and freed.
enum AllocatorSettings {
    static func apply() {
        #if canImport(CMalloc) && os(Linux)
            _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)
            _ = mallopt(M_TRIM_THRESHOLD, 256 << 20)
            _ = mallopt(M_ARENA_MAX, 1)
        #endif
    }
}
