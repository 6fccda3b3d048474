// Random Fourier features: per chunk of rows, X_c W by one dgemm in f64 (f32 rows widened first, chunk by chunk),
// then the scaled cos/sin written straight into the caller's output array, at any row stride and column offset
// (so the pipeline's Phi = [Phi_X, Phi_Y] block is filled in place), optionally adding each written value into
// column sums. The cos/sin pass is split over threads by rows: OpenBLAS parallelises only the dgemm, and the
// vector cos/sin of one thread would leave the other cores idle for ~10-15% of the feature time.
#include <cblas.h>
#include <algorithm>
#include <cmath>
#include <thread>
#include <vector>
#include "args.h"
#include "ops.h"
#include "trig.h"

namespace spec_linalg {

namespace {
// Projections of one chunk stay <= ~16 MB (m up to 8192 still gets >= 256 rows per dgemm).
constexpr size_t kChunkBytes = size_t(16) << 20;
constexpr size_t kMinChunkRows = 64;
// Below this many values a second thread costs more than it saves.
constexpr size_t kMinValuesPerThread = size_t(1) << 16;

template <typename TO>
void cosSinRows(const double* proj, size_t r0, size_t r1, size_t m, double scale, TO* out, size_t ld,
                double* partial) {
  for (size_t r = r0; r < r1; r++) {
    TO* o = out + r * ld;
    scaledCosSin(proj + r * m, m, scale, o, o + m);
    if (partial != nullptr) {
      for (size_t j = 0; j < 2 * m; j++) partial[j] += double(o[j]);
    }
  }
}

int trigThreads(size_t values) {
  int t = openblas_get_num_threads();
  const int hw = int(std::max(1u, std::thread::hardware_concurrency()));
  t = std::max(1, std::min(t, hw));
  const size_t useful = std::max<size_t>(1, values / kMinValuesPerThread);
  return int(std::min<size_t>(size_t(t), useful));
}

template <typename TX, typename TO>
void rffBlocks(const TX* x, size_t rows, size_t d, const double* omega, size_t m, TO* out, size_t ld,
               double* colSum) {
  thread_local std::vector<double> proj;
  thread_local std::vector<double> wide;
  size_t chunk = std::max(kMinChunkRows, kChunkBytes / (8 * std::max<size_t>(m, 1)));
  chunk = std::min(chunk, rows);
  if (proj.size() < chunk * m) proj.resize(chunk * m);
  const double scale = 1.0 / std::sqrt(double(m));
  std::vector<double> partials;
  for (size_t r0 = 0; r0 < rows; r0 += chunk) {
    const size_t rb = std::min(chunk, rows - r0);
    const double* xb;
    if constexpr (sizeof(TX) == sizeof(double)) {
      xb = x + r0 * d;
    } else {
      if (wide.size() < chunk * d) wide.resize(chunk * d);
      const TX* src = x + r0 * d;
      for (size_t i = 0; i < rb * d; i++) wide[i] = double(src[i]);
      xb = wide.data();
    }
    if (d > 0) {
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(rb), int(m), int(d), 1.0, xb, int(d), omega, int(m),
                  0.0, proj.data(), int(m));
    } else {
      std::fill(proj.begin(), proj.begin() + rb * m, 0.0);
    }
    TO* ob = out + r0 * ld;
    const int nt = trigThreads(rb * m);
    if (colSum != nullptr) partials.assign(size_t(nt) * 2 * m, 0.0);
    // Plain pointers: a thread_local named inside the lambda would be the other thread's (empty) instance.
    const double* pj = proj.data();
    double* ps = colSum != nullptr ? partials.data() : nullptr;
    auto part = [pj, ps, rb, nt, m, scale, ob, ld](int t) {
      const size_t a = rb * size_t(t) / size_t(nt), b = rb * size_t(t + 1) / size_t(nt);
      cosSinRows(pj, a, b, m, scale, ob, ld, ps != nullptr ? ps + size_t(t) * 2 * m : nullptr);
    };
    if (nt == 1) {
      part(0);
    } else {
      std::vector<std::thread> pool;
      for (int t = 1; t < nt; t++) pool.emplace_back(part, t);
      part(0);
      for (auto& th : pool) th.join();
    }
    if (colSum != nullptr) {
      for (int t = 0; t < nt; t++) {
        const double* p = partials.data() + size_t(t) * 2 * m;
        for (size_t j = 0; j < 2 * m; j++) colSum[j] += p[j];
      }
    }
  }
}

template <typename TX>
void rffOut(const Napi::CallbackInfo& info, const TX* x, size_t rows, size_t d, const double* omega, size_t m,
            size_t ld, size_t off, double* colSum) {
  const size_t need = (rows - 1) * ld + off + 2 * m;
  if (isFloat32(info[5])) {
    auto o = arrayArg<float>(info, 5, "rff", "out", need);
    if (o.ok) rffBlocks(x, rows, d, omega, m, o.data + off, ld, colSum);
  } else {
    auto o = arrayArg<double>(info, 5, "rff", "out", need);
    if (o.ok) rffBlocks(x, rows, d, omega, m, o.data + off, ld, colSum);
  }
}
}  // namespace

// rff(x, rows, d, omega, m, out[, ld, off[, colSum]]): x rows x d (f32|f64), omega d x m (f64); row r of the
// features goes to out[r*ld + off .. r*ld + off + 2m) (f32|f64; ld defaults to 2m, off to 0); colSum (f64), when
// given, gets each written value added at index off + j.
Napi::Value Rff(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  long long rows = sizeArg(info, 1, "rff", "rows");
  if (rows < 0) return env.Undefined();
  long long d = sizeArg(info, 2, "rff", "d");
  if (d < 0) return env.Undefined();
  long long m = sizeArg(info, 4, "rff", "m");
  if (m < 0) return env.Undefined();
  long long ld = 2 * m, off = 0;
  if (info.Length() > 6 && !info[6].IsUndefined()) {
    ld = sizeArg(info, 6, "rff", "ld");
    if (ld < 0) return env.Undefined();
  }
  if (info.Length() > 7 && !info[7].IsUndefined()) {
    off = sizeArg(info, 7, "rff", "off");
    if (off < 0) return env.Undefined();
  }
  if (off + 2 * m > ld) {
    Napi::RangeError::New(env, "rff: off + 2m must not exceed ld").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (rows == 0 || m == 0) return env.Undefined();
  auto omega = arrayArg<double>(info, 3, "rff", "omega", size_t(d) * size_t(m));
  if (!omega.ok) return env.Undefined();
  double* colSum = nullptr;
  if (info.Length() > 8 && !info[8].IsUndefined() && !info[8].IsNull()) {
    auto cs = arrayArg<double>(info, 8, "rff", "colSum", size_t(off + 2 * m));
    if (!cs.ok) return env.Undefined();
    colSum = cs.data + off;
  }
  if (info.Length() < 6) {
    Napi::TypeError::New(env, "rff: argument out is missing").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const size_t nx = size_t(rows) * size_t(d);
  if (isFloat32(info[0])) {
    auto x = arrayArg<float>(info, 0, "rff", "x", nx);
    if (x.ok) rffOut(info, x.data, size_t(rows), size_t(d), omega.data, size_t(m), size_t(ld), size_t(off), colSum);
  } else {
    auto x = arrayArg<double>(info, 0, "rff", "x", nx);
    if (x.ok) rffOut(info, x.data, size_t(rows), size_t(d), omega.data, size_t(m), size_t(ld), size_t(off), colSum);
  }
  return env.Undefined();
}

}  // namespace spec_linalg
