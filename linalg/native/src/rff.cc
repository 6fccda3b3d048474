// Random Fourier features: per chunk of rows, X_c W by one gemm in the precision of W (dgemm, or sgemm when W is
// given in f32; rows converted to that precision chunk by chunk),
// then the scaled cos/sin written straight into the caller's output array, at any row stride and column offset
// (so the pipeline's Phi = [Phi_X, Phi_Y] block is filled in place), optionally adding each written value into
// column sums. The cos/sin pass is split over threads by rows: OpenBLAS parallelises only the dgemm, and the
// vector cos/sin of one thread would leave the other cores idle for ~10-15% of the feature time.
#include <cblas.h>
#include <algorithm>
#include <cmath>
#include <thread>
#include <type_traits>
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

// Centring for the single-precision route: rows enter the sgemm as x - c and the argument gets phase = c^T W back
// in double, so that the float32 rounding is relative to ||x - c|| (about the data's spread) rather than ||x||
// (which a large common offset would inflate).
struct Centring {
  const double* center;  // d values, or nullptr (no centring)
  const double* phase;   // m values, or nullptr (zero)
};

inline void cosSinRow(const double* proj, const Centring&, size_t m, double scale, double* c, double* s) {
  scaledCosSin(proj, m, scale, c, s);
}
inline void cosSinRow(const double* proj, const Centring&, size_t m, double scale, float* c, float* s) {
  scaledCosSin(proj, m, scale, c, s);
}
template <typename TO>
inline void cosSinRow(const float* proj, const Centring& cen, size_t m, double scale, TO* c, TO* s) {
  scaledCosSin(proj, cen.phase, m, scale, c, s);
}

template <typename TP, typename TO>
void cosSinRows(const TP* proj, const Centring& cen, size_t r0, size_t r1, size_t m, double scale, TO* out,
                size_t ld, double* partial) {
  for (size_t r = r0; r < r1; r++) {
    TO* o = out + r * ld;
    cosSinRow(proj + r * m, cen, m, scale, o, o + m);
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

// proj (rb x m) = xb (rb x d) * omega (d x m), in the precision of omega.
inline void project(const double* xb, const double* omega, size_t rb, size_t d, size_t m, double* proj) {
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(rb), int(m), int(d), 1.0, xb, int(d), omega, int(m),
              0.0, proj, int(m));
}
inline void project(const float* xb, const float* omega, size_t rb, size_t d, size_t m, float* proj) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(rb), int(m), int(d), 1.0f, xb, int(d), omega, int(m),
              0.0f, proj, int(m));
}

