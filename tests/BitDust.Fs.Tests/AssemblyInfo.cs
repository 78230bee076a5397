// Real mounts and real suppliers: tests in one class share nothing, but several mounts at once on 2 cores only slow each other.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]
