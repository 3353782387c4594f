using Xunit;

// Each test runs a whole system (eight processes); one at a time keeps a 2-core machine responsive.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
