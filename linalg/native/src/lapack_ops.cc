// LAPACKE entry points (row-major). Each works in place on the arrays it is given and returns LAPACK's info.
#include <cblas.h>
#include <lapacke.h>
#include <algorithm>
#include <vector>
#include "args.h"
#include "ops.h"

namespace spec_linalg {

// u (n x n, upper triangle holding A) -> upper Cholesky factor, A = U^T U; the lower triangle is zeroed.
// The row-major upper triangle is the column-major lower one, so LAPACK runs on the caller's memory as it is
// (LAPACKE's row-major interface would transpose into an n x n copy: 1.2 GB at n = 12000).
Napi::Value Dpotrf(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  long long n = sizeArg(info, 1, "dpotrf", "n");
  if (n < 0) return env.Undefined();
  auto u = arrayArg<double>(info, 0, "dpotrf", "u", size_t(n) * size_t(n));
  if (!u.ok) return env.Undefined();
  if (n == 0) return Napi::Number::New(env, 0);
  lapack_int r = LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'L', lapack_int(n), u.data, lapack_int(n));
  const size_t nn = size_t(n);
  for (size_t i = 1; i < nn; i++) std::fill(u.data + i * nn, u.data + i * nn + i, 0.0);
  return Napi::Number::New(env, r);
}

// In place, a (n x n row-major) holding U (upper triangular, zero lower triangle) becomes: upper triangle with the
// diagonal = Theta = U D U^T, D = diag(I_split, -I_(n-split)); strict lower triangle = U^T (strict part); diag(U)
// goes to diag. So the solver keeps ONE n x n array for U and Theta (1.2 GB at n = 12000). Blocks (s = split):
// Theta11 = U11 U11^T - U12 U12^T (dlauum, then a SYRK reading the untouched U12), Theta12 = -U12 U22^T (dtrmm in
// place, reading the untouched U22), Theta22 = -U22 U22^T (dlauum). Row-major upper = column-major lower.
Napi::Value SignedOuterInPlace(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  long long n = sizeArg(info, 1, "signedOuterInPlace", "n");
  if (n < 0) return env.Undefined();
  long long split = sizeArg(info, 2, "signedOuterInPlace", "split");
  if (split < 0) return env.Undefined();
  if (split > n) {
    Napi::RangeError::New(env, "signedOuterInPlace: need split <= n").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto a = arrayArg<double>(info, 0, "signedOuterInPlace", "a", size_t(n) * size_t(n));
  if (!a.ok) return env.Undefined();
  auto dg = arrayArg<double>(info, 3, "signedOuterInPlace", "diag", size_t(n));
  if (!dg.ok) return env.Undefined();
  const size_t nn = size_t(n), s = size_t(split);
  double* b = a.data;
  for (size_t i = 0; i < nn; i++) {
    dg.data[i] = b[i * nn + i];
    for (size_t j = i + 1; j < nn; j++) b[j * nn + i] = b[i * nn + j];
  }
  const lapack_int N = lapack_int(n), S = lapack_int(split);
  lapack_int r = 0;
  if (s > 0) {
    r = LAPACKE_dlauum(LAPACK_COL_MAJOR, 'L', S, b, N);
    if (r != 0) return Napi::Number::New(env, r);
    if (s < nn) cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, S, N - S, -1.0, b + s, N, 1.0, b, N);
  }
  if (s < nn) {
    double* b22 = b + s * nn + s;
    if (s > 0) {
      cblas_dtrmm(CblasRowMajor, CblasRight, CblasUpper, CblasTrans, CblasNonUnit, S, N - S, -1.0, b22, N, b + s, N);
    }
    r = LAPACKE_dlauum(LAPACK_COL_MAJOR, 'L', N - S, b22, N);
    if (r != 0) return Napi::Number::New(env, r);
    for (size_t i = s; i < nn; i++) {
      for (size_t j = i; j < nn; j++) b[i * nn + j] = -b[i * nn + j];
    }
  }
  return Napi::Number::New(env, 0);
}

// w (n x k row-major) <- L w in place, L = strict lower triangle of a + diag(diag) (U^T after SignedOuterInPlace).
// The diagonal of a is overwritten with diag.
Napi::Value LowerTimes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  long long n = sizeArg(info, 1, "lowerTimes", "n");
  if (n < 0) return env.Undefined();
  long long k = sizeArg(info, 4, "lowerTimes", "k");
  if (k < 0) return env.Undefined();
  auto a = arrayArg<double>(info, 0, "lowerTimes", "a", size_t(n) * size_t(n));
  if (!a.ok) return env.Undefined();
  auto dg = arrayArg<double>(info, 2, "lowerTimes", "diag", size_t(n));
  if (!dg.ok) return env.Undefined();
  auto w = arrayArg<double>(info, 3, "lowerTimes", "w", size_t(n) * size_t(k));
  if (!w.ok) return env.Undefined();
  if (n == 0 || k == 0) return env.Undefined();
  const size_t nn = size_t(n);
  for (size_t i = 0; i < nn; i++) a.data[i * nn + i] = dg.data[i];
  cblas_dtrmm(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, int(n), int(k), 1.0, a.data, int(n),
              w.data, int(k));
  return env.Undefined();
}

