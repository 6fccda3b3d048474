{
  "targets": [
    {
      # cos/sin loop of the RFF kernel, built alone with -ffast-math (all of it: glibc declares the libmvec
      # variants only when __FAST_MATH__ is defined) so that GCC vectorises it; the rest of the addon keeps strict IEEE semantics.
      "target_name": "spec_linalg_trig",
      "type": "static_library",
      "sources": ["src/trig.cc"],
      "cflags!": ["-O2", "-O0"],
      "cflags_cc!": ["-O2", "-O0"],
      "cflags": ["-fPIC"],
      "cflags_cc": ["-std=c++17", "-O3", "-ffast-math", "-fopenmp-simd"]
    },
    {
      "target_name": "spec_linalg",
      "dependencies": ["spec_linalg_trig"],
      "sources": ["src/addon.cc", "src/blas_ops.cc", "src/lapack_ops.cc", "src/rff.cc", "src/prefetch.cc", "src/fsops.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions", "-O2", "-O0"],
      "cflags_cc!": ["-fno-exceptions", "-O2", "-O0"],
      "cflags_cc": ["-std=c++17", "-O3"],
      "libraries": ["-lopenblas", "-llapacke", "-lm"]
    }
  ]
}