// TW (the type of omega) is the precision of the projection X W: double, or float for the single-precision route
// (sgemm, ~2x the dgemm rate), whose arguments carry ~1e-7 relative error; cos/sin are evaluated in double.
template <typename TX, typename TW, typename TO>
void rffBlocks(const TX* x, size_t rows, size_t d, const TW* omega, size_t m, TO* out, size_t ld, double* colSum,
               Centring cen) {
  thread_local std::vector<TW> proj;
  thread_local std::vector<TW> conv;
  size_t chunk = std::max(kMinChunkRows, kChunkBytes / (sizeof(TW) * std::max<size_t>(m, 1)));
  chunk = std::min(chunk, rows);
  if (proj.size() < chunk * m) proj.resize(chunk * m);
  const double scale = 1.0 / std::sqrt(double(m));
  std::vector<double> partials;
  // only the float32 route reads the phase (uncentred: zero); the float64 route needs none
  std::vector<double> zeroPhase;
  if (std::is_same<TW, float>::value && cen.phase == nullptr) {
    zeroPhase.assign(m, 0.0);
    cen.phase = zeroPhase.data();
  }
  for (size_t r0 = 0; r0 < rows; r0 += chunk) {
    const size_t rb = std::min(chunk, rows - r0);
    const TW* xb;
    if (sizeof(TX) == sizeof(TW) && cen.center == nullptr) {
      xb = reinterpret_cast<const TW*>(x + r0 * d);
    } else {
      if (conv.size() < chunk * d) conv.resize(chunk * d);
      const TX* src = x + r0 * d;
      if (cen.center == nullptr) {
        for (size_t i = 0; i < rb * d; i++) conv[i] = TW(src[i]);
      } else {
        for (size_t r = 0; r < rb; r++) {
          for (size_t k = 0; k < d; k++) conv[r * d + k] = TW(double(src[r * d + k]) - cen.center[k]);
        }
      }
      xb = conv.data();
    }
    if (d > 0) {
      project(xb, omega, rb, d, m, proj.data());
    } else {
      std::fill(proj.begin(), proj.begin() + rb * m, TW(0));
    }
    TO* ob = out + r0 * ld;
    const int nt = trigThreads(rb * m);
    if (colSum != nullptr) partials.assign(size_t(nt) * 2 * m, 0.0);
    // Plain pointers: a thread_local named inside the lambda would be the other thread's (empty) instance.
    const TW* pj = proj.data();
    double* ps = colSum != nullptr ? partials.data() : nullptr;
    auto part = [pj, &cen, ps, rb, nt, m, scale, ob, ld](int t) {
      const size_t a = rb * size_t(t) / size_t(nt), b = rb * size_t(t + 1) / size_t(nt);
      cosSinRows(pj, cen, a, b, m, scale, ob, ld, ps != nullptr ? ps + size_t(t) * 2 * m : nullptr);
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

template <typename TX, typename TW>
void rffOut(const Napi::CallbackInfo& info, const TX* x, size_t rows, size_t d, const TW* omega, size_t m,
            size_t ld, size_t off, double* colSum, const Centring& cen) {
  const size_t need = (rows - 1) * ld + off + 2 * m;
  if (isFloat32(info[5])) {
    auto o = arrayArg<float>(info, 5, "rff", "out", need);
    if (o.ok) rffBlocks(x, rows, d, omega, m, o.data + off, ld, colSum, cen);
  } else {
    auto o = arrayArg<double>(info, 5, "rff", "out", need);
    if (o.ok) rffBlocks(x, rows, d, omega, m, o.data + off, ld, colSum, cen);
  }
}

template <typename TW>
void rffInput(const Napi::CallbackInfo& info, size_t rows, size_t d, const TW* omega, size_t m, size_t ld,
              size_t off, double* colSum, const Centring& cen) {
  const size_t nx = rows * d;
  if (isFloat32(info[0])) {
    auto x = arrayArg<float>(info, 0, "rff", "x", nx);
    if (x.ok) rffOut(info, x.data, rows, d, omega, m, ld, off, colSum, cen);
  } else {
    auto x = arrayArg<double>(info, 0, "rff", "x", nx);
    if (x.ok) rffOut(info, x.data, rows, d, omega, m, ld, off, colSum, cen);
  }
}
}  // namespace

// rff(x, rows, d, omega, m, out[, ld, off[, colSum[, center, phase]]]): x rows x d (f32|f64), omega d x m (f64,
// or f32 for the single-precision projection, which may be centred: center d (f64), phase = center^T W m (f64));
// row r of the
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
  const size_t nw = size_t(d) * size_t(m);
  Centring cen{nullptr, nullptr};
  if (info.Length() > 10 && !info[9].IsUndefined() && !info[9].IsNull()) {
    if (!isFloat32(info[3])) {
      Napi::TypeError::New(env, "rff: center/phase apply to the float32 projection only").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    auto c = arrayArg<double>(info, 9, "rff", "center", size_t(d));
    if (!c.ok) return env.Undefined();
    auto ph = arrayArg<double>(info, 10, "rff", "phase", size_t(m));
    if (!ph.ok) return env.Undefined();
    cen = Centring{c.data, ph.data};
  }
  if (isFloat32(info[3])) {
    auto omega = arrayArg<float>(info, 3, "rff", "omega", nw);
    if (omega.ok) {
      rffInput(info, size_t(rows), size_t(d), omega.data, size_t(m), size_t(ld), size_t(off), colSum, cen);
    }
  } else {
    auto omega = arrayArg<double>(info, 3, "rff", "omega", nw);
    if (omega.ok) {
      rffInput(info, size_t(rows), size_t(d), omega.data, size_t(m), size_t(ld), size_t(off), colSum, cen);
    }
  }
  return env.Undefined();
}

}  // namespace spec_linalg
