// Imported first by the benchmarks: this machine's environment pins OpenBLAS to its Haswell kernels (a workaround
// for old OpenBLAS builds); a benchmark lets OpenBLAS detect the core itself. It must run before the native addon
// loads OpenBLAS, so it is a module with only this side effect. Tests and CI keep the environment as it is.
delete process.env.OPENBLAS_CORETYPE;
delete process.env.OPENBLAS_L2_SIZE;