// All eigenvalues of the symmetric a (w, ascending) and the eigenvectors of the kLow smallest and kHigh largest
// (z, n x (kLow + kHigh) row-major: low ones ascending, then high ones ascending). One tridiagonal reduction
// (dsytrd) in place in a, all eigenvalues of T (dsterf), the selected vectors of T (dstemr, MRRR) and one
// back-transformation of just those vectors (dormtr): dsyevd would also form all n vectors and dsyevr called twice
// reduces twice. Only the row-major upper triangle (with the diagonal) of a is read and overwritten; the strict
// lower triangle is left as it was (SignedOuterInPlace keeps U^T there). Returns LAPACK's info of the first failing step (negative: argument,
// positive: convergence).
Napi::Value EighEnds(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  long long n = sizeArg(info, 1, "eighEnds", "n");
  if (n < 0) return env.Undefined();
  long long kLow = sizeArg(info, 2, "eighEnds", "kLow");
  if (kLow < 0) return env.Undefined();
  long long kHigh = sizeArg(info, 3, "eighEnds", "kHigh");
  if (kHigh < 0) return env.Undefined();
  if (kLow + kHigh > n) {
    Napi::RangeError::New(env, "eighEnds: need kLow + kHigh <= n").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const size_t nn = size_t(n), k = size_t(kLow + kHigh);
  auto a = arrayArg<double>(info, 0, "eighEnds", "a", nn * nn);
  if (!a.ok) return env.Undefined();
  auto w = arrayArg<double>(info, 4, "eighEnds", "w", nn);
  if (!w.ok) return env.Undefined();
  auto z = arrayArg<double>(info, 5, "eighEnds", "z", nn * k);
  if (!z.ok) return env.Undefined();
  if (n == 0) return Napi::Number::New(env, 0);
  const lapack_int N = lapack_int(n);
  std::vector<double> d(nn), e(nn), tau(nn);
  // Row-major upper = column-major lower: the same triangle the other routines read.
  lapack_int r = LAPACKE_dsytrd(LAPACK_COL_MAJOR, 'L', N, a.data, N, d.data(), e.data(), tau.data());
  if (r != 0) return Napi::Number::New(env, r);
  std::copy(d.begin(), d.end(), w.data);
  std::vector<double> e2(e);
  r = LAPACKE_dsterf(N, w.data, e2.data());
  if (r != 0) return Napi::Number::New(env, r);
  if (k == 0) return Napi::Number::New(env, 0);
  std::vector<double> zc(nn * k);
  auto range = [&](lapack_int il, lapack_int iu, double* zcol) -> lapack_int {
    std::vector<double> dd(d), ee(e);
    ee.resize(nn + 1);
    std::vector<double> vals(nn);
    std::vector<lapack_int> isuppz(2 * size_t(iu - il + 1));
    lapack_int found = 0;
    lapack_logical tryrac = 1;
    lapack_int info2 = LAPACKE_dstemr(LAPACK_COL_MAJOR, 'V', 'I', N, dd.data(), ee.data(), 0.0, 0.0, il, iu, &found,
                                      vals.data(), zcol, N, iu - il + 1, isuppz.data(), &tryrac);
    if (info2 == 0 && found != iu - il + 1) return -1000;
    return info2;
  };
  if (kLow > 0) {
    r = range(1, lapack_int(kLow), zc.data());
    if (r != 0) return Napi::Number::New(env, r);
  }
  if (kHigh > 0) {
    r = range(N - lapack_int(kHigh) + 1, N, zc.data() + size_t(kLow) * nn);
    if (r != 0) return Napi::Number::New(env, r);
  }
  r = LAPACKE_dormtr(LAPACK_COL_MAJOR, 'L', 'L', 'N', N, lapack_int(k), a.data, N, tau.data(), zc.data(), N);
  if (r != 0) return Napi::Number::New(env, r);
  for (size_t i = 0; i < nn; i++) {
    for (size_t j = 0; j < k; j++) z.data[i * k + j] = zc[j * nn + i];
  }
  return Napi::Number::New(env, 0);
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
