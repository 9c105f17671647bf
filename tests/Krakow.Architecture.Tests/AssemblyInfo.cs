// Cecil reads lazily and is not thread-safe; the tests share one read of each assembly, so they run one at a time
// (the whole suite takes seconds).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
