using BenchmarkDotNet.Running;

// BenchmarkDotNet suites of Theta. Run, e.g.:
//   dotnet run -c Release --project bench/Theta.Bench -- --filter '*Gemm*'
BenchmarkSwitcher.FromAssembly(typeof(Theta.Bench.GemmBenchmarks).Assembly).Run(args);
