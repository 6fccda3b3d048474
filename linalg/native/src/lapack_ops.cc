// LAPACKE entry points (row-major). Each works in place on the arrays it is given and returns LAPACK's info.
#include <lapacke.h>
#include <vector>
#include "args.h"
#include "ops.h"

namespace spec_linalg {

// u (n x n, upper triangle holding A) -> upper Cholesky factor, A = U^T U.
Napi::Value Dpotrf(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  long long n = sizeArg(info, 1, "dpotrf", "n");
  if (n < 0) return env.Undefined();
  auto u = arrayArg<double>(info, 0, "dpotrf", "u", size_t(n) * size_t(n));
  if (!u.ok) return env.Undefined();
  lapack_int r = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'U', lapack_int(n), u.data, lapack_int(n));
  return Napi::Number::New(env, r);
}

// a (n x n, upper triangle read) -> eigenvectors as columns; w <- ascending eigenvalues.
Napi::Value Dsyevd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  long long n = sizeArg(info, 1, "dsyevd", "n");
  if (n < 0) return env.Undefined();
  auto a = arrayArg<double>(info, 0, "dsyevd", "a", size_t(n) * size_t(n));
  if (!a.ok) return env.Undefined();
  auto w = arrayArg<double>(info, 2, "dsyevd", "w", size_t(n));
  if (!w.ok) return env.Undefined();
  lapack_int r = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', lapack_int(n), a.data, lapack_int(n), w.data);
  return Napi::Number::New(env, r);
}

// Eigenpairs il..iu (0-based, inclusive): w[0..k) ascending, z (n x k) eigenvectors as columns. a is destroyed.
Napi::Value Dsyevr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  long long n = sizeArg(info, 1, "dsyevr", "n");
  if (n < 0) return env.Undefined();
  long long il = sizeArg(info, 2, "dsyevr", "il");
  if (il < 0) return env.Undefined();
  long long iu = sizeArg(info, 3, "dsyevr", "iu");
  if (iu < 0) return env.Undefined();
  if (il > iu || iu >= n) {
    Napi::RangeError::New(env, "dsyevr: need 0 <= il <= iu < n").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const size_t k = size_t(iu - il + 1);
  auto a = arrayArg<double>(info, 0, "dsyevr", "a", size_t(n) * size_t(n));
  if (!a.ok) return env.Undefined();
  auto w = arrayArg<double>(info, 4, "dsyevr", "w", size_t(n));
  if (!w.ok) return env.Undefined();
  auto z = arrayArg<double>(info, 5, "dsyevr", "z", size_t(n) * k);
  if (!z.ok) return env.Undefined();
  std::vector<lapack_int> isuppz(2 * size_t(n));
  lapack_int found = 0;
  lapack_int r = LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'V', 'I', 'U', lapack_int(n), a.data, lapack_int(n), 0.0, 0.0,
                                lapack_int(il + 1), lapack_int(iu + 1), 0.0, &found, w.data, z.data,
                                lapack_int(k), isuppz.data());
  if (r == 0 && size_t(found) != k) {
    Napi::Error::New(env, "dsyevr: returned " + std::to_string(found) + " eigenpairs, expected " +
                              std::to_string(k)).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return Napi::Number::New(env, r);
}

// General eigenproblem: wr, wi <- eigenvalues; vr (n x n) <- right eigenvectors as columns. a is destroyed.
Napi::Value Dgeev(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  long long n = sizeArg(info, 1, "dgeev", "n");
  if (n < 0) return env.Undefined();
  auto a = arrayArg<double>(info, 0, "dgeev", "a", size_t(n) * size_t(n));
  if (!a.ok) return env.Undefined();
  auto wr = arrayArg<double>(info, 2, "dgeev", "wr", size_t(n));
  if (!wr.ok) return env.Undefined();
  auto wi = arrayArg<double>(info, 3, "dgeev", "wi", size_t(n));
  if (!wi.ok) return env.Undefined();
  auto vr = arrayArg<double>(info, 4, "dgeev", "vr", size_t(n) * size_t(n));
  if (!vr.ok) return env.Undefined();
  double vl_unused = 0.0;
  lapack_int r = LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', 'V', lapack_int(n), a.data, lapack_int(n), wr.data, wi.data,
                               &vl_unused, lapack_int(n), vr.data, lapack_int(n));
  return Napi::Number::New(env, r);
}

}  // namespace spec_linalg
