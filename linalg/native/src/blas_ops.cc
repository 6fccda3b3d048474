// Level-3 BLAS entry points: SYRK into a float64 upper triangle, and GEMM.
#include <cblas.h>
#include <vector>
#include "args.h"
#include "ops.h"

namespace spec_linalg {

// acc (d x d, f64) upper triangle += A^T A, A rows x d row-major f64; BLAS accumulates into acc directly.
Napi::Value SyrkF64(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  long long rows = sizeArg(info, 2, "syrkF64", "rows");
  if (rows < 0) return env.Undefined();
  long long d = sizeArg(info, 3, "syrkF64", "d");
  if (d < 0) return env.Undefined();
  auto acc = arrayArg<double>(info, 0, "syrkF64", "acc", size_t(d) * size_t(d));
  if (!acc.ok) return env.Undefined();
  auto a = arrayArg<double>(info, 1, "syrkF64", "a", size_t(rows) * size_t(d));
  if (!a.ok) return env.Undefined();
  if (rows == 0 || d == 0) return env.Undefined();
  cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, int(d), int(rows), 1.0, a.data, int(d), 1.0, acc.data, int(d));
  return env.Undefined();
}

// f32 input: the product is formed in f32 (twice the BLAS rate) into a scratch matrix, then added into the f64
// accumulator, so the f32 rounding error does not compound across calls.
Napi::Value SyrkF32(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  long long rows = sizeArg(info, 2, "syrkF32", "rows");
  if (rows < 0) return env.Undefined();
  long long d = sizeArg(info, 3, "syrkF32", "d");
  if (d < 0) return env.Undefined();
  auto acc = arrayArg<double>(info, 0, "syrkF32", "acc", size_t(d) * size_t(d));
  if (!acc.ok) return env.Undefined();
  auto a = arrayArg<float>(info, 1, "syrkF32", "a", size_t(rows) * size_t(d));
  if (!a.ok) return env.Undefined();
  if (rows == 0 || d == 0) return env.Undefined();
  thread_local std::vector<float> scratch;
  const size_t dd = size_t(d) * size_t(d);
  if (scratch.size() < dd) scratch.resize(dd);
  float* s = scratch.data();
  cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, int(d), int(rows), 1.0f, a.data, int(d), 0.0f, s, int(d));
  double* c = acc.data;
  for (size_t i = 0; i < size_t(d); i++) {
    const size_t row = i * size_t(d);
    for (size_t j = i; j < size_t(d); j++) c[row + j] += double(s[row + j]);
  }
  return env.Undefined();
}

// c (m x n) = op(a) op(b); a is stored k x m when transposed, b is stored n x k when transposed.
Napi::Value Dgemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  long long m = sizeArg(info, 2, "dgemm", "m");
  if (m < 0) return env.Undefined();
  long long k = sizeArg(info, 3, "dgemm", "k");
  if (k < 0) return env.Undefined();
  long long n = sizeArg(info, 4, "dgemm", "n");
  if (n < 0) return env.Undefined();
  const bool ta = info.Length() > 5 && info[5].ToBoolean().Value();
  const bool tb = info.Length() > 6 && info[6].ToBoolean().Value();
  auto a = arrayArg<double>(info, 0, "dgemm", "a", size_t(m) * size_t(k));
  if (!a.ok) return env.Undefined();
  auto b = arrayArg<double>(info, 1, "dgemm", "b", size_t(k) * size_t(n));
  if (!b.ok) return env.Undefined();
  auto c = arrayArg<double>(info, 7, "dgemm", "c", size_t(m) * size_t(n));
  if (!c.ok) return env.Undefined();
  if (m == 0 || n == 0) return env.Undefined();
  if (k == 0) {
    for (size_t i = 0; i < size_t(m) * size_t(n); i++) c.data[i] = 0.0;
    return env.Undefined();
  }
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, int(m), int(n), int(k),
              1.0, a.data, ta ? int(m) : int(k), b.data, tb ? int(k) : int(n), 0.0, c.data, int(n));
  return env.Undefined();
}

Napi::Value Config(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  const char* cfg = openblas_get_config();
  const char* core = openblas_get_corename();
  o.Set("config", Napi::String::New(env, cfg ? cfg : ""));
  o.Set("corename", Napi::String::New(env, core ? core : ""));
  o.Set("threads", Napi::Number::New(env, openblas_get_num_threads()));
  return o;
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  long long n = sizeArg(info, 0, "setThreads", "n");
  if (n < 0) return env.Undefined();
  if (n < 1) {
    Napi::RangeError::New(env, "setThreads: n must be at least 1").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  openblas_set_num_threads(int(n));
  return env.Undefined();
}

}  // namespace spec_linalg
